"""The designer's toolbar, built once and updated in place.

Rebuilding it after every edit would replace its buttons under the pointer (a click
landing just as validation finished would be lost), so each control is created once
and `update()` sets what changes: names, badges, enabled states and their reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nicegui import ui

from engine.model import label_text
from engine.problems import has_errors
from ui.i18n import _, current_locale
from ui.widgets import labelled

if TYPE_CHECKING:
    from ui.designer.editor import Editor

NEEDS_NO_ERRORS = "Fix the errors listed under the canvas first."


class Toolbar:
    def __init__(self, editor: Editor) -> None:
        self.editor = editor
        with ui.row().classes("w-full items-center gap-1 no-wrap").props('role="toolbar"') as bar:
            labelled(bar, _("Designer tools"))
            self._icon(_("Back to the workflows"), "arrow_back", lambda: ui.navigate.to("/designer"))
            self.title = ui.label().classes("text-subtitle1 text-weight-medium ellipsis")
            self.status = ui.badge().props("outline")
            self.unsaved = ui.badge(_("Unsaved changes"), color="warning")
            ui.space()
            self.undo = self._icon(_("Undo (Ctrl+Z)"), "undo", editor.undo)
            self.redo = self._icon(_("Redo (Ctrl+Y)"), "redo", editor.redo)
            self._icon(_("Arrange automatically"), "account_tree", lambda: editor.canvas.auto_layout())
            self._icon(_("Fit to screen"), "fit_screen", lambda: editor.canvas.fit())
            ui.separator().props("vertical")
            self.clear = ui.button(_("Clear highlights"), icon="close", on_click=lambda: editor.show_path([], None))\
                .props("flat dense no-caps color=accent")
            self.simulate, self.simulate_why = self._text(_("Simulate"), "science", editor.simulate)
            self.versions, self.versions_why = self._text(_("Versions"), "history", editor.versions)
            with ui.button(_("Export"), icon="download").props("flat dense no-caps"), ui.menu():
                ui.menu_item(_("YAML file"), on_click=lambda: editor.export("yaml"))
                ui.menu_item(_("JSON file"), on_click=lambda: editor.export("json"))
            self._text(_("Save draft"), "save", editor.save)
            self.publish, self.publish_why = self._text(_("Publish"), "publish", editor.publish, flat=False)
        self.update()

    def update(self) -> None:
        editor, locale = self.editor, current_locale()
        name = editor.doc.doc.get("name")
        self.title.text = label_text({"*": name} if isinstance(name, str) else name, locale,
                                     str(editor.doc.doc.get("key", "")))
        self.status.text = editor.status_text()
        self.unsaved.visible = editor.doc.dirty
        self.undo.set_enabled(editor.doc.can_undo)
        self.redo.set_enabled(editor.doc.can_redo)
        self.clear.visible = bool(editor.marks)
        errors = has_errors(editor.problems)
        _gate(self.simulate, self.simulate_why, not errors, _(NEEDS_NO_ERRORS))
        published = editor.version is not None and editor.version.status != "draft" and not editor.doc.dirty
        _gate(self.publish, self.publish_why, not errors and not published,
              _(NEEDS_NO_ERRORS) if errors else _("This version is published already: change something first."))
        _gate(self.versions, self.versions_why, editor.saved_once, _("Save a draft first."))

    def _icon(self, label: str, icon: str, handler: Callable[[], Any]) -> ui.button:
        button = ui.button(icon=icon, on_click=handler).props("flat dense round")
        labelled(button, label).tooltip(label)
        return button

    def _text(self, label: str, icon: str, handler: Callable[[], Any], *, flat: bool = True
              ) -> tuple[ui.button, ui.tooltip]:
        button = ui.button(label, icon=icon, on_click=handler).props("dense no-caps" + (" flat" if flat else ""))
        with button:
            why = ui.tooltip("")
        return button, why


def _gate(button: ui.button, why: ui.tooltip, enabled: bool, reason: str) -> None:
    """Enable `button`, or disable it with `reason` as its tooltip (shown on the disabled button)."""
    button.set_enabled(enabled)
    why.text = "" if enabled else reason
    why.visible = not enabled
