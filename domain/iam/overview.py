"""Counts for the dashboard: what this tenant holds so far."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from domain.context import Ctx
from domain.iam.models import Membership, Role, Vendor
from storage import db


@dataclass(frozen=True, slots=True, kw_only=True)
class Overview:
    members: int | None
    active_members: int | None
    vendors: int | None
    roles: int | None


def tenant_overview(ctx: Ctx) -> Overview:
    """Tenant-wide counts, each only for those allowed to see what it counts
    (`user:read` for members and roles, `vendor:read` for vendors); None otherwise."""
    with db.tenant_session(ctx.tenant_id) as session:
        members = session.scalar(select(func.count()).select_from(Membership)
                                 .where(Membership.tenant_id == ctx.tenant_id)) or 0
        active = session.scalar(select(func.count()).select_from(Membership)
                                .where(Membership.tenant_id == ctx.tenant_id, Membership.status == "active")) or 0
        vendors = session.scalar(select(func.count()).select_from(Vendor).where(Vendor.tenant_id == ctx.tenant_id)) or 0
        roles = session.scalar(select(func.count()).select_from(Role).where(Role.tenant_id == ctx.tenant_id)) or 0
    people = ctx.can("user:read")
    return Overview(members=members if people else None, active_members=active if people else None,
                    vendors=vendors if ctx.can("vendor:read") else None, roles=roles if people else None)
