"""Moving running records from one version of a workflow to a newer published one.

A plan maps every state of the older version to a state of the newer one (by id
unless the designer says otherwise) and counts how many records would move where.
A migration is refused, writing nothing, while any record would land in a state the
newer version does not have. Each moved record gets a history row and an audit entry;
the state itself is written by `perform.move_to_version`, the one state path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlmodel import Session

from domain.context import Ctx
from domain.errors import N_, Conflict, ValidationFailed
from domain.workflows.definitions import DESIGN, load_version
from domain.workflows.models import WorkflowDefinition, WorkflowInstance
from domain.workflows.perform import move_to_version
from domain.workflows.versions import definition_of
from storage import db


@dataclass(frozen=True, slots=True, kw_only=True)
class Move:
    from_state: str
    to_state: str | None  # None: the newer version has no state for these records
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MigrationPlan:
    from_number: int
    to_number: int
    moves: tuple[Move, ...]  # one per state of the older version that holds records

    @property
    def total(self) -> int:
        return sum(m.count for m in self.moves)

    @property
    def stranded(self) -> tuple[Move, ...]:
        """Moves with no target state: while there are any, the migration is refused."""
        return tuple(m for m in self.moves if m.to_state is None)


def plan_migration(ctx: Ctx, *, from_version_id: UUID, to_version_id: UUID,
                   state_map: Mapping[str, str] | None = None) -> MigrationPlan:
    """How many records of `from_version_id` would move to which state of `to_version_id`.

    `state_map` overrides the default (same id) for some states. Raises ValidationFailed
    when the versions are not of one workflow, the target is not a newer published
    version, or the map names a state the target lacks."""
    ctx.require(DESIGN)
    with db.tenant_session(ctx.tenant_id) as session:
        return _plan(session, ctx, from_version_id, to_version_id, dict(state_map or {}))


def migrate_instances(ctx: Ctx, *, from_version_id: UUID, to_version_id: UUID,
                      state_map: Mapping[str, str] | None = None) -> MigrationPlan:
    """Move every record of `from_version_id` to `to_version_id`, in one transaction.

    Refused with Conflict (nothing written) while the plan strands any record; the plan
    returned is what was done."""
    ctx.require(DESIGN)
    with db.tenant_session(ctx.tenant_id, settings={"baton.perform": "on"}) as session:
        plan = _plan(session, ctx, from_version_id, to_version_id, dict(state_map or {}), lock=True)
        if plan.stranded:
            first = plan.stranded[0]
            raise Conflict(N_("{count} record(s) in the state {state} would land in a state that version {number} "
                              "does not have; choose a state for them."),
                           count=sum(m.count for m in plan.stranded), state=first.from_state, number=plan.to_number)
        targets = {m.from_state: m.to_state for m in plan.moves}
        now = datetime.now(UTC)
        instances = session.scalars(select(WorkflowInstance).where(
            WorkflowInstance.tenant_id == ctx.tenant_id, WorkflowInstance.version_id == from_version_id)
            .order_by(WorkflowInstance.record_number, WorkflowInstance.id).with_for_update()).all()
        for instance in instances:
            move_to_version(session, ctx, instance, version_id=to_version_id, numbers=(plan.from_number,
                            plan.to_number), state=targets[instance.state] or instance.state, now=now)
        return plan


def _plan(session: Session, ctx: Ctx, from_version_id: UUID, to_version_id: UUID, state_map: dict[str, str],
          *, lock: bool = False) -> MigrationPlan:
    source, source_definition = load_version(session, ctx, from_version_id, lock=lock)
    target, target_definition = load_version(session, ctx, to_version_id)
    if source_definition.id != target_definition.id:
        raise ValidationFailed({"version": N_("Both versions must belong to the same workflow.")})
    if target.status != "published" or target.number <= source.number:
        raise ValidationFailed({"version": N_("Records move only to a newer published version.")})
    target_states = {s.id for s in definition_of(session, ctx.tenant_id, target.id).states}
    unknown = sorted(v for v in state_map.values() if v not in target_states)
    if unknown:
        raise ValidationFailed({"state_map": N_("Version {number} has no state {state}.")},
                               number=target.number, state=unknown[0])
    counts = session.execute(select(WorkflowInstance.state, func.count()).where(
        WorkflowInstance.tenant_id == ctx.tenant_id, WorkflowInstance.version_id == from_version_id)
        .group_by(WorkflowInstance.state).order_by(WorkflowInstance.state)).all()
    moves = []
    for state, count in counts:
        to_state = state_map.get(state) or (state if state in target_states else None)
        moves.append(Move(from_state=state, to_state=to_state, count=int(count)))
    return MigrationPlan(from_number=source.number, to_number=target.number, moves=tuple(moves))


def records_per_version(ctx: Ctx, *, key: str) -> dict[UUID, int]:
    """How many records each version of the workflow `key` holds (versions with none are left out)."""
    ctx.require(DESIGN)
    with db.tenant_session(ctx.tenant_id) as session:
        rows = session.execute(select(WorkflowInstance.version_id, func.count()).join(
            WorkflowDefinition, (WorkflowDefinition.tenant_id == WorkflowInstance.tenant_id)
            & (WorkflowDefinition.id == WorkflowInstance.definition_id)).where(
            WorkflowInstance.tenant_id == ctx.tenant_id, WorkflowDefinition.key == key)
            .group_by(WorkflowInstance.version_id)).all()
        return {version_id: int(count) for version_id, count in rows}
