"""Vendors as tenant records: name, trades, status and contact details."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select, update

from domain.audit.service import record
from domain.context import Ctx
from domain.errors import N_, Conflict, NotFound, ValidationFailed
from domain.iam import validation as v
from domain.iam.models import Vendor
from domain.workflows.models import WorkflowInstance
from storage import db

STATUSES = ("onboarding", "active", "suspended")


def list_vendors(ctx: Ctx, *, search: str = "") -> list[Vendor]:
    """The tenant's vendors by name; a vendor user sees only their own. Requires `vendor:read`
    (vendor users see their own vendor without it)."""
    if ctx.vendor_id is None:
        ctx.require("vendor:read")
    with db.tenant_session(ctx.tenant_id) as session:
        stmt = select(Vendor).where(Vendor.tenant_id == ctx.tenant_id).order_by(func.lower(Vendor.name))
        if ctx.vendor_id is not None:
            stmt = stmt.where(Vendor.id == ctx.vendor_id)
        if search.strip():
            stmt = stmt.where(Vendor.name.ilike(f"%{search.strip()}%"))
        return list(session.scalars(stmt).all())


def save_vendor(ctx: Ctx, *, vendor_id: UUID | None, name: str, trades: list[str], status: str,
                email: str = "", phone: str = "") -> Vendor:
    """Create (`vendor_id` None) or update a vendor. Requires `vendor:manage`."""
    ctx.require("vendor:manage")
    name = v.text(name, "name")
    clean_trades = sorted({v.text(t, "trades", max_length=60) for t in trades if t.strip()})
    if status not in STATUSES:
        raise ValidationFailed({"status": N_("Choose onboarding, active or suspended.")})
    mail = v.email(email) if email.strip() else None
    phone_value = v.text(phone, "phone", max_length=50, required=False) or None
    with db.tenant_session(ctx.tenant_id) as session:
        clash = session.scalars(select(Vendor.id).where(
            Vendor.tenant_id == ctx.tenant_id, func.lower(Vendor.name) == name.lower())).first()
        if clash and clash != vendor_id:
            raise Conflict(N_("A vendor named {name} already exists."), name=name)
        after = {"name": name, "trades": clean_trades, "status": status, "email": mail, "phone": phone_value}
        if vendor_id is None:
            vendor = Vendor(tenant_id=ctx.tenant_id, **after)
            session.add(vendor)
            session.flush()
            record(session, ctx, action="vendor.create", entity_type="vendor", entity_id=vendor.id, after=after)
            return vendor
        vendor = session.scalars(select(Vendor).where(Vendor.tenant_id == ctx.tenant_id, Vendor.id == vendor_id)
                                 .with_for_update()).first()
        if vendor is None:
            raise NotFound(N_("This vendor no longer exists."))
        before = {"name": vendor.name, "trades": vendor.trades, "status": vendor.status, "email": vendor.email,
                  "phone": vendor.phone}
        for attr, value in after.items():
            setattr(vendor, attr, value)
        if before["name"] != name:  # the onboarding record shows the vendor's name as its title
            instances = WorkflowInstance.__table__
            session.execute(update(instances).where(
                instances.c.tenant_id == ctx.tenant_id, instances.c.subject_type == "vendor",
                instances.c.subject_id == vendor.id).values(
                fields=instances.c.fields.op("||")(func.jsonb_build_object("title", name)),
                version=instances.c.version + 1, updated_by=ctx.actor_label))
        if before != after:
            record(session, ctx, action="vendor.update", entity_type="vendor", entity_id=vendor.id,
                   before=before, after=after)
        return vendor
