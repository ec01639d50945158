"""Writing, reading and verifying the audit trail.

`record(...)` is called inside the caller's transaction, so a change and its audit
event commit together or not at all. An insert trigger stamps `created_at`; the chain
(seq, prev_hash, hash) is added just after commit by `baton_audit_seal` (ADR 0012):
every few seconds by the sealing job (`seal_all`), and before anything reads the
trail here, so readers always see a sealed trail. `verify_chains()` recomputes the
chain independently here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID, uuid4

from sqlalchemy import func, insert, or_, select, text
from sqlmodel import Session

from domain.audit.models import AuditEvent
from domain.context import Ctx
from domain.iam.models import Tenant
from storage import db

GENESIS = "0" * 64
_INSERT = insert(AuditEvent.__table__)  # parameters bound per call: the statement is built once
PAGE_MAX = 500
SEAL_BATCH = 5000  # events sealed per tenant per call (one short transaction)


def record(
    session: Session,
    ctx: Ctx,
    *,
    action: str,
    entity_type: str,
    entity_id: str | UUID = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    tenant_id: UUID | None = None,
) -> None:
    """Append one event for `ctx.tenant_id` (or `tenant_id`) in the open transaction.

    One INSERT statement (the time comes from the stamp trigger, the chain from sealing)."""
    session.execute(_INSERT, {
        "tenant_id": tenant_id or ctx.tenant_id, "id": uuid4(), "actor_id": ctx.user_id,
        "actor_label": ctx.actor_label, "action": action, "entity_type": entity_type, "entity_id": str(entity_id),
        "before": _jsonable(before), "after": _jsonable(after), "ip": ctx.ip,
    })


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditFilter:
    actor: str = ""
    entity_type: str = ""
    action: str = ""
    since: datetime | None = None
    until: datetime | None = None


def list_events(ctx: Ctx, flt: AuditFilter, *, limit: int = 50, offset: int = 0) -> tuple[list[AuditEvent], int]:
    """Newest first. Requires `audit:read`."""
    ctx.require("audit:read")
    with db.tenant_session(ctx.tenant_id) as session:
        seal(session)
        stmt = _filtered(ctx.tenant_id, flt)
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = session.scalars(
            stmt.order_by(AuditEvent.seq.desc()).limit(min(limit, PAGE_MAX)).offset(max(offset, 0))
        ).all()
        return list(rows), int(total)


def distinct_values(ctx: Ctx) -> tuple[list[str], list[str]]:
    """The actions and entity types present in this tenant's trail (for filter pickers)."""
    ctx.require("audit:read")
    with db.tenant_session(ctx.tenant_id) as session:
        base = select(AuditEvent).where(AuditEvent.tenant_id == ctx.tenant_id).subquery()
        actions = session.scalars(select(base.c.action).distinct().order_by(base.c.action)).all()
        kinds = session.scalars(select(base.c.entity_type).distinct().order_by(base.c.entity_type)).all()
        return list(actions), list(kinds)


CSV_COLUMNS = ("seq", "created_at", "actor", "action", "entity_type", "entity_id", "ip", "before", "after", "hash")


def export_csv(ctx: Ctx, flt: AuditFilter) -> str:
    """Every event matching `flt`, oldest first, as CSV text. Requires `audit:read`."""
    ctx.require("audit:read")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    with db.tenant_session(ctx.tenant_id) as session:
        seal(session)
        for ev in session.scalars(_filtered(ctx.tenant_id, flt).order_by(AuditEvent.seq)).yield_per(1000):
            writer.writerow([
                ev.seq, ev.created_at.isoformat() if ev.created_at else "", _csv_safe(ev.actor_label), ev.action,
                ev.entity_type, _csv_safe(ev.entity_id), ev.ip,
                _csv_safe(json.dumps(ev.before, sort_keys=True)) if ev.before is not None else "",
                _csv_safe(json.dumps(ev.after, sort_keys=True)) if ev.after is not None else "",
                ev.hash,
            ])
    return out.getvalue()


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainStatus:
    tenant_id: UUID
    slug: str
    events: int
    ok: bool
    broken_at: int | None = None
    reason: str = ""


