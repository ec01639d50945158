"""What may happen next, and what happens: `available_actions` and `fire`.

Both answer from the same function, so "shown" and "allowed" cannot disagree:
`fire` refuses exactly the options `available_actions` reports as not permitted or
not enabled, with the same reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from engine.builtins import definition_specs
from engine.conditions import Actor, Facts, Reason, evaluate
from engine.model import ANY_ROLE, Action, Definition, Label, Transition, thaw
from engine.problems import N_


@dataclass(frozen=True, slots=True, kw_only=True)
class Instance:
    """The workflow side of a record: where it is and which version of it the caller saw."""

    state: str
    version: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionOption:
    transition_id: str
    label: Label
    to: str
    permitted: bool  # the actor may fire it at all (roles, vendor, self-approval)
    enabled: bool  # it can be fired now (condition holds, required fields present)
    reasons: tuple[Reason, ...] = ()  # why not, when not permitted or not enabled
    missing_fields: tuple[str, ...] = ()  # required before entering `to` and not yet set
    requires_comment: bool = False

    @property
    def reason(self) -> Reason | None:
        return self.reasons[0] if self.reasons else None


class TransitionDenied(Exception):
    """`fire` refused; `reason` says why in words a person understands."""

    def __init__(self, reason: Reason) -> None:
        self.reason = reason
        super().__init__(reason.text())


@dataclass(frozen=True, slots=True, kw_only=True)
class SlaEvent:
    sla: str  # SlaSpec.key ("state:<id>" for a state's own clock)
    kind: str  # start | pause | resume | stop


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    transition_id: str
    from_state: str
    to_state: str
    field_changes: Mapping[str, Any]  # inputs and set_field / set_priority results
    effects: tuple[Action, ...]  # the transition's actions, then the target state's on_enter actions
    sla_events: tuple[SlaEvent, ...]
    comment: str | None
    audit: Mapping[str, Any]
    at: datetime


def available_actions(definition: Definition, instance: Instance, actor: Actor, facts: Facts, now: datetime,
                      *, inputs: Mapping[str, Any] | None = None) -> list[ActionOption]:
    """Every transition out of the instance's state, each with `permitted`, `enabled` and the reasons."""
    if not definition.has_state(instance.state):
        return []
    merged = _with_inputs(facts, inputs)
    specs = definition_specs(definition)
    return [_option(definition, t, actor, merged, specs, now) for t in definition.outgoing(instance.state)]


def decision_fields(definition: Definition, state: str) -> frozenset[str]:
    """The field keys that `available_actions` reads for an instance in `state`: the outgoing
    transitions' condition fields, their required fields and the fields required on arrival.
    Two instances alike in these (and in the people on them) get the same options."""
    memo: dict[str, frozenset[str]] = definition.memo.setdefault("decision_fields", {})
    if state not in memo:
        keys: set[str] = set()
        for t in definition.outgoing(state) if definition.has_state(state) else ():
            keys.update(_condition_fields(t.condition))
            keys.update(t.requires_fields)
            keys.update(f.key for f in definition.fields if t.to in f.required_in)
        memo[state] = frozenset(keys)
    return memo[state]


