"""The fields editor: the workflow's custom fields, one expansion item each.

Per field: key, type, label and help per language, options (select and multiselect only),
required at creation, required before entering states, visible to vendors, and
`visible_when` (a `ConditionBuilder` over the built-in fields and the other custom fields).

Every field stays in what `on_change` reports, even unfinished: a select without options is
reported without them and the validator names what is missing, so nothing typed is lost when
the panel is redrawn. A new field gets a free key (`field_1`, ...) and the type text, so it is
valid from the start. A key that is not a key, repeats another field's or is the key of a field
every record has, is refused at its input. A new key follows into the other fields'
`visible_when`; given `on_rename`, it goes there instead of into the reported list: the
properties panel renames the field and every condition, requirement and action naming it in
one undo step (`DesignDocument.rename_field`), then redraws. Given a slot, the editor keeps its
rows and the keys of the fields shown open there, so a redraw of the panel leaves the person
where they were (`inputs.kept_rows`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from nicegui import ui

from domain.errors import N_
from engine.builtins import BUILTIN_FIELDS, BUILTIN_KEYS
from engine.model import label_text
from ui.designer import renames
from ui.designer.conditions import ConditionBuilder
from ui.designer.inputs import ReportsChanges, Slot, commit_input, icon_button, kept_rows, label_inputs, shown_label
from ui.i18n import _, current_locale
from ui.widgets import labelled

FIELD_TYPES = {"text": N_("Text"), "longtext": N_("Long text"), "number": N_("Number"), "money": N_("Money"),
               "date": N_("Date"), "datetime": N_("Date and time"), "boolean": N_("Yes or no"),
               "select": N_("One choice from a list"), "multiselect": N_("Several choices from a list"),
               "user": N_("A person"), "vendor": N_("A vendor"), "asset": N_("An asset"), "building": N_("A building")}
CHOICE_TYPES = frozenset({"select", "multiselect"})
KEY = re.compile(r"[a-z][a-z0-9_]{0,62}")


# --- the pure half ---------------------------------------------------------------------

def field_to_entry(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The editable copy of a field definition, every property present."""
    return {"key": str(spec.get("key") or ""), "type": str(spec.get("type") or "text"),
            "label": copy.deepcopy(spec.get("label")), "options": [str(o) for o in spec.get("options") or []],
            "required": bool(spec.get("required")), "required_in": list(spec.get("required_in") or []),
            "visible_to_vendor": bool(spec.get("visible_to_vendor")),
            "visible_when": copy.deepcopy(spec.get("visible_when")), "help": copy.deepcopy(spec.get("help"))}


