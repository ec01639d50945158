"""Board data: a workflow's states as columns and the viewer's records as cards, each
with the moves this viewer may make (from `available_actions`, the same decision
`perform` re-checks on drop)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import reduce
from itertools import chain, islice
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from sqlalchemy import Text, and_, case, cast, func, null, select, type_coerce
from sqlalchemy.types import NullType

from domain.audit.service import record as audit
from domain.context import Ctx
from domain.errors import N_, ValidationFailed
from domain.records.models import BoardSettings, Record
from domain.records.service import EDIT, reference, visible_clause
from domain.records.service import require_read as service_require_read
from domain.workflows.facts import actor_of, facts_of
from domain.workflows.models import WorkflowDefinition, WorkflowInstance, WorkflowVersion
from domain.workflows.versions import definition_of, latest_published
from engine.conditions import Actor
from engine.model import ANY_ROLE, Definition, Label
from engine.runtime import ActionOption, Instance, available_actions, decision_fields
from storage import db

CARD_LIMIT = 5000  # a board beyond this should be filtered or viewed as a list


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    id: str
    label: Label
    category: str
    terminal: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Card:
    record_id: UUID
    instance_id: UUID
    reference: str
    title: str
    state: str
    version: int
    priority: str
    assignee_id: UUID | None
    vendor_id: UUID | None
    tags: tuple[str, ...]
    state_entered_at: datetime
    options: tuple[ActionOption, ...]  # permitted moves (enabled or not, with reasons)
    down: bool = False  # an asset whose operational status is down


@dataclass(frozen=True, slots=True, kw_only=True)
class Board:
    workflow_key: str
    definition: Definition  # the newest published version (columns)
    columns: tuple[Column, ...]
    cards: tuple[Card, ...]
    can_move: bool
    truncated: bool
    wip: dict[str, int]  # state id -> WIP limit (columns without a limit are absent)


def board(ctx: Ctx, *, kind: str, workflow_key: str) -> Board:
    """Every record of `kind` on workflow `workflow_key` the viewer may see, as cards."""
    service_require_read(ctx, kind)
    with db.tenant_session(ctx.tenant_id) as session:
        definitions = _versions(session, ctx.tenant_id, workflow_key)
        reader = _CardReader(session, ctx, kind, workflow_key, definitions)
        result = session.execute(reader.query().limit(CARD_LIMIT + 1))
        cards = reader.cards(islice(result, CARD_LIMIT))
        truncated = result.first() is not None
        settings = session.get(BoardSettings, (ctx.tenant_id, kind, workflow_key))
    latest = next(iter(definitions.values()))
    states = {c.state for c in cards}
    columns = [Column(id=s.id, label=s.name, category=s.category, terminal=s.terminal) for s in latest.states]
    known = {c.id for c in columns}
    columns += [Column(id=s, label={"en": s}, category="todo", terminal=False) for s in sorted(states - known)]
    return Board(workflow_key=workflow_key, definition=latest, columns=tuple(columns), cards=tuple(cards),
                 can_move=ctx.can(f"{kind}:transition"), truncated=truncated,
                 wip={k: int(v) for k, v in (settings.wip if settings else {}).items()})


def set_wip_limits(ctx: Ctx, *, kind: str, workflow_key: str, limits: Mapping[str, Any]) -> dict[str, int]:
    """Set the board's WIP limits (state id -> a whole number 1-999; empty removes a limit). Needs
    edit rights on the kind; audited. Unknown states or bad numbers change nothing."""
    ctx.require(EDIT[kind])
    with db.tenant_session(ctx.tenant_id) as session:
        latest = definition_of(session, ctx.tenant_id, latest_published(session, ctx.tenant_id, workflow_key).id)
        states = {s.id for s in latest.states}
        clean: dict[str, int] = {}
        errors: dict[str, str] = {}
        for state, value in limits.items():
            if state not in states:
                errors[state] = N_("There is no column {state} on this board.")
                continue
            if value in (None, ""):
                continue
            try:
                number = int(str(value).strip())
            except ValueError:
                number = 0
            if not 1 <= number <= 999:
                errors[state] = N_("Enter a whole number from 1 to 999, or leave it empty.")
                continue
            clean[state] = number
        if errors:
            raise ValidationFailed(errors, state=next(iter(errors)))
        settings = session.get(BoardSettings, (ctx.tenant_id, kind, workflow_key))
        before = dict(settings.wip) if settings else {}
        if settings is None:
            settings = BoardSettings(tenant_id=ctx.tenant_id, kind=kind, workflow_key=workflow_key)
            session.add(settings)
        settings.wip, settings.updated_at = clean, datetime.now(UTC)
        audit(session, ctx, action="board.settings", entity_type=kind, entity_id=workflow_key,
              before={"wip": before}, after={"wip": clean})
        return clean


def cards_for(ctx: Ctx, *, kind: str, workflow_key: str, instance_ids: Iterable[UUID]) -> tuple[list[Card], set[UUID]]:
    """The given instances' cards as the viewer sees them now, and the ids no longer visible
    (live updates: each process re-reads only what changed)."""
    ids = set(instance_ids)
    service_require_read(ctx, kind)
    if not ids:
        return [], ids
    with db.tenant_session(ctx.tenant_id) as session:  # a few cards: each decided from its whole `fields`
        reader = _CardReader(session, ctx, kind, workflow_key, {})
        cards = reader.cards(session.execute(reader.query().where(WorkflowInstance.__table__.c.id.in_(ids))))
    return cards, ids - {c.instance_id for c in cards}


class _CardReader:
    """Reads cards and decides their moves once per *kind of card*.

    Cards alike in version, state, people and the values of the fields the outgoing
    transitions read (`engine.runtime.decision_fields`) get the same options. The query
    returns that much of each row as one canonical JSON text, its signature: version,
    state, creator, assignee, vendor, priority and, for the row's state, `[has key, value,
    ...]` for the keys any version of the workflow reads there (jsonb prints canonically,
    so equal texts mean equal facts for the decision). `available_actions` runs once per
    distinct signature; no row's whole `fields` document is fetched or parsed. A row on a
    version not in `definitions` (none given, or one published after `_versions` read
    them) carries its whole `fields` instead.
    """

    def __init__(self, session: Any, ctx: Ctx, kind: str, workflow_key: str,
                 definitions: dict[UUID, Definition]) -> None:
        self.session, self.ctx, self.kind, self.workflow_key = session, ctx, kind, workflow_key
        self.definitions = dict(definitions)
        keys: dict[str, set[str]] = {}
        for definition in definitions.values():
            for state in definition.states:
                keys.setdefault(state.id, set()).update(decision_fields(definition, state.id))
        self.keys = {state: tuple(sorted(wanted)) for state, wanted in keys.items() if wanted}

    def query(self) -> Any:
        inst = WorkflowInstance.__table__.c
        rec = Record.__table__.c
        wdef = WorkflowDefinition.__table__.c
        signature = func.jsonb_build_array(inst.version_id, inst.state, inst.creator_id, inst.assignee_id,
                                           inst.vendor_id, inst.priority, self._decision_values())
        return (select(rec.id, inst.id.label("instance_id"), rec.number, type_coerce(rec.tags, NullType),
                       inst.state, inst.version, inst.priority, inst.assignee_id, inst.vendor_id,
                       inst.fields["title"].astext.label("title"), cast(signature, Text).label("signature"),
                       inst.state_entered_at, (inst.fields["operational_status"].astext == "down").label("down"))
                .select_from(WorkflowInstance.__table__)
                .join(Record.__table__, and_(rec.tenant_id == inst.tenant_id, rec.kind == inst.subject_type,
                                             rec.id == inst.subject_id))
                .join(WorkflowDefinition.__table__, and_(wdef.tenant_id == inst.tenant_id,
                                                         wdef.id == inst.definition_id))
                .where(visible_clause(self.ctx, self.kind), wdef.key == self.workflow_key)
                .order_by(inst.state_entered_at.desc(), rec.number.desc()))

    def _decision_values(self) -> Any:
        inst = WorkflowInstance.__table__.c
        if not self.definitions:
            return inst.fields
        whens = {state: _concat(func.jsonb_build_array(*chain.from_iterable(
            (inst.fields.has_key(key), inst.fields[key]) for key in keys[n:n + 40])) for n in range(0, len(keys), 40))
            for state, keys in self.keys.items()}  # (a function takes at most 100 arguments)
        values = case(whens, value=inst.state, else_=None) if whens else null()
        return case((inst.version_id.in_(list(self.definitions)), values), else_=inst.fields)

    def cards(self, rows: Iterable[Any]) -> list[Card]:
        """Cards for the query's rows (read one at a time, not held)."""
        decided: dict[str, tuple[ActionOption, ...]] = {}
        may_move = self.ctx.can(f"{self.kind}:transition")
        actor, now = actor_of(self.ctx), datetime.now(UTC)
        cards = []
        for (record_id, instance_id, number, tags, state, version, priority, assignee_id, vendor_id, title,
             signature, entered, down) in rows:
            options: tuple[ActionOption, ...] = ()
            if may_move:
                options = decided.get(signature)  # type: ignore[assignment]
                if options is None:
                    options = decided[signature] = self._decide(signature, version, actor, now)
            cards.append(Card(record_id=record_id, instance_id=instance_id, reference=reference(self.kind, number),
                              title=title or "", state=state, version=version, priority=priority,
                              assignee_id=assignee_id, vendor_id=vendor_id, tags=tuple(tags or ()),
                              state_entered_at=entered, options=options, down=bool(down)))
        return cards

    def _decide(self, signature: str, version: int, actor: Actor, now: datetime) -> tuple[ActionOption, ...]:
        """The permitted options of every card with this signature."""
        version_id, state, creator_id, assignee_id, vendor_id, priority, values = json.loads(signature)
        definition = self._definition(UUID(version_id))
        if not definition.has_state(state) or not any(  # no role of this person leaves `state`
                ANY_ROLE in t.roles or t.roles & actor.roles for t in definition.outgoing(state)):
            return ()
        if isinstance(values, list):  # [has key, value, ...] for the state's keys
            values = {key: values[2 * n + 1] for n, key in enumerate(self.keys.get(state, ())) if values[2 * n]}
        row: Any = SimpleNamespace(fields=values or {}, priority=priority, creator_id=creator_id,
                                   assignee_id=assignee_id, vendor_id=vendor_id)
        return tuple(o for o in available_actions(definition, Instance(state=state, version=version), actor,
                                                  facts_of(row), now) if o.permitted)

    def _definition(self, version_id: UUID) -> Definition:
        definition = self.definitions.get(version_id)
        if definition is None:  # none were given (cards_for), or published after `_versions` read them
            definition = self.definitions[version_id] = definition_of(self.session, self.ctx.tenant_id, version_id)
        return definition


def _concat(parts: Iterable[Any]) -> Any:
    return reduce(lambda left, right: left.op("||")(right), parts)


def _versions(session: Any, tenant_id: UUID, workflow_key: str) -> dict[UUID, Definition]:
    """The compiled definitions of every version records of the workflow may be on (published and
    archived), the newest published one first. NotFound when none is published."""
    ver = WorkflowVersion.__table__.c
    wdef = WorkflowDefinition.__table__.c
    rows = session.execute(select(ver.id, ver.status).join(
        WorkflowDefinition.__table__, and_(wdef.tenant_id == ver.tenant_id, wdef.id == ver.definition_id))
        .where(ver.tenant_id == tenant_id, wdef.key == workflow_key, ver.status != "draft")
        .order_by((ver.status == "published").desc(), ver.number.desc())).all()
    if not rows or rows[0].status != "published":
        latest_published(session, tenant_id, workflow_key)  # raises its NotFound
    return {row.id: definition_of(session, tenant_id, row.id) for row in rows}


def editable(ctx: Ctx, kind: str) -> bool:
    return ctx.can(EDIT[kind])
