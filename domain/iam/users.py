"""Users as a tenant admin sees them: members, their roles, vendor links, passwords."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import func, or_, select, update
from sqlmodel import Session

from domain.audit.service import record
from domain.context import Ctx
from domain.errors import N_, Conflict, InvalidCredentials, NotFound, PermissionDenied, ValidationFailed
from domain.iam import validation as v
from domain.iam.access import member_roles, membership_of, roles_by_key, roles_of_members
from domain.iam.models import Membership, MembershipRole, User, UserSession, Vendor
from domain.iam.passwords import check_policy, generate_password, hash_password, verify_password
from storage import db


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    user_id: UUID
    membership_id: UUID
    email: str
    name: str
    kind: str
    status: str  # the membership's (active | disabled)
    roles: tuple[str, ...]
    vendor_id: UUID | None
    vendor_name: str | None


def list_members(ctx: Ctx, *, search: str = "", limit: int = 200) -> list[Member]:
    """Members of the current tenant, by name. Requires `user:read`."""
    ctx.require("user:read")
    with db.tenant_session(ctx.tenant_id) as session:
        stmt = (
            select(Membership, User, Vendor.name)
            .join(User, User.id == Membership.user_id)
            .outerjoin(Vendor, (Vendor.tenant_id == Membership.tenant_id) & (Vendor.id == Membership.vendor_id))
            .where(Membership.tenant_id == ctx.tenant_id)
            .order_by(func.lower(User.name))
            .limit(limit)
        )
        if search.strip():
            pattern = f"%{search.strip()}%"
            stmt = stmt.where(or_(User.name.ilike(pattern), User.email.ilike(pattern)))
        rows = session.execute(stmt).all()
        roles = roles_of_members(session, ctx.tenant_id, [m.id for m, _u, _v in rows])
        return [
            Member(user_id=u.id, membership_id=m.id, email=u.email, name=u.name, kind=u.kind, status=m.status,
                   roles=roles.get(m.id, ()), vendor_id=m.vendor_id, vendor_name=vendor_name)
            for m, u, vendor_name in rows
        ]


def add_member(ctx: Ctx, *, email: str, name: str, roles: list[str], password: str = "",
               vendor_id: UUID | None = None) -> Member:
    """Add a person to this tenant with `roles`; creates the user when the e-mail is new.

    A vendor user (one with `vendor_id`) gets kind `vendor` and only the `vendor` role.
    Requires `user:manage`. Raises ValidationFailed, Conflict (already a member).
    """
    ctx.require("user:manage")
    email = v.email(email)
    name = v.text(name, "name")
    role_keys = _check_roles(ctx, roles, vendor_id)
    with db.tenant_session(ctx.tenant_id) as session:
        user = session.scalars(select(User).where(User.email == email)).first()
        created = user is None
        if user is None:
            check_policy(password, email=email)
            user = User(email=email, name=name, password_hash=hash_password(password),
                        kind="vendor" if vendor_id else "staff", must_change_password=True)
            session.add(user)
            session.flush()
        elif (user.kind == "vendor") != (vendor_id is not None):
            raise ValidationFailed({"vendor": N_("This person is a vendor user elsewhere; staff and vendor accounts "
                                                 "must stay separate. Use another e-mail.")})
        user_id = user.id
        if membership_of(session, ctx.tenant_id, user_id):
            raise Conflict(N_("{email} is already a member of this tenant."), email=email)
        if vendor_id and not session.scalars(
            select(Vendor.id).where(Vendor.tenant_id == ctx.tenant_id, Vendor.id == vendor_id)
        ).first():
            raise ValidationFailed({"vendor": N_("Choose a vendor of this tenant.")})
        membership = Membership(tenant_id=ctx.tenant_id, user_id=user_id, vendor_id=vendor_id)
        session.add(membership)
        session.flush()
        by_key = roles_by_key(session, ctx.tenant_id)
        for key in role_keys:
            session.add(MembershipRole(tenant_id=ctx.tenant_id, membership_id=membership.id, role_id=by_key[key].id))
        if created:
            record(session, ctx, action="user.create", entity_type="user", entity_id=user_id,
                   after={"email": email, "name": name, "kind": "vendor" if vendor_id else "staff"})
        record(session, ctx, action="membership.create", entity_type="membership", entity_id=membership.id,
               after={"user": email, "roles": role_keys, "vendor_id": str(vendor_id) if vendor_id else None})
    return _member(ctx, user_id)


def update_member(ctx: Ctx, *, user_id: UUID, name: str, roles: list[str], status: str,
                  vendor_id: UUID | None = None) -> Member:
    """Change a member's name, roles, vendor link or status. Requires `user:manage`.

    An admin cannot disable themself or take away their own admin role.
    """
    ctx.require("user:manage")
    name = v.text(name, "name")
    if status not in ("active", "disabled"):
        raise ValidationFailed({"status": N_("Choose active or disabled.")})
    role_keys = _check_roles(ctx, roles, vendor_id)
    if user_id == ctx.user_id and (status != "active" or "admin" not in role_keys) and "admin" in ctx.roles:
        raise ValidationFailed({"roles": N_("You cannot disable yourself or remove your own admin role.")})
    with db.tenant_session(ctx.tenant_id) as session:
        membership = membership_of(session, ctx.tenant_id, user_id)
        if membership is None:
            raise NotFound(N_("This person is not a member of this tenant."))
        old_roles = [r.key for r in member_roles(session, ctx.tenant_id, membership.id)]
        before = {"roles": old_roles, "status": membership.status,
                  "vendor_id": str(membership.vendor_id) if membership.vendor_id else None}
        membership.status, membership.vendor_id = status, vendor_id
        session.execute(MembershipRole.__table__.delete().where(
            MembershipRole.tenant_id == ctx.tenant_id, MembershipRole.membership_id == membership.id))
        by_key = roles_by_key(session, ctx.tenant_id)
        for key in role_keys:
            session.add(MembershipRole(tenant_id=ctx.tenant_id, membership_id=membership.id, role_id=by_key[key].id))
        after = {"roles": role_keys, "status": status, "vendor_id": str(vendor_id) if vendor_id else None}
        if before != after:
            record(session, ctx, action="membership.update", entity_type="membership", entity_id=membership.id,
                   before=before, after=after)
        user = session.scalars(select(User).where(User.id == user_id).with_for_update()).one()
        if (user.kind == "vendor") != (vendor_id is not None):
            raise ValidationFailed({"vendor": N_("Staff and vendor accounts must stay separate: a vendor user keeps "
                                                 "a vendor, a staff member cannot be given one.")})
        if user.name != name:
            _require_sole_tenant(session, ctx, user)
            record(session, ctx, action="user.update", entity_type="user", entity_id=user_id,
                   before={"name": user.name}, after={"name": name})
            user.name = name
    return _member(ctx, user_id)


def reset_password(ctx: Ctx, *, user_id: UUID) -> str:
    """Give a member a new temporary password (returned once) and end their sessions.

    Requires `user:manage`; the person must change it at their next sign-in.
    """
    ctx.require("user:manage")
    _member(ctx, user_id)  # raises NotFound for non-members
    temporary = generate_password()
    with db.tenant_session(ctx.tenant_id) as session:
        user = session.scalars(select(User).where(User.id == user_id).with_for_update()).one()
        _require_sole_tenant(session, ctx, user)
        session.execute(update(User).where(User.id == user_id).values(
            password_hash=hash_password(temporary), must_change_password=True, password_changed_at=func.now()))
        session.execute(update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
                        .values(ended_at=func.now()))
        record(session, ctx, action="user.password_reset", entity_type="user", entity_id=user_id)
    return temporary


def change_own_password(ctx: Ctx, *, current: str, new: str, keep_session_id: UUID | None = None) -> None:
    """Change the acting user's password after checking the current one; every other
    session of the user ends (all but `keep_session_id`, the one making the change)."""
    assert ctx.user_id is not None
    with db.tenant_session(ctx.tenant_id) as session:
        user = session.scalars(select(User).where(User.id == ctx.user_id).with_for_update()).one()
        if not verify_password(current, user.password_hash):
            raise InvalidCredentials(N_("The current password is not correct."))
        if current == new:
            raise ValidationFailed({"new": N_("Choose a password different from the current one.")})
        check_policy(new, email=user.email, field="new")
        user.password_hash, user.must_change_password = hash_password(new), False
        session.execute(update(User).where(User.id == user.id).values(password_changed_at=func.now()))
        session.execute(update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                                                  UserSession.id != keep_session_id).values(ended_at=func.now()))
        record(session, ctx, action="user.password_change", entity_type="user", entity_id=ctx.user_id)


def set_preferences(ctx: Ctx, *, locale: str | None = None, theme: str | None = None) -> None:
    """Persist the acting user's locale and/or theme."""
    assert ctx.user_id is not None
    values: dict[str, str] = {}
    if locale is not None:
        values["locale"] = v.locale(locale) or "en"
    if theme is not None:
        values["theme"] = v.theme(theme)
    if values:
        with db.global_session() as session:
            session.execute(update(User).where(User.id == ctx.user_id).values(**values))


