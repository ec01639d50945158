"""What a record's forms and pages look up in the tenant: people, vendors, buildings and assets
to choose from (and the names to show for their ids), the record types, a record by its
reference, and the tenant's time zone.

Helpers take the open session of the use case calling them; `choices` is a use case itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import and_, select

from domain.context import Ctx
from domain.errors import N_, ValidationFailed
from domain.iam.models import Membership, Tenant, User, Vendor
from domain.records.kinds import PREFIX, reference
from domain.records.models import Building, Record, RecordType
from domain.workflows.models import WorkflowInstance
from engine.model import FieldDef
from engine.values import zone
from storage import db


def choices(ctx: Ctx) -> dict[str, dict[str, str]]:
    """id -> display name per reference type (user, vendor, building, asset) for form selects."""
    with db.tenant_session(ctx.tenant_id) as session:
        return choices_in(session, ctx)


def choices_in(session: Any, ctx: Ctx) -> dict[str, dict[str, str]]:
    """`choices` within an open session: active members, vendors, buildings, assets (by reference)."""
    people = session.execute(select(User.id, User.name).join(Membership, and_(
        Membership.user_id == User.id, Membership.tenant_id == ctx.tenant_id)).where(
        Membership.status == "active").order_by(User.name)).all()
    vendors = session.execute(select(Vendor.id, Vendor.name).where(Vendor.tenant_id == ctx.tenant_id)
                              .order_by(Vendor.name)).all()
    buildings = session.execute(select(Building.id, Building.name).where(Building.tenant_id == ctx.tenant_id)
                                .order_by(Building.name)).all()
    inst = WorkflowInstance.__table__.c
    assets = session.execute(select(Record.id, Record.number, inst.fields["title"].astext).join(
        WorkflowInstance, and_(inst.tenant_id == Record.tenant_id, inst.subject_type == Record.kind,
                               inst.subject_id == Record.id))
        .where(Record.tenant_id == ctx.tenant_id, Record.kind == "asset").order_by(Record.number)).all()
    return {"user": {str(i): n for i, n in people}, "vendor": {str(i): n for i, n in vendors},
            "building": {str(i): n for i, n in buildings},
            "asset": {str(i): f"{reference('asset', num)} {title or ''}".strip() for i, num, title in assets}}


def known_ids(session: Any, ctx: Ctx) -> dict[str, set[str]]:
    """The ids a field of each reference type may hold (`fields.clean_values`'s `known`)."""
    return {kind: set(names) for kind, names in choices_in(session, ctx).items()}


def names_for(session: Any, ctx: Ctx) -> dict[str, str]:
    """id -> display name of every person, vendor, building and asset (a detail page's ids)."""
    names: dict[str, str] = {}
    for group in choices_in(session, ctx).values():
        names.update(group)
    return names


def related_refs(session: Any, ctx: Ctx, form: tuple[FieldDef, ...], values: Mapping[str, Any]) -> dict[str, str]:
    """Field key -> reference of the asset (or vendor record) a field points at, for links."""
    wanted = {f.key: values[f.key] for f in form if f.type in ("asset", "vendor") and values.get(f.key)}
    ids = [uuid_or_none(v) for v in wanted.values()]
    if not ids:
        return {}
    rows = {r.id: reference(r.kind, r.number) for r in session.execute(select(Record.id, Record.kind, Record.number)
                                                                       .where(Record.tenant_id == ctx.tenant_id,
                                                                              Record.id.in_(ids))).all()}
    return {key: rows[uuid_or_none(value)] for key, value in wanted.items() if uuid_or_none(value) in rows}


def record_type(session: Any, ctx: Ctx, kind: str, type_key: str) -> RecordType:
    """The active type `type_key` of `kind`; ValidationFailed at `type` otherwise."""
    rtype = session.scalars(select(RecordType).where(
        RecordType.tenant_id == ctx.tenant_id, RecordType.kind == kind, RecordType.key == type_key,
        RecordType.active)).first()
    if rtype is None:
        raise ValidationFailed({"type": N_("Choose a type from the list.")})
    return rtype


def record_id_by_reference(session: Any, ctx: Ctx, ref: str) -> UUID | None:
    """The id of the record `ref` (`PRJ-7`, any case and spacing) names, if it exists."""
    prefix, _, number = ref.strip().upper().partition("-")
    kind = next((k for k, p in PREFIX.items() if p == prefix), None)
    if kind is None or not number.isdigit():
        return None
    return session.scalars(select(Record.id).where(Record.tenant_id == ctx.tenant_id, Record.kind == kind,
                                                   Record.number == int(number))).first()


def tenant_zone(session: Any, ctx: Ctx) -> Any:
    """The tenant's time zone (naive dates and times people enter are in it)."""
    settings = session.scalar(select(Tenant.settings).where(Tenant.id == ctx.tenant_id)) or {}
    return zone(settings.get("timezone", "UTC"))


def uuid_or_none(value: Any) -> UUID | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, UUID) else UUID(str(value))
