"""Starting a record's workflow and reading where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any
from uuid import UUID

from sqlalchemy import select

from domain.audit.service import record
from domain.context import Ctx
from domain.errors import N_, NotFound, ValidationFailed
from domain.workflows import effects
from domain.workflows.facts import actor_of, facts_of
from domain.workflows.models import TransitionRecord, WorkflowInstance, WorkflowVersion
from domain.workflows.versions import definition_of, latest_published
from engine.model import PRIORITIES
from engine.runtime import ActionOption, Instance, Outcome, SlaEvent, available_actions
from storage import db


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceView:
    id: UUID
    state: str
    version: int
    priority: str
    assignee_id: UUID | None
    vendor_id: UUID | None
    fields: dict[str, Any]
    state_entered_at: datetime


def start_instance(ctx: Ctx, *, workflow_key: str, subject_type: str, subject_id: UUID,
                   fields: dict[str, Any] | None = None, priority: str = "normal",
                   vendor_id: UUID | None = None, assignee_id: UUID | None = None) -> InstanceView:
    """Put a record into the initial state of the newest published version of `workflow_key`.

    Entering the initial state starts its SLA clocks and runs its `on_enter` actions,
    as entering any state does. The caller owns the record itself (`domain.records`).
    """
    with db.tenant_session(ctx.tenant_id) as session:
        return _view(start_in(session, ctx, workflow_key=workflow_key, subject_type=subject_type,
                              subject_id=subject_id, fields=fields, priority=priority, vendor_id=vendor_id,
                              assignee_id=assignee_id))


def start_in(session: Any, ctx: Ctx, *, workflow_key: str, subject_type: str, subject_id: UUID,
             fields: dict[str, Any] | None = None, priority: str = "normal", vendor_id: UUID | None = None,
             assignee_id: UUID | None = None, version: WorkflowVersion | None = None,
             record_number: int | None = None) -> WorkflowInstance:
    """`start_instance` inside the caller's transaction (a record and its instance commit together)."""
    if priority not in PRIORITIES:
        raise ValidationFailed({"priority": N_("Choose a priority: low, normal, high or urgent.")})
    now = datetime.now(UTC)
    version = version or latest_published(session, ctx.tenant_id, workflow_key)
    definition = definition_of(session, ctx.tenant_id, version.id)
    if definition.subject != subject_type:
        raise ValidationFailed({"workflow": N_("The workflow {key} is for {subject} records.")},
                               key=workflow_key, subject=definition.subject)
    instance = WorkflowInstance(tenant_id=ctx.tenant_id, definition_id=version.definition_id, version_id=version.id,
                                subject_type=subject_type, subject_id=subject_id, state=definition.initial_state,
                                state_entered_at=now, creator_id=ctx.user_id, vendor_id=vendor_id,
                                assignee_id=assignee_id, priority=priority, fields=dict(fields or {}),
                                updated_by=ctx.actor_label, record_number=record_number)
    session.add(instance)
    session.flush()
    initial = definition.state(definition.initial_state)
    sla_events = tuple(SlaEvent(sla=spec.key, kind="start")
                       for spec in (*([initial.sla] if initial.sla else []), *definition.slas)
                       if initial.id in spec.start_on)
    entering = Outcome(transition_id="", from_state="", to_state=initial.id, field_changes=MappingProxyType({}),
                       effects=initial.on_enter, sla_events=sla_events, comment=None,
                       audit=MappingProxyType({}), at=now)
    effects.apply(session, ctx, instance, entering, now)
    record(session, ctx, action="workflow.start", entity_type=subject_type, entity_id=subject_id,
           after={"workflow": workflow_key, "version": version.number, "state": instance.state})
    return instance


def actions_for(ctx: Ctx, *, instance_id: UUID) -> list[ActionOption]:
    """What the acting person could do next on this instance (buttons, drop targets)."""
    with db.tenant_session(ctx.tenant_id) as session:
        instance = _instance(session, ctx, instance_id)
        definition = definition_of(session, ctx.tenant_id, instance.version_id)
        return available_actions(definition, Instance(state=instance.state, version=instance.version),
                                 actor_of(ctx), facts_of(instance), datetime.now(UTC))


def get_instance(ctx: Ctx, *, instance_id: UUID) -> InstanceView:
    with db.tenant_session(ctx.tenant_id) as session:
        return _view(_instance(session, ctx, instance_id))


def history(ctx: Ctx, *, instance_id: UUID) -> list[TransitionRecord]:
    with db.tenant_session(ctx.tenant_id) as session:
        _instance(session, ctx, instance_id)
        return list(session.scalars(select(TransitionRecord).where(
            TransitionRecord.tenant_id == ctx.tenant_id, TransitionRecord.instance_id == instance_id)
            .order_by(TransitionRecord.at, TransitionRecord.id)).all())


def _instance(session: Any, ctx: Ctx, instance_id: UUID) -> WorkflowInstance:
    instance = session.scalars(select(WorkflowInstance).where(
        WorkflowInstance.tenant_id == ctx.tenant_id, WorkflowInstance.id == instance_id)).first()
    if instance is None:
        raise NotFound(N_("This record no longer exists or is not visible to you."))
    return instance


def _view(instance: WorkflowInstance) -> InstanceView:
    return InstanceView(id=instance.id, state=instance.state, version=instance.version, priority=instance.priority,
                        assignee_id=instance.assignee_id, vendor_id=instance.vendor_id, fields=dict(instance.fields),
                        state_entered_at=instance.state_entered_at)
