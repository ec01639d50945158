"""The actions editor: an ordered list of workflow actions (assign, notify, set a field, ...).

Each action is edited as a flat *row* (`action_to_row`) that `row_to_action` turns back into
the schema's action dict. A row that is not complete yet (a notify without a recipient, an
assignment without a role, a set_field without a value) stays on screen, says what it still
needs, and is left out of what `on_change` reports: the document never holds a structurally
broken action (one would hide every other problem behind a schema error, and block saving).
Given a slot (`inputs.kept_rows`), the editor keeps its rows there, so an unfinished row
survives a redraw of the panel (another edit, an undo elsewhere, selecting the element again)
as long as the document still holds the list's complete actions as they were reported. An
action read from the document is reported exactly as it was until the person changes it, so
shapes the rows do not model (`fire: {transition: …}`) survive untouched.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

from nicegui import ui

from domain.errors import N_
from ui.designer.inputs import ReportsChanges, Slot, commit_input, icon_button, kept_rows
from ui.i18n import _
from ui.widgets import labelled, mark_error

KINDS = {"assign": N_("Assign"), "reassign": N_("Reassign"), "notify": N_("Notify"),
         "set_priority": N_("Set the priority"), "set_field": N_("Set a field"), "webhook": N_("Send a webhook"),
         "fire": N_("Take a transition automatically")}
ASSIGNEES = {"role": N_("Someone with a role"), "user": N_("A person (e-mail)"),
             "field": N_("The person named in a field"), "creator": N_("The record's creator"),
             "vendors": N_("A vendor")}
RULES = {"": N_("No rule"), "least_loaded": N_("The least loaded"), "round_robin": N_("In turn (round robin)")}
RECIPIENTS = {"assignee": N_("The assignee"), "creator": N_("The record's creator"),
              "vendor": N_("The record's vendor")}
CHANNELS = {"in_app": N_("In the app"), "email": N_("E-mail"), "webhook": N_("Webhook")}
PRIORITIES = {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"), "urgent": N_("Urgent")}
KEY = re.compile(r"[a-z][a-z0-9_]{0,62}")
EVENT = re.compile(r"[a-z][a-z0-9_.]{0,99}")
RECIPIENT = re.compile(r"assignee|creator|vendor|role:[a-z][a-z0-9_]{0,62}|user:[^@\s]+@[^@\s]+")
EMAIL = re.compile(r"[^@\s:]+@[^@\s]+")
WIDE = "grow basis-0 min-w-[7rem]"  # a select sharing its row with buttons: fills it, shrinks to 7rem

FieldTypes = Mapping[str, tuple[str, str, tuple[str, ...]]]


# --- rows: the pure half ----------------------------------------------------------------

def blank_row(kind: str) -> dict[str, Any]:
    """The inputs of an action of `kind` before anything is chosen."""
    return {"kind": kind, "who": "role", "role": None, "rule": "", "user": "", "field": None, "to": [],
            "template": "", "channels": [], "priority": None, "value": None, "event": "", "transition": None}


def action_to_row(action: Any) -> dict[str, Any]:
    """The row that edits `action` (a schema action dict); unknown shapes give a row of no kind."""
    kind = next(iter(action)) if isinstance(action, Mapping) and len(action) == 1 else ""
    row = blank_row(kind if kind in KINDS else "")
    body = action.get(kind) if isinstance(action, Mapping) else None
    if kind in ("assign", "reassign") and isinstance(body, Mapping):
        who = next((w for w in ("creator", "user", "field", "role", "vendors") if w in body), "role")
        row.update(who=who, role=body.get("role"), rule=body.get("rule") or "", user=str(body.get("user") or ""),
                   field=body.get("field"))
    elif kind == "notify" and isinstance(body, Mapping):
        row.update(to=list(body.get("to") or []), template=str(body.get("template") or ""),
                   channels=list(body.get("channels") or []))
    elif kind == "set_priority":
        row["priority"] = body
    elif kind == "set_field" and isinstance(body, Mapping):
        row.update(field=body.get("field"), value=copy.deepcopy(body.get("value")))
    elif kind == "webhook" and isinstance(body, Mapping):
        row["event"] = str(body.get("event") or "")
    elif kind == "fire":
        row["transition"] = body.get("transition") if isinstance(body, Mapping) else body
    return row


def missing(row: Mapping[str, Any]) -> str | None:
    """What the row still needs before it is an action (an N_ message), or None when complete."""
    kind = row.get("kind")
    if kind in ("assign", "reassign"):
        return {"role": None if _key(row.get("role")) else N_("choose the role"),
                "user": None if (row.get("user") or "").strip() else N_("write the person's e-mail address"),
                "field": None if row.get("field") else N_("choose the field that names the person"),
                }.get(row.get("who") or "", None)
    if kind == "notify":
        return None if any(RECIPIENT.fullmatch(r) for r in row.get("to") or []) else N_("choose a recipient")
    if kind == "set_priority":
        return None if row.get("priority") in PRIORITIES else N_("choose the priority")
    if kind == "set_field":
        if not row.get("field"):
            return N_("choose the field")
        return N_("give the value") if row.get("value") is None or row.get("value") == "" else None
    if kind == "webhook":
        return None if EVENT.fullmatch(row.get("event") or "") else N_("write the event name")
    if kind == "fire":
        return None if _key(row.get("transition")) else N_("choose the transition")
    return N_("choose what the action does")


def row_to_action(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The schema's action for a complete row; None while `missing(row)` names something."""
    if missing(row) is not None:
        return None
    kind = row["kind"]
    if kind in ("assign", "reassign"):
        who, rule = row.get("who"), ({"rule": row["rule"]} if row.get("rule") in RULES and row.get("rule") else {})
        body: dict[str, Any] = {"role": {"role": row.get("role"), **rule}, "user": {"user": row["user"].strip()},
                                "field": {"field": row.get("field")}, "creator": {"creator": True},
                                "vendors": {"vendors": True, **rule}}.get(who or "", {"creator": True})
        return {kind: body}
    if kind == "notify":
        notify: dict[str, Any] = {"to": clean_recipients(row["to"])[0]}
        if row.get("template") and KEY.fullmatch(row["template"]):
            notify["template"] = row["template"]
        channels = [c for c in dict.fromkeys(row.get("channels") or []) if c in CHANNELS]
        if channels:
            notify["channels"] = channels
        return {"notify": notify}
    if kind == "set_priority":
        return {"set_priority": row["priority"]}
    if kind == "set_field":
        return {"set_field": {"field": row["field"], "value": copy.deepcopy(row["value"])}}
    if kind == "webhook":
        return {"webhook": {"event": row["event"]}}
    return {"fire": row["transition"]}


