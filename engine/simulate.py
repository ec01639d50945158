"""A dry run of a workflow: a pretend record moved by a pretend person, writing nothing.

The designer's simulator starts a record in the initial state with sample field
values, shows every outgoing action as `available_actions` decides it for the chosen
roles, and takes actions through `fire`, the same decision a real record gets. Each
step reports the actions that would run (notifications, webhooks, assignments) and the
SLA clocks that would start, pause or stop; automatic `fire` actions follow as the
system actor, as `perform` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.conditions import Actor, Facts
from engine.model import Action, Definition
from engine.runtime import SYSTEM, ActionOption, Instance, SlaEvent, available_actions, fire

PERSON, CREATOR, OTHER, VENDOR = "simulated-person", "simulated-person", "someone-else", "simulated-vendor"
MAX_AUTOMATIC_STEPS = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    transition_id: str
    from_state: str
    to_state: str
    automatic: bool
    actions: tuple[Action, ...]  # what would run: the transition's actions, then the target's on_enter
    sla_events: tuple[SlaEvent, ...]


@dataclass(slots=True, kw_only=True)
class Simulation:
    """A pretend record: `roles` act on it; `is_creator` and `as_vendor` shape who they are to it."""

    definition: Definition
    roles: frozenset[str]
    fields: dict[str, Any]
    is_creator: bool = False
    as_vendor: bool = False
    state: str = ""
    steps: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.state = self.state or self.definition.initial_state

    @property
    def path(self) -> list[str]:
        """The states visited, in order (the initial state first)."""
        return [self.definition.initial_state, *(s.to_state for s in self.steps)]

    @property
    def starting_clocks(self) -> tuple[SlaEvent, ...]:
        """The SLA clocks a new record starts in the initial state."""
        initial = self.definition.state(self.definition.initial_state)
        specs = (*([initial.sla] if initial.sla else []), *self.definition.slas)
        return tuple(SlaEvent(sla=spec.key, kind="start") for spec in specs if initial.id in spec.start_on)

    def options(self, now: datetime) -> list[ActionOption]:
        return available_actions(self.definition, Instance(state=self.state), self._actor(), self._facts(), now)

    def take(self, transition_id: str, now: datetime, *, comment: str | None = None) -> list[Step]:
        """Take `transition_id` (TransitionDenied when the person may not); returns the steps taken,
        automatic ones included."""
        taken = [self._step(transition_id, self._actor(), now, comment=comment, automatic=False)]
        pending = [a.params if isinstance(a.params, str) else a.params["transition"]
                   for a in taken[0].actions if a.kind == "fire"]
        while pending and len(taken) <= MAX_AUTOMATIC_STEPS:
            step = self._step(pending.pop(0), SYSTEM, now, comment=None, automatic=True)
            taken.append(step)
            pending.extend(a.params if isinstance(a.params, str) else a.params["transition"]
                           for a in step.actions if a.kind == "fire")
        return taken

    def reset(self) -> None:
        self.state, self.steps = self.definition.initial_state, []

    def _step(self, transition_id: str, actor: Actor, now: datetime, *, comment: str | None,
              automatic: bool) -> Step:
        outcome = fire(self.definition, Instance(state=self.state), transition_id, actor, self._facts(), None, now,
                       comment=comment)
        self.fields.update(outcome.field_changes)
        step = Step(transition_id=outcome.transition_id, from_state=outcome.from_state, to_state=outcome.to_state,
                    automatic=automatic, actions=outcome.effects, sla_events=outcome.sla_events)
        self.state = outcome.to_state
        self.steps.append(step)
        return step

    def _actor(self) -> Actor:
        return Actor(user_id=PERSON, roles=self.roles, vendor_id=VENDOR if self.as_vendor else None)

    def _facts(self) -> Facts:
        fields: Mapping[str, Any] = {"priority": "normal", **self.fields}
        return Facts(fields=fields, creator_id=CREATOR if self.is_creator else OTHER,
                     vendor_id=VENDOR if self.as_vendor else None)
