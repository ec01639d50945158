"""The one path that changes a workflow instance's state.

A button, a kanban drop, a bulk action, an API call and an escalation all call
`perform`. It locks the instance, checks the version the caller saw, replays a seen
idempotency key, asks the engine (`engine.runtime.fire`, which refuses exactly what
`available_actions` shows as unavailable), then writes the new state, the history row,
the audit event, SLA ledger entries and outbox messages in one transaction, and
announces the change (NOTIFY) right after it commits. When this process last wrote the
instance at the version the caller saw, it skips the locking read and guards its write
with that version instead (ADR 0014). The database refuses any other write of `state`
(trigger).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from domain.audit.service import record
from domain.context import Ctx
from domain.errors import N_, Conflict, DomainError, NotFound
from domain.workflows import effects
from domain.workflows.facts import actor_of, facts_of
from domain.workflows.known import known_instances
from domain.workflows.models import IdempotencyKey, TransitionRecord, WorkflowInstance
from domain.workflows.versions import definition_of
from engine.conditions import Actor, Reason
from engine.runtime import SYSTEM, Instance, Outcome, TransitionDenied, fire
from storage import db
from storage.listen import CHANNEL
from storage.pipeline import StaleRow

_INSTANCES = WorkflowInstance.__table__
_HISTORY = TransitionRecord.__table__
_KEYS = IdempotencyKey.__table__
_HISTORY_INSERT = insert(_HISTORY)  # statements built once: `Pipelined` compiles each object once
_KEY_INSERT = insert(_KEYS)
# the locked row: what the engine, the effects and the conflict message read (not its
# creation time, record number or state entry time)
_LOCKED = ("id", "version_id", "subject_type", "subject_id", "state", "creator_id", "assignee_id", "vendor_id",
           "priority", "fields", "version", "updated_at", "updated_by")
_LOCK = db.driver_sql(select(*(_INSTANCES.c[name] for name in _LOCKED)).where(
    _INSTANCES.c.tenant_id == bindparam("t"), _INSTANCES.c.id == bindparam("i")).with_for_update())
_SEEN_KEY = db.driver_sql(select(_KEYS.c.request_hash, _KEYS.c.response).where(
    _KEYS.c.tenant_id == bindparam("t"), _KEYS.c.key == bindparam("k")))
_INSTANCE_UPDATE = update(_INSTANCES).where(_INSTANCES.c.tenant_id == bindparam("t"),
                                            _INSTANCES.c.id == bindparam("i"))
_GUARDED_UPDATE = _INSTANCE_UPDATE.where(_INSTANCES.c.version == bindparam("read_at"))
# `baton.perform` lets the state change (a trigger refuses it otherwise); `baton.announce`
# tells the notify trigger that perform announces the change itself, after COMMIT (ADR 0011)
_SETTINGS = {"baton.perform": "on", "baton.announce": "after_commit"}
MAX_AUTOMATIC_STEPS = 10
MIGRATION = "@migration"  # history's transition id for a move to a newer version (never a real id)
SUBJECT_PERMISSION = {"request": "request:transition", "project": "project:transition",
                      "contract": "project:transition", "scope_change": "project:transition",
                      "task": "project:transition", "milestone": "project:transition",
                      "asset": "asset:transition", "vendor": "vendor:transition"}


class TransitionRefused(DomainError):
    """The engine refused the transition; `reason` is the engine's Reason (label maps included)."""

    def __init__(self, reason: Reason) -> None:
        self.reason = reason
        super().__init__(reason.msgid, **dict(reason.params))

    def __str__(self) -> str:
        return self.reason.text()


