"""Tenants: created by a platform administrator, configured by their own admins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from domain.audit.service import record
from domain.context import Ctx
from domain.errors import N_, Conflict, NotFound, PermissionDenied, ValidationFailed
from domain.iam import validation as v
from domain.iam.models import Membership, MembershipRole, Role, RolePermission, Tenant, User
from domain.iam.passwords import check_policy, hash_password
from domain.iam.permissions import SYSTEM_ROLES
from storage import db

PLATFORM_TENANT_ID = UUID("00000000-0000-0000-0000-000000000001")
DEFAULT_CALENDAR: dict[str, Any] = {
    "weekly": {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": [],
}


@dataclass(frozen=True, slots=True, kw_only=True)
class NewTenant:
    name: str
    slug: str
    timezone: str = "UTC"
    default_locale: str = "en"
    admin_email: str
    admin_name: str
    admin_password: str = ""  # required when the admin is a new user
    settings: dict[str, Any] = field(default_factory=dict)


def create_tenant(actor: Ctx, new: NewTenant) -> Tenant:
    """Create a tenant with the system roles and its first admin (new or existing user).

    Only a platform administrator may do this. Audited in the new tenant and in the
    platform tenant. Raises ValidationFailed, Conflict (slug taken), PermissionDenied.
    """
    if not actor.is_platform_admin:
        raise PermissionDenied(N_("Only a platform administrator can create tenants."))
    name = v.text(new.name, "name")
    slug = v.slug(new.slug)
    tz = v.timezone(new.timezone)
    loc = v.locale(new.default_locale, "default_locale") or "en"
    admin_email = v.email(new.admin_email, "admin_email")
    admin_name = v.text(new.admin_name, "admin_name")
    settings = {"timezone": tz, "default_locale": loc, "calendar": DEFAULT_CALENDAR, **new.settings}
    tenant = Tenant(name=name, slug=slug, settings=settings)
    try:
        with db.tenant_session(actor.tenant_id) as session:
            if session.scalars(select(Tenant.id).where(Tenant.slug == slug)).first():
                raise Conflict(N_("The address name {slug} is taken; choose another."), slug=slug)
            admin = session.scalars(select(User).where(User.email == admin_email)).first()
            if admin is None:
                check_policy(new.admin_password, email=admin_email, field="admin_password")
                admin = User(email=admin_email, name=admin_name, password_hash=hash_password(new.admin_password))
                session.add(admin)
            session.add(tenant)
            session.flush()
            record(session, actor, action="tenant.create", entity_type="tenant", entity_id=tenant.id,
                   after={"name": name, "slug": slug})
            db.set_tenant(session, tenant.id)
            roles = seed_system_roles(session, tenant.id)
            membership = Membership(tenant_id=tenant.id, user_id=admin.id)
            session.add(membership)
            session.flush()
            session.add(MembershipRole(tenant_id=tenant.id, membership_id=membership.id, role_id=roles["admin"].id))
            here = Ctx(tenant_id=tenant.id, user_id=actor.user_id, actor_label=actor.actor_label, ip=actor.ip)
            record(session, here, action="tenant.create", entity_type="tenant", entity_id=tenant.id,
                   after={"name": name, "slug": slug, "settings": settings})
            record(session, here, action="membership.create", entity_type="membership", entity_id=membership.id,
                   after={"user": admin_email, "roles": ["admin"]})
    except IntegrityError as exc:
        raise Conflict(N_("The address name {slug} is taken; choose another."), slug=slug) from exc
    return tenant


def seed_system_roles(session: Any, tenant_id: UUID) -> dict[str, Role]:
    """Insert the system roles and their permissions (flushes; caller commits)."""
    roles: dict[str, Role] = {}
    for key, (name, description, permissions) in SYSTEM_ROLES.items():
        role = Role(tenant_id=tenant_id, key=key, name=name, description=description, is_system=True)
        session.add(role)
        session.flush()
        for perm in sorted(permissions):
            session.add(RolePermission(tenant_id=tenant_id, role_id=role.id, permission=perm))
        roles[key] = role
    session.flush()
    return roles


def list_tenants(actor: Ctx) -> list[Tenant]:
    """Every tenant (platform administrators only)."""
    if not actor.is_platform_admin:
        raise PermissionDenied(N_("Only a platform administrator can list tenants."))
    with db.global_session() as session:
        return list(session.scalars(select(Tenant).order_by(Tenant.is_platform.desc(), Tenant.name)).all())


def get_tenant(ctx: Ctx) -> Tenant:
    with db.global_session() as session:
        tenant = session.scalars(select(Tenant).where(Tenant.id == ctx.tenant_id)).first()
    if tenant is None:
        raise NotFound(N_("This tenant no longer exists."))
    return tenant


def update_tenant(ctx: Ctx, *, name: str, timezone: str, default_locale: str,
                  calendar: dict[str, Any] | None = None) -> Tenant:
    """Change the current tenant's name and settings. Requires `tenant:manage`."""
    ctx.require("tenant:manage")
    name = v.text(name, "name")
    tz = v.timezone(timezone)
    loc = v.locale(default_locale, "default_locale") or "en"
    with db.tenant_session(ctx.tenant_id) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.id == ctx.tenant_id).with_for_update()).first()
        if tenant is None:
            raise NotFound(N_("This tenant no longer exists."))
        before = {"name": tenant.name, "settings": dict(tenant.settings)}
        settings = {**tenant.settings, "timezone": tz, "default_locale": loc}
        if calendar is not None:
            settings["calendar"] = v.calendar(calendar)
        tenant.name, tenant.settings = name, settings
        record(session, ctx, action="tenant.update", entity_type="tenant", entity_id=ctx.tenant_id,
               before=before, after={"name": name, "settings": settings})
    return tenant


def set_tenant_status(actor: Ctx, tenant_id: UUID, status: str) -> None:
    """Suspend or reactivate a tenant (platform administrators only)."""
    if not actor.is_platform_admin:
        raise PermissionDenied(N_("Only a platform administrator can suspend or reactivate tenants."))
    if status not in ("active", "suspended"):
        raise ValidationFailed({"status": N_("Choose active or suspended.")})
    if tenant_id == PLATFORM_TENANT_ID:
        raise Conflict(N_("The platform tenant cannot be suspended."))
    with db.tenant_session(actor.tenant_id) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.id == tenant_id).with_for_update()).first()
        if tenant is None:
            raise NotFound(N_("This tenant no longer exists."))
        before = tenant.status
        tenant.status = status
        session.flush()
        for where in (actor.tenant_id, tenant_id):
            db.set_tenant(session, where)
            record(session, actor, action="tenant.status", entity_type="tenant", entity_id=tenant_id,
                   before={"status": before}, after={"status": status}, tenant_id=where)
