"""Carrying out an Outcome's effects inside `perform`'s transaction (flushes only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, insert, select
from sqlmodel import Session

from domain.context import Ctx
from domain.iam.access import member_by_email, members_with_role
from domain.workflows.models import OutboxMessage, SlaLedgerEntry, WorkflowInstance
from engine.model import Action, thaw
from engine.runtime import Outcome

# built once: `Pipelined` compiles a statement object once and reuses it by identity
_OUTBOX_INSERT = insert(OutboxMessage.__table__)
_LEDGER_INSERT = insert(SlaLedgerEntry.__table__)


def apply(session: Session, ctx: Ctx, instance: Any, outcome: Outcome, now: datetime) -> list[str]:
    """Apply field changes and assignments to `instance` (a WorkflowInstance or a plain row
    object with its attributes; the caller writes it), insert outbox messages and SLA
    ledger entries; return the transitions to fire automatically next (`fire` actions)."""
    fields = dict(instance.fields or {})
    for key, value in outcome.field_changes.items():
        if key == "priority":
            instance.priority = str(value)
        else:
            fields[key] = thaw(value)
    instance.fields = fields
    follow_ups: list[str] = []
    messages: list[dict[str, Any]] = []
    for action in outcome.effects:
        if action.kind in ("assign", "reassign"):
            chosen = _assignee(session, ctx, instance, action)
            if chosen is not None:
                instance.assignee_id = chosen
        elif action.kind in ("notify", "webhook"):
            messages.append({"tenant_id": ctx.tenant_id, "id": uuid4(), "kind": action.kind, "due_at": now,
                             "created_at": now, "payload": _payload(instance, outcome, action)})
        elif action.kind == "fire":
            params = action.params
            follow_ups.append(params if isinstance(params, str) else params["transition"])
    if messages:
        session.execute(_OUTBOX_INSERT, messages)
    if outcome.sla_events:
        session.execute(_LEDGER_INSERT, [
            {"tenant_id": ctx.tenant_id, "id": uuid4(), "instance_id": instance.id, "sla_key": event.sla,
             "kind": event.kind, "at": now} for event in outcome.sla_events])
    return follow_ups


def _assignee(session: Session, ctx: Ctx, instance: WorkflowInstance, action: Action) -> UUID | None:
    spec: Any = action.params
    if spec.get("creator"):
        return instance.creator_id
    if "user" in spec:
        return member_by_email(session, ctx.tenant_id, spec["user"])
    if "field" in spec:
        value = (instance.fields or {}).get(spec["field"])
        try:
            return UUID(str(value)) if value else None
        except ValueError:
            return None
    if "role" in spec:
        candidates = members_with_role(session, ctx.tenant_id, spec["role"])
        return _least_loaded(session, ctx, candidates)
    return None


def _least_loaded(session: Session, ctx: Ctx, candidates: list[UUID]) -> UUID | None:
    """The candidate with the fewest instances assigned (ties: the first by id), so work spreads out."""
    if not candidates:
        return None
    load = dict(session.execute(
        select(WorkflowInstance.assignee_id, func.count())
        .where(WorkflowInstance.tenant_id == ctx.tenant_id, WorkflowInstance.assignee_id.in_(candidates))
        .group_by(WorkflowInstance.assignee_id)).all())
    return min(candidates, key=lambda user_id: (load.get(user_id, 0), str(user_id)))


def _payload(instance: WorkflowInstance, outcome: Outcome, action: Action) -> dict[str, Any]:
    return {"instance_id": str(instance.id), "subject_type": instance.subject_type,
            "subject_id": str(instance.subject_id), "transition": outcome.transition_id,
            "from": outcome.from_state, "to": outcome.to_state, action.kind: thaw(action.params)}
