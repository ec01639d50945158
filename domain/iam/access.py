"""Reads shared by the IAM use cases: a member's roles and permissions in a tenant."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlmodel import Session

from domain.iam.models import Membership, MembershipRole, Role, RolePermission


def member_roles(session: Session, tenant_id: UUID, membership_id: UUID) -> list[Role]:
    stmt = (
        select(Role)
        .join(MembershipRole, (MembershipRole.role_id == Role.id) & (MembershipRole.tenant_id == Role.tenant_id))
        .where(MembershipRole.tenant_id == tenant_id, MembershipRole.membership_id == membership_id)
        .order_by(Role.key)
    )
    return list(session.scalars(stmt).all())


def role_permissions(session: Session, tenant_id: UUID, role_ids: list[UUID]) -> frozenset[str]:
    if not role_ids:
        return frozenset()
    stmt = select(RolePermission.permission).where(
        RolePermission.tenant_id == tenant_id, RolePermission.role_id.in_(role_ids)
    )
    return frozenset(session.scalars(stmt).all())


def membership_of(session: Session, tenant_id: UUID, user_id: UUID) -> Membership | None:
    return session.scalars(
        select(Membership).where(Membership.tenant_id == tenant_id, Membership.user_id == user_id)
    ).first()


def roles_by_key(session: Session, tenant_id: UUID) -> dict[str, Role]:
    return {r.key: r for r in session.scalars(select(Role).where(Role.tenant_id == tenant_id)).all()}


def roles_of_members(session: Session, tenant_id: UUID, membership_ids: list[UUID]) -> dict[UUID, tuple[str, ...]]:
    """Role keys per membership, in one query (for lists of members)."""
    if not membership_ids:
        return {}
    found: dict[UUID, list[str]] = {}
    stmt = (
        select(MembershipRole.membership_id, Role.key)
        .join(Role, (MembershipRole.role_id == Role.id) & (MembershipRole.tenant_id == Role.tenant_id))
        .where(MembershipRole.tenant_id == tenant_id, MembershipRole.membership_id.in_(membership_ids))
        .order_by(Role.key)
    )
    for membership_id, key in session.execute(stmt):
        found.setdefault(membership_id, []).append(key)
    return {k: tuple(v) for k, v in found.items()}


def members_with_role(session: Session, tenant_id: UUID, role_key: str) -> list[UUID]:
    """User ids of the active members holding `role_key` (for workflow assignment)."""
    stmt = (
        select(Membership.user_id)
        .join(MembershipRole, (MembershipRole.tenant_id == Membership.tenant_id)
              & (MembershipRole.membership_id == Membership.id))
        .join(Role, (Role.tenant_id == MembershipRole.tenant_id) & (Role.id == MembershipRole.role_id))
        .where(Membership.tenant_id == tenant_id, Membership.status == "active", Role.key == role_key)
        .order_by(Membership.user_id)
    )
    return list(session.scalars(stmt).all())


def member_by_email(session: Session, tenant_id: UUID, email: str) -> UUID | None:
    from domain.iam.models import User

    return session.scalars(
        select(Membership.user_id).join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == tenant_id, Membership.status == "active", User.email == email.lower())
    ).first()
