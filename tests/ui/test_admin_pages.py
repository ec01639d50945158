"""Audit page, tenant switcher and tenant creation, through NiceGUI's simulated `User`."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid

from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from domain.iam import platform, tenants, users
from storage.postgres import DatabaseUrls
from tests import factories
from tests.ui.test_shell_user import SLOW, sign_in, wait_for_navigation


def only(user: User, kind: type, predicate=lambda element: True):  # type: ignore[no-untyped-def]
    found = [e for e in user.find(kind=kind).elements if predicate(e)]
    assert len(found) == 1, found
    return found[0]


async def row_with(user: User, column: str, value: str) -> dict[str, object]:
    """The table row whose `column` is `value`, once the page has loaded its rows."""
    for _ in range(SLOW):
        rows = [row for row in only(user, ui.table).rows if row.get(column) == value] if user.find(
            kind=ui.table).elements else []
        if rows:
            return rows[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no row with {column} = {value}")


async def test_audit_page_lists_filters_and_exports(database: DatabaseUrls, user: User) -> None:
    bundle = factories.new_tenant()
    factories.add_person(bundle, "viewer", email=f"audited-{uuid.uuid4().hex[:6]}@example.test")
    await sign_in(user, bundle.admin_email)
    await wait_for_navigation(user)
    await user.open("/audit")
    await user.should_see("Export CSV", retries=SLOW)
    table = only(user, ui.table)
    assert "membership.create" in {row["action"] for row in table.rows}

    user.find(kind=ui.input, content="Actor").type("nobody-like-this")
    await user.should_see("0–0 of 0", retries=SLOW)
    assert table.rows == []

    user.find(kind=ui.input, content="Actor").clear()
    action = only(user, ui.select, lambda s: "membership.create" in s.options)
    action.value = "membership.create"
    await user.should_see("1–", retries=SLOW)
    assert {row["action"] for row in table.rows} == {"membership.create"}

    user.find(kind=ui.button, content="Export CSV").click()
    response = await user.download.next(timeout=5)
    lines = list(csv.reader(io.StringIO(response.text)))
    assert lines[0][:4] == ["seq", "created_at", "actor", "action"]
    assert {line[3] for line in lines[1:]} == {"membership.create"}


async def test_a_viewer_cannot_open_the_audit_page(database: DatabaseUrls, user: User) -> None:
    bundle = factories.new_tenant()
    await sign_in(user, factories.add_person(bundle, "viewer"))
    await wait_for_navigation(user)
    await user.open("/audit")
    await user.should_see("You do not have access to this page.", retries=SLOW)
    await user.should_not_see("Export CSV")


async def test_tenant_switcher_moves_to_another_tenant(database: DatabaseUrls, user: User) -> None:
    home = factories.new_tenant(name=f"Home {uuid.uuid4().hex[:6]}")
    other = factories.new_tenant(name=f"Other {uuid.uuid4().hex[:6]}")
    users.add_member(other.admin, email=home.admin_email, name="Test Admin", roles=["viewer"])
    await sign_in(user, home.admin_email)
    await wait_for_navigation(user)
    await user.should_see(f"You work in {home.admin and tenants.get_tenant(home.admin).name}", retries=SLOW)
    switcher = only(user, ui.select, lambda s: str(other.tenant_id) in s.options)
    switcher.value = str(other.tenant_id)
    await user.should_see(f"You work in {tenants.get_tenant(other.admin).name} as viewer", retries=SLOW)


async def test_platform_admin_creates_a_tenant_and_bad_input_creates_nothing(
        database: DatabaseUrls, user: User) -> None:
    email = f"platform-{uuid.uuid4().hex[:8]}@example.test"
    platform.ensure_platform_admin(email=email, name="Pat Platform", password=factories.PASSWORD)
    await sign_in(user, email)
    await wait_for_navigation(user)
    await user.open("/admin?tab=tenants")
    user.find(kind=ui.button, content="New tenant").click()
    await user.should_see("Create tenant", retries=SLOW)
    slug = f"made-{uuid.uuid4().hex[:6]}"
    user.find(kind=ui.input, content="Tenant name").type("Made In Test")
    user.find(kind=ui.input, content="Address name").type("Not A Slug!")
    user.find(kind=ui.input, content="First administrator's e-mail").type(f"first-{slug}@example.test")
    user.find(kind=ui.input, content="First administrator's name").type("First Admin")
    user.find(kind=ui.input, content="First administrator's password").type(factories.PASSWORD)
    user.find(kind=ui.button, content="Create tenant").click()
    await user.should_see("Please correct the highlighted fields.", retries=SLOW)
    assert slug not in {t.slug for t in tenants.list_tenants(factories.platform_admin())}

    user.find(kind=ui.input, content="Address name").clear().type(slug)
    user.find(kind=ui.button, content="Create tenant").click()
    await user.should_see("Tenant created.", retries=SLOW)
    assert slug in {row["slug"] for row in only(user, ui.table).rows}
    assert slug in {t.slug for t in tenants.list_tenants(factories.platform_admin())}


async def test_admin_creates_a_vendor_and_bad_input_saves_nothing(database: DatabaseUrls, user: User) -> None:
    from domain.iam import vendors

    bundle = factories.new_tenant()
    await sign_in(user, bundle.admin_email)
    await wait_for_navigation(user)
    await user.open("/vendors")
    user.find(kind=ui.button, content="New vendor").click()
    await user.should_see("Save", retries=SLOW)
    user.find(kind=ui.input, content="Name").type("Brightline Glazing")
    user.find(kind=ui.input, content="E-mail").type("not-an-address")
    user.find(kind=ui.button, content="Save").click()
    await user.should_see("Please correct the highlighted fields.", retries=SLOW)
    assert vendors.list_vendors(bundle.admin) == []
    user.find(kind=ui.input, content="E-mail").clear().type("jobs@brightline.example")
    user.find(kind=ui.button, content="Save").click()
    await user.should_see("Vendor saved.", retries=SLOW)
    assert [v.name for v in vendors.list_vendors(bundle.admin)] == ["Brightline Glazing"]
    assert "Brightline Glazing" in {row["name"] for row in only(user, ui.table).rows}


async def test_a_person_changes_their_own_password(database: DatabaseUrls, user: User) -> None:
    from domain.iam import auth

    bundle = factories.new_tenant()
    email = factories.add_person(bundle, "viewer")
    await sign_in(user, email)
    await wait_for_navigation(user)
    await user.open("/account")
    await user.should_see("Change password", retries=SLOW)
    new_password = "a-brand-new-password-42"
    user.find(kind=ui.input, content="Current password").type("wrong current password")
    user.find(kind=ui.input, content="New password").type(new_password)
    user.find(kind=ui.input, content="Repeat the new password").type(new_password)
    user.find(kind=ui.button, content="Change password").click()
    await user.should_see("The current password is not correct.", retries=SLOW)
    user.find(kind=ui.input, content="Current password").clear().type(factories.PASSWORD)
    user.find(kind=ui.button, content="Change password").click()
    await user.should_see("Your password was changed.", retries=SLOW)
    token, _info = auth.login(email=email, password=new_password, ip=factories.unique("10.8."))
    assert token


async def test_admin_resets_a_password_and_the_temporary_one_signs_in(database: DatabaseUrls, user: User) -> None:
    from domain.iam import auth

    bundle = factories.new_tenant()
    email = factories.add_named_person(bundle, "technician", name="Reset Me")
    await sign_in(user, bundle.admin_email)
    await wait_for_navigation(user)
    await user.open("/admin")
    target = await row_with(user, "email", email)
    user.find(kind=ui.table).trigger("rowClick", [None, target])
    await user.should_see("Edit user", retries=SLOW)
    user.find(kind=ui.button, content="Reset password").click()
    await user.should_see("Give Reset Me a new temporary password? Their open sessions end.", retries=SLOW)
    confirm = [b for b in user.find(kind=ui.button, content="Reset password").elements
               if b.props.get("color") == "negative"]
    assert len(confirm) == 1
    UserInteraction(user, set(confirm), None).click()
    await user.should_see("Temporary password for Reset Me", retries=SLOW)
    temporary = next(e.value for e in user.find(kind=ui.input, content="Temporary password").elements)
    token, info = auth.login(email=email, password=temporary, ip=factories.unique("10.6."))
    assert token and info.must_change_password
