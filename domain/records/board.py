"""Board data: a workflow's states as columns and the viewer's records as cards, each
with the moves this viewer may make (from `available_actions`, the same decision
`perform` re-checks on drop)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, select

from domain.context import Ctx
from domain.records.models import Record
from domain.records.service import EDIT, READ, _kind, reference, visible_clause
from domain.workflows.facts import actor_of, facts_of
from domain.workflows.models import WorkflowDefinition, WorkflowInstance
from domain.workflows.versions import definition_of, latest_published
from engine.model import Definition, Label
from engine.runtime import ActionOption, Instance, available_actions
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Board:
    workflow_key: str
    definition: Definition  # the newest published version (columns)
    columns: tuple[Column, ...]
    cards: tuple[Card, ...]
    can_move: bool
    truncated: bool


def board(ctx: Ctx, *, kind: str, workflow_key: str) -> Board:
    """Every record of `kind` on workflow `workflow_key` the viewer may see, as cards."""
    ctx.require(READ[_kind(kind)])
    with db.tenant_session(ctx.tenant_id) as session:
        latest = definition_of(session, ctx.tenant_id, latest_published(session, ctx.tenant_id, workflow_key).id)
        rows = session.execute(_cards_query(ctx, kind, workflow_key).limit(CARD_LIMIT + 1)).all()
        cards = list(_cards(session, ctx, kind, rows[:CARD_LIMIT]))
    states = {c.state for c in cards}
    columns = [Column(id=s.id, label=s.name, category=s.category, terminal=s.terminal) for s in latest.states]
    known = {c.id for c in columns}
    columns += [Column(id=s, label={"en": s}, category="todo", terminal=False) for s in sorted(states - known)]
    return Board(workflow_key=workflow_key, definition=latest, columns=tuple(columns), cards=tuple(cards),
                 can_move=ctx.can(f"{kind}:transition"), truncated=len(rows) > CARD_LIMIT)


def cards_for(ctx: Ctx, *, kind: str, workflow_key: str, instance_ids: Iterable[UUID]) -> tuple[list[Card], set[UUID]]:
    """The given instances' cards as the viewer sees them now, and the ids no longer visible
    (live updates: each process re-reads only what changed)."""
    ids = set(instance_ids)
    if not ids or not ctx.can(READ[_kind(kind)]):
        return [], ids
    with db.tenant_session(ctx.tenant_id) as session:
        rows = session.execute(_cards_query(ctx, kind, workflow_key)
                               .where(WorkflowInstance.__table__.c.id.in_(ids))).all()
        cards = list(_cards(session, ctx, kind, rows))
    return cards, ids - {c.instance_id for c in cards}


def _cards_query(ctx: Ctx, kind: str, workflow_key: str) -> Any:
    inst = WorkflowInstance.__table__.c
    rec = Record.__table__.c
    wdef = WorkflowDefinition.__table__.c
    return (select(rec.id, rec.number, rec.tags, inst.id.label("instance_id"), inst.version_id, inst.state,
                   inst.version, inst.priority, inst.assignee_id, inst.vendor_id, inst.creator_id, inst.fields,
                   inst.state_entered_at)
            .select_from(WorkflowInstance.__table__)
            .join(Record.__table__, and_(rec.tenant_id == inst.tenant_id, rec.kind == inst.subject_type,
                                         rec.id == inst.subject_id))
            .join(WorkflowDefinition.__table__, and_(wdef.tenant_id == inst.tenant_id, wdef.id == inst.definition_id))
            .where(visible_clause(ctx, kind), wdef.key == workflow_key)
            .order_by(inst.state_entered_at.desc(), rec.number.desc()))


def _cards(session: Any, ctx: Ctx, kind: str, rows: list[Any]) -> Iterable[Card]:
    actor = actor_of(ctx)
    now = datetime.now(UTC)
    may_move = ctx.can(f"{kind}:transition")
    for row in rows:
        definition = definition_of(session, ctx.tenant_id, row.version_id)
        options: tuple[ActionOption, ...] = ()
        if may_move:
            facts = facts_of(row)
            options = tuple(o for o in available_actions(definition, Instance(state=row.state, version=row.version),
                                                         actor, facts, now) if o.permitted)
        fields = row.fields or {}
        yield Card(record_id=row.id, instance_id=row.instance_id, reference=reference(kind, row.number),
                   title=str(fields.get("title") or ""), state=row.state, version=row.version, priority=row.priority,
                   assignee_id=row.assignee_id, vendor_id=row.vendor_id, tags=tuple(row.tags or ()),
                   state_entered_at=row.state_entered_at, options=options)


def editable(ctx: Ctx, kind: str) -> bool:
    return ctx.can(EDIT[kind])
