"""The demo tenant loaded on a first start with an empty database (`python3 main.py demo`)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select, update

from domain import demo_records
from domain.context import Ctx
from domain.iam import platform, tenants, users, vendors
from domain.iam import roles as roles_uc
from domain.iam.models import Tenant, User
from domain.records.models import Record
from domain.workflows import templates
from storage import db

DEMO_PASSWORD = "baton-demo-2026"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoLogin:
    email: str
    role: str


DEMO_LOGINS = (
    DemoLogin(email="admin@acme.example", role="admin (also platform administrator)"),
    DemoLogin(email="manager@acme.example", role="manager"),
    DemoLogin(email="dispatcher@acme.example", role="dispatcher"),
    DemoLogin(email="tech@acme.example", role="technician"),
    DemoLogin(email="requester@acme.example", role="requester"),
    DemoLogin(email="viewer@acme.example", role="viewer"),
    DemoLogin(email="vendor@sparkle.example", role="vendor user (Sparkle Electrical)"),
)


def needs_demo() -> bool:
    """True when no tenant other than the platform exists (a brand-new database)."""
    with db.global_session() as session:
        return session.scalars(select(Tenant.id).where(~Tenant.is_platform).limit(1)).first() is None


def load_demo(*, records: bool = True) -> list[DemoLogin]:
    """Create the demo tenants, vendors, people and published workflows, and (with `records`)
    their records; idempotent (does nothing if `acme` exists). `load_records` adds the
    records later (the console starts with them loading in the background)."""
    with db.global_session() as session:
        if session.scalars(select(Tenant.id).where(Tenant.slug == "acme")).first():
            return list(DEMO_LOGINS)
    platform_ctx = Ctx(tenant_id=tenants.PLATFORM_TENANT_ID, user_id=None, actor_label="demo", is_platform_admin=True)
    acme = tenants.create_tenant(platform_ctx, tenants.NewTenant(
        name="Acme Facilities", slug="acme", timezone="Europe/Madrid", default_locale="en",
        admin_email="admin@acme.example", admin_name="Ada Admin", admin_password=DEMO_PASSWORD))
    tenants.create_tenant(platform_ctx, tenants.NewTenant(
        name="Globex Properties", slug="globex", timezone="America/New_York", default_locale="en",
        admin_email="admin@acme.example", admin_name="Ada Admin"))
    platform.ensure_platform_admin(email="admin@acme.example", name="Ada Admin", actor_label="demo")
    admin = _demo_admin(acme.id)
    sparkle = vendors.save_vendor(admin, vendor_id=None, name="Sparkle Electrical", trades=["electrical"],
                                  status="active", email="office@sparkle.example", phone="+34 600 000 001")
    vendors.save_vendor(admin, vendor_id=None, name="FlowRight Plumbing", trades=["plumbing"], status="active",
                        email="jobs@flowright.example")
    vendors.save_vendor(admin, vendor_id=None, name="CoolAir HVAC", trades=["hvac", "refrigeration"],
                        status="onboarding")
    people = (
        ("manager@acme.example", "Manuel Manager", ["manager"]),
        ("dispatcher@acme.example", "Dana Dispatcher", ["dispatcher"]),
        ("tech@acme.example", "Tomás Technician", ["technician"]),
        ("requester@acme.example", "Rita Requester", ["requester"]),
        ("viewer@acme.example", "Victor Viewer", ["viewer"]),
    )
    for email, name, role_keys in people:
        users.add_member(admin, email=email, name=name, roles=role_keys, password=DEMO_PASSWORD)
    users.add_member(admin, email="vendor@sparkle.example", name="Sam Sparkle", roles=["vendor"],
                     password=DEMO_PASSWORD, vendor_id=sparkle.id)
    roles_uc.create_role(admin, key="change_board", name="Change board",
                         description="Approves change requests", permissions=["request:read", "request:transition"])
    designer = Ctx(tenant_id=acme.id, user_id=None, actor_label="demo",
                   permissions=frozenset({"workflow:design", "role:manage", "user:read"}))
    for key in templates.template_keys():
        templates.publish_template(designer, key=key)
    _no_forced_password_change()
    if records:
        demo_records.load(acme.id, admin, DEMO_PASSWORD)
    return list(DEMO_LOGINS)


def load_records() -> int:
    """The demo tenant's records (buildings, assets, projects, requests, vendor onboarding),
    when the tenant exists and has none yet; returns how many were created."""
    with db.global_session() as session:
        acme = session.scalars(select(Tenant.id).where(Tenant.slug == "acme")).first()
    if acme is None:
        return 0
    with db.tenant_session(acme) as session:
        if session.scalars(select(Record.id).where(Record.tenant_id == acme).limit(1)).first() is not None:
            return 0
    return demo_records.load(acme, _demo_admin(acme), DEMO_PASSWORD)


def _demo_admin(tenant_id: UUID) -> Ctx:
    return Ctx(tenant_id=tenant_id, user_id=None, actor_label="demo",
               permissions=frozenset({"user:manage", "user:read", "vendor:manage", "vendor:read", "role:manage"}))


def _no_forced_password_change() -> None:
    """Demo people sign in with the printed password without being asked to change it."""
    emails = [login.email for login in DEMO_LOGINS]
    with db.global_session() as session:
        session.execute(update(User).where(User.email.in_(emails)).values(must_change_password=False))


__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "DemoLogin", "load_demo", "load_records", "needs_demo"]
