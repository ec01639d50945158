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


def add_named_person(bundle: TenantBundle, role: str, *, name: str, email: str | None = None) -> str:
    """Like `add_person`, with the display name chosen by the test (for searches)."""
    email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.test"
    users.add_member(bundle.admin, email=email, name=name, roles=[role], password=PASSWORD)
    users_clear_password_change(email)
    return email


def new_vendor(bundle: TenantBundle, *, name: str | None = None,
               trades: tuple[str, ...] = ("electrical",)) -> uuid.UUID:
    """An active vendor in the tenant, saved by its admin; returns its id."""
    from domain.iam import vendors

    vendor = vendors.save_vendor(bundle.admin, vendor_id=None, name=name or unique("Vendor "), trades=list(trades),
                                 status="active")
    return vendor.id


def owner_sql(sql: str, /, **params: object) -> list:  # type: ignore[type-arg]
    """Run `sql` as the database owner (a superuser in embedded mode: bypasses RLS).

    For checks and set-ups no use case offers (reading the audit table, ageing a session).
    Needs the `database` fixture (it exports DATABASE_URL, the owner's URL of the test database).
    """
    import os

    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(os.environ["DATABASE_URL"], poolclass=NullPool)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


_CHAIN_ORDER = "seq nulls last, created_at, id"


def audit_actions(tenant_id: uuid.UUID) -> list[str]:
    """The tenant's audit actions in chain order, those not yet sealed last, in the order
    they were written (read as the owner)."""
    rows = owner_sql(f"select action from audit_events where tenant_id = :t order by {_CHAIN_ORDER}", t=tenant_id)
    return [r.action for r in rows]


def audit_rows(tenant_id: uuid.UUID, action: str) -> list:  # type: ignore[type-arg]
    """The tenant's audit rows with `action`, in chain order, those not yet sealed last, in
    the order they were written (read as the owner)."""
    return owner_sql(f"select * from audit_events where tenant_id = :t and action = :a order by {_CHAIN_ORDER}",
                     t=tenant_id, a=action)


def table_count(table: str, tenant_id: uuid.UUID | None = None) -> int:
    """Rows in `table` (of `tenant_id` when given), counted as the owner."""
    where = " where tenant_id = :t" if tenant_id is not None else ""
    params = {"t": tenant_id} if tenant_id is not None else {}
    return int(owner_sql(f"select count(*) as n from {table}{where}", **params)[0].n)


TEMPLATES_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent / "domain" / "workflows" / "templates"


def with_roles(bundle: TenantBundle, *roles: str) -> TenantBundle:
    """Make sure the tenant has custom roles the workflow templates refer to (e.g. director)."""
    from domain.iam import roles as roles_uc

    existing = {r.key for r in roles_uc.list_roles(bundle.admin)}
    for key in roles:
        if key not in existing:
            roles_uc.create_role(bundle.admin, key=key, name=key.title(), permissions=["request:read",
                                                                                      "request:transition"])
    return bundle


def published(bundle: TenantBundle, template: str = "maintenance_request"):  # type: ignore[no-untyped-def]
    """Save and publish a built-in template in the tenant; returns the published VersionView."""
    from domain.workflows import definitions

    draft = definitions.save_draft(bundle.admin, document=(TEMPLATES_DIR / f"{template}.yaml").read_bytes())
    return definitions.publish(bundle.admin, version_id=draft.id)
