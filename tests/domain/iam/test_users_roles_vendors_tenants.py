"""Tenant administration: members, roles (deny by default), vendors and tenants."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from domain.context import Ctx
from domain.errors import Conflict, DomainError, InvalidCredentials, PermissionDenied, ValidationFailed
from domain.iam import auth, roles, tenants, users, vendors
from domain.iam.tenants import PLATFORM_TENANT_ID
from storage.postgres import DatabaseUrls
from tests.factories import (
    PASSWORD,
    TenantBundle,
    add_person,
    audit_actions,
    audit_rows,
    ctx_for,
    new_tenant,
    owner_sql,
    platform_admin,
    table_count,
    unique,
)


@pytest.fixture
def tenant(database: DatabaseUrls) -> TenantBundle:
    return new_tenant()


def _email() -> str:
    return f"p-{uuid.uuid4().hex[:10]}@example.test"


def _footprint(bundle: TenantBundle) -> tuple[int, int, int, int]:
    return (table_count("users"), table_count("memberships", bundle.tenant_id),
            table_count("membership_roles", bundle.tenant_id), table_count("audit_events", bundle.tenant_id))


def _user_id(email: str) -> uuid.UUID:
    return owner_sql("select id from users where email = :e", e=email)[0].id


def _vendor(bundle: TenantBundle, name: str = "Sparkle Electrical") -> Any:
    return vendors.save_vendor(bundle.admin, vendor_id=None, name=name, trades=["electrical"], status="active")


# ---------------------------------------------------------------- members


def test_add_member_creates_user_membership_roles_and_audit(tenant: TenantBundle) -> None:
    email = _email()
    member = users.add_member(tenant.admin, email=f" {email.upper()} ", name="Pat Lee", roles=["manager", "viewer"],
                              password=PASSWORD)
    assert (member.email, member.name, member.kind, member.status) == (email, "Pat Lee", "staff", "active")
    assert member.roles == ("manager", "viewer")
    assert email in {m.email for m in users.list_members(tenant.admin)}
    assert audit_actions(tenant.tenant_id)[-2:] == ["user.create", "membership.create"]
    created = audit_rows(tenant.tenant_id, "membership.create")[-1]
    assert created.after["roles"] == ["manager", "viewer"] and created.actor_label == tenant.admin_email


def test_adding_an_existing_member_again_is_a_conflict(tenant: TenantBundle) -> None:
    email = add_person(tenant, "viewer")
    before = _footprint(tenant)
    with pytest.raises(Conflict):
        users.add_member(tenant.admin, email=email, name="Again", roles=["viewer"], password=PASSWORD)
    assert _footprint(tenant) == before


@pytest.mark.parametrize(("overrides", "field"), [
    ({"email": "not-an-address"}, "email"),
    ({"roles": []}, "roles"),
    ({"roles": ["no_such_role"]}, "roles"),
    ({"roles": ["vendor"]}, "roles"),  # the vendor role needs a vendor
    ({"password": "short"}, "password"),
    ({"name": "  "}, "name"),
], ids=["email", "no-roles", "unknown-role", "vendor-role-without-vendor", "weak-password", "blank-name"])
def test_invalid_member_input_writes_nothing(tenant: TenantBundle, overrides: dict[str, Any], field: str) -> None:
    args = {"email": _email(), "name": "Pat Lee", "roles": ["viewer"], "password": PASSWORD, **overrides}
    before = _footprint(tenant)
    with pytest.raises(ValidationFailed) as caught:
        users.add_member(tenant.admin, **args)
    assert field in caught.value.fields
    assert _footprint(tenant) == before


def test_vendor_user_needs_exactly_the_vendor_role_and_a_vendor_of_this_tenant(tenant: TenantBundle) -> None:
    own = _vendor(tenant)
    foreign = _vendor(new_tenant(), "Foreign Fixers")
    before = _footprint(tenant)
    with pytest.raises(ValidationFailed, match="exactly the vendor role"):
        users.add_member(tenant.admin, email=_email(), name="V", roles=["vendor", "viewer"], password=PASSWORD,
                         vendor_id=own.id)
    with pytest.raises(ValidationFailed, match="vendor of this tenant"):
        users.add_member(tenant.admin, email=_email(), name="V", roles=["vendor"], password=PASSWORD,
                         vendor_id=foreign.id)
    assert _footprint(tenant) == before
    member = users.add_member(tenant.admin, email=_email(), name="V", roles=["vendor"], password=PASSWORD,
                              vendor_id=own.id)
    assert (member.kind, member.roles, member.vendor_id, member.vendor_name) == ("vendor", ("vendor",), own.id,
                                                                                 own.name)


def test_update_member_is_audited_with_before_and_after(tenant: TenantBundle) -> None:
    user_id = _user_id(add_person(tenant, "viewer"))
    member = users.update_member(tenant.admin, user_id=user_id, name="Renamed Person", roles=["manager"],
                                 status="active")
    assert (member.name, member.roles) == ("Renamed Person", ("manager",))
    change = audit_rows(tenant.tenant_id, "membership.update")[-1]
    assert (change.before["roles"], change.after["roles"]) == (["viewer"], ["manager"])
    rename = audit_rows(tenant.tenant_id, "user.update")[-1]
    assert (rename.before, rename.after) == ({"name": "Viewer Person"}, {"name": "Renamed Person"})


@pytest.mark.parametrize(("roles_", "status"), [(["manager"], "active"), (["admin"], "disabled")])
def test_admin_cannot_remove_own_admin_role_or_disable_self(tenant: TenantBundle, roles_: list[str],
                                                            status: str) -> None:
    before = _footprint(tenant)
    with pytest.raises(ValidationFailed):
        users.update_member(tenant.admin, user_id=tenant.admin.user_id, name="Test Admin", roles=roles_,
                            status=status)
    assert _footprint(tenant) == before
    assert "admin" in ctx_for(tenant.admin_email).roles


# ---------------------------------------------------------------- roles


def test_custom_role_lifecycle(tenant: TenantBundle) -> None:
    role = roles.create_role(tenant.admin, key="auditor", name="Auditor", permissions=["audit:read", "user:read"])
    assert (role.is_system, role.permissions, role.members) == (False, ("audit:read", "user:read"), 0)
    with pytest.raises(Conflict):
        roles.create_role(tenant.admin, key="auditor", name="Again", permissions=[])
    with pytest.raises(ValidationFailed):
        roles.create_role(tenant.admin, key="spy", name="Spy", permissions=["everything:all"])
    updated = roles.update_role(tenant.admin, role_id=role.id, name="Auditor+", description="reads the trail",
                                permissions=["audit:read"])
    assert (updated.name, updated.permissions) == ("Auditor+", ("audit:read",))
    change = audit_rows(tenant.tenant_id, "role.update")[-1]
    assert (change.before["permissions"], change.after["permissions"]) == (["audit:read", "user:read"],
                                                                            ["audit:read"])
    holder = _user_id(add_person(tenant, "auditor"))
    with pytest.raises(Conflict, match="People holding this role: 1"):
        roles.delete_role(tenant.admin, role_id=role.id)
    users.update_member(tenant.admin, user_id=holder, name="Auditor Person", roles=["viewer"], status="active")
    roles.delete_role(tenant.admin, role_id=role.id)
    assert "auditor" not in {r.key for r in roles.list_roles(tenant.admin)}
    assert audit_actions(tenant.tenant_id).count("role.delete") == 1


def test_system_roles_cannot_be_deleted_and_admin_permissions_are_locked(tenant: TenantBundle) -> None:
    by_key = {r.key: r for r in roles.list_roles(tenant.admin)}
    with pytest.raises(Conflict):
        roles.delete_role(tenant.admin, role_id=by_key["viewer"].id)
    admin = by_key["admin"]
    with pytest.raises(ValidationFailed):
        roles.update_role(tenant.admin, role_id=admin.id, name=admin.name, description=admin.description,
                          permissions=["user:read"])
    assert {r.key: r.permissions for r in roles.list_roles(tenant.admin)}["admin"] == admin.permissions


def test_a_role_without_permissions_may_do_nothing(tenant: TenantBundle) -> None:
    roles.create_role(tenant.admin, key="nobody", name="Nobody", permissions=[])
    ctx = ctx_for(add_person(tenant, "nobody"))
    assert ctx.roles == frozenset({"nobody"}) and ctx.permissions == frozenset()
    for call in (lambda: users.list_members(ctx), lambda: vendors.list_vendors(ctx),
                 lambda: _list_events(ctx), lambda: _vendor_as(ctx),
                 lambda: roles.create_role(ctx, key="mine", name="Mine", permissions=["user:manage"])):
        with pytest.raises(PermissionDenied):
            call()


def test_a_viewer_cannot_change_anything(tenant: TenantBundle) -> None:
    viewer = ctx_for(add_person(tenant, "viewer"))
    victim = _user_id(add_person(tenant, "manager"))
    viewer_role = next(r for r in roles.list_roles(viewer) if r.key == "viewer")
    before = _footprint(tenant)
    platform_events = table_count("audit_events", PLATFORM_TENANT_ID)
    attempts: dict[str, Callable[[], object]] = {
        "add_member": lambda: users.add_member(viewer, email=_email(), name="X", roles=["admin"], password=PASSWORD),
        "update_member": lambda: users.update_member(viewer, user_id=victim, name="X", roles=["admin"],
                                                     status="active"),
        "reset_password": lambda: users.reset_password(viewer, user_id=victim),
        "create_role": lambda: roles.create_role(viewer, key="x", name="X", permissions=["user:manage"]),
        "update_role": lambda: roles.update_role(viewer, role_id=viewer_role.id, name="X", description="",
                                                 permissions=["user:manage"]),
        "delete_role": lambda: roles.delete_role(viewer, role_id=viewer_role.id),
        "save_vendor": lambda: _vendor_as(viewer),
        "update_tenant": lambda: tenants.update_tenant(viewer, name="X", timezone="UTC", default_locale="en"),
        "create_tenant": lambda: tenants.create_tenant(viewer, _new_tenant_form()),
        "set_tenant_status": lambda: tenants.set_tenant_status(viewer, tenant.tenant_id, "suspended"),
    }
    allowed = []
    for name, attempt in attempts.items():
        try:
            attempt()
            allowed.append(name)
        except PermissionDenied:
            pass
    assert allowed == []
    assert _footprint(tenant) == before
    assert table_count("audit_events", PLATFORM_TENANT_ID) == platform_events


# ---------------------------------------------------------------- vendors


def test_vendor_user_sees_only_their_vendor(tenant: TenantBundle) -> None:
    mine, _other = _vendor(tenant, "Mine Ltd"), _vendor(tenant, "Other Ltd")
    ctx = ctx_for(add_person(tenant, "vendor", vendor_id=mine.id))
    assert ctx.vendor_id == mine.id
    assert [v.id for v in vendors.list_vendors(ctx)] == [mine.id]
    assert len(vendors.list_vendors(tenant.admin)) == 2


# ---------------------------------------------------------------- tenants


def test_only_platform_admins_create_tenants_and_slugs_are_unique(tenant: TenantBundle) -> None:
    users_before = table_count("users")
    with pytest.raises(PermissionDenied):
        tenants.create_tenant(tenant.admin, _new_tenant_form())
    with pytest.raises(Conflict):
        tenants.create_tenant(platform_admin(), _new_tenant_form(slug=tenant.slug))
    assert table_count("users") == users_before
    assert owner_sql("select count(*) as n from tenants where slug = :s", s=tenant.slug)[0].n == 1


def test_suspending_a_tenant_locks_its_members_out_and_is_audited_twice(tenant: TenantBundle) -> None:
    email = add_person(tenant, "viewer")
    tenants.set_tenant_status(platform_admin(), tenant.tenant_id, "suspended")
    with pytest.raises(InvalidCredentials) as caught:
        auth.login(email=email, password=PASSWORD, ip=unique("10.8."))
    assert str(caught.value) == "Your account belongs to no active tenant. Ask your administrator."
    audited = owner_sql("select tenant_id, before, after from audit_events where action = 'tenant.status' "
                        "and entity_id = :e", e=str(tenant.tenant_id))
    assert {r.tenant_id for r in audited} == {PLATFORM_TENANT_ID, tenant.tenant_id}
    assert {(r.before["status"], r.after["status"]) for r in audited} == {("active", "suspended")}
    tenants.set_tenant_status(platform_admin(), tenant.tenant_id, "active")
    assert ctx_for(email).tenant_id == tenant.tenant_id


def test_update_tenant_is_audited(tenant: TenantBundle) -> None:
    old_name = tenants.get_tenant(tenant.admin).name
    tenants.update_tenant(tenant.admin, name="Renamed Corp", timezone="Europe/Paris", default_locale="fr")
    now = tenants.get_tenant(tenant.admin)
    assert (now.name, now.settings["timezone"], now.settings["default_locale"]) == ("Renamed Corp",
                                                                                   "Europe/Paris", "fr")
    event = audit_rows(tenant.tenant_id, "tenant.update")[-1]
    assert (event.before["name"], event.after["name"]) == (old_name, "Renamed Corp")
    assert event.after["settings"]["timezone"] == "Europe/Paris"


# ---------------------------------------------------------------- across tenants (regressions)


def test_admin_of_one_tenant_cannot_take_over_an_account_of_another(tenant: TenantBundle) -> None:
    """Adding another tenant's admin by e-mail and resetting their password must not hand over their account."""
    victim = new_tenant()
    temporary = ""
    with contextlib.suppress(DomainError):  # refusing either step is a fix
        users.add_member(tenant.admin, email=victim.admin_email, name="Victim", roles=["viewer"])
        temporary = users.reset_password(tenant.admin, user_id=victim.admin.user_id)
    assert victim.tenant_id not in _tenants_reached(victim.admin_email, temporary), "the attacker got in"
    assert _tenants_reached(victim.admin_email, PASSWORD) >= {victim.tenant_id}, "the victim was locked out"


