"""SLA editors: a state's time goal (`StateSlaEditor`) and SLAs that span states (`SpanningSlasEditor`).

Both edit a goal (30m, 4h, 2d or PT4H), goals by priority, an optional calendar and
escalation steps; a step fires at a share of the goal ("at 50%") or some time after the
breach (optionally repeating), and runs actions edited with `ActionsEditor`. Durations are
reported as typed; the validator says when one does not parse.

An escalation step is always complete: a new one fires at 100%, switching to "after the
breach" starts at 1h, and a share or delay cannot be cleared (the input refuses it). A
state SLA is reported as None once its goal is cleared and it has no steps; with steps it
is reported without a goal, so the steps are not lost, and the validator asks for the goal.
A spanning SLA is reported as soon as it is added (with a free key, `sla_1`, ...), whatever
is still missing (start, stop, goal), for the same reason: the validator lists what it needs.
So only the steps' actions can be unfinished (see `actions`); given a slot, the editors keep
their steps there, with each step's actions in a slot of its own, so an unfinished action
in a step survives a redraw of the steps or of the whole panel (`inputs.kept_rows`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from nicegui import ui

from domain.errors import N_
from ui.designer.actions import WIDE, ActionsEditor, FieldTypes
from ui.designer.fields import KEY, new_key
from ui.designer.inputs import ReportsChanges, Slot, commit_input, icon_button, kept_rows, label_inputs, shown_label
from ui.i18n import _
from ui.widgets import labelled, mark_error

GOALS = {"low": N_("Goal at low priority"), "normal": N_("Goal at normal priority"),
         "high": N_("Goal at high priority"), "urgent": N_("Goal at urgent priority")}
MODES = {"at": N_("At a share of the goal"), "after": N_("After the breach")}
PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]+)?%")
SPANS = {"start_on": N_("Starts when entering"), "pause_in": N_("Paused while in"),
         "stop_on": N_("Stops when entering")}


# --- the pure half ---------------------------------------------------------------------

def percent_text(number: Any) -> str | None:
    """`50` → "50%", `12.5` → "12.5%"; None for what the schema's share cannot hold (below 0, 1000 or more)."""
    try:
        value = Decimal(str(number))
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value < 0 or value >= 1000:
        return None
    text = format(value.normalize(), "f")
    return f"{text}%" if PERCENT.fullmatch(f"{text}%") else None


def percent_value(text: Any) -> float | None:
    return float(text[:-1]) if isinstance(text, str) and PERCENT.fullmatch(text) else None


def step_to_row(step: Mapping[str, Any]) -> dict[str, Any]:
    """The editable form of an escalation step."""
    after = "after_breach" in step
    return {"mode": "after" if after else "at", "at": None if after else percent_value(step.get("at")),
            "after": str(step.get("after_breach") or ""), "repeat": bool(step.get("repeat")),
            "actions": copy.deepcopy(list(step.get("actions") or []))}


