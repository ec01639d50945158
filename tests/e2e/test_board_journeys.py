"""Requests on the board as managers and requesters use it: drag, dialogs, live updates, reasons."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from domain.iam import users
from domain.records import service as records
from domain.workflows.perform import perform
from tests import factories
from tests.e2e.test_shell_journeys import signed_in

pytestmark = pytest.mark.e2e


def _tenant():  # type: ignore[no-untyped-def]
    bundle = factories.with_roles(factories.new_tenant(), "director")
    factories.published(bundle)
    records.ensure_default_types(bundle.admin)
    manager = factories.add_named_person(bundle, "manager", name="Mia Manager")
    requester = factories.add_named_person(bundle, "requester", name="Rob Requester")
    return bundle, manager, requester


def _request(ctx, title: str, *, cost: str | None = "1200"):  # type: ignore[no-untyped-def]
    values = {"title": title, "category": "plumbing"}
    if cost is not None:
        values["cost_estimate"] = {"amount": cost, "currency": "EUR"}
    view = records.create_record(ctx, kind="request", type_key="maintenance", values=values)
    return view


def _advance(view, requester_ctx, manager_ctx, to: str) -> None:  # type: ignore[no-untyped-def]
    version = view.version
    version = perform(ctx=requester_ctx, instance_id=view.instance_id, transition_id="submit",
                      expected_version=version).version
    if to == "manager_approval":
        perform(ctx=manager_ctx, instance_id=view.instance_id, transition_id="review", expected_version=version)


def _column(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("list", name=name, exact=True)


def _drag(page: Page, source, target) -> None:  # type: ignore[no-untyped-def]
    """Drag as a person does: press, move in steps (so the browser starts a drag), release."""
    start, end = source.bounding_box(), target.bounding_box()
    assert start is not None and end is not None
    x0, y0 = start["x"] + 20, start["y"] + 20
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + 40
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * step / 10, y0 + (y1 - y0) * step / 10)
    page.mouse.up()


def _card(page: Page, reference: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("listitem").filter(has_text=reference)


def test_manager_drags_a_request_to_vendor_assignment_and_it_persists(page: Page, browser: Browser) -> None:
    _bundle, manager, requester = _tenant()
    requester_ctx, manager_ctx = factories.ctx_for(requester), factories.ctx_for(manager)
    view = _request(requester_ctx, "Leaking tap")
    _advance(view, requester_ctx, manager_ctx, "manager_approval")
    signed_in(page, manager)
    page.goto("/requests")
    watcher = browser.new_page(base_url=page.url.split("/requests")[0])
    signed_in(watcher, manager)
    watcher.goto("/requests")
    expect(_column(watcher, "Manager approval")).to_contain_text(view.reference)

    _drag(page, _card(page, view.reference), _column(page, "Vendor assignment"))
    expect(_column(page, "Vendor assignment")).to_contain_text(view.reference)
    expect(_column(watcher, "Vendor assignment")).to_contain_text(view.reference, timeout=3000)  # live, no reload
    page.reload()
    expect(_column(page, "Vendor assignment")).to_contain_text(view.reference)
    expect(_column(page, "Manager approval")).not_to_contain_text(view.reference)
    watcher.close()


def test_requester_drag_lights_no_forbidden_column_and_a_forced_drop_is_refused(page: Page) -> None:
    _bundle, manager, requester = _tenant()
    requester_ctx, manager_ctx = factories.ctx_for(requester), factories.ctx_for(manager)
    view = _request(requester_ctx, "Broken window")
    _advance(view, requester_ctx, manager_ctx, "manager_approval")
    signed_in(page, requester)
    page.goto("/requests")
    card = _card(page, view.reference)
    expect(card).to_be_visible()
    start, end = card.bounding_box(), _column(page, "Vendor assignment").bounding_box()
    assert start is not None and end is not None
    page.mouse.move(start["x"] + 20, start["y"] + 20)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(start["x"] + 20 + (end["x"] + 40 - start["x"] - 20) * step / 5, start["y"] + 20)
    expect(page.locator(".kanban-col--target")).to_have_count(0)  # nothing lights up for the requester
    page.mouse.up()
    _drag(page, card, _column(page, "Vendor assignment"))
    expect(_column(page, "Manager approval")).to_contain_text(view.reference)
    page.reload()
    expect(_column(page, "Manager approval")).to_contain_text(view.reference)


def test_a_transition_needing_input_opens_its_dialog_and_cancel_changes_nothing(page: Page) -> None:
    bundle, manager, requester = _tenant()
    requester_ctx, manager_ctx = factories.ctx_for(requester), factories.ctx_for(manager)
    view = _request(requester_ctx, "No estimate yet", cost=None)
    _advance(view, requester_ctx, manager_ctx, "manager_approval")
    director = factories.add_named_person(bundle, "manager", name="Dee Director")
    [member] = users.list_members(bundle.admin, search=director)
    users.update_member(bundle.admin, user_id=member.user_id, name=member.name, roles=["manager", "director"],
                        status="active")  # a director may approve any amount
    signed_in(page, director)
    page.goto("/requests")
    _drag(page, _card(page, view.reference), _column(page, "Vendor assignment"))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Approve")
    expect(dialog.get_by_label("Cost estimate", exact=False).first).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(_column(page, "Manager approval")).to_contain_text(view.reference)
    page.reload()
    expect(_column(page, "Manager approval")).to_contain_text(view.reference)


def test_detail_page_shows_a_disabled_action_with_its_reason(page: Page) -> None:
    _bundle, manager, requester = _tenant()
    requester_ctx, manager_ctx = factories.ctx_for(requester), factories.ctx_for(manager)
    view = _request(requester_ctx, "Replace chiller", cost="7000")
    _advance(view, requester_ctx, manager_ctx, "manager_approval")
    signed_in(page, manager)
    page.goto(f"/requests/{view.reference}")
    approve = page.get_by_role("button", name="Approve")
    expect(approve).to_be_disabled()
    holder = page.locator("span[title]").filter(has=approve)
    expect(holder).to_have_count(1)
    title = holder.get_attribute("title") or ""
    assert "5,000" in title or "5000" in title, title
    expect(page.get_by_role("button", name="Reject")).to_be_enabled()