class IdempotencyMismatch(DomainError):
    """The idempotency key was already used for a different request."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Performed:
    instance_id: UUID
    transition_id: str
    from_state: str
    to_state: str
    version: int
    automatic: tuple[str, ...] = ()  # transitions fired automatically after this one

    def as_dict(self) -> dict[str, Any]:
        return {"instance_id": str(self.instance_id), "transition_id": self.transition_id,
                "from_state": self.from_state, "to_state": self.to_state, "version": self.version,
                "automatic": list(self.automatic)}


def perform(*, ctx: Ctx, instance_id: UUID, transition_id: str, expected_version: int,
            inputs: dict[str, Any] | None = None, comment: str | None = None,
            idempotency_key: str | None = None) -> Performed:
    """Fire `transition_id` on the instance, or refuse and write nothing.

    Raises Conflict (someone else changed the instance since `expected_version`: says
    who and when), TransitionRefused (the engine's reason), IdempotencyMismatch,
    NotFound, PermissionDenied. With `idempotency_key`, a repeat of the same request
    returns the first response and writes nothing.

    When this process last wrote the instance at `expected_version`, that row is used
    without reading it again: one round trip, the UPDATE guarded by the version (ADR
    0014). If the row changed meanwhile, or the key was seen, or the connection was
    lost, nothing was written and the locking path below decides.
    """
    request = _Request(transition_id, inputs, comment, idempotency_key,
                       _hash(instance_id, transition_id, expected_version, inputs, comment) if idempotency_key else "")
    known = known_instances.get(ctx.tenant_id, instance_id, expected_version)
    if known is not None:
        instance = SimpleNamespace(**known)  # a copy: the known row stays as it was committed
        ctx.require(SUBJECT_PERMISSION.get(instance.subject_type, "request:transition"))
        try:
            with db.tenant_pipeline(ctx.tenant_id, settings=_SETTINGS) as session:
                result = _transition(session, ctx, instance, request, guarded=True)
        except (StaleRow, IntegrityError, OperationalError):
            known_instances.forget(ctx.tenant_id, instance_id)
        else:
            _remember(ctx, instance)
            return result
    with db.tenant_pipeline(ctx.tenant_id, settings=_SETTINGS) as session:
        queries = [(_LOCK, {"t": ctx.tenant_id, "i": instance_id})]
        if idempotency_key:
            queries.append((_SEEN_KEY, {"t": ctx.tenant_id, "k": idempotency_key}))
        rows, *seen = session.lock_and_read(queries)  # one round trip: BEGIN, tenant scope, lock, key
        if not rows:
            raise NotFound(N_("This record no longer exists or is not visible to you."))
        instance = SimpleNamespace(**rows[0])  # a plain copy: written back with one UPDATE below
        ctx.require(SUBJECT_PERMISSION.get(instance.subject_type, "request:transition"))
        if seen and seen[0]:
            if seen[0][0]["request_hash"] != request.hash:
                raise IdempotencyMismatch(N_("This request key was already used for a different change."))
            response = seen[0][0]["response"]
            return Performed(**{**response, "instance_id": UUID(response["instance_id"]),
                                "automatic": tuple(response["automatic"])})
        if instance.version != expected_version:
            raise Conflict(N_("{who} changed this record at {when}; reload it and try again."),
                           who=instance.updated_by or "someone", when=instance.updated_at.isoformat(timespec="seconds"))
        result = _transition(session, ctx, instance, request, guarded=False)
    _remember(ctx, instance)
    return result


@dataclass(frozen=True, slots=True)
class _Request:
    transition_id: str
    inputs: dict[str, Any] | None
    comment: str | None
    idempotency_key: str | None
    hash: str


def _transition(session: db.Pipelined, ctx: Ctx, instance: Any, request: _Request, *, guarded: bool) -> Performed:
    """Fire and queue every write of the transition (committed when the session's block
    ends). `guarded`: the instance was not locked, so its UPDATE also requires the version
    it was read at, and the transaction aborts if that no longer matches."""
    now = datetime.now(UTC)
    read_at = instance.version
    outcome = _fire(session, ctx, instance, request.transition_id, actor_of(ctx), request.inputs, request.comment, now)
    from_state = instance.state
    unchanged = {"fields": instance.fields, "priority": instance.priority, "assignee_id": instance.assignee_id}
    automatic = _apply_and_follow(session, ctx, instance, outcome, now)
    values = {"t": ctx.tenant_id, "i": instance.id, "state": instance.state, "state_entered_at": now,
              "version": instance.version, "updated_at": now, "updated_by": ctx.actor_label,
              **{column: getattr(instance, column) for column, before in unchanged.items()
                 if getattr(instance, column) != before}}
    if guarded:
        session.execute(_GUARDED_UPDATE, {**values, "read_at": read_at}, guard=True)
    else:
        session.execute(_INSTANCE_UPDATE, values)
    if "fields" in values:  # kept as the database reads them back (a number key as text): the known row
        instance.fields = json.loads(json.dumps(instance.fields))
    instance.updated_at, instance.updated_by = now, ctx.actor_label
    session.announce(CHANNEL, json.dumps({
        "tenant": str(ctx.tenant_id), "instance": str(instance.id), "subject_type": instance.subject_type,
        "subject": str(instance.subject_id), "state": instance.state, "version": instance.version}))
    result = Performed(instance_id=instance.id, transition_id=request.transition_id, from_state=from_state,
                       to_state=instance.state, version=instance.version, automatic=tuple(automatic))
    if request.idempotency_key:
        session.execute(_KEY_INSERT, {"tenant_id": ctx.tenant_id, "key": request.idempotency_key,
                                      "request_hash": request.hash, "response": result.as_dict()})
    return result  # committed on leaving the block, then announced to every process (storage.listen)


def _remember(ctx: Ctx, instance: Any) -> None:
    """Keep the instance as committed, for the next perform on it (`known_instances`)."""
    known_instances.put(ctx.tenant_id, {name: getattr(instance, name) for name in _LOCKED})


def _fire(session: db.Pipelined, ctx: Ctx, instance: Any, transition_id: str, actor: Actor,
          inputs: dict[str, Any] | None, comment: str | None, now: datetime) -> Outcome:
    definition = definition_of(session, ctx.tenant_id, instance.version_id)
    try:
        return fire(definition, Instance(state=instance.state, version=instance.version), transition_id, actor,
                    facts_of(instance), inputs, now, comment=comment)
    except TransitionDenied as denied:
        raise TransitionRefused(denied.reason) from None


def _apply_and_follow(session: db.Pipelined, ctx: Ctx, instance: Any, outcome: Outcome, now: datetime) -> list[str]:
    """Apply `outcome`, then any transitions its actions fire automatically (as the system)."""
    automatic: list[str] = []
    pending = _apply(session, ctx, instance, outcome, now)
    while pending:
        if len(automatic) >= MAX_AUTOMATIC_STEPS:
            raise Conflict(N_("Automatic transitions kept firing ({count} steps); check the workflow for a loop."),
                           count=MAX_AUTOMATIC_STEPS)
        transition_id = pending.pop(0)
        outcome = _fire(session, ctx, instance, transition_id, SYSTEM, None, None, now)
        automatic.append(transition_id)
        pending.extend(_apply(session, ctx, instance, outcome, now))
    return automatic


def _apply(session: db.Pipelined, ctx: Ctx, instance: Any, outcome: Outcome, now: datetime) -> list[str]:
    """Effects, history row and audit event of one outcome; the instance row is written by the caller."""
    before = {"state": instance.state, "version": instance.version}
    follow_ups = effects.apply(session, ctx, instance, outcome, now)
    instance.state, instance.version = outcome.to_state, instance.version + 1
    inputs = dict(outcome.audit["inputs"])
    session.execute(_HISTORY_INSERT, {
        "tenant_id": ctx.tenant_id, "id": uuid4(), "instance_id": instance.id, "transition_id": outcome.transition_id,
        "from_state": outcome.from_state, "to_state": outcome.to_state, "actor_id": ctx.user_id,
        "actor_label": ctx.actor_label, "inputs": inputs, "comment": outcome.comment, "at": now})
    record(session, ctx, action="workflow.transition", entity_type=instance.subject_type,
           entity_id=instance.subject_id, before=before,
           after={"state": instance.state, "version": instance.version, "transition": outcome.transition_id,
                  "inputs": inputs, "comment": outcome.comment})
    return follow_ups


def move_to_version(session: Any, ctx: Ctx, instance: WorkflowInstance, *, version_id: UUID,
                    numbers: tuple[int, int], state: str, now: datetime) -> None:
    """Re-pin a locked instance to a newer version of its workflow, in `state` (a migration).

    Called by `domain.workflows.migration` inside its transaction (with `baton.perform`
    set); writes the instance, a history row (transition `@migration`) and an audit event."""
    before = {"state": instance.state, "version": instance.version, "workflow_version": numbers[0]}
    from_state = instance.state
    if state != instance.state:
        instance.state, instance.state_entered_at = state, now
    instance.version_id, instance.version = version_id, instance.version + 1
    instance.updated_at, instance.updated_by = now, ctx.actor_label
    session.add(TransitionRecord(tenant_id=ctx.tenant_id, instance_id=instance.id, transition_id=MIGRATION,
                                 from_state=from_state, to_state=state, actor_id=ctx.user_id,
                                 actor_label=ctx.actor_label, inputs={"version": numbers[1]}, at=now))
    record(session, ctx, action="workflow.migrate", entity_type=instance.subject_type,
           entity_id=instance.subject_id, before=before,
           after={"state": state, "version": instance.version, "workflow_version": numbers[1]})


def _hash(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
