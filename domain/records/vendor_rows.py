"""The vendor row behind a vendor record: created with the record, renamed with its title.

A vendor record shares its vendor's id; the vendor's name is the record's title, unique in
the tenant whatever the case. Helpers take the open session of the use case calling them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from domain.context import Ctx
from domain.errors import N_, ValidationFailed
from domain.iam.models import Vendor


def new_vendor(session: Any, ctx: Ctx, values: Mapping[str, Any]) -> UUID:
    """The vendor row behind a new vendor record: name from the title, trades and e-mail from the fields."""
    name = _name(values.get("title"))
    if session.scalars(select(Vendor.id).where(Vendor.tenant_id == ctx.tenant_id,
                                               func.lower(Vendor.name) == name.lower())).first():
        raise ValidationFailed({"title": N_("A vendor named {name} already exists.")}, name=name)
    vendor = Vendor(tenant_id=ctx.tenant_id, name=name, trades=list(values.get("trades") or []),
                    status="onboarding", email=values.get("contact_email") or None)
    session.add(vendor)
    session.flush()
    return vendor.id


def rename_vendor(session: Any, ctx: Ctx, vendor_id: UUID, title: str) -> None:
    """Give the vendor its record's new title as name; a clash with another vendor is refused at `title`."""
    name = _name(title)
    clash = session.scalars(select(Vendor.id).where(Vendor.tenant_id == ctx.tenant_id,
                                                    func.lower(Vendor.name) == name.lower())).first()
    if clash is not None and clash != vendor_id:
        raise ValidationFailed({"title": N_("A vendor named {name} already exists.")}, name=name)
    vendor = session.scalars(select(Vendor).where(Vendor.tenant_id == ctx.tenant_id, Vendor.id == vendor_id)).first()
    if vendor is not None:
        vendor.name = name


def _name(title: Any) -> str:
    name = " ".join(str(title or "").split())
    if not name:
        raise ValidationFailed({"title": N_("Give the vendor a name.")})
    return name