def entry_to_field(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The field definition in the schema's form: empty and false properties left out, options
    only for select and multiselect (cleaned: no blanks, no repeats)."""
    field: dict[str, Any] = {"key": entry["key"], "type": entry["type"]}
    if entry.get("label"):
        field["label"] = copy.deepcopy(entry["label"])
    options = clean_options(entry.get("options") or [])
    if entry["type"] in CHOICE_TYPES and options:
        field["options"] = options
    for flag in ("required", "visible_to_vendor"):
        if entry.get(flag):
            field[flag] = True
    if entry.get("required_in"):
        field["required_in"] = list(entry["required_in"])
    for name in ("visible_when", "help"):
        if entry.get(name):
            field[name] = copy.deepcopy(entry[name])
    return {k: field[k] for k in ("key", "type", "label", "options", "required", "required_in",
                                  "visible_to_vendor", "visible_when", "help") if k in field}


def clean_options(options: Iterable[Any]) -> list[str]:
    kept: list[str] = []
    for option in options:
        text = str(option).strip()
        if text and text not in kept:
            kept.append(text)
    return kept


def new_key(taken: Iterable[str], prefix: str) -> str:
    """`prefix_1`, `prefix_2`, ...: the first not in `taken`."""
    used = set(taken)
    return next(f"{prefix}_{n}" for n in range(1, len(used) + 2) if f"{prefix}_{n}" not in used)


# --- the editor -------------------------------------------------------------------------

class FieldsEditor(ReportsChanges):
    """Renders the custom fields and reports each change as the new list (None when empty).

    `states`: id → name (for "required before entering"); `roles`: key → name, for person
    checks in `visible_when`. `on_change` gets a fresh list only when it changed.
    `on_rename(old, new, index)` renames the field at `index` (a message when refused).
    """

    def __init__(self, fields: list[Any] | None, *, states: Mapping[str, str],
                 on_change: Callable[[list[dict[str, Any]] | None], None],
                 roles: Mapping[str, str] | None = None,
                 on_rename: Callable[[str, str, int], str | None] | None = None, kept: Slot | None = None) -> None:
        fresh = [field_to_entry(f) for f in fields or [] if isinstance(f, Mapping)]
        self.entries: list[dict[str, Any]] = kept_rows(kept, fresh, _fields(fresh))
        self.states, self.roles, self.on_change, self.on_rename = states, roles or {}, on_change, on_rename
        self._slot = kept
        self._reported = self.value()
        self._open: set[str] = kept.setdefault("open", set()) if kept is not None else set()

    def value(self) -> list[dict[str, Any]] | None:
        return _fields(self.entries)

    @ui.refreshable_method
    def show(self) -> None:
        with ui.column().classes("w-full gap-1") as box:
            labelled(box, _("Fields"))
            for index, entry in enumerate(self.entries):
                self._field(index, entry)
            ui.button(_("Add a field"), icon="add", on_click=self._add).props("flat dense no-caps")

    def _field(self, index: int, entry: dict[str, Any]) -> None:
        def opened(value: bool) -> None:
            (self._open.add if value else self._open.discard)(entry["key"])

        item = ui.expansion(shown_label(entry["label"], entry["key"]), value=entry["key"] in self._open,
                            caption=_(FIELD_TYPES.get(entry["type"], entry["type"])),
                            on_value_change=lambda e: opened(bool(e.value)))
        with item.classes("w-full").props("dense"), ui.column().classes("w-full gap-1"):
            with ui.row().classes("w-full justify-end gap-1"):
                icon_button("arrow_upward", _("Move up"), lambda: self._move(index, -1), enabled=index > 0)
                icon_button("arrow_downward", _("Move down"), lambda: self._move(index, 1),
                            enabled=index < len(self.entries) - 1)
                icon_button("delete", _("Remove the field"), lambda: self._remove(index))
            commit_input(_("Key"), entry["key"], lambda v: self._rekey(entry, v))
            types = {k: _(v) for k, v in FIELD_TYPES.items()}
            ui.select(_with_current(types, entry["type"]), label=_("Type"), value=entry["type"],
                      on_change=lambda e: self._set(entry, redraw=True, type=e.value)
                      ).props("dense outlined").classes("w-full").mark("field-type")
            label_inputs(lambda: entry["label"], lambda v: self._set(entry, label=v, title=item),
                         N_("Label ({language})"))
            if entry["type"] in CHOICE_TYPES:
                self._options(entry)
            ui.checkbox(_("Required when a record is created"), value=entry["required"],
                        on_change=lambda e: self._set(entry, required=bool(e.value)))
            self._multi(_with_current(dict(self.states), *entry["required_in"]),
                        _("Required before entering these states"), entry, "required_in")
            ui.checkbox(_("Vendors may see it"), value=entry["visible_to_vendor"],
                        on_change=lambda e: self._set(entry, visible_to_vendor=bool(e.value)))
            label_inputs(lambda: entry["help"], lambda v: self._set(entry, help=v), N_("Help ({language})"))
            ui.label(_("Shown only when")).classes("text-subtitle2 q-mt-sm")
            ConditionBuilder(entry["visible_when"], fields=self._others(entry), roles=self.roles,
                             on_change=lambda c: self._set(entry, visible_when=c)).show()

    def _options(self, entry: dict[str, Any]) -> None:
        box = self._multi({o: o for o in entry["options"]}, _("Options"), entry, "options", new_values=True)
        box.props["hint"] = _("Type an option and press Enter; a list field needs at least one.")

    def _multi(self, options: dict[str, str], label: str, entry: dict[str, Any], name: str, *,
               new_values: bool = False) -> ui.select:
        def changed(value: Any) -> None:
            changes: dict[str, Any] = {name: list(value or [])}
            self._set(entry, **changes)

        box = ui.select(options, label=label, multiple=True, value=list(entry[name]),
                        new_value_mode="add-unique" if new_values else None, on_change=lambda e: changed(e.value))
        box.props("dense outlined use-chips").classes("w-full").mark(name)
        return box

    def _others(self, entry: dict[str, Any]) -> dict[str, tuple[str, str, tuple[str, ...]]]:
        """key → (label, type, options) of the built-in fields and the other custom fields."""
        locale = current_locale()
        found = {f.key: (label_text(f.label, locale, f.key), f.type, tuple(f.options)) for f in BUILTIN_FIELDS}
        for other in self.entries:
            if other is not entry and other["key"]:
                found[other["key"]] = (shown_label(other["label"], other["key"]), other["type"],
                                       tuple(clean_options(other["options"])))
        return found

    # --- edits --------------------------------------------------------------------------

    def _rekey(self, entry: dict[str, Any], key: str) -> str | None:
        if not KEY.fullmatch(key):
            return _("A key starts with a lowercase letter and has only lowercase letters, digits and "
                     "underscores (at most 63).")
        if any(other["key"] == key for other in self.entries if other is not entry):
            return _("Another field already has this key.")
        if key in BUILTIN_KEYS:
            return _("Every record already has a field “{key}”; choose another key.", key=key)
        old, index = entry["key"], next(i for i, e in enumerate(self.entries) if e is entry)
        if self.on_rename is not None:
            problem = self.on_rename(old, key, index)
            if problem is not None:
                return problem
        renames.rename_field({"fields": self.entries}, old, key, index=index)  # as the document was
        if old in self._open:
            self._open.discard(old)
            self._open.add(key)
        if self.on_rename is None:
            self._changed(redraw=True)
        else:  # the document holds the renamed fields already, and the panel redraws from it
            self._reported = self.value()
            if self._slot is not None:
                self._slot["reported"] = copy.deepcopy(self._reported)
        return None

    def _add(self) -> None:
        entry = field_to_entry({"key": new_key((e["key"] for e in self.entries), "field"), "type": "text"})
        self.entries.append(entry)
        self._open.add(entry["key"])
        self._changed(redraw=True)

    def _remove(self, index: int) -> None:
        del self.entries[index]
        self._changed(redraw=True)

    def _move(self, index: int, step: int) -> None:
        other = index + step
        if 0 <= other < len(self.entries):
            self.entries[index], self.entries[other] = self.entries[other], self.entries[index]
            self._changed(redraw=True)

    def _set(self, entry: dict[str, Any], *, redraw: bool = False, title: ui.expansion | None = None,
             **changes: Any) -> None:
        entry.update(changes)
        if title is not None:
            title.text = shown_label(entry["label"], entry["key"])
        self._changed(redraw=redraw)

    def _changed(self, *, redraw: bool) -> None:
        self._report()
        if redraw:
            self.show.refresh()


def _fields(entries: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    return [entry_to_field(e) for e in entries] or None


def _with_current(options: dict[str, str], *current: str) -> dict[str, str]:
    """`options` plus current values they lack (a state since deleted stays shown, and removable)."""
    return {**options, **{c: c for c in current if c and c not in options}}
