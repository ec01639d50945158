"""Inputs the designer's panels share: commit-on-blur text, per-language labels, icon buttons,
and the slots in which list editors keep their rows across redraws of the panel.

Each text input commits when it loses focus or on Enter, and only when its text
changed: one undo step per change, not per keystroke.

The properties panel is rebuilt from the document after many edits (a rename, undo, selecting
an element again), and each rebuild makes new editors. A row the document cannot hold yet (an
action without its recipient) would go with the old editor; so an editor given a *slot* (a dict
the panel keeps per element and list) leaves its rows there, with the value it last reported,
and the next editor of that list takes them back while the document still holds that value.
Once the document says something else (an undo, an import), the rows are read from it again.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from nicegui import ui

from engine.model import label_text
from locales.catalogs import LOCALES
from ui.i18n import LANGUAGE_NAMES, _, current_locale
from ui.widgets import labelled, mark_error


def as_label(value: Any) -> dict[str, str] | None:
    """A label as `engine.model.label_text` takes it (a plain string stands for every locale)."""
    return {"*": value} if isinstance(value, str) else value


def as_map(label: Any) -> dict[str, str]:
    """A label as locale → text (a plain string stands for every locale)."""
    if isinstance(label, str):
        return dict.fromkeys(LOCALES, label)
    return {k: v for k, v in (label or {}).items() if isinstance(v, str)} if isinstance(label, Mapping) else {}


def with_text(label: Any, locale: str, text: str) -> dict[str, str] | None:
    """`label` with `locale`'s text set (removed when empty); None when no text is left."""
    updated = {k: v for k, v in {**as_map(label), locale: text.strip()}.items() if v}
    return updated or None


def label_inputs(current: Callable[[], Any], on_commit: Callable[[dict[str, str] | None], None],
                 msgid: str) -> None:
    """One input per language (`msgid` takes `{language}`); each commit merges into the label as it is now."""
    def committer(locale: str) -> Callable[[str], None]:
        return lambda text: on_commit(with_text(current(), locale, text))

    names = as_map(current())
    for locale in LOCALES:
        commit_input(_(msgid, language=LANGUAGE_NAMES.get(locale, locale)), names.get(locale, ""), committer(locale))


def shown_label(label: Any, fallback: str) -> str:
    if isinstance(label, str):
        return label or fallback
    return label_text(label, current_locale(), fallback) if isinstance(label, Mapping) else fallback


def commit_input(label: str, value: str, on_commit: Callable[[str], str | None], *, textarea: bool = False,
                 testid: str | None = None) -> ui.input:
    """An input that commits on blur (and Enter, unless a textarea) when its text changed; a message
    returned by `on_commit` is shown at the input and the text is not taken."""
    box = (ui.textarea if textarea else ui.input)(label, value=value).props("dense outlined").classes("w-full")
    if testid:
        box.props["data-testid"] = testid
    shown = {"value": value}

    def commit() -> None:
        text = (box.value or "").strip()
        if text == shown["value"]:
            return
        problem = on_commit(text)
        if problem:
            mark_error(box, problem)
        else:
            box.props["error"] = False
            box.update()
            shown["value"] = text

    box.on("blur", commit)
    if not textarea:
        box.on("keydown.enter", commit)
    return box


def icon_button(icon: str, label: str, on_click: Callable[[], Any], *, enabled: bool = True) -> ui.button:
    """A round icon button whose label is its accessible name and tooltip."""
    button = ui.button(icon=icon, on_click=on_click).props("flat dense round")
    labelled(button, label).tooltip(label)
    button.set_enabled(enabled)
    return button


T = TypeVar("T")
Slot = dict[str, Any]  # rows: what an editor has on screen; reported: the value they last gave the document


def kept_rows(slot: Slot | None, fresh: T, value: Any) -> T:
    """The rows to edit: those kept in `slot` while the document still holds what they last reported
    (`value`, the value of the `fresh` rows read from the document); else `fresh`, kept from now on."""
    if slot is None:
        return fresh
    if "rows" in slot and slot.get("reported") == value:
        kept: T = slot["rows"]
        return kept
    slot.update(rows=fresh, reported=copy.deepcopy(value))
    return fresh


class ReportsChanges(ABC):
    """For editors of one JSON value: `on_change(value)` only when the value differs from the last one
    reported (a copy, so later edits of the editor's rows cannot alter what the caller holds). An editor
    with a slot (`kept_rows`) notes each value there first, so an editor made while `on_change` runs
    (a panel redrawn at once) finds its rows."""

    on_change: Callable[[Any], None]
    _reported: Any
    _slot: Slot | None = None

    @abstractmethod
    def value(self) -> Any:
        """The editor's value as the document stores it."""

    def _report(self) -> None:
        value = self.value()
        if value != self._reported:
            self._reported = copy.deepcopy(value)
            if self._slot is not None:
                self._slot["reported"] = copy.deepcopy(value)
            self.on_change(value)
