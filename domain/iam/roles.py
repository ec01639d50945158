"""Roles of a tenant: the system ones and custom ones, each a set of permissions."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import func, select

from domain.audit.service import record
from domain.context import Ctx
from domain.errors import N_, Conflict, NotFound, ValidationFailed
from domain.iam import validation as v
from domain.iam.models import MembershipRole, Role, RolePermission
from domain.iam.permissions import LOCKED_ROLE_KEYS, PERMISSIONS
from storage import db


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleView:
    id: UUID
    key: str
    name: str
    description: str
    is_system: bool
    permissions: tuple[str, ...]
    members: int


def list_roles(ctx: Ctx) -> list[RoleView]:
    """Every role of the tenant with its permissions and member count. Requires `user:read`."""
    ctx.require("user:read")
    with db.tenant_session(ctx.tenant_id) as session:
        roles = session.scalars(select(Role).where(Role.tenant_id == ctx.tenant_id)
                                .order_by(Role.is_system.desc(), Role.key)).all()
        perms: dict[UUID, list[str]] = {}
        for role_id, perm in session.execute(select(RolePermission.role_id, RolePermission.permission)
                                             .where(RolePermission.tenant_id == ctx.tenant_id)):
            perms.setdefault(role_id, []).append(perm)
        counts = dict(session.execute(
            select(MembershipRole.role_id, func.count()).where(MembershipRole.tenant_id == ctx.tenant_id)
            .group_by(MembershipRole.role_id)).all())
        return [RoleView(id=r.id, key=r.key, name=r.name, description=r.description, is_system=r.is_system,
                         permissions=tuple(sorted(perms.get(r.id, []))), members=int(counts.get(r.id, 0)))
                for r in roles]


def create_role(ctx: Ctx, *, key: str, name: str, description: str = "", permissions: list[str]) -> RoleView:
    """Create a custom role. Requires `role:manage`."""
    ctx.require("role:manage")
    key = v.key(key)
    name = v.text(name, "name", max_length=120)
    description = v.text(description, "description", max_length=500, required=False)
    perms = _check_permissions(permissions)
    with db.tenant_session(ctx.tenant_id) as session:
        if session.scalars(select(Role.id).where(Role.tenant_id == ctx.tenant_id, Role.key == key)).first():
            raise Conflict(N_("A role with the key {key} already exists."), key=key)
        role = Role(tenant_id=ctx.tenant_id, key=key, name=name, description=description)
        session.add(role)
        session.flush()
        for perm in perms:
            session.add(RolePermission(tenant_id=ctx.tenant_id, role_id=role.id, permission=perm))
        record(session, ctx, action="role.create", entity_type="role", entity_id=role.id,
               after={"key": key, "name": name, "permissions": perms})
    return next(r for r in list_roles(ctx) if r.key == key)


def update_role(ctx: Ctx, *, role_id: UUID, name: str, description: str, permissions: list[str]) -> RoleView:
    """Rename a role and replace its permissions. The admin role's permissions are fixed."""
    ctx.require("role:manage")
    name = v.text(name, "name", max_length=120)
    description = v.text(description, "description", max_length=500, required=False)
    perms = _check_permissions(permissions)
    with db.tenant_session(ctx.tenant_id) as session:
        role = _role(session, ctx, role_id)
        old = sorted(session.scalars(select(RolePermission.permission).where(
            RolePermission.tenant_id == ctx.tenant_id, RolePermission.role_id == role_id)).all())
        if role.key in LOCKED_ROLE_KEYS and perms != old:
            raise ValidationFailed({"permissions": N_("The administrator role always has every permission.")})
        before = {"name": role.name, "description": role.description, "permissions": old}
        role.name, role.description = name, description
        session.execute(RolePermission.__table__.delete().where(
            RolePermission.tenant_id == ctx.tenant_id, RolePermission.role_id == role_id))
        for perm in perms:
            session.add(RolePermission(tenant_id=ctx.tenant_id, role_id=role_id, permission=perm))
        record(session, ctx, action="role.update", entity_type="role", entity_id=role_id, before=before,
               after={"name": name, "description": description, "permissions": perms})
    return next(r for r in list_roles(ctx) if r.id == role_id)


def delete_role(ctx: Ctx, *, role_id: UUID) -> None:
    """Delete a custom role that nobody holds. Requires `role:manage`."""
    ctx.require("role:manage")
    with db.tenant_session(ctx.tenant_id) as session:
        role = _role(session, ctx, role_id)
        if role.is_system:
            raise Conflict(N_("System roles cannot be deleted."))
        holders = session.scalar(select(func.count()).select_from(MembershipRole).where(
            MembershipRole.tenant_id == ctx.tenant_id, MembershipRole.role_id == role_id)) or 0
        if holders:
            raise Conflict(N_("People holding this role: {count}. Give them another role first."), count=holders)
        record(session, ctx, action="role.delete", entity_type="role", entity_id=role_id,
               before={"key": role.key, "name": role.name})
        session.delete(role)


def _role(session: object, ctx: Ctx, role_id: UUID) -> Role:
    role = session.scalars(select(Role).where(Role.tenant_id == ctx.tenant_id, Role.id == role_id)  # type: ignore[attr-defined]
                           .with_for_update()).first()
    if role is None:
        raise NotFound(N_("This role no longer exists."))
    return role


def _check_permissions(permissions: list[str]) -> list[str]:
    perms = sorted(set(permissions))
    unknown = [p for p in perms if p not in PERMISSIONS]
    if unknown:
        raise ValidationFailed({"permissions": N_("Unknown permission: {permission}.")}, permission=unknown[0])
    return perms
