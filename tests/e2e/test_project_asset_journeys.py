"""A manager gives a new project its owner and start date, and marks an asset down: what the
console shows on the detail pages and in the assets list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from domain.records import service as records
from domain.workflows import templates
from tests import factories
from tests.e2e.test_shell_journeys import choose, signed_in

pytestmark = pytest.mark.e2e


def _tenant():  # type: ignore[no-untyped-def]
    bundle = factories.new_tenant()
    for key in ("project", "asset_lifecycle"):
        templates.publish_template(bundle.admin, key=key)
    records.ensure_default_types(bundle.admin)
    manager = factories.add_named_person(bundle, "manager", name="Mia Manager")
    factories.add_named_person(bundle, "client", name="Olga Owner")
    return bundle, manager


def _badge(page: Page, text: str):  # type: ignore[no-untyped-def]
    """A badge beside the record's title (the state, the operational status)."""
    return page.get_by_role("status").filter(has_text=re.compile(f"^{re.escape(text)}$"))


def test_manager_creates_a_project_with_an_owner_and_a_start_date(page: Page) -> None:
    _bundle, manager = _tenant()
    signed_in(page, manager)
    page.goto("/projects")
    page.get_by_role("button", name="New project").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Title").fill("Lobby refurbishment")
    dialog.get_by_label("Contract value *", exact=True).fill("80000")
    choose(page, "Owner", "Olga Owner")
    dialog.get_by_label("Start date").fill("2026-10-01")
    dialog.get_by_label("Target completion").fill("2026-09-30")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_text("The start date cannot be after the target completion date (2026-09-30).")
           ).to_be_visible()  # at the field; nothing was created
    dialog.get_by_label("Start date").fill("2026-03-02")
    dialog.get_by_role("button", name="Create").click()
    expect(page).to_have_url(f"{page.url.split('/projects')[0]}/projects/PRJ-1")
    details = page.get_by_text("Details").locator("xpath=..")
    expect(details).to_contain_text("Owner")
    expect(details).to_contain_text("Olga Owner")
    expect(details).to_contain_text("Start date")
    expect(details).to_contain_text("Mar 2, 2026")
    expect(details).to_contain_text("Unassigned")  # the owner is not the assignee


def test_manager_marks_an_asset_down_and_the_list_shows_it(page: Page) -> None:
    bundle, manager = _tenant()
    asset = records.create_record(bundle.admin, kind="asset", type_key="asset",
                                  values={"title": "Chiller 1", "asset_class": "hvac"})
    other = records.create_record(bundle.admin, kind="asset", type_key="asset",
                                  values={"title": "Boiler 2", "asset_class": "hvac"})
    signed_in(page, manager)
    page.goto(f"/assets/{asset.reference}")
    expect(_badge(page, "Up")).to_be_visible()
    page.get_by_role("button", name="Mark as down").click()
    expect(_badge(page, "Down")).to_be_visible()
    expect(_badge(page, "Planned")).to_be_visible()  # the lifecycle state is independent of it
    expect(page.get_by_role("button", name="Mark as up")).to_be_visible()
    expect(page.get_by_text("Operational status: Up → Down")).to_be_visible()  # the history

    page.goto("/assets?view=list")
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Operational status")).to_be_visible()
    expect(table.get_by_role("row").filter(has_text=asset.reference)).to_contain_text("Down")
    expect(table.get_by_role("row").filter(has_text=other.reference)).to_contain_text("Up")
