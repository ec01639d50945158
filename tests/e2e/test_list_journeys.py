"""The list view as a manager uses it: bulk moves with a result per record, filters, saved views, CSV."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from domain.records import service as records
from domain.workflows.perform import perform
from tests import factories
from tests.e2e.test_shell_journeys import choose, signed_in

pytestmark = pytest.mark.e2e


def _setup(count: int):  # type: ignore[no-untyped-def]
    bundle = factories.with_roles(factories.new_tenant(), "director")
    factories.published(bundle)
    records.ensure_default_types(bundle.admin)
    manager = factories.add_named_person(bundle, "manager", name="Mia Manager")
    requester = factories.add_named_person(bundle, "requester", name="Rob Requester")
    requester_ctx = factories.ctx_for(requester)
    made = []
    for i in range(count):
        view = records.create_record(requester_ctx, kind="request", type_key="maintenance",
                                     values={"title": f"Job {i + 1:02d}", "category": "plumbing" if i % 2 else "hvac"})
        done = perform(ctx=requester_ctx, instance_id=view.instance_id, transition_id="submit",
                       expected_version=view.version)
        made.append((view, done.version))
    return bundle, manager, made


def test_bulk_move_over_25_records_shows_a_result_for_each(page: Page) -> None:
    _bundle, manager, made = _setup(26)
    signed_in(page, manager)
    page.goto("/requests?view=list")
    table = page.get_by_role("table")
    expect(page.get_by_text("26 records")).to_be_visible()
    page.get_by_role("checkbox").first.click()  # the header box selects the page
    page.get_by_role("button", name="Move 26 selected").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Move 26 records")
    choose(page, "Action", "Start review")
    # meanwhile someone else rejects one of them: that one must be refused, the rest done
    view, version = made[3]
    perform(ctx=factories.ctx_for(manager), instance_id=view.instance_id, transition_id="reject",
            expected_version=version, comment="Duplicate")
    dialog.get_by_role("button", name="Move", exact=True).click()
    expect(dialog).to_contain_text("25 moved, 1 refused", timeout=20000)
    results = dialog.get_by_role("list", name="Results").get_by_role("listitem")
    expect(results).to_have_count(26)
    expect(dialog.get_by_text(f"{view.reference}: refused")).to_be_visible()
    expect(dialog.get_by_text(f"{made[0][0].reference}: done")).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(table).to_contain_text("Manager approval")


def test_filters_saved_view_and_csv_export(page: Page) -> None:
    _bundle, manager, _made = _setup(4)
    signed_in(page, manager)
    page.goto("/requests?view=list")
    choose(page, "Field", "Category")
    page.get_by_label("Value").fill("hvac")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("2 records")).to_be_visible()
    page.get_by_role("button", name="Save view").click()
    page.get_by_role("dialog").get_by_label("Name").fill("HVAC jobs")
    page.get_by_role("dialog").get_by_role("button", name="Save").click()
    expect(page.get_by_text("View saved.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3 and rows[0][0] == "Reference"
    assert {r[2] for r in rows[1:]} == {"Job 01", "Job 03"}
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_text("4 records")).to_be_visible()
    choose(page, "Saved views", "HVAC jobs")
    expect(page.get_by_text("2 records")).to_be_visible()
