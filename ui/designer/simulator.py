"""The designer's simulator: try the drawn workflow as a role, with sample values, writing nothing.

A side panel (the canvas stays visible) where a designer picks roles, whether the
person created the record or acts as its vendor, and sample field values; then starts
a pretend record, sees every outgoing action with why it is disabled, takes actions,
and reads what would happen: notifications, webhooks, assignments, SLA clocks. The
path so far is marked on the canvas with the simulator's own marks, "Visited" and
"Current state" (never a version comparison's "Added" or "Changed").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from nicegui import ui

from domain.errors import N_
from engine.builtins import BUILTIN_FIELDS
from engine.model import Action, Definition, FieldDef, label_text
from engine.runtime import SlaEvent, TransitionDenied
from engine.simulate import Simulation
from ui.i18n import _, current_locale, reason_text
from ui.widgets import labelled

SAMPLE_BUILTINS = ("title", "priority")  # built-ins worth a sample value; the rest stay empty
CLOCK = {"start": N_("starts"), "pause": N_("pauses"), "resume": N_("resumes"), "stop": N_("stops")}
ACTION = {"notify": N_("Notify {target}"), "webhook": N_("Call the webhook for {target}"),
          "assign": N_("Assign {target}"), "reassign": N_("Reassign {target}"),
          "set_priority": N_("Set the priority to {target}"), "set_field": N_("Set the field {target}"),
          "fire": N_("Take {target} automatically")}


OnPath = Callable[[list[str], str | None, list[tuple[str, str]]], None]


class SimulatorPanel:
    """One simulation at a time over a compiled definition.

    `on_path(states, current, taken)` is called after every start and step with the states visited (the
    initial one first), the state the pretend record is in, and the transitions taken, as (transition id,
    state it left) pairs in order, automatic ones included; and with `([], None, [])` when the panel closes."""

    def __init__(self, definition: Definition, *, on_path: OnPath) -> None:
        self.definition = definition
        self.on_path = on_path
        self.locale = current_locale()
        self.sim: Simulation | None = None
        self.values: dict[str, Any] = {}
        self.roles: list[str] = []
        self.is_creator = False
        self.as_vendor = False

    def open(self) -> None:
        with ui.dialog().props("position=right seamless") as self.dialog, \
                ui.card().classes("w-[26rem] max-w-full gap-2").style("height: calc(100vh - 32px)"):
            with ui.row().classes("w-full items-center"):
                ui.label(_("Simulator")).classes("text-h6")
                ui.space()
                close = ui.button(icon="close", on_click=self.close).props("flat dense round")
                labelled(close, _("Close the simulator"))
            ui.label(_("Nothing is saved: a pretend record moves through this drawing.")).classes(
                "text-caption text-grey-7")
            with ui.scroll_area().classes("w-full grow"):
                self.setup()
                self.body = ui.column().classes("w-full gap-2")
        self.dialog.open()

    def close(self) -> None:
        self.on_path([], None, [])
        self.dialog.close()

    def setup(self) -> None:
        roles = {r: r for r in self.definition.roles}
        ui.select(roles, label=_("Acting with the roles"), multiple=True, value=self.roles,
                  on_change=lambda e: setattr(self, "roles", list(e.value or []))).props(
            "dense outlined use-chips").classes("w-full")
        ui.checkbox(_("This person created the record"), value=self.is_creator,
                    on_change=lambda e: setattr(self, "is_creator", bool(e.value)))
        ui.checkbox(_("This person works for the record's vendor"), value=self.as_vendor,
                    on_change=lambda e: setattr(self, "as_vendor", bool(e.value)))
        ui.label(_("Sample values")).classes("text-subtitle2")
        builtins = [f for f in BUILTIN_FIELDS if f.key in SAMPLE_BUILTINS]
        for spec in (*builtins, *self.definition.fields):
            self._input(spec)
        ui.button(_("Start a pretend record"), icon="play_arrow", on_click=self.start).props("dense no-caps")

    def start(self) -> None:
        values = {k: v for k, v in self.values.items() if v not in (None, "", [])}
        self.sim = Simulation(definition=self.definition, roles=frozenset(self.roles), fields=values,
                              is_creator=self.is_creator, as_vendor=self.as_vendor)
        self.draw()

    def take(self, transition_id: str, requires_comment: bool) -> None:
        assert self.sim is not None
        try:
            self.sim.take(transition_id, datetime.now(UTC), comment=_("(simulated)") if requires_comment else None)
        except TransitionDenied as denied:
            ui.notify(reason_text(denied.reason), type="warning")
        self.draw()

    def draw(self) -> None:
        sim = self.sim
        if sim is None:
            return
        self.on_path(sim.path, sim.state, [(step.transition_id, step.from_state) for step in sim.steps])
        self.body.clear()
        with self.body:
            ui.separator()
            ui.label(_("Now in {state}", state=self._state(sim.state))).classes("text-subtitle1")
            if sim.definition.state(sim.state).terminal:
                ui.label(_("This state is terminal: the record's journey ends here.")).classes("text-body2")
            options = sim.options(datetime.now(UTC))
            if not options and not sim.definition.state(sim.state).terminal:
                ui.label(_("No action leaves this state.")).classes("text-body2 text-negative")
            with ui.column().classes("w-full gap-1").props('role="list"') as actions:
                labelled(actions, _("Actions from here"))
                for option in options:
                    self._option(option)
            self._log(sim)
            ui.button(_("Start over"), icon="restart_alt", on_click=self.start).props("flat dense no-caps")

    def _option(self, option: Any) -> None:
        name = label_text(option.label, self.locale, option.transition_id)
        with ui.row().classes("w-full items-center gap-2 no-wrap").props('role="listitem"'):
            button = ui.button(name, on_click=lambda o=option: self.take(o.transition_id, o.requires_comment))
            button.props("dense no-caps outline")
            if not (option.permitted and option.enabled):
                button.disable()
                reason = reason_text(option.reason) if option.reason else _("Not available.")
                ui.label(reason).classes("text-caption text-grey-7")
            else:
                ui.label(_("to {state}", state=self._state(option.to))).classes("text-caption text-grey-7")

    def _log(self, sim: Simulation) -> None:
        ui.label(_("What happened")).classes("text-subtitle2")
        with ui.list().props("dense bordered separator").classes("w-full") as log:
            labelled(log, _("What happened"))
            ui.item(_("Started in {state}", state=self._state(sim.definition.initial_state)))
            for event in sim.starting_clocks:
                ui.item(self._clock(event)).classes("text-caption")
            for step in sim.steps:
                transition = sim.definition.transition(step.transition_id)
                name = label_text(transition.label, self.locale, step.transition_id) if transition else \
                    step.transition_id
                with ui.item(), ui.item_section():
                    title = _("{action}: {source} → {target}", action=name, source=self._state(step.from_state),
                              target=self._state(step.to_state))
                    ui.item_label(_("{title} (automatic)", title=title) if step.automatic else title)
                    for action in step.actions:
                        ui.item_label(self._action(action)).props("caption")
                    for event in step.sla_events:
                        ui.item_label(self._clock(event)).props("caption")

    def _state(self, state_id: str) -> str:
        if not self.definition.has_state(state_id):
            return state_id
        return label_text(self.definition.state(state_id).name, self.locale, state_id)

    def _clock(self, event: SlaEvent) -> str:
        name = self._state(event.sla.removeprefix("state:")) if event.sla.startswith("state:") else event.sla
        return _("Time goal {name} {change}", name=name, change=_(CLOCK.get(event.kind, event.kind)))

    def _action(self, action: Action) -> str:
        return _(ACTION.get(action.kind, "{target}"), target=_describe(action.params))

    def _input(self, spec: FieldDef) -> None:
        label = label_text(spec.label, self.locale, spec.key)
        setter = self._setter(spec.key)
        if spec.type in ("number", "money"):
            ui.number(label, on_change=setter).props("dense outlined").classes("w-full")
        elif spec.type == "boolean":
            ui.checkbox(label, on_change=setter)
        elif spec.type in ("select", "multiselect") and spec.options:
            ui.select(list(spec.options), label=label, multiple=spec.type == "multiselect", clearable=True,
                      on_change=setter).props("dense outlined").classes("w-full")
        elif spec.type in ("date", "datetime"):
            ui.input(label, on_change=setter).props(
                f'dense outlined type={"date" if spec.type == "date" else "datetime-local"} stack-label'
            ).classes("w-full")
        else:
            ui.input(label, on_change=setter).props("dense outlined").classes("w-full")

    def _setter(self, key: str) -> Callable[[Any], None]:
        def store(event: Any) -> None:
            self.values[key] = event.value

        return store


def _describe(params: Any) -> str:
    """An action's parameters as a short line (ids and templates as written in the workflow)."""
    if isinstance(params, str):
        return params
    if isinstance(params, dict | tuple | list) or hasattr(params, "items"):
        try:
            items = dict(params).items()
        except (TypeError, ValueError):
            return ", ".join(str(p) for p in params)
        return "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, tuple | list) else v}" for k, v in items)
    return str(params)