def search_members(ctx: Ctx, query: str, *, limit: int = 8) -> list[Member]:
    """Members whose name or e-mail contains `query` (the header's search box)."""
    if len(query.strip()) < 2 or not ctx.can("user:read"):
        return []
    return list_members(ctx, search=query, limit=limit)


def _require_sole_tenant(session: Session, ctx: Ctx, user: User) -> None:
    """A tenant admin may change a person's account (password, name) only when that
    person belongs to no other tenant and is no platform administrator: the account is
    shared by every tenant the person works in."""
    if ctx.is_platform_admin:
        return
    db.see_own_memberships(session, user.id)
    elsewhere = session.scalar(select(func.count()).select_from(Membership).where(
        Membership.user_id == user.id, Membership.tenant_id != ctx.tenant_id)) or 0
    if elsewhere or user.is_platform_admin:
        raise PermissionDenied(N_("{name} also works in other organisations; only they or a platform "
                                  "administrator can change their account."), name=user.name)


def _check_roles(ctx: Ctx, roles: list[str], vendor_id: UUID | None) -> list[str]:
    keys = sorted(set(roles))
    if not keys:
        raise ValidationFailed({"roles": N_("Choose at least one role.")})
    if vendor_id is not None and keys != ["vendor"]:
        raise ValidationFailed({"roles": N_("A vendor user has exactly the vendor role.")})
    if vendor_id is None and "vendor" in keys:
        raise ValidationFailed({"roles": N_("The vendor role is for vendor users: choose their vendor.")})
    with db.tenant_session(ctx.tenant_id) as session:
        known = roles_by_key(session, ctx.tenant_id)
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise ValidationFailed({"roles": N_("Unknown role: {role}.")}, role=unknown[0])
    return keys


def _member(ctx: Ctx, user_id: UUID) -> Member:
    with db.tenant_session(ctx.tenant_id) as session:
        row = session.execute(
            select(Membership, User, Vendor.name)
            .join(User, User.id == Membership.user_id)
            .outerjoin(Vendor, (Vendor.tenant_id == Membership.tenant_id) & (Vendor.id == Membership.vendor_id))
            .where(Membership.tenant_id == ctx.tenant_id, Membership.user_id == user_id)
        ).first()
        if row is None:
            raise NotFound(N_("This person is not a member of this tenant."))
        m, u, vendor_name = row
        return Member(user_id=u.id, membership_id=m.id, email=u.email, name=u.name, kind=u.kind, status=m.status,
                      roles=tuple(r.key for r in member_roles(session, ctx.tenant_id, m.id)),
                      vendor_id=m.vendor_id, vendor_name=vendor_name)
