"""The platform tenant: where platform administrators work and where tenants are created."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.audit.service import record
from domain.context import Ctx
from domain.iam import validation as v
from domain.iam.access import membership_of, roles_by_key
from domain.iam.models import Membership, MembershipRole, Role, User
from domain.iam.passwords import check_policy, hash_password
from domain.iam.tenants import PLATFORM_TENANT_ID, seed_system_roles
from storage import db


def ensure_platform_admin(*, email: str, name: str, password: str = "", actor_label: str = "cli") -> bool:
    """Make `email` a platform administrator (creating the user when new); True when created.

    An existing user keeps their password. Raises ValidationFailed for a bad e-mail,
    name or (for a new user) a weak password; nothing is written then.
    """
    email = v.email(email)
    name = v.text(name, "name")
    ctx = Ctx(tenant_id=PLATFORM_TENANT_ID, user_id=None, actor_label=actor_label)
    with db.tenant_session(PLATFORM_TENANT_ID) as session:
        if not session.scalar(select(func.count()).select_from(Role).where(Role.tenant_id == PLATFORM_TENANT_ID)):
            seed_system_roles(session, PLATFORM_TENANT_ID)
        user = session.scalars(select(User).where(User.email == email).with_for_update()).first()
        created = user is None
        if user is None:
            check_policy(password, email=email)
            user = User(email=email, name=name, password_hash=hash_password(password))
            session.add(user)
        user.is_platform_admin = True
        session.flush()
        if membership_of(session, PLATFORM_TENANT_ID, user.id) is None:
            membership = Membership(tenant_id=PLATFORM_TENANT_ID, user_id=user.id)
            session.add(membership)
            session.flush()
            admin_role = roles_by_key(session, PLATFORM_TENANT_ID)["admin"]
            session.add(MembershipRole(tenant_id=PLATFORM_TENANT_ID, membership_id=membership.id,
                                       role_id=admin_role.id))
        record(session, ctx, action="platform.admin_grant", entity_type="user", entity_id=user.id,
               after={"email": email, "created": created})
    return created
