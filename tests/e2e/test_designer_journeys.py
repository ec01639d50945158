"""A tenant admin draws a workflow from nothing to published and in use, without touching YAML;
imports a broken file; exports and re-imports unchanged; tries a workflow in the simulator."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from domain.records import service as records
from domain.workflows import definitions
from tests import factories
from tests.e2e.test_board_journeys import _column, _drag
from tests.e2e.test_shell_journeys import choose, nav_link, signed_in
from ui.designer.document import DesignDocument

pytestmark = pytest.mark.e2e

UNREACHABLE = "No transition leads to “New state 4” from the initial state"  # by the name the canvas shows


def _drop_state(page: Page, canvas: Locator, x: float, y: float) -> None:
    """Drag the palette's "to do" state onto the drawing area at (x, y) right of the palette."""
    item = page.get_by_role("button", name="State: To do")
    start, box = item.bounding_box(), canvas.get_by_role("group", name="States").bounding_box()
    assert start is not None and box is not None
    _stepped(page, start["x"] + start["width"] / 2, start["y"] + start["height"] / 2,
             box["x"] + box["width"] + x, box["y"] + y)


def _connect(page: Page, source: str, target: str) -> None:
    """Drag from `source`'s right handle to `target`'s left handle."""
    start = page.get_by_test_id(f"source-{source}").bounding_box()
    end = page.get_by_test_id(f"target-{target}").bounding_box()
    assert start is not None and end is not None
    _stepped(page, start["x"] + start["width"] / 2, start["y"] + start["height"] / 2,
             end["x"] + end["width"] / 2, end["y"] + end["height"] / 2)


def _stepped(page: Page, x0: float, y0: float, x1: float, y1: float) -> None:
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(x0 + (x1 - x0) * step / 15, y0 + (y1 - y0) * step / 15)
    page.mouse.up()


def _problems(page: Page) -> Locator:
    return page.get_by_role("region", name="Problems")


def _panel(page: Page) -> Locator:
    return page.get_by_role("region", name="Properties")


def test_admin_draws_publishes_and_uses_a_new_workflow(page: Page) -> None:
    bundle = factories.new_tenant()
    records.ensure_default_types(bundle.admin)
    page.set_viewport_size({"width": 1600, "height": 1000})  # a designer's desktop
    signed_in(page, bundle.admin_email)
    page.goto("/designer")
    page.get_by_role("button", name="New workflow").click()
    canvas = page.get_by_role("region", name="Workflow canvas")
    expect(canvas).to_be_visible()

    for n, (x, y) in enumerate([(140, 60), (380, 60), (620, 60), (380, 220)]):
        _drop_state(page, canvas, x, y)
        expect(page.get_by_test_id(f"node-{'new_state' if n == 0 else f'new_state_{n + 1}'}")).to_be_visible()
    expect(_problems(page)).to_contain_text(UNREACHABLE)
    expect(page.get_by_role("button", name="Publish")).to_be_disabled()  # errors listed: nothing to publish
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Dashboard").click()  # leaving with unsaved changes asks first; stay
    for _ in range(50):  # the dialog event arrives on Playwright's side a moment later
        if asked:
            break
        page.wait_for_timeout(100)
    assert asked == ["beforeunload"] and "/designer/" in page.url
    _connect(page, "new_state", "new_state_2")
    expect(_problems(page)).not_to_contain_text("“New state 2” from the initial state")
    _connect(page, "new_state_2", "new_state_3")
    expect(_problems(page)).not_to_contain_text("“New state 3” from the initial state")
    expect(_problems(page)).to_contain_text(UNREACHABLE)
    _connect(page, "new_state_3", "new_state_4")
    expect(_problems(page)).not_to_contain_text(UNREACHABLE)

    page.get_by_role("button", name="Undo (Ctrl+Z)").click()  # the last connection goes again
    expect(_problems(page)).to_contain_text(UNREACHABLE)
    page.get_by_role("button", name="Redo (Ctrl+Y)").click()
    expect(_problems(page)).not_to_contain_text(UNREACHABLE)

    page.get_by_test_id("node-new_state_4").click()
    _panel(page).get_by_role("checkbox", name="Terminal (records end here)").click()
    expect(_problems(page)).not_to_contain_text("No state is terminal")
    for transition in ("new_state_to_new_state_2", "new_state_2_to_new_state_3", "new_state_3_to_new_state_4"):
        _problems(page).get_by_text(f"Nobody can fire “{transition}”").click()  # selects the transition
        expect(_panel(page).get_by_label("Id")).to_have_value(transition)
        choose(page, "Who may take it", "Administrator (admin)")
        page.keyboard.press("Escape")
        expect(_problems(page)).not_to_contain_text(f"Nobody can fire “{transition}”")
    _panel(page).get_by_role("button", name="Add a condition").click()  # last transition: only with a title
    expect(_panel(page).get_by_role("combobox", name="Operator")).to_be_visible()
    expect(_problems(page)).to_contain_text("No problems")

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("toolbar", name="Designer tools")).to_contain_text("Version 1 (published)")
    assert definitions.list_versions(bundle.admin, key="new_workflow")[0].status == "published"

    nav_link(page, "Admin").click()  # saved and published: leaving asks nothing
    page.get_by_role("tab", name="Record types").click()
    page.get_by_role("button", name="New type").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Key").fill("drawn")
    dialog.get_by_label("Name").fill("Drawn")
    choose(page, "Workflow", "New workflow (new_workflow)")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Record types", exact=True).get_by_role("row").filter(has_text="Drawn")).to_contain_text(
        "new_workflow")
    page.goto("/requests?type=drawn")
    page.get_by_role("button", name="New request").click()
    page.get_by_role("dialog").get_by_label("Title").fill("First drawn request")
    page.get_by_role("dialog").get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/requests/REQ-1$"))
    expect(page.get_by_text("First drawn request").first).to_be_visible()
    page.goto("/requests?type=drawn")
    card = page.get_by_role("listitem").filter(has_text="First drawn request")
    _drag(page, card, _column(page, "New state 2"))
    expect(_column(page, "New state 2")).to_contain_text("First drawn request")
    page.reload()
    expect(_column(page, "New state 2")).to_contain_text("First drawn request")