def seal(session: Session) -> int:
    """Chain the scoped tenant's committed, unsealed events now (waiting for a sealer already
    at it); return how many. Runs in the caller's transaction."""
    sealed = 0
    while (batch := int(session.scalar(text("select baton_audit_seal(:n)"), {"n": SEAL_BATCH}) or 0)) == SEAL_BATCH:
        sealed += batch
    return sealed + batch


def seal_all() -> int:
    """Chain every tenant's committed, unsealed events (the sealing job; safe in every process:
    a tenant being sealed elsewhere is skipped). Returns how many were sealed."""
    with db.global_session() as session:
        return int(session.scalar(text("select baton_audit_seal_all(:n)"), {"n": SEAL_BATCH}) or 0)


def verify_chains() -> list[ChainStatus]:
    """Recompute every tenant's chain from the stored rows (sealing what is pending first);
    one status per tenant."""
    with db.global_session() as session:
        tenants = session.execute(select(Tenant.id, Tenant.slug).order_by(Tenant.slug)).all()
    return [_verify_tenant(tid, slug) for tid, slug in tenants]


def _verify_tenant(tenant_id: UUID, slug: str) -> ChainStatus:
    expected_prev, expected_seq, count = GENESIS, 1, 0
    with db.tenant_session(tenant_id) as session:
        seal(session)
        rows = session.execute(text(_CHAIN_SQL), {"t": str(tenant_id)})
        for row in rows:
            count += 1
            if row.seq != expected_seq:
                return ChainStatus(tenant_id=tenant_id, slug=slug, events=count, ok=False, broken_at=expected_seq,
                                   reason=f"event {expected_seq} is missing")
            if row.prev_hash != expected_prev:
                return ChainStatus(tenant_id=tenant_id, slug=slug, events=count, ok=False, broken_at=row.seq,
                                   reason=f"event {row.seq} does not link to event {row.seq - 1}")
            if _hash(row) != row.hash:
                return ChainStatus(tenant_id=tenant_id, slug=slug, events=count, ok=False, broken_at=row.seq,
                                   reason=f"event {row.seq} was altered after it was written")
            expected_prev, expected_seq = row.hash, expected_seq + 1
    return ChainStatus(tenant_id=tenant_id, slug=slug, events=count, ok=True)


_CHAIN_SQL = """
select seq, prev_hash, hash, tenant_id::text as tenant_id, id::text as id, coalesce(actor_id::text, '') as actor_id,
       actor_label, action, entity_type, entity_id, coalesce(before::text, 'null') as before_text,
       coalesce(after::text, 'null') as after_text, ip,
       to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_text
from audit_events where tenant_id = cast(:t as uuid) order by seq
"""


def _hash(row: Any) -> str:
    material = "\x1f".join([
        row.prev_hash, str(row.seq), row.tenant_id, row.id, row.actor_id, row.actor_label, row.action,
        row.entity_type, row.entity_id, row.before_text, row.after_text, row.ip, row.created_text,
    ])
    return hashlib.sha256(material.encode()).hexdigest()


def _filtered(tenant_id: UUID, flt: AuditFilter) -> Any:
    stmt = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
    if flt.actor:
        stmt = stmt.where(AuditEvent.actor_label.ilike(f"%{_like(flt.actor)}%", escape="\\"))
    if flt.entity_type:
        stmt = stmt.where(AuditEvent.entity_type == flt.entity_type)
    if flt.action:
        stmt = stmt.where(or_(AuditEvent.action == flt.action,
                              AuditEvent.action.ilike(f"{_like(flt.action)}.%", escape="\\")))
    if flt.since:
        stmt = stmt.where(AuditEvent.created_at >= flt.since)
    if flt.until:
        stmt = stmt.where(AuditEvent.created_at < flt.until)
    return stmt


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in user-provided cells (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """`value` as JSON can hold it: as it is when it is JSON already, else with its other
    values (ids, times, amounts) as text."""
    if value is None:
        return None
    try:
        json.dumps(value)
    except TypeError:
        return cast(dict[str, Any], json.loads(json.dumps(value, default=str)))
    return value
