"""The console frame as people use it: sign in, language, theme, people, search, access.

Each journey seeds a fresh tenant through the use cases, then drives the real server
in Chromium, finding elements by role, label and text.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from domain import demo
from storage.settings import Settings
from tests import factories

pytestmark = pytest.mark.e2e

NO_ACCESS = "You do not have access to this page."


def sign_in(page: Page, email: str, password: str = factories.PASSWORD) -> None:
    """Fill the sign-in form and submit it (the outcome is for the caller to check)."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def signed_in(page: Page, email: str, password: str = factories.PASSWORD) -> None:
    sign_in(page, email, password)
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def choose(page: Page, select: str, option: str) -> None:
    """Open the select labelled `select` and pick `option`."""
    page.get_by_role("combobox", name=select).click()
    page.get_by_role("option", name=option, exact=True).click()


def nav_link(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("link", name=name, exact=True)


# ---------------------------------------------------------------- 1. sign-in, language, theme, people


def test_demo_admin_signs_in_to_the_dashboard(page: Page) -> None:
    demo.load_demo()
    signed_in(page, "admin@acme.example", demo.DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("Welcome, Ada Admin.")).to_be_visible()
    expect(nav_link(page, "Admin")).to_be_visible()


def test_language_switch_to_french_translates_the_navigation(page: Page) -> None:
    bundle = factories.new_tenant()
    signed_in(page, bundle.admin_email)
    choose(page, "Language", "Français")
    for french in ("Tableau de bord", "Demandes", "Administration"):
        expect(nav_link(page, french)).to_be_visible()
    expect(nav_link(page, "Dashboard")).to_have_count(0)


def test_dark_theme_applies_and_survives_a_reload(page: Page) -> None:
    bundle = factories.new_tenant()
    signed_in(page, bundle.admin_email)
    assert not page.evaluate("document.body.classList.contains('body--dark')")
    choose(page, "Theme", "Dark")
    page.wait_for_function("document.body.classList.contains('body--dark')")
    page.reload()
    expect(page.get_by_role("combobox", name="Theme")).to_have_value("Dark")
    assert page.evaluate("document.body.classList.contains('body--dark')")


def test_admin_creates_a_user_with_a_role_then_signs_out(page: Page) -> None:
    bundle = factories.new_tenant()
    signed_in(page, bundle.admin_email)
    nav_link(page, "Admin").click()
    expect(page.get_by_role("tab", name="Users")).to_be_visible()
    page.get_by_role("button", name="New user").click()
    dialog = page.get_by_role("dialog")
    email = f"{factories.unique('new-')}@example.test"
    dialog.get_by_label("E-mail").fill(email)
    dialog.get_by_label("Name").fill("Nora Newcomer")
    dialog.get_by_role("combobox", name="Roles").click()
    page.get_by_role("option", name="Requester", exact=True).click()
    page.keyboard.press("Escape")  # close the options; the dialog stays
    expect(page.get_by_role("option", name="Requester", exact=True)).to_have_count(0)
    dialog.get_by_label("Initial password").fill("a-long-initial-password-1")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text("Nora Newcomer")
    expect(row).to_contain_text("requester")

    page.get_by_role("button", name="Test Admin").click()
    page.get_by_role("menu").get_by_text("Sign out", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", name="Sign in to Baton")).to_be_visible()


# ---------------------------------------------------------------- 2. and 4. who sees what


def test_vendor_user_sees_no_admin_and_is_refused_at_admin(page: Page) -> None:
    bundle = factories.new_tenant()
    vendor_id = factories.new_vendor(bundle)
    email = factories.add_person(bundle, "vendor", vendor_id=vendor_id)
    signed_in(page, email)
    expect(nav_link(page, "Vendors")).to_be_visible()
    expect(nav_link(page, "Admin")).to_have_count(0)
    page.goto("/admin")
    expect(page.get_by_text(NO_ACCESS)).to_be_visible()


def test_viewer_has_no_create_buttons_and_no_admin(page: Page) -> None:
    bundle = factories.new_tenant()
    vendor = factories.unique("Readable Vendor ")
    factories.new_vendor(bundle, name=vendor)
    email = factories.add_person(bundle, "viewer")
    signed_in(page, email)
    expect(nav_link(page, "Admin")).to_have_count(0)
    for path, heading in (("/", "Dashboard"), ("/requests", "Requests"), ("/projects", "Projects"),
                          ("/assets", "Assets"), ("/vendors", "Vendors")):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        expect(page.get_by_role("button", name="New user")).to_have_count(0)
        expect(page.get_by_role("button", name="New vendor")).to_have_count(0)
    expect(page.get_by_role("cell", name=vendor)).to_be_visible()  # on /vendors: reading is allowed
    page.goto("/admin")
    expect(page.get_by_text(NO_ACCESS)).to_be_visible()
    expect(page.get_by_role("button", name="New user")).to_have_count(0)


# ---------------------------------------------------------------- 3. throttled sign-in


def test_wrong_password_is_refused_and_repeated_failures_lock_the_account(page: Page) -> None:
    bundle = factories.new_tenant()
    max_failures = Settings.from_env().login_max_failures  # the server reads the same environment
    sign_in(page, bundle.admin_email, "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("The e-mail or password is not correct.")
    expect(page).to_have_url(re.compile(r"/login$"))
    for _attempt in range(max_failures - 1):
        page.get_by_label("Password").fill("still-not-the-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_label("Password")).to_have_value("")  # the refusal clears the field
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-ins")
    expect(page).to_have_url(re.compile(r"/login$"))


# ---------------------------------------------------------------- 5. search


def test_header_search_finds_a_person_by_part_of_their_name(page: Page) -> None:
    bundle = factories.new_tenant()
    email = factories.add_named_person(bundle, "technician", name="Quentin Zebulon")
    signed_in(page, bundle.admin_email)
    page.get_by_role("textbox", name="Search").fill("zebu")
    result = page.get_by_role("menu").get_by_text(f"Quentin Zebulon · {email}")
    expect(result).to_be_visible()
    result.click()
    expect(page.get_by_role("dialog")).to_contain_text("Roles: technician")


def test_ctrl_k_puts_the_cursor_in_the_search_box(page: Page) -> None:
    bundle = factories.new_tenant()
    signed_in(page, bundle.admin_email)
    page.get_by_role("heading", name="Dashboard", level=1).click()
    page.keyboard.press("Control+k")
    expect(page.get_by_role("textbox", name="Search")).to_be_focused()


def test_clicks_on_a_page_count_as_activity(page: Page) -> None:
    bundle = factories.new_tenant()
    signed_in(page, bundle.admin_email)
    assert page.evaluate("window.batonLastActivity === undefined || Date.now() - window.batonLastActivity > 50")
    page.get_by_role("heading", name="Dashboard", level=1).click()
    assert page.evaluate("Date.now() - window.batonLastActivity") < 5000


# ---------------------------------------------------------------- 6. and 7. the server's edges


def test_socket_handshake_refuses_a_foreign_origin(page: Page, server: str) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", name="Sign in to Baton")).to_be_visible()
    handshake = f"{server}/_nicegui_ws/socket.io/?EIO=4&transport=polling"
    foreign = httpx.get(handshake, headers={"Origin": "http://evil.example"})
    own = httpx.get(handshake, headers={"Origin": server})
    assert foreign.status_code == 400
    assert own.status_code == 200


def test_health_and_metrics(server: str) -> None:
    health = httpx.get(f"{server}/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    metrics = httpx.get(f"{server}/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "baton_http_requests_total" in metrics.text
