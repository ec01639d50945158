"""Tenant set-up for records: record types bound to workflows, and buildings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import func, select

from domain.audit.service import record as audit
from domain.context import Ctx
from domain.errors import N_, NotFound, ValidationFailed
from domain.records.models import Building, RecordType
from domain.records.service import KINDS, TypeView
from domain.workflows.versions import definition_of, latest_published
from storage import db

KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeRow:
    kind: str
    key: str
    name: dict[str, str]
    workflow_key: str
    active: bool


def all_types(ctx: Ctx) -> list[TypeRow]:
    """Every record type of the tenant, active or not (for administrators)."""
    ctx.require("workflow:design")
    with db.tenant_session(ctx.tenant_id) as session:
        rows = session.scalars(select(RecordType).where(RecordType.tenant_id == ctx.tenant_id)
                               .order_by(RecordType.kind, RecordType.key)).all()
        return [TypeRow(kind=r.kind, key=r.key, name=dict(r.name), workflow_key=r.workflow_key, active=r.active)
                for r in rows]


def save_type(ctx: Ctx, *, kind: str, key: str, name: str, workflow_key: str, active: bool = True) -> TypeView:
    """Create or change a record type (say, "Cleaning" requests on a cleaning workflow). The
    workflow must be published and be for this kind of record."""
    ctx.require("workflow:design")
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = N_("Choose requests, projects, assets or vendors.")
    if not KEY.match(key or ""):
        errors["key"] = N_("Use lowercase letters, digits and underscores, starting with a letter.")
    label = " ".join((name or "").split())
    if not label or len(label) > 80:
        errors["name"] = N_("Give the type a name of 1 to 80 characters.")
    if errors:
        raise ValidationFailed(errors)
    with db.tenant_session(ctx.tenant_id) as session:
        try:
            version = latest_published(session, ctx.tenant_id, workflow_key)
        except NotFound:
            raise ValidationFailed({"workflow_key": N_("Choose a published workflow.")}) from None
        if definition_of(session, ctx.tenant_id, version.id).subject != kind:
            raise ValidationFailed({"workflow_key": N_("This workflow is not for this kind of record.")})
        row = session.scalars(select(RecordType).where(RecordType.tenant_id == ctx.tenant_id,
                                                       RecordType.kind == kind, RecordType.key == key)).first()
        before = None if row is None else {"name": dict(row.name), "workflow": row.workflow_key, "active": row.active}
        if row is None:
            row = RecordType(tenant_id=ctx.tenant_id, kind=kind, key=key, workflow_key=workflow_key)
            session.add(row)
        row.name, row.workflow_key, row.active = {"*": label}, workflow_key, active
        session.flush()
        audit(session, ctx, action="record_type.save", entity_type="record_type", entity_id=f"{kind}:{key}",
              before=before, after={"name": label, "workflow": workflow_key, "active": active})
        return TypeView(kind=kind, key=key, name=dict(row.name), workflow_key=workflow_key)


def list_buildings(ctx: Ctx) -> list[Building]:
    ctx.require("asset:read")
    with db.tenant_session(ctx.tenant_id) as session:
        return list(session.scalars(select(Building).where(Building.tenant_id == ctx.tenant_id)
                                    .order_by(func.lower(Building.name))).all())


def save_building(ctx: Ctx, *, building_id: UUID | None, name: str, code: str = "", address: str = "") -> Building:
    ctx.require("asset:manage")
    label = " ".join((name or "").split())
    errors: dict[str, str] = {}
    if not label or len(label) > 200:
        errors["name"] = N_("Give the building a name of 1 to 200 characters.")
    if len(code.strip()) > 30:
        errors["code"] = N_("Keep the code under {max} characters.")
    if len(address.strip()) > 500:
        errors["address"] = N_("Keep the address under {max} characters.")
    if errors:
        raise ValidationFailed(errors, max=30 if "code" in errors else 500)
    with db.tenant_session(ctx.tenant_id) as session:
        clash = session.scalars(select(Building.id).where(Building.tenant_id == ctx.tenant_id,
                                                          func.lower(Building.name) == label.lower())).first()
        if clash is not None and clash != building_id:
            raise ValidationFailed({"name": N_("A building named {name} already exists.")}, name=label)
        if building_id is None:
            building = Building(tenant_id=ctx.tenant_id, name=label, code=code.strip(), address=address.strip())
            session.add(building)
            before = None
        else:
            building = session.scalars(select(Building).where(Building.tenant_id == ctx.tenant_id,
                                                              Building.id == building_id)).first()
            if building is None:
                raise NotFound(N_("This building no longer exists."))
            before = {"name": building.name, "code": building.code, "address": building.address}
            building.name, building.code, building.address = label, code.strip(), address.strip()
        session.flush()
        audit(session, ctx, action="building.save", entity_type="building", entity_id=building.id, before=before,
              after={"name": label, "code": code.strip(), "address": address.strip()})
        return building
