"""Administrators set records up: a tenant-defined request type and a building, then use both."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from domain.records import service as records
from tests import factories
from tests.e2e.test_shell_journeys import choose, signed_in

pytestmark = pytest.mark.e2e


def test_admin_adds_a_request_type_and_a_building_then_creates_a_request(page: Page) -> None:
    bundle = factories.with_roles(factories.new_tenant(), "director")
    factories.published(bundle)
    records.ensure_default_types(bundle.admin)
    signed_in(page, bundle.admin_email)
    page.goto("/admin?tab=buildings")
    page.get_by_role("button", name="New building").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Harbour Tower")
    dialog.get_by_label("Code").fill("HT")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Buildings", exact=True)).to_contain_text("Harbour Tower")

    page.goto("/admin?tab=types")
    page.get_by_role("button", name="New type").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Key").fill("Not A Key")
    dialog.get_by_label("Name").fill("Cleaning")
    choose(page, "Workflow", "Maintenance request (maintenance_request)")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_contain_text("Use lowercase letters, digits and underscores")
    dialog.get_by_label("Key").fill("cleaning")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Record types", exact=True)).to_contain_text("cleaning")

    page.goto("/requests?type=cleaning")
    page.get_by_role("button", name="New request").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Title").fill("Windows on floor 3")
    choose(page, "Category", "Cleaning")
    choose(page, "Building", "Harbour Tower")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_text("Windows on floor 3").first).to_be_visible()  # heading and detail
    expect(page.get_by_text("Harbour Tower", exact=True)).to_be_visible()