def clean_recipients(given: list[Any]) -> tuple[list[str], list[str]]:
    """(recipients, refused): a bare e-mail becomes `user:…`; duplicates go; what fits no form is refused."""
    kept: list[str] = []
    refused: list[str] = []
    for item in given:
        text = str(item).strip()
        text = f"user:{text}" if EMAIL.fullmatch(text) else text
        if not RECIPIENT.fullmatch(text):
            refused.append(str(item))
        elif text not in kept:
            kept.append(text)
    return kept, refused


def field_value(ftype: str, raw: Any) -> Any:
    """What a set_field action stores for a widget's raw value: numbers for number and money,
    booleans for boolean, a list for multiselect, stripped text otherwise; None when nothing is given."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if ftype in ("number", "money"):
        try:
            number = float(raw.strip() if isinstance(raw, str) else raw)
        except (TypeError, ValueError):
            return None
        return int(number) if number.is_integer() else number
    if ftype == "boolean":
        return raw if isinstance(raw, bool) else None
    if ftype == "multiselect":
        return [str(v) for v in raw] if isinstance(raw, list | tuple) else [str(raw)]
    return raw.strip() if isinstance(raw, str) else raw


def _key(value: Any) -> bool:
    return isinstance(value, str) and KEY.fullmatch(value) is not None


# --- the editor ---------------------------------------------------------------------------

class ActionsEditor(ReportsChanges):
    """Renders an action list and reports each change as the new list (None when empty).

    `roles`: key → name; `fields`: key → (label, type, options), built-in and custom;
    `transitions`: id → label (targets of `fire`). `on_change` gets a fresh list of the
    complete actions, in order, only when that list changed.
    """

    def __init__(self, actions: list[Any] | None, *, roles: Mapping[str, str], fields: FieldTypes,
                 transitions: Mapping[str, str], on_change: Callable[[list[dict[str, Any]] | None], None],
                 kept: Slot | None = None) -> None:
        """`kept`: the slot in which this list's rows outlive the editor (see `inputs.kept_rows`)."""
        fresh = [{"row": action_to_row(a), "action": copy.deepcopy(a)} for a in actions or []]
        self.entries: list[dict[str, Any]] = kept_rows(kept, fresh, _complete(fresh))
        self.roles, self.fields, self.transitions, self.on_change = roles, fields, transitions, on_change
        self._slot = kept
        self._reported = self.value()
        self._hints: dict[int, ui.label] = {}

    def value(self) -> list[dict[str, Any]] | None:
        return _complete(self.entries)

    @ui.refreshable_method
    def show(self) -> None:
        self._hints = {}
        with ui.column().classes("w-full gap-1") as box:
            labelled(box, _("Actions"))
            for index, entry in enumerate(self.entries):
                self._entry(index, entry)
            ui.button(_("Add an action"), icon="add", on_click=lambda: self._splice(len(self.entries), "")
                      ).props("flat dense no-caps")

    def _entry(self, index: int, entry: dict[str, Any]) -> None:
        row = entry["row"]
        with ui.card().classes("w-full q-pa-sm gap-1").props("flat bordered"):
            with ui.row().classes("w-full items-center gap-1"):  # the buttons wrap below when narrow
                ui.select(_tr(KINDS), label=_("Action"), value=row["kind"] or None,
                          on_change=lambda e: self._splice(index, e.value or "", replace=True)
                          ).props("dense outlined").classes(WIDE).mark("kind")
                icon_button("arrow_upward", _("Move up"), lambda: self._move(index - 1), enabled=index > 0)
                icon_button("arrow_downward", _("Move down"), lambda: self._move(index),
                            enabled=index < len(self.entries) - 1)
                icon_button("close", _("Remove the action"), lambda: self._splice(index, None, replace=True))
            inputs: dict[str, Callable[[dict[str, Any]], Any]] = {
                "assign": self._assignment, "reassign": self._assignment, "notify": self._notify,
                "set_field": self._set_field,
                "set_priority": lambda e: self._select(_tr(PRIORITIES), _("Priority"), e, "priority"),
                "webhook": lambda e: commit_input(_("Event name (e.g. request.submitted)"), e["row"]["event"],
                                                  lambda v: self._checked(e, "event", v, EVENT, required=True)),
                "fire": lambda e: self._select(dict(self.transitions), _("Transition"), e, "transition")}
            if row["kind"] in inputs:
                inputs[row["kind"]](entry)
            self._hints[id(entry)] = ui.label("").classes("text-caption text-negative")
            self._hint(entry)

    def _assignment(self, entry: dict[str, Any]) -> None:
        who = entry["row"]["who"]
        self._select(_tr(ASSIGNEES), _("Assign to"), entry, "who", redraw=True)
        if who == "role":
            self._select(dict(self.roles), _("Role"), entry, "role")
        elif who == "user":
            commit_input(_("E-mail address"), entry["row"]["user"], lambda v: self._set(entry, {"user": v}))
        elif who == "field":
            self._select({k: v[0] for k, v in self.fields.items() if v[1] == "user"}, _("Field"), entry, "field")
        if who in ("role", "vendors"):
            self._select(_tr(RULES), _("Rule"), entry, "rule")

    def _notify(self, entry: dict[str, Any]) -> None:
        row = entry["row"]
        options = {**_tr(RECIPIENTS), **{f"role:{k}": _("Everyone with the role {role}", role=name)
                                         for k, name in self.roles.items()}}
        to = ui.select(_options(options, row["to"]), label=_("Recipients"), multiple=True, value=list(row["to"]),
                       new_value_mode="add-unique", on_change=lambda e: self._recipients(entry, list(e.value or [])))
        to.props("dense outlined use-chips").classes("w-full").mark("to")
        to.props["hint"] = _("Type an e-mail address to add a person")
        if entry.pop("refused", False):
            mark_error(to, _("A recipient is an e-mail address, a role or one of the choices."))
        commit_input(_("Message template (optional)"), row["template"],
                     lambda v: self._checked(entry, "template", v, KEY, required=False))
        self._select(_tr(CHANNELS), _("Channels (empty: the usual ones)"), entry, "channels", multiple=True)

    def _set_field(self, entry: dict[str, Any]) -> None:
        row = entry["row"]
        self._select({k: v[0] for k, v in self.fields.items()}, _("Field"), entry, "field", redraw=True,
                     then=lambda: row.update(value=None))
        if not row["field"]:
            return
        _label, ftype, choices = self.fields.get(row["field"], ("", "text", ()))
        value = row["value"]
        if ftype in ("select", "multiselect") and choices:
            self._select({c: c for c in choices}, _("Value"), entry, "value", multiple=ftype == "multiselect")
        elif ftype == "boolean":
            self._select({True: _("yes"), False: _("no")}, _("Value"), entry, "value")
        elif ftype in ("number", "money"):
            box = ui.number(_("Value"), value=value if isinstance(value, int | float) else None)
            box.props("dense outlined").classes("w-full").mark("value")
            box.on("blur", lambda: self._set(entry, {"value": field_value(ftype, box.value)}))
        else:
            commit_input(_("Value"), "" if value is None else str(value),
                         lambda v: self._set(entry, {"value": field_value(ftype, v)}))

    def _select(self, options: dict[Any, str], label: str, entry: dict[str, Any], name: str, *,
                multiple: bool = False, redraw: bool = False, then: Callable[[], None] | None = None) -> None:
        current = entry["row"][name]

        def changed(value: Any) -> None:
            if then is not None:
                then()
            self._set(entry, {name: list(value or []) if multiple else value}, redraw=redraw)

        box = ui.select(_options(options, list(current or []) if multiple else [current]), label=label,
                        multiple=multiple, value=list(current or []) if multiple else current,
                        on_change=lambda e: changed(e.value))
        box.props("dense outlined" + (" use-chips" if multiple else "")).classes("w-full").mark(name)

    def _hint(self, entry: dict[str, Any]) -> None:
        hint = self._hints.get(id(entry))
        reason = missing(entry["row"]) if entry["action"] is None else None
        if hint is not None:
            hint.set_text(_("Not saved yet: {reason}.", reason=_(reason)) if reason else "")
            hint.set_visibility(bool(reason))

    # --- edits --------------------------------------------------------------------------

    def _checked(self, entry: dict[str, Any], name: str, text: str, pattern: re.Pattern[str], *,
                 required: bool) -> str | None:
        if (text or required) and not pattern.fullmatch(text):
            return _("Use lowercase letters, digits and underscores (and dots in event names), "
                     "starting with a letter.")
        self._set(entry, {name: text})
        return None

    def _recipients(self, entry: dict[str, Any], given: list[Any]) -> None:
        kept, refused = clean_recipients(given)
        entry["refused"] = bool(refused)
        self._set(entry, {"to": kept}, redraw=kept != given)

    def _set(self, entry: dict[str, Any], changes: Mapping[str, Any], *, redraw: bool = False) -> None:
        entry["row"].update(changes)
        entry["action"] = row_to_action(entry["row"])
        self._changed(redraw=redraw, entry=entry)

    def _splice(self, index: int, kind: str | None, *, replace: bool = False) -> None:
        """Put a blank row of `kind` at `index` (replacing the entry there), or with None only remove it."""
        self.entries[index:index + 1 if replace else index] = [] if kind is None else [
            {"row": blank_row(kind), "action": None}]
        self._changed(redraw=True)

    def _move(self, index: int) -> None:
        """Swap the entry at `index` with the next one."""
        self.entries[index:index + 2] = reversed(self.entries[index:index + 2])
        self._changed(redraw=True)

    def _changed(self, *, redraw: bool, entry: dict[str, Any] | None = None) -> None:
        self._report()
        if redraw:
            self.show.refresh()
        elif entry is not None:
            self._hint(entry)


def _complete(entries: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The actions of the complete rows, in order (None when there are none)."""
    return [copy.deepcopy(e["action"]) for e in entries if e["action"] is not None] or None


def _tr(table: Mapping[str, str]) -> dict[str, str]:
    return {k: _(v) for k, v in table.items()}


def _options(options: Mapping[Any, str], values: list[Any]) -> dict[Any, str]:
    """`options` plus any current value they lack (a role or field no longer declared stays shown)."""
    extra = {v: str(v) for v in values if v is not None and v != "" and v not in options}
    return {**options, **extra}
