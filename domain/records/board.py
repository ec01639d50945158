"""Board data: a workflow's states as columns and the viewer's records as cards, each
with the moves this viewer may make (from `available_actions`, the same decision
`perform` re-checks on drop)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, select

from domain.audit.service import record as audit
from domain.context import Ctx
from domain.errors import N_, ValidationFailed
from domain.records.models import BoardSettings, Record
from domain.records.service import EDIT, reference, visible_clause
from domain.records.service import require_read as service_require_read
from domain.workflows.facts import actor_of, facts_of
from domain.workflows.models import WorkflowDefinition, WorkflowInstance
from domain.workflows.versions import definition_of, latest_published
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
        latest = definition_of(session, ctx.tenant_id, latest_published(session, ctx.tenant_id, workflow_key).id)
        rows = session.execute(_cards_query(ctx, kind, workflow_key).limit(CARD_LIMIT + 1)).all()
        cards = list(_cards(session, ctx, kind, rows[:CARD_LIMIT]))
        settings = session.get(BoardSettings, (ctx.tenant_id, kind, workflow_key))
    states = {c.state for c in cards}
    columns = [Column(id=s.id, label=s.name, category=s.category, terminal=s.terminal) for s in latest.states]
    known = {c.id for c in columns}
    columns += [Column(id=s, label={"en": s}, category="todo", terminal=False) for s in sorted(states - known)]
    return Board(workflow_key=workflow_key, definition=latest, columns=tuple(columns), cards=tuple(cards),
                 can_move=ctx.can(f"{kind}:transition"), truncated=len(rows) > CARD_LIMIT,
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
    definitions: dict[UUID, Definition] = {}
    actable: dict[tuple[UUID, str], bool] = {}
    decided: dict[tuple[Any, ...], tuple[ActionOption, ...]] = {}
    for row in rows:
        definition = definitions.get(row.version_id)
        if definition is None:
            definition = definitions[row.version_id] = definition_of(session, ctx.tenant_id, row.version_id)
        options: tuple[ActionOption, ...] = ()
        key = (row.version_id, row.state)
        if key not in actable:  # could this person take any transition out of this state at all (roles)?
            actable[key] = definition.has_state(row.state) and any(
                ANY_ROLE in t.roles or t.roles & actor.roles for t in definition.outgoing(row.state))
        if may_move and actable[key]:
            # cards alike in what the decision reads get the same options: decide once per kind of card
            fields = row.fields or {}
            signature = (row.version_id, row.state, row.creator_id, row.assignee_id, row.vendor_id, row.priority,
                         *(json.dumps(fields.get(k), sort_keys=True, default=str)
                           for k in sorted(decision_fields(definition, row.state))))
            options = decided.get(signature)  # type: ignore[assignment]
            if options is None:
                options = decided[signature] = tuple(
                    o for o in available_actions(definition, Instance(state=row.state, version=row.version),
                                                 actor, facts_of(row), now) if o.permitted)
        fields = row.fields or {}
        yield Card(record_id=row.id, instance_id=row.instance_id, reference=reference(kind, row.number),
                   title=str(fields.get("title") or ""), state=row.state, version=row.version, priority=row.priority,
                   assignee_id=row.assignee_id, vendor_id=row.vendor_id, tags=tuple(row.tags or ()),
                   state_entered_at=row.state_entered_at, options=options)


def editable(ctx: Ctx, kind: str) -> bool:
    return ctx.can(EDIT[kind])