def test_a_broken_import_changes_nothing_and_lists_its_problems(page: Page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bundle = factories.new_tenant()
    signed_in(page, bundle.admin_email)
    page.goto("/designer")
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: baton/workflow@1\nkey: Broken Key\nstates: [oops\n", encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(broken))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Nothing was imported: the file has problems")
    assert definitions.list_definitions(bundle.admin) == []


def test_export_and_reimport_is_unchanged(page: Page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bundle = factories.new_tenant()
    factories.published(bundle, "incident")
    signed_in(page, bundle.admin_email)
    page.goto("/designer/incident")
    expect(page.get_by_role("region", name="Workflow canvas")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_be_disabled()  # published already, nothing changed
    page.get_by_role("button", name="Export").click()
    with page.expect_download() as first:
        page.get_by_text("YAML file", exact=True).click()
    exported = first.value.path().read_text(encoding="utf-8")
    reimport = tmp_path / "incident.yaml"
    reimport.write_text(exported, encoding="utf-8")
    page.goto("/designer")
    page.locator("input[type=file]").set_input_files(str(reimport))
    expect(page.get_by_text("Imported incident as draft version 2.")).to_be_visible()
    versions = definitions.list_versions(bundle.admin, key="incident")
    assert versions[0].document == versions[1].document
    page.goto("/designer/incident")
    page.get_by_role("button", name="Export").click()
    with page.expect_download() as second:
        page.get_by_text("YAML file", exact=True).click()
    assert second.value.path().read_text(encoding="utf-8") == exported


def test_the_simulator_shows_a_requester_why_an_action_is_disabled(page: Page) -> None:
    bundle = factories.with_roles(factories.new_tenant(), "director")
    factories.published(bundle)
    signed_in(page, bundle.admin_email)
    page.goto("/designer/maintenance_request")
    page.get_by_role("button", name="Simulate").click()
    choose(page, "Acting with the roles", "requester")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Start a pretend record").click()
    actions = page.get_by_role("list", name="Actions from here")
    expect(actions.get_by_role("button", name="Submit")).to_be_disabled()
    expect(actions).to_contain_text("Title")  # the reason names the empty field the condition needs
    page.get_by_label("Title").fill("Leaking tap")
    page.get_by_role("button", name="Start over").click()
    actions.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("list", name="What happened")).to_contain_text("Submit: Draft → Submitted")
    canvas = page.get_by_role("region", name="Workflow canvas")  # the path, in the simulator's own words
    expect(canvas.get_by_role("group", name="Draft (Visited)", exact=True)).to_be_visible()
    expect(canvas.get_by_role("group", name="Submitted (Current state)", exact=True)).to_be_visible()
    expect(canvas.get_by_role("group", name="Submit: from Draft to Submitted (Visited)", exact=True)).to_have_count(1)
    for word in ("Added", "Changed"):  # nothing changed: no version comparison's words
        expect(canvas.get_by_text(word, exact=True)).to_have_count(0)


def test_versions_are_compared_and_records_moved_to_the_newer_one(page: Page) -> None:
    bundle = factories.with_roles(factories.new_tenant(), "director")
    first = factories.published(bundle)
    records.ensure_default_types(bundle.admin)
    requester = factories.ctx_for(factories.add_person(bundle, "requester"))
    for n in range(3):
        records.create_record(requester, kind="request", type_key="maintenance",
                              values={"title": f"Tap {n}", "category": "plumbing"})
    changed = DesignDocument(first.document)
    changed.rename_state("draft", "new_request")
    changed.update(changed.state("on_hold"), {"category": "todo"})
    definitions.publish(bundle.admin, version_id=definitions.save_draft(bundle.admin, document=changed.doc).id)
    page.set_viewport_size({"width": 1600, "height": 1000})
    signed_in(page, bundle.admin_email)
    page.goto("/designer/maintenance_request")
    page.get_by_role("button", name="Versions").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Versions")).to_contain_text("Published")
    dialog.get_by_role("button", name="Compare").click()
    differences = dialog.get_by_label("Differences")
    expect(differences).to_contain_text("State new_request: added")
    expect(differences).to_contain_text("State draft: removed")
    expect(differences).to_contain_text("State on_hold: changed (category)")

    dialog.get_by_role("button", name="Move records…").click()
    moving = page.get_by_role("dialog").filter(has_text="Move records from version 1 to version 2")
    expect(moving).to_contain_text("3 record(s) have no state in version 2")
    expect(moving.get_by_role("button", name="Move records")).to_be_disabled()
    choose(page, "Move to", "Draft")
    expect(moving).to_contain_text("3 record(s) will move to version 2")
    moving.get_by_role("button", name="Move records").click()
    expect(page.get_by_text("3 record(s) moved to version 2.")).to_be_visible()
    assert factories.audit_rows(bundle.tenant_id, "workflow.migrate") != []


LONG_ESCALATIONS = [  # 4 steps of 2 actions each, with the widest inputs the actions have
    {"at": "25%", "actions": [
        {"notify": {"to": ["assignee", "role:manager", "user:facilities.coordinator.north.wing@example.com"],
                    "template": "sla_warning_for_the_facilities_coordinator", "channels": ["in_app", "email"]}},
        {"set_priority": "high"}]},
    {"at": "50%", "actions": [{"assign": {"role": "dispatcher", "rule": "least_loaded"}},
                              {"set_field": {"field": "cost_estimate", "value": 1000}}]},
    {"at": "100%", "actions": [{"notify": {"to": ["role:director"], "template": "sla_breached"}},
                               {"reassign": {"user": "a.very.long.name.for.a.director@example.com"}}]},
    {"after_breach": "4h", "repeat": True, "actions": [{"webhook": {"event": "request.sla.breached.again"}},
                                                       {"fire": "review"}]},
]


def test_the_properties_pane_never_scrolls_sideways(page: Page) -> None:
    bundle = factories.with_roles(factories.new_tenant(), "director")
    document = DesignDocument(factories.published(bundle).document)
    document.update(document.state("submitted"), {"sla": {"goal": "4h", "calendar": "business",
                                                          "escalations": LONG_ESCALATIONS}})
    document.update(document.transition("submit"), {"condition": {"all": [
        {"any": [{"field": "cost_estimate", "op": "lt", "value": 5000}, {"actor": "has_role", "value": "director"}]},
        {"not": {"field": "category", "op": "in", "value": ["hvac", "plumbing", "electrical", "cleaning"]}}]}})
    definitions.save_draft(bundle.admin, document=document.doc)
    signed_in(page, bundle.admin_email)  # Playwright's default 1280×720: the pane's default share is ~350 px
    page.goto("/designer/maintenance_request")
    page.get_by_test_id("node-submitted").click()
    panel = _panel(page)
    expect(panel.get_by_label("Id")).to_have_value("submitted")
    expect(panel.get_by_role("button", name="Remove the step")).to_have_count(4)
    expect(panel.get_by_role("button", name="Remove the action")).to_have_count(8 + 1)  # and one on entering
    expect(panel.get_by_label("E-mail address")).to_have_value("a.very.long.name.for.a.director@example.com")
    assert _sideways(panel) == []
    page.get_by_role("region", name="Workflow canvas").get_by_test_id("edge-submit").get_by_text("Submit").click()
    expect(panel.get_by_label("Id")).to_have_value("submit")
    expect(panel.get_by_role("combobox", name="Operator")).to_have_count(2)
    assert _sideways(panel) == []


def _sideways(panel: Locator) -> list[str]:
    """The pane and each box around it up to the splitter that is wider inside than it shows."""
    return panel.evaluate("""(region) => {
        const wide = [];
        for (let box = region; box && box.getAttribute('aria-label') !== 'Designer panes'; box = box.parentElement) {
            if (box.scrollWidth > box.clientWidth) wide.push(`${box.tagName} ${box.scrollWidth} > ${box.clientWidth}`);
        }
        return wide;
    }""")
