"""Plain functions that build test data through the use cases (never raw SQL)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from domain.context import Ctx
from domain.iam import auth, tenants, users
from domain.iam.tenants import PLATFORM_TENANT_ID

PASSWORD = "test-password-2026"


def platform_admin() -> Ctx:
    return Ctx(tenant_id=PLATFORM_TENANT_ID, user_id=None, actor_label="tests", is_platform_admin=True)


@dataclass(frozen=True, slots=True)
class TenantBundle:
    tenant_id: uuid.UUID
    slug: str
    admin_email: str
    admin: Ctx  # the tenant admin's real context (roles and permissions from the database)


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def new_tenant(*, name: str | None = None, timezone: str = "UTC", default_locale: str = "en") -> TenantBundle:
    """A fresh tenant with its own admin, signed in (so `admin` holds real permissions)."""
    slug = unique("t-")
    email = f"admin-{slug}@example.test"
    tenant = tenants.create_tenant(platform_admin(), tenants.NewTenant(
        name=name or f"Tenant {slug}", slug=slug, timezone=timezone, default_locale=default_locale,
        admin_email=email, admin_name="Test Admin", admin_password=PASSWORD))
    return TenantBundle(tenant_id=tenant.id, slug=slug, admin_email=email, admin=ctx_for(email))


def ctx_for(email: str, password: str = PASSWORD, ip: str | None = None) -> Ctx:
    """Sign `email` in (from a unique address, so throttling of other tests never applies)."""
    _token, info = auth.login(email=email, password=password, ip=ip or unique("10.0."))
    return auth.context_for(info)


def add_person(bundle: TenantBundle, role: str, *, vendor_id: uuid.UUID | None = None,
               email: str | None = None) -> str:
    """Add a member with `role` to the tenant; returns the e-mail (password: PASSWORD)."""
    email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.test"
    users.add_member(bundle.admin, email=email, name=f"{role.title()} Person", roles=[role], password=PASSWORD,
                     vendor_id=vendor_id)
    users_clear_password_change(email)
    return email


def users_clear_password_change(email: str) -> None:
    """New members must change their password at first sign-in; tests skip that step."""
    from sqlalchemy import update

    from domain.iam.models import User
    from storage import db

    with db.global_session() as session:
        session.execute(update(User).where(User.email == email).values(must_change_password=False))