def row_to_step(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The schema's escalation step; None when its share or delay is missing."""
    when = percent_text(row.get("at")) if row["mode"] == "at" and row.get("at") is not None else None
    step: dict[str, Any] = {"at": when} if when else {}
    if row["mode"] == "after" and (row.get("after") or "").strip():
        step = {"after_breach": row["after"].strip()}
    if not step:
        return None
    if row.get("repeat"):
        step["repeat"] = True
    step["actions"] = copy.deepcopy(list(row.get("actions") or []))
    return step


def sla_parts(*, goal: str, by_priority: Mapping[str, str], calendar: str,
              steps: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """goal, goal_by_priority, calendar and escalations, each only when given."""
    parts: dict[str, Any] = {"goal": goal.strip()} if goal.strip() else {}
    goals = {p: by_priority[p].strip() for p in GOALS if (by_priority.get(p) or "").strip()}
    if goals:
        parts["goal_by_priority"] = goals
    if calendar.strip():
        parts["calendar"] = calendar.strip()
    escalations = [s for s in (row_to_step(r) for r in steps) if s is not None]
    if escalations:
        parts["escalations"] = escalations
    return parts


def spanning_sla(entry: Mapping[str, Any], parts: Mapping[str, Any]) -> dict[str, Any]:
    """A spanning SLA in the schema's order; empty lists and names left out."""
    sla: dict[str, Any] = {"key": entry["key"]}
    if entry.get("name"):
        sla["name"] = copy.deepcopy(entry["name"])
    sla.update({k: list(entry[k]) for k in SPANS if entry.get(k)})
    return {**sla, **copy.deepcopy(dict(parts))}


# --- the editors --------------------------------------------------------------------------

class StateSlaEditor(ReportsChanges):
    """The `sla` of one state; `on_change(dict | None)` gets the new SLA only when it changed.

    `roles`, `fields`, `transitions` are those of `ActionsEditor` (for the steps' actions);
    `kept`, a slot for the steps (`SlaBody.adopt`).
    """

    def __init__(self, sla: Mapping[str, Any] | None, *, roles: Mapping[str, str], fields: FieldTypes,
                 transitions: Mapping[str, str], on_change: Callable[[dict[str, Any] | None], None],
                 kept: Slot | None = None) -> None:
        self.body = SlaBody(sla, roles=roles, fields=fields, transitions=transitions, on_change=self._changed)
        self.body.adopt(kept)
        self.on_change = on_change
        self._reported = self.value()

    def value(self) -> dict[str, Any] | None:
        parts = self.body.parts()
        return parts if "goal" in parts or "escalations" in parts else None

    def show(self) -> None:
        with ui.column().classes("w-full gap-1") as box:
            labelled(box, _("Time goal in this state"))
            self.body.show()

    def _changed(self) -> None:
        self._report()


class SpanningSlasEditor(ReportsChanges):
    """The workflow's `slas`; `on_change(list | None)` gets the new list only when it changed.

    `states`: id → name, offered for start, pause and stop; the rest as for `StateSlaEditor`.
    """

    def __init__(self, slas: list[Any] | None, *, states: Mapping[str, str], roles: Mapping[str, str],
                 fields: FieldTypes, transitions: Mapping[str, str],
                 on_change: Callable[[list[dict[str, Any]] | None], None], kept: Slot | None = None) -> None:
        """`kept`: a slot for one slot per SLA (its steps) and the keys of the SLAs shown open."""
        self.states, self.roles, self.fields, self.transitions = states, roles, fields, transitions
        self.on_change = on_change
        self.entries = [self._entry(s) for s in slas or [] if isinstance(s, Mapping)]
        self._reported = self.value()
        self._bodies: list[Slot] = kept_rows(kept, [{} for _ in self.entries], self._reported)
        for entry, slot in zip(self.entries, self._bodies, strict=True):
            entry["body"].adopt(slot)
        self._slot = kept
        self._open: set[str] = kept.setdefault("open", set()) if kept is not None else set()

    def value(self) -> list[dict[str, Any]] | None:
        return [spanning_sla(e, e["body"].parts()) for e in self.entries] or None

    @ui.refreshable_method
    def show(self) -> None:
        with ui.column().classes("w-full gap-1") as box:
            labelled(box, _("SLAs across states"))
            for index, entry in enumerate(self.entries):
                self._sla(index, entry)
            ui.button(_("Add an SLA"), icon="add", on_click=self._add).props("flat dense no-caps")

    def _sla(self, index: int, entry: dict[str, Any]) -> None:
        def opened(value: bool) -> None:
            (self._open.add if value else self._open.discard)(entry["key"])

        item = ui.expansion(shown_label(entry["name"], entry["key"]), value=entry["key"] in self._open,
                            on_value_change=lambda e: opened(bool(e.value)))
        with item.classes("w-full").props("dense"), ui.column().classes("w-full gap-1"):
            with ui.row().classes("w-full justify-end"):
                icon_button("delete", _("Remove the SLA"), lambda: self._remove(index))
            commit_input(_("Key"), entry["key"], lambda v: self._rekey(entry, v, item))
            label_inputs(lambda: entry["name"], lambda v: self._set(entry, name=v, title=item),
                         N_("Name ({language})"))
            for name, msgid in SPANS.items():
                current = {s: s for s in entry[name] if s not in self.states}
                ui.select({**self.states, **current}, label=_(msgid), multiple=True, value=list(entry[name]),
                          on_change=self._span_setter(entry, name)
                          ).props("dense outlined use-chips").classes("w-full").mark(name)
            entry["body"].show()

    def _span_setter(self, entry: dict[str, Any], name: str) -> Callable[[Any], None]:
        def changed(event: Any) -> None:
            changes: dict[str, Any] = {name: list(event.value or [])}
            self._set(entry, **changes)
        return changed

    def _entry(self, sla: Mapping[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {"key": str(sla.get("key") or ""), "name": copy.deepcopy(sla.get("name"))}
        entry.update({k: [s for s in sla.get(k) or [] if isinstance(s, str)] for k in SPANS})
        entry["body"] = SlaBody(sla, roles=self.roles, fields=self.fields, transitions=self.transitions,
                                on_change=lambda: self._changed(redraw=False))
        return entry

    def _rekey(self, entry: dict[str, Any], key: str, item: ui.expansion) -> str | None:
        if not KEY.fullmatch(key):
            return _("A key starts with a lowercase letter and has only lowercase letters, digits and "
                     "underscores (at most 63).")
        if any(other["key"] == key for other in self.entries if other is not entry):
            return _("Another SLA already has this key.")
        if entry["key"] in self._open:
            self._open.discard(entry["key"])
            self._open.add(key)
        self._set(entry, key=key, title=item)
        return None

    def _add(self) -> None:
        entry = self._entry({"key": new_key((e["key"] for e in self.entries), "sla")})
        self._bodies.append({})
        entry["body"].adopt(self._bodies[-1])
        self.entries.append(entry)
        self._open.add(entry["key"])
        self._changed(redraw=True)

    def _remove(self, index: int) -> None:
        del self.entries[index], self._bodies[index]
        self._changed(redraw=True)

    def _set(self, entry: dict[str, Any], *, title: ui.expansion | None = None, **changes: Any) -> None:
        entry.update(changes)
        if title is not None:
            title.text = shown_label(entry["name"], entry["key"])
        self._changed(redraw=False)

    def _changed(self, *, redraw: bool) -> None:
        self._report()
        if redraw:
            self.show.refresh()


class SlaBody:
    """Goal, goals by priority, calendar and escalation steps of one SLA; `on_change()` after each edit."""

    def __init__(self, sla: Mapping[str, Any] | None, *, roles: Mapping[str, str], fields: FieldTypes,
                 transitions: Mapping[str, str], on_change: Callable[[], None]) -> None:
        sla = sla if isinstance(sla, Mapping) else {}
        self.goal, self.calendar = str(sla.get("goal") or ""), str(sla.get("calendar") or "")
        given = sla.get("goal_by_priority")
        self.by_priority = {p: str(v) for p, v in given.items() if p in GOALS} if isinstance(given, Mapping) else {}
        self.steps = [step_to_row(s) for s in sla.get("escalations") or [] if isinstance(s, Mapping)]
        self.roles, self.fields, self.transitions, self.on_change = roles, fields, transitions, on_change
        self._slot: Slot | None = None

    def adopt(self, slot: Slot | None) -> None:
        """Keep the steps in `slot` from now on, taking back those kept there while the document
        still holds their escalations as last reported."""
        self.steps = kept_rows(slot, self.steps, self.parts().get("escalations"))
        self._slot = slot

    def parts(self) -> dict[str, Any]:
        return sla_parts(goal=self.goal, by_priority=self.by_priority, calendar=self.calendar, steps=self.steps)

    def show(self) -> None:
        commit_input(_("Goal (e.g. 4h, 2d or PT4H)"), self.goal, lambda v: self._set(goal=v))
        with ui.row().classes("w-full gap-1"):
            for priority, msgid in GOALS.items():
                commit_input(_(msgid), self.by_priority.get(priority, ""), self._priority_setter(priority)
                             ).classes(replace="min-w-[7rem] grow")
        commit_input(_("Calendar (empty: around the clock)"), self.calendar, lambda v: self._set(calendar=v))
        self.escalations()

    def _priority_setter(self, priority: str) -> Callable[[str], str | None]:
        return lambda text: self._set(by_priority={**self.by_priority, priority: text})

    @ui.refreshable_method
    def escalations(self) -> None:
        with ui.column().classes("w-full gap-1"):
            ui.label(_("Escalation steps")).classes("text-subtitle2 q-mt-sm")
            for index, row in enumerate(self.steps):
                self._step(index, row)
            ui.button(_("Add an escalation step"), icon="add",
                      on_click=lambda: self._steps(lambda: self.steps.append(step_to_row({"at": "100%"})))
                      ).props("flat dense no-caps")

    def _step(self, index: int, row: dict[str, Any]) -> None:
        with ui.card().classes("w-full q-pa-sm gap-1").props("flat bordered"):
            with ui.row().classes("w-full items-center gap-1"):
                ui.select({k: _(v) for k, v in MODES.items()}, label=_("When"), value=row["mode"],
                          on_change=lambda e: self._steps(lambda: _remode(row, e.value))
                          ).props("dense outlined").classes(WIDE).mark("step-mode")
                icon_button("close", _("Remove the step"), lambda: self._steps(lambda: self.steps.pop(index)))
            if row["mode"] == "at":
                share = ui.number(_("Share of the goal (%)"), value=row["at"], min=0, max=999)
                share.props("dense outlined").classes("w-full").mark("step-share")
                share.on("blur", lambda: self._share(row, share))
            else:
                commit_input(_("Time after the breach (e.g. 2h)"), row["after"], lambda v: self._after(row, v))
                ui.checkbox(_("Again each time this much more passes"), value=row["repeat"],
                            on_change=lambda e: self._set_step(row, repeat=bool(e.value)))
            ActionsEditor(row["actions"], roles=self.roles, fields=self.fields, transitions=self.transitions,
                          on_change=lambda a: self._set_step(row, actions=a or []),
                          kept=row.setdefault("kept", {})).show()

    def _share(self, row: dict[str, Any], box: ui.number) -> None:
        if box.value is None or percent_text(box.value) is None:
            mark_error(box, _("Write a share of the goal from 0 to 999."))
            return
        box.props["error"] = False
        box.update()
        self._set_step(row, at=box.value)

    def _after(self, row: dict[str, Any], text: str) -> str | None:
        if not text:
            return _("Write how long after the breach, e.g. 2h.")
        self._set_step(row, after=text)
        return None

    def _set_step(self, row: dict[str, Any], **changes: Any) -> None:
        row.update(changes)
        self._changed()

    def _steps(self, edit: Callable[[], Any]) -> None:
        edit()
        self._changed()
        self.escalations.refresh()

    def _set(self, **changes: Any) -> str | None:
        for name, value in changes.items():
            setattr(self, name, value)
        self._changed()
        return None

    def _changed(self) -> None:
        if self._slot is not None:
            self._slot["reported"] = copy.deepcopy(self.parts().get("escalations"))
        self.on_change()


def _remode(row: dict[str, Any], mode: str) -> None:
    row["mode"] = mode
    if mode == "at":
        row.update(at=row["at"] if row["at"] is not None else 100.0, repeat=False)
    elif not row["after"]:
        row["after"] = "1h"