def _condition_fields(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        if isinstance(node.get("field"), str):
            yield node["field"]
        for value in node.values():
            yield from _condition_fields(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _condition_fields(item)


def fire(definition: Definition, instance: Instance, transition_id: str, actor: Actor, facts: Facts,
         inputs: Mapping[str, Any] | None, now: datetime, *, comment: str | None = None) -> Outcome:
    """Take `transition_id`; raise TransitionDenied (with the reason) when it may not be taken now."""
    transition = definition.transition(transition_id)
    if transition is None or not definition.has_state(instance.state) \
            or not transition.leaves(definition.state(instance.state)):
        raise TransitionDenied(Reason(msgid=N_("“{action}” is not possible from {state}."),
                                      params={"action": transition.label if transition else transition_id,
                                              "state": definition.state(instance.state).name
                                              if definition.has_state(instance.state) else instance.state}))
    # the same check `available_actions` makes for this transition (the others are not needed)
    option = _option(definition, transition, actor, _with_inputs(facts, inputs), definition_specs(definition), now)
    if not (option.permitted and option.enabled):
        raise TransitionDenied(option.reasons[0])
    if transition.requires_comment and not (comment or "").strip():
        raise TransitionDenied(Reason(msgid=N_("Add a comment to {action}."), params={"action": transition.label}))
    target = definition.state(transition.to)
    changes: dict[str, Any] = dict(inputs or {})
    effects = (*transition.actions, *target.on_enter)
    for action in effects:
        if action.kind == "set_field":
            changes[action.params["field"]] = thaw(action.params["value"])
        elif action.kind == "set_priority":
            changes["priority"] = action.params
    sla_events = _sla_events(definition, instance.state, transition.to)
    audit = {"transition": transition.id, "from": instance.state, "to": transition.to,
             "inputs": thaw(dict(inputs or {})), "comment": comment}
    return Outcome(transition_id=transition.id, from_state=instance.state, to_state=transition.to,
                   field_changes=MappingProxyType(changes), effects=effects, sla_events=sla_events,
                   comment=comment, audit=MappingProxyType(audit), at=now)


def _option(definition: Definition, t: Transition, actor: Actor, facts: Facts, specs: Mapping[str, Any],
            now: datetime) -> ActionOption:
    refused = _refusal(t, actor, facts)
    missing = _missing_fields(definition, t, facts)
    reasons: list[Reason] = []
    enabled = True
    if refused is None:
        result = evaluate(t.condition, fields=specs, facts=facts, actor=actor, now=now)
        if not result.ok:
            enabled = False
            reasons.extend(result.reasons or (Reason(msgid=N_("The conditions for this action are not met."),
                                                     params={}),))
        if missing:
            enabled = False
            reasons.extend(Reason(msgid=N_("{field} is required to {action}."),
                                  params={"field": specs[key].label if key in specs else key, "action": t.label})
                           for key in missing)
    return ActionOption(transition_id=t.id, label=t.label, to=t.to, permitted=refused is None,
                        enabled=refused is None and enabled, reasons=(refused,) if refused else tuple(reasons),
                        missing_fields=missing, requires_comment=t.requires_comment)


SYSTEM = Actor(user_id=None, roles=frozenset({"__system__"}))  # automatic transitions and escalations


def _refusal(t: Transition, actor: Actor, facts: Facts) -> Reason | None:
    """Why the actor may not fire `t` at all, or None (deny by default: no roles, nobody).
    The system actor (automatic `fire` actions, escalations) is bound by conditions only."""
    if actor is SYSTEM or actor == SYSTEM:
        return None
    if ANY_ROLE not in t.roles and not (t.roles & actor.roles):
        if not t.roles:
            return Reason(msgid=N_("Nobody can do this by hand; it happens automatically."), params={})
        return Reason(msgid=N_("This needs one of the roles: {roles}."), params={"roles": sorted(t.roles)})
    if actor.vendor_id is not None and facts.vendor_id != actor.vendor_id:
        return Reason(msgid=N_("This record is not assigned to your company."), params={})
    if t.forbid_self_approval and actor.user_id is not None and actor.user_id == facts.creator_id:
        return Reason(msgid=N_("You created this record, so someone else must do this."), params={})
    return None


def _missing_fields(definition: Definition, t: Transition, facts: Facts) -> tuple[str, ...]:
    wanted = list(t.requires_fields)
    wanted += [f.key for f in definition.fields if t.to in f.required_in and f.key not in wanted]
    return tuple(key for key in wanted if _is_empty(facts.fields.get(key)))


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and len(value) == 0)


def _with_inputs(facts: Facts, inputs: Mapping[str, Any] | None) -> Facts:
    if not inputs:
        return facts
    return Facts(fields={**facts.fields, **inputs}, creator_id=facts.creator_id, assignee_id=facts.assignee_id,
                 vendor_id=facts.vendor_id, timezone=facts.timezone)


def _sla_events(definition: Definition, source: str, target: str) -> tuple[SlaEvent, ...]:
    events: list[SlaEvent] = []
    if source == target:
        return ()
    for spec in (*[s.sla for s in definition.states if s.sla is not None], *definition.slas):
        if spec.state_scoped:
            if source in spec.start_on:
                events.append(SlaEvent(sla=spec.key, kind="stop"))
            if target in spec.start_on:
                events.append(SlaEvent(sla=spec.key, kind="start"))
            continue
        if target in spec.stop_on:
            events.append(SlaEvent(sla=spec.key, kind="stop"))
        elif target in spec.pause_in and source not in spec.pause_in:
            events.append(SlaEvent(sla=spec.key, kind="pause"))
        elif source in spec.pause_in and target not in spec.pause_in:
            events.append(SlaEvent(sla=spec.key, kind="resume"))
        if target in spec.start_on and source not in spec.start_on:
            events.append(SlaEvent(sla=spec.key, kind="start"))
    return tuple(events)



__all__ = ["SYSTEM", "ActionOption", "Instance", "Outcome", "SlaEvent", "TransitionDenied", "available_actions",
           "fire"]
