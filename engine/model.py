"""The compiled form of a workflow definition: frozen plain data, built by `engine.load`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any

Label = Mapping[str, str]  # locale -> text; "*" holds a plain-string label meant for every locale

CATEGORIES = ("todo", "in_progress", "waiting", "done", "cancelled")
PRIORITIES = ("low", "normal", "high", "urgent")
ANY_ROLE = "any"
ANY_STATE = "*"


def label_text(label: Label | None, locale: str = "en", fallback: str = "") -> str:
    """The label in `locale`, else its plain-string or English text, else any text, else `fallback`."""
    if not label:
        return fallback
    for key in (locale, locale.split("-")[0], "*", "en"):
        if label.get(key):
            return label[key]
    return next(iter(label.values()), fallback)


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """One action of a transition, an `on_enter` list or an escalation step."""

    kind: str  # assign | reassign | notify | set_priority | set_field | webhook | fire
    params: Any  # frozen copy of the action's value (mapping, string or list)


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationStep:
    at_percent: float | None
    after_breach: timedelta | None
    repeat: bool
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SlaSpec:
    """A clock: per state (`key` = "state:<id>", starts on entering, stops on leaving)
    or spanning states (`start_on` / `pause_in` / `stop_on`)."""

    key: str
    name: Label
    start_on: frozenset[str]
    pause_in: frozenset[str]
    stop_on: frozenset[str]
    goal: timedelta
    goal_by_priority: Mapping[str, timedelta]
    calendar: str | None
    escalations: tuple[EscalationStep, ...]
    state_scoped: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldDef:
    key: str
    type: str
    label: Label
    options: tuple[str, ...] = ()
    required: bool = False
    required_in: frozenset[str] = frozenset()
    visible_to_vendor: bool = False
    visible_when: Mapping[str, Any] | None = None
    help: Label = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class State:
    id: str
    name: Label
    category: str
    terminal: bool
    sla: SlaSpec | None
    on_enter: tuple[Action, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    id: str
    sources: tuple[str, ...]  # state ids; ("*",) = any non-terminal state
    to: str
    label: Label
    roles: frozenset[str]
    condition: Mapping[str, Any] | None
    requires_fields: tuple[str, ...]
    requires_comment: bool
    forbid_self_approval: bool
    actions: tuple[Action, ...]

    def leaves(self, state: State) -> bool:
        """Whether this transition can be taken from `state`."""
        if ANY_STATE in self.sources:
            return not state.terminal
        return state.id in self.sources


@dataclass(frozen=True, slots=True, kw_only=True)
class Definition:
    key: str
    name: Label
    subject: str
    description: str
    fields: tuple[FieldDef, ...]
    roles: frozenset[str]
    initial_state: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    slas: tuple[SlaSpec, ...]
    _states: Mapping[str, State] = field(default_factory=dict, repr=False, compare=False)
    _fields: Mapping[str, FieldDef] = field(default_factory=dict, repr=False, compare=False)
    _outgoing: Mapping[str, tuple[Transition, ...]] = field(default_factory=dict, repr=False, compare=False)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # derived data, built once

    def __post_init__(self) -> None:
        object.__setattr__(self, "_states", MappingProxyType({s.id: s for s in self.states}))
        object.__setattr__(self, "_fields", MappingProxyType({f.key: f for f in self.fields}))
        object.__setattr__(self, "_outgoing", MappingProxyType(
            {s.id: tuple(t for t in self.transitions if t.leaves(s)) for s in self.states}))

    def state(self, state_id: str) -> State:
        """The state `state_id`; KeyError when the definition has none."""
        return self._states[state_id]

    def has_state(self, state_id: str) -> bool:
        return state_id in self._states

    def field(self, key: str) -> FieldDef | None:
        return self._fields.get(key)

    def outgoing(self, state_id: str) -> tuple[Transition, ...]:
        return self._outgoing[state_id]

    def transition(self, transition_id: str) -> Transition | None:
        return next((t for t in self.transitions if t.id == transition_id), None)


def freeze(value: Any) -> Any:
    """A read-only deep copy of JSON-like data (dicts become mapping proxies, lists tuples)."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Plain dicts and lists again (for export and JSON)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value
