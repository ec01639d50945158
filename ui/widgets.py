"""Small building blocks shared by pages (no domain knowledge)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from nicegui import ui

from domain.errors import DomainError, ValidationFailed
from ui.i18n import _, error_text, field_errors

T = TypeVar("T", bound=ui.element)


def empty_state(icon: str, title: str, text: str) -> None:
    """What a page shows when it has nothing yet: what it is for and how to start."""
    with ui.column().classes("items-center w-full py-12 gap-2 text-center") as box:
        box.props('role="status"')
        ui.icon(icon, size="xl").classes("text-grey-6")
        ui.label(title).classes("text-subtitle1")
        ui.label(text).classes("text-body2 text-grey-7 max-w-xl")


def show_error(error: DomainError, fields: Mapping[str, ui.element] | None = None) -> None:
    """Put each field's message at its field, and the overall refusal in a notification.

    A `ValidationFailed` with per-field parameters (`field_params`) fills each message
    with its own field's parameters."""
    per_field = _field_messages(error)
    shown = False
    for name, element in (fields or {}).items():
        message = per_field.get(name)
        if message:
            mark_error(element, message)
            shown = True
        else:
            _unmark(element)
    ui.notify(error_text(error) if not shown else _("Please correct the highlighted fields."), type="negative",
              position="top")


def _field_messages(error: DomainError) -> dict[str, str]:
    if not isinstance(error, ValidationFailed) or not error.field_params:
        return field_errors(error)
    return {name: _(msgid, **error.params_for(name)) for name, msgid in error.fields.items()}


def mark_error(element: ui.element, message: str) -> None:
    """Show `message` under the field (Quasar's error slot; text, never HTML)."""
    element.props["error"] = True
    element.props["error-message"] = message
    element.update()


def clear_errors(fields: Mapping[str, ui.element]) -> None:
    for element in fields.values():
        _unmark(element)


def _unmark(element: ui.element) -> None:
    element.props.pop("error", None)
    element.props.pop("error-message", None)
    element.update()


def forbidden() -> None:
    empty_state("block", _("You do not have access to this page."),
                _("Ask an administrator of this tenant for the permission you need."))



def labelled(element: T, text: str) -> T:
    """Give `element` an accessible name (set as a prop value: no attribute parsing, no escaping issues)."""
    element.props["aria-label"] = text
    element.update()
    return element


def dialog_buttons(dialog: ui.dialog, label: str, on_confirm: Callable[[], Any]) -> ui.button:
    """A dialog's closing row: Cancel (closes, changes nothing) and the confirming button."""
    with ui.row().classes("justify-end w-full"):
        ui.button(_("Cancel"), on_click=dialog.close).props("flat")
        return ui.button(label, on_click=on_confirm).props("unelevated")