@pytest.mark.parametrize("direction", ["vendor-to-staff", "staff-to-vendor"])
def test_update_member_keeps_vendor_and_staff_accounts_apart(tenant: TenantBundle, direction: str) -> None:
    """add_member refuses to mix the two kinds; update_member must not be a way around it."""
    vendor = _vendor(tenant)
    if direction == "vendor-to-staff":
        email = add_person(tenant, "vendor", vendor_id=vendor.id)
        change = {"roles": ["manager"], "vendor_id": None}
    else:
        email = add_person(tenant, "viewer")
        change = {"roles": ["vendor"], "vendor_id": vendor.id}
    with pytest.raises(ValidationFailed):
        users.update_member(tenant.admin, user_id=_user_id(email), name="Person", status="active", **change)


def _tenants_reached(email: str, password: str) -> set[uuid.UUID]:
    """The tenants a sign-in with these credentials opens (none when refused)."""
    try:
        _token, info = auth.login(email=email, password=password, ip=unique("10.7."))
    except DomainError:
        return set()
    return {t.id for t in info.tenants}


def _list_events(ctx: Ctx) -> object:
    from domain.audit.service import AuditFilter, list_events

    return list_events(ctx, AuditFilter())


def _vendor_as(ctx: Ctx) -> object:
    return vendors.save_vendor(ctx, vendor_id=None, name=unique("Vendor "), trades=[], status="active")


def _new_tenant_form(slug: str | None = None) -> tenants.NewTenant:
    return tenants.NewTenant(name="Another", slug=slug or unique("t-"), admin_email=_email(), admin_name="Admin",
                             admin_password=PASSWORD)
