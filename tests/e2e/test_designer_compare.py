"""A tenant admin compares two published versions of a workflow in the designer's versions dialog and
sees the newer one drawn, read-only: what it added and changed marked, what it removed ghosted."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from domain.workflows import definitions
from tests import factories
from tests.e2e.test_shell_journeys import choose, signed_in

pytestmark = pytest.mark.e2e


def second_version(first: dict[str, Any]) -> dict[str, Any]:
    """The maintenance workflow without "On hold", with a "Quality check" after the work, and its first
    transition renamed."""
    doc = copy.deepcopy(first)
    doc["states"] = [s for s in doc["states"] if s["id"] != "on_hold"]
    doc["states"].insert(5, {"id": "quality_check", "name": {"en": "Quality check"}, "category": "in_progress"})
    finish = next(t for t in doc["transitions"] if t["id"] == "finish")
    doc["transitions"] = [t for t in doc["transitions"] if t["id"] not in ("put_on_hold", "resume")] + [
        {"id": "inspect", "from": "in_progress", "to": "quality_check", "label": {"en": "Inspect"},
         "roles": finish["roles"]},
        {"id": "pass_inspection", "from": "quality_check", "to": "verification", "label": {"en": "Passed"},
         "roles": finish["roles"]}]
    submit = next(t for t in doc["transitions"] if t["id"] == "submit")
    submit["label"] = {"en": "Send in"}
    for sla in doc.get("slas") or []:
        sla["pause_in"] = [s for s in sla.get("pause_in") or [] if s != "on_hold"]
    return doc


def offset(canvas: Locator, name: str, reference: str) -> tuple[int, int]:
    """Where the node `name` is drawn relative to the node `reference` (screen pixels)."""
    a = canvas.get_by_role("group", name=name, exact=True).bounding_box()
    b = canvas.get_by_role("group", name=reference, exact=True).bounding_box()
    assert a is not None and b is not None
    return round(a["x"] - b["x"]), round(a["y"] - b["y"])


def test_comparing_two_versions_draws_the_newer_one_read_only_with_its_changes(page: Page) -> None:
    bundle = factories.with_roles(factories.new_tenant(), "director")
    first = factories.published(bundle)
    draft = definitions.save_draft(bundle.admin, document=second_version(first.document))
    definitions.publish(bundle.admin, version_id=draft.id)
    page.set_viewport_size({"width": 1600, "height": 1000})
    signed_in(page, bundle.admin_email)
    page.goto("/designer/maintenance_request")
    page.get_by_role("button", name="Versions").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Compare").click()  # version 1 against version 2, as proposed

    differences = dialog.get_by_label("Differences")
    expect(differences).to_contain_text("State quality_check: added")
    expect(differences).to_contain_text("State on_hold: removed")
    expect(differences).to_contain_text("Transition submit: changed (label)")
    canvas = dialog.get_by_role("region", name="Version 2 compared with version 1")
    expect(canvas).to_be_visible()
    legend = dialog.get_by_role("list", name="Legend")
    for word in ("Added", "Changed", "Removed"):
        expect(legend.get_by_role("listitem").filter(has_text=word)).to_have_count(1)

    added = canvas.get_by_role("group", name="Quality check (Added)", exact=True)
    expect(added).to_be_visible()
    expect(added).to_contain_text("Added")  # in words on the node, not only in green
    ghost = canvas.get_by_role("group", name="On hold (Removed)", exact=True)
    expect(ghost).to_be_visible()  # taken from version 1: version 2 has no such state
    expect(ghost).to_contain_text("Removed")
    expect(ghost.get_by_text("On hold", exact=True)).to_have_css("text-decoration-line", "line-through")
    changed = canvas.get_by_role("group", name="Send in: from Draft to Submitted (Changed)", exact=True)
    expect(changed).to_be_visible()
    expect(changed).to_contain_text("Changed")
    expect(canvas.get_by_role("group", name="Resume: from On hold to In progress (Removed)", exact=True))\
        .to_contain_text("Removed")  # a removed transition ends at the ghost of its removed state
    expect(canvas.get_by_role("group", name="Inspect: from In progress to Quality check (Added)", exact=True))\
        .to_be_visible()
    expect(canvas.get_by_role("group", name="Draft", exact=True)).to_be_visible()  # unchanged: no mark
    expect(canvas.get_by_role("group", name="States")).to_have_count(0)  # no palette: nothing to add

    before = offset(canvas, "Quality check (Added)", "Draft")
    box = added.bounding_box()
    assert box is not None
    start = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(start[0] + 6 * step, start[1] + 5 * step)
    page.mouse.up()
    page.wait_for_timeout(300)
    assert offset(canvas, "Quality check (Added)", "Draft") == before  # the drag moved no node

    choose(page, "Older", "Version 2 (Published)")  # comparing again replaces the comparison
    dialog.get_by_role("button", name="Compare").click()
    expect(dialog.get_by_text("The two versions are the same.")).to_be_visible()
    expect(dialog.get_by_role("region", name="Version 2 compared with version 1")).to_have_count(0)
    same = dialog.get_by_role("region", name="Version 2 compared with version 2")
    expect(same.get_by_role("group", name="Quality check", exact=True)).to_be_visible()
    expect(same.get_by_role("group", name="On hold (Removed)")).to_have_count(0)

    dialog.get_by_role("button", name="Close").click()
    editing = page.get_by_role("region", name="Workflow canvas")
    expect(editing.get_by_role("group", name="Quality check", exact=True)).to_be_visible()
    for word in ("Added", "Changed", "Removed"):  # the drawing being edited was never coloured
        expect(editing.get_by_text(word, exact=True)).to_have_count(0)
    expect(page.get_by_text("Unsaved changes")).to_be_hidden()
    expect(page.get_by_role("button", name="Clear highlights")).to_be_hidden()
