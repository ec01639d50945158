"""The designer canvas component in Chromium: drawing, palette drops, connecting, moving, keys, server calls,
the read-only canvas of a version comparison (marks, ghosts, nothing editable), and the simulator's marks.

A tiny NiceGUI app (written to a temporary directory, run as a subprocess) shows one `FlowCanvas`
with three states and six transitions (two parallel ones, one back, two self-loops) and shows, for
each event name, how many events came and the last payload; buttons call the Python methods. The
tests drive it as a person would and read those lines. No database is involved, so
the Baton server fixture is not used: only pytest-playwright's `browser`, which
tests/e2e/conftest.py points at Debian's Chromium.

Drags use stepped `page.mouse` moves: Playwright's `drag_to` jumps, and Vue Flow (d3-drag) needs
intermediate pointer moves to start a drag.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.component_app import served
from ui.components.flow_canvas import MARK_COLOURS, MARK_COLOURS_DARK, MARK_TEXT

pytestmark = pytest.mark.e2e

DRAFT = "Draft <b>v1</b>"  # markup in data is text, never HTML
REVIEW = "Review (Changed)"  # its accessible name: the label, and its mark in words
NODE_WIDTH = 184  # flow units, as flow_canvas.js draws a node
NODE_HALF_HEIGHT = 30  # flow_canvas.js centres a new node on the drop point with this half height

APP = r'''
import json
import sys

from nicegui import ui

from ui.components.flow_canvas import FlowCanvas

LABELS = {"canvas": "Workflow designer", "palette": "States", "palette_item": "State — {category}",
          "palette_hint": "Drag onto the canvas, or press Enter", "empty": "Drag a state here",
          "category_todo": "To do", "category_in_progress": "In progress", "category_waiting": "Waiting",
          "category_done": "Done", "category_cancelled": "Cancelled", "initial": "Initial", "terminal": "Terminal",
          "sla": "SLA", "errors": "{n} errors", "warnings": "{n} warnings", "added": "Added", "removed": "Removed",
          "changed": "Changed", "visited": "Visited", "current": "Current state",
          "edge": "{label}: {source} → {target}",
          "node_help": "Enter selects, arrow keys move", "edge_help": "Enter selects", "minimap": "Minimap",
          "zoom_in": "Zoom in", "zoom_out": "Zoom out", "fit_view": "Fit view"}
NODES = [
    {"id": "draft", "label": "Draft <b>v1</b>", "category": "todo", "initial": True, "sla": True, "x": 0, "y": 0},
    {"id": "review", "label": "Review", "category": "in_progress", "errors": 2, "warnings": 1, "mark": "changed",
     "x": 320, "y": 0},
    {"id": "done", "label": "Done", "category": "done", "terminal": True, "warnings": 1, "x": 640, "y": 0},
]
EDGES = [
    {"id": "submit", "source": "draft", "target": "review", "label": "Submit"},
    {"id": "resubmit", "source": "draft", "target": "review", "label": "Resubmit", "errors": 1},
    {"id": "back", "source": "review", "target": "draft", "label": "Back"},
    {"id": "retry", "source": "review", "target": "review", "label": "Retry"},
    {"id": "recheck", "source": "review", "target": "review", "label": "Recheck"},
    {"id": "approve", "source": "review", "target": "done", "label": "Approve", "mark": "added"},
]
REPLACED = [dict(NODES[0]), {**NODES[1], "label": "Checked", "errors": 0, "warnings": 0, "mark": None},
            {"id": "archived", "label": "Archived", "category": "cancelled", "terminal": True, "x": 320, "y": 200}]
CHAIN = [{"id": f"s{i}", "label": f"Step {i}", "category": "todo", "x": 0, "y": 0} for i in range(4)]
GHOSTS = [*NODES, {"id": "gone", "label": "Gone", "category": "waiting", "mark": "removed", "x": 320, "y": 220}]
GHOST_EDGES = [*EDGES, {"id": "park", "source": "review", "target": "gone", "label": "Park", "mark": "removed"}]
# a simulated record went draft → review → draft → review (submit, back, resubmit) and is in review now
SIMULATED = [{**NODES[0], "mark": "visited"}, {**NODES[1], "errors": 0, "warnings": 0, "mark": "current"},
             {**NODES[2], "mark": None}]
SIMULATED_EDGES = [{**e, "errors": 0, "mark": "visited" if e["id"] in ("submit", "back", "resubmit") else None}
                   for e in EDGES]


EVENTS = ("add_node", "connect", "move", "select", "delete", "undo", "redo", "copy", "paste", "layout")


def tallied(canvas):
    """One line per event name: "<how many so far> <the last payload>"; returns the reporting function."""
    tally = dict.fromkeys(EVENTS, 0)
    lines = {name: ui.label("0").props(f'role=status aria-label="{name} events"') for name in EVENTS}

    def report(name, args):
        tally[name] += 1
        lines[name].set_text(f"{tally[name]} {json.dumps(args)}")

    for name in EVENTS[:-1]:
        canvas.on(name, lambda e, name=name: report(name, e.args))
    return report


@ui.page("/readonly")
def readonly():
    with ui.element("div").style("height: 560px; width: 100%"):
        canvas = FlowCanvas(GHOSTS, GHOST_EDGES, labels=LABELS, readonly=True)
    report = tallied(canvas)
    canvas.on("layout", lambda e: report("layout", e.args))
    with ui.row():
        ui.button("Show Done", on_click=lambda: canvas.select(["done"]))
        ui.button("Fit", on_click=canvas.fit)


@ui.page("/simulated")
def simulated():
    dark = ui.dark_mode(False)  # switched live, as the console's theme menu does
    with ui.element("div").style("height: 560px; width: 100%"):
        canvas = FlowCanvas(SIMULATED, SIMULATED_EDGES, labels=LABELS)
    tallied(canvas)
    with ui.row():
        ui.button("Clear", on_click=lambda: canvas.set_graph(
            [{**n, "mark": None} for n in SIMULATED], [{**e, "mark": None} for e in SIMULATED_EDGES]))
        ui.button("Dark", on_click=dark.enable)
        ui.button("Light", on_click=dark.disable)


@ui.page("/")
def index():
    with ui.element("div").style("height: 560px; width: 100%"):
        canvas = FlowCanvas(NODES, EDGES, labels=LABELS)
    report = tallied(canvas)

    def laid_out(e):  # what the designer's owner does: take the positions into the document and send them back
        report("layout", e.args)
        at = {move["id"]: move for move in e.args["moves"]}
        canvas.set_graph([{**node, "x": at[node["id"]]["x"], "y": at[node["id"]]["y"]} for node in canvas.nodes],
                         canvas.edges)

    canvas.on("layout", laid_out)
    with ui.row():
        ui.button("Replace graph", on_click=lambda: canvas.set_graph(
            REPLACED, [{"id": "check", "source": "draft", "target": "review", "label": "Check"}]))
        ui.button("Chain", on_click=lambda: canvas.set_graph(
            CHAIN, [{"id": f"t{i}", "source": f"s{i}", "target": f"s{i + 1}", "label": f"Go {i}"} for i in range(3)]))
        ui.button("Lay out", on_click=canvas.auto_layout)
        ui.button("Show Done", on_click=lambda: canvas.select(["done"]))
        ui.button("Resend", on_click=canvas.update)
        ui.input("Notes")


ui.run(port=int(sys.argv[1]), reload=False, show=False, title="Flow canvas test")
'''


@pytest.fixture(scope="module")
def flow_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app above on a free port; yields its address."""
    with served(tmp_path_factory.mktemp("flow"), APP) as base:
        yield base


@pytest.fixture(scope="module")
def shared_context(browser: Browser) -> Iterator[BrowserContext]:
    """One browser context for the module's pages: its HTTP cache keeps page loads short."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context
    context.close()


@pytest.fixture
def canvas(shared_context: BrowserContext, flow_app: str) -> Iterator[Page]:
    """A fresh page showing the canvas (each page load builds a fresh canvas on the server), fitted and drawn."""
    page = _opened(shared_context, flow_app, DRAFT)
    # the first graph is fitted to the view once its nodes are measured: the draft leaves the canvas's left edge
    palette = box(page.get_by_role("group", name="States"))
    _wait_for(lambda: box(node(page, DRAFT))["x"] > palette["x"] + palette["width"] + 20)
    _wait_until_still(page)
    yield page
    page.close()


@pytest.fixture
def viewer(shared_context: BrowserContext, flow_app: str) -> Iterator[Page]:
    """A fresh page showing the read-only canvas: the same graph plus a removed state and transition."""
    page = _opened(shared_context, f"{flow_app}/readonly", DRAFT)
    region = box(page.get_by_role("region", name="Workflow designer"))
    _wait_for(lambda: box(node(page, DRAFT))["x"] > region["x"] + 20)  # fitted to the view
    _wait_until_still(page)
    yield page
    page.close()


@pytest.fixture
def simulated(shared_context: BrowserContext, flow_app: str) -> Iterator[Page]:
    """A fresh page showing the editing canvas with a simulated record's path: visited and current marks."""
    page = _opened(shared_context, f"{flow_app}/simulated", f"{DRAFT} (Visited)")
    _wait_until_still(page)
    yield page
    page.close()


def _opened(context: BrowserContext, url: str, first_node: str) -> Page:
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(url)
    expect(node(page, first_node)).to_be_visible()
    return page


def node(page: Page, name: str) -> Locator:
    return page.get_by_role("group", name=name, exact=True)


def events(page: Page, name: str) -> Locator:
    """The app's line for one event name: how many came, then the last payload."""
    return page.get_by_role("status", name=f"{name} events", exact=True)


def event(page: Page, name: str, nth: int) -> Any:
    """The payload of the `nth` `name` event, once it came."""
    line = events(page, name)
    expect(line).to_have_text(re.compile(f"^{nth} "))
    return json.loads(line.inner_text().removeprefix(f"{nth} "))


def count(page: Page, name: str) -> int:
    return int(events(page, name).inner_text().split(" ", 1)[0])


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not on screen"
    return found


def centre(locator: Locator) -> tuple[float, float]:
    b = box(locator)
    return b["x"] + b["width"] / 2, b["y"] + b["height"] / 2


def to_flow(page: Page, x: float, y: float) -> tuple[float, float]:
    """Screen to flow coordinates, from where the draft state (at flow 0, 0) is drawn and how wide it is."""
    draft = box(page.get_by_test_id("node-draft"))
    zoom = draft["width"] / NODE_WIDTH
    return (x - draft["x"]) / zoom, (y - draft["y"]) / zoom


def drag(page: Page, start: tuple[float, float], end: tuple[float, float], steps: int = 12) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 6, start[1] + 6, steps=3)  # past the drag threshold before travelling
    page.mouse.move(*end, steps=steps)
    page.mouse.up()


def canvas_centre(page: Page) -> tuple[float, float]:
    region = box(page.get_by_role("region", name="Workflow designer"))
    palette = box(page.get_by_role("group", name="States"))
    left = palette["x"] + palette["width"]
    return (left + region["x"] + region["width"]) / 2, region["y"] + region["height"] / 2


def test_states_and_transitions_are_drawn_with_their_markers_and_badges(canvas: Page) -> None:
    draft = node(canvas, DRAFT)
    expect(draft).to_have_attribute("data-testid", "node-draft")
    expect(draft).to_contain_text(DRAFT)
    expect(draft.locator("b")).to_have_count(0)
    expect(draft).to_contain_text("To do")
    expect(draft.get_by_role("img", name="Initial")).to_be_visible()
    expect(draft.get_by_role("img", name="SLA")).to_be_visible()
    expect(draft.get_by_role("img", name="Terminal")).to_have_count(0)

    review = node(canvas, REVIEW)
    expect(review.get_by_role("img", name="2 errors")).to_have_text("2")  # errors win over warnings
    expect(review.get_by_role("img", name="1 warnings")).to_have_count(0)
    expect(review).to_contain_text("Changed")  # the diff mark, in words as well as colour
    done = node(canvas, "Done")
    expect(done.get_by_role("img", name="Terminal")).to_be_visible()
    expect(done.get_by_role("img", name="1 warnings")).to_have_text("1")

    submit = canvas.get_by_role("group", name=f"Submit: {DRAFT} → Review", exact=True)
    expect(submit).to_have_attribute("data-testid", "edge-submit")
    expect(submit).to_contain_text("Submit")
    expect(canvas.get_by_test_id("edge-resubmit")).to_match_aria_snapshot('- img "1 errors": "1"')
    approve = canvas.get_by_role("group", name="Approve: Review → Done (Added)", exact=True)
    expect(approve).to_have_attribute("data-testid", "edge-approve")
    expect(approve).to_contain_text("Added")  # the mark in words beside the label, not only in colour

    labels = [box(canvas.get_by_test_id(f"edge-{e}").get_by_text(text, exact=True)) for e, text in
              (("submit", "Submit"), ("resubmit", "Resubmit"), ("back", "Back"), ("retry", "Retry"),
               ("recheck", "Recheck"))]
    for i, first in enumerate(labels):  # parallel edges and self-loops keep their labels apart
        for second in labels[i + 1:]:
            assert not _overlap(first, second), (first, second)

    expect(canvas.get_by_role("button", name="Zoom in")).to_be_visible()
    expect(canvas.get_by_role("button", name="Fit view")).to_be_visible()
    expect(canvas.get_by_label("Minimap")).to_be_visible()


def test_dropping_a_palette_item_reports_add_node_where_it_landed(canvas: Page) -> None:
    target = (box(node(canvas, REVIEW))["x"] + 40, box(node(canvas, REVIEW))["y"] + 220)
    drag(canvas, centre(canvas.get_by_role("button", name="State — Waiting")), target)

    added = event(canvas, "add_node", 1)
    x, y = to_flow(canvas, *target)
    assert added["category"] == "waiting"
    assert abs(added["x"] - (x - NODE_WIDTH / 2)) <= 3 and abs(added["y"] - (y - NODE_HALF_HEIGHT)) <= 3, added
    expect(node(canvas, "Waiting")).to_have_count(0)  # the server decides


def test_enter_on_a_palette_item_adds_a_state_at_the_centre(canvas: Page) -> None:
    canvas.get_by_role("button", name="State — Done").focus()
    canvas.keyboard.press("Enter")

    added = event(canvas, "add_node", 1)
    x, y = to_flow(canvas, *canvas_centre(canvas))
    assert added["category"] == "done"
    assert abs(added["x"] - (x - NODE_WIDTH / 2)) <= 3 and abs(added["y"] - (y - NODE_HALF_HEIGHT)) <= 3, added


def test_dragging_from_a_source_handle_to_a_target_handle_reports_connect(canvas: Page) -> None:
    drag(canvas, centre(canvas.get_by_test_id("source-draft")), centre(canvas.get_by_test_id("target-done")))

    assert event(canvas, "connect", 1) == {"source": "draft", "target": "done"}
    expect(canvas.locator("[data-testid^='edge-']")).to_have_count(6)  # no edge is added by the browser


def test_moving_a_node_reports_one_move_with_its_new_position(canvas: Page) -> None:
    before = box(node(canvas, "Done"))
    zoom = before["width"] / NODE_WIDTH
    start = centre(node(canvas, "Done"))
    drag(canvas, start, (start[0] + 60, start[1] + 120), steps=15)

    moved = event(canvas, "move", 1)
    after = box(node(canvas, "Done"))
    assert [m["id"] for m in moved["moves"]] == ["done"]
    assert abs(moved["moves"][0]["x"] - (640 + (after["x"] - before["x"]) / zoom)) <= 1, moved  # where it is drawn
    assert abs(moved["moves"][0]["y"] - (after["y"] - before["y"]) / zoom) <= 1, moved
    assert moved["moves"][0]["y"] > 100
    canvas.wait_for_timeout(300)
    assert count(canvas, "move") == 1


def test_arrow_keys_move_the_selected_node_one_report_per_press(canvas: Page) -> None:
    node(canvas, "Done").click()
    canvas.keyboard.press("ArrowRight")
    assert event(canvas, "move", 1) == {"moves": [{"id": "done", "x": 645, "y": 0}]}
    canvas.keyboard.press("ArrowDown")
    assert event(canvas, "move", 2) == {"moves": [{"id": "done", "x": 645, "y": 5}]}


def test_moving_a_selection_reports_every_node_it_moved(canvas: Page) -> None:
    node(canvas, REVIEW).click()
    assert event(canvas, "select", 1) == {"nodes": ["review"], "edges": []}
    node(canvas, "Done").click(modifiers=["Shift"])
    assert event(canvas, "select", 2) == {"nodes": ["review", "done"], "edges": []}
    start = centre(node(canvas, "Done"))
    drag(canvas, start, (start[0] + 40, start[1] + 80))

    assert [m["id"] for m in event(canvas, "move", 1)["moves"]] == ["review", "done"]


def test_selecting_and_pressing_delete_reports_delete(canvas: Page) -> None:
    node(canvas, REVIEW).click()
    assert event(canvas, "select", 1) == {"nodes": ["review"], "edges": []}
    node(canvas, "Done").click(modifiers=["Control"])
    assert event(canvas, "select", 2) == {"nodes": ["review", "done"], "edges": []}
    canvas.keyboard.press("Delete")
    assert event(canvas, "delete", 1) == {"nodes": ["review", "done"], "edges": []}
    expect(node(canvas, REVIEW)).to_be_visible()  # the server decides

    canvas.get_by_test_id("edge-approve").get_by_text("Approve").click()
    assert event(canvas, "select", 3) == {"nodes": [], "edges": ["approve"]}
    canvas.keyboard.press("Backspace")
    assert event(canvas, "delete", 2) == {"nodes": [], "edges": ["approve"]}


def test_box_selection_with_shift_drag_selects_what_it_encloses(canvas: Page) -> None:
    review, done = box(node(canvas, REVIEW)), box(node(canvas, "Done"))
    canvas.keyboard.down("Shift")
    corner = (done["x"] + done["width"] + 20, done["y"] + done["height"] + 70)
    drag(canvas, (review["x"] - 20, review["y"] - 70), corner)
    canvas.keyboard.up("Shift")

    # the nodes inside, and every edge with both ends inside (self-loops too), none leaving the box
    assert event(canvas, "select", 1) == {"nodes": ["review", "done"], "edges": ["retry", "recheck", "approve"]}


def test_undo_redo_copy_and_paste_keys_while_focus_is_in_the_canvas(canvas: Page) -> None:
    node(canvas, DRAFT).click()
    assert event(canvas, "select", 1) == {"nodes": ["draft"], "edges": []}
    canvas.keyboard.press("Control+c")
    assert event(canvas, "copy", 1) == {"nodes": ["draft"], "edges": []}
    canvas.keyboard.press("Control+z")
    assert event(canvas, "undo", 1) == {}
    canvas.keyboard.press("Control+y")
    assert event(canvas, "redo", 1) == {}
    canvas.keyboard.press("Control+Shift+z")
    assert event(canvas, "redo", 2) == {}

    point = (box(node(canvas, "Done"))["x"] + 30, box(node(canvas, "Done"))["y"] + 200)
    canvas.mouse.move(*point)
    canvas.keyboard.press("Control+v")
    pasted = event(canvas, "paste", 1)
    x, y = to_flow(canvas, *point)
    assert abs(pasted["x"] - x) <= 2 and abs(pasted["y"] - y) <= 2, pasted

    canvas.get_by_label("Notes").fill("typing")  # elsewhere on the page, the keys are the input's
    for key in ("Control+z", "Control+y", "Control+c", "Control+v", "Delete"):
        canvas.keyboard.press(key)
    canvas.wait_for_timeout(300)  # would-be events are one socket message away
    assert [count(canvas, name) for name in ("undo", "redo", "copy", "paste", "delete")] == [1, 2, 1, 1, 0]


def test_set_graph_replaces_the_graph_and_keeps_viewport_and_selection(canvas: Page) -> None:
    canvas.mouse.move(*centre(node(canvas, REVIEW)))
    canvas.mouse.wheel(0, 300)  # zoom out around the pointer
    _wait_until_still(canvas)
    node(canvas, DRAFT).click()
    assert event(canvas, "select", 1) == {"nodes": ["draft"], "edges": []}
    before = _in_region(canvas, node(canvas, DRAFT))

    canvas.get_by_role("button", name="Replace graph").click()

    expect(node(canvas, "Checked")).to_be_visible()
    expect(node(canvas, "Archived")).to_be_visible()
    expect(node(canvas, "Done")).to_have_count(0)
    expect(canvas.get_by_test_id("edge-check")).to_contain_text("Check")
    expect(canvas.locator("[data-testid^='edge-']")).to_have_count(1)
    expect(node(canvas, "Checked").get_by_role("img", name="2 errors")).to_have_count(0)
    assert _in_region(canvas, node(canvas, DRAFT)) == before  # not one pixel of pan or zoom
    node(canvas, DRAFT).focus()  # back into the canvas, without clicking
    canvas.keyboard.press("Delete")
    assert event(canvas, "delete", 1) == {"nodes": ["draft"], "edges": []}  # the draft stayed selected
    assert count(canvas, "select") == 1


def test_resending_the_whole_element_keeps_the_viewport(canvas: Page) -> None:
    canvas.mouse.move(*centre(node(canvas, REVIEW)))
    canvas.mouse.wheel(0, -200)  # zoom in around the pointer
    _wait_until_still(canvas)
    canvas.get_by_role("button", name="Replace graph").click()
    expect(node(canvas, "Checked")).to_be_visible()
    before = _in_region(canvas, node(canvas, DRAFT))

    canvas.get_by_role("button", name="Resend").click()  # update(): the props as set_graph left them

    canvas.wait_for_timeout(300)
    expect(node(canvas, "Checked")).to_be_visible()
    expect(node(canvas, "Done")).to_have_count(0)
    assert _in_region(canvas, node(canvas, DRAFT)) == before


def test_auto_layout_reports_a_left_to_right_layered_layout(canvas: Page) -> None:
    canvas.get_by_role("button", name="Chain").click()
    expect(node(canvas, "Step 3")).to_be_visible()
    canvas.get_by_role("button", name="Lay out").click()

    moves = {m["id"]: m for m in event(canvas, "layout", 1)["moves"]}
    assert sorted(moves) == ["s0", "s1", "s2", "s3"]
    for i in range(3):  # every edge goes left to right, its source entirely left of its target
        assert moves[f"s{i}"]["x"] + NODE_WIDTH < moves[f"s{i + 1}"]["x"], moves
    expect(node(canvas, "Step 3")).not_to_have_attribute("style", re.compile(r"translate\(0px, ?0px\)"))
    _wait_until_still(canvas, "node-s3")  # the app sent the positions back
    steps = [box(node(canvas, f"Step {i}")) for i in range(4)]
    assert all(steps[i]["x"] + steps[i]["width"] < steps[i + 1]["x"] for i in range(3)), steps

    first = events(canvas, "layout").inner_text().removeprefix("1 ")
    canvas.get_by_role("button", name="Lay out").click()
    assert json.dumps(event(canvas, "layout", 2)) == first  # the same graph gives the same positions


def test_select_from_python_selects_and_centres(canvas: Page) -> None:
    canvas.get_by_role("button", name="Show Done").click()

    assert event(canvas, "select", 1) == {"nodes": ["done"], "edges": []}
    want = canvas_centre(canvas)

    def centred() -> bool:  # the view glides there
        got = centre(node(canvas, "Done"))
        return abs(got[0] - want[0]) <= 2 and abs(got[1] - want[1]) <= 2

    _wait_for(centred)
    node(canvas, DRAFT).focus()
    canvas.keyboard.press("Delete")  # the selection is Vue Flow's own, not only a look
    assert event(canvas, "delete", 1) == {"nodes": ["done"], "edges": []}


def test_read_only_canvas_has_no_palette_and_shows_every_mark_in_words(viewer: Page) -> None:
    expect(viewer.get_by_role("group", name="States")).to_have_count(0)
    expect(viewer.get_by_role("button", name=re.compile("^State — "))).to_have_count(0)
    expect(viewer.get_by_text("Drag onto the canvas")).to_have_count(0)

    review = node(viewer, REVIEW)
    expect(review).to_contain_text("Changed")
    gone = node(viewer, "Gone (Removed)")
    expect(gone).to_have_attribute("data-testid", "node-gone")
    expect(gone).to_contain_text("Removed")
    expect(gone.get_by_text("Gone", exact=True)).to_have_css("text-decoration-line", "line-through")
    assert gone.evaluate("el => getComputedStyle(el.firstElementChild).borderTopStyle") == "dashed"
    assert float(gone.get_by_text("Gone", exact=True).evaluate(
        "el => getComputedStyle(el.closest('[class*=head]')).opacity")) < 1  # faded: a ghost
    expect(node(viewer, "Done")).not_to_contain_text("Removed")  # unmarked: no word, no suffix
    assert gone.get_attribute("aria-describedby") is None  # no help on dragging or connecting what cannot be

    park = viewer.get_by_role("group", name="Park: Review → Gone (Removed)", exact=True)
    expect(park).to_have_attribute("data-testid", "edge-park")
    expect(park).to_contain_text("Removed")
    expect(park.get_by_text("Park", exact=True)).to_have_css("text-decoration-line", "line-through")
    expect(viewer.get_by_role("group", name="Approve: Review → Done (Added)", exact=True)).to_contain_text("Added")
    expect(viewer.get_by_role("group", name=f"Submit: {DRAFT} → Review", exact=True)).to_be_visible()


def test_read_only_canvas_moves_nothing_and_reports_no_gesture(viewer: Page) -> None:
    def apart() -> tuple[float, float]:  # Done relative to Draft, on screen (a drag on a node may pan the view)
        done, draft = box(node(viewer, "Done")), box(node(viewer, DRAFT))
        return round(done["x"] - draft["x"]), round(done["y"] - draft["y"])

    before = apart()
    start = centre(node(viewer, "Done"))
    drag(viewer, start, (start[0] + 60, start[1] + 120), steps=15)
    _wait_until_still(viewer, "node-done")
    assert apart() == before

    drag(viewer, centre(viewer.get_by_test_id("source-draft")), centre(viewer.get_by_test_id("target-done")))
    expect(viewer.locator("[data-testid^='edge-']")).to_have_count(7)
    viewer.get_by_role("button", name="Fit view").click()  # the drags above may have panned Done out of view
    _wait_until_still(viewer, "node-done")

    node(viewer, "Done").click()
    assert event(viewer, "select", 1) == {"nodes": ["done"], "edges": []}  # selecting shows, changes nothing
    for key in ("ArrowRight", "ArrowDown", "Delete", "Backspace", "Control+z", "Control+y", "Control+c",
                "Control+v"):
        viewer.keyboard.press(key)
    viewer.wait_for_timeout(400)  # would-be events are one socket message away
    assert apart() == before
    assert {name: count(viewer, name) for name in ("add_node", "connect", "move", "delete", "undo", "redo", "copy",
                                                    "paste", "layout")} == dict.fromkeys(
        ("add_node", "connect", "move", "delete", "undo", "redo", "copy", "paste", "layout"), 0)


def test_read_only_canvas_still_pans_zooms_and_centres(viewer: Page) -> None:
    draft = box(node(viewer, DRAFT))
    region = box(viewer.get_by_role("region", name="Workflow designer"))
    empty = (region["x"] + region["width"] / 2, region["y"] + region["height"] - 60)  # below the nodes
    drag(viewer, empty, (empty[0] + 80, empty[1] - 40))
    _wait_until_still(viewer)
    panned = box(node(viewer, DRAFT))
    assert abs(panned["x"] - draft["x"] - 80) <= 3 and abs(panned["y"] - draft["y"] + 40) <= 3, (draft, panned)

    viewer.get_by_role("button", name="Zoom in").click()
    _wait_for(lambda: box(node(viewer, DRAFT))["width"] > panned["width"] + 10)
    expect(viewer.get_by_label("Minimap")).to_be_visible()
    viewer.get_by_role("button", name="Show Done").click()
    assert event(viewer, "select", 1) == {"nodes": ["done"], "edges": []}
    assert count(viewer, "move") == 0


def test_a_simulated_path_is_marked_visited_and_current_in_words_and_colour(simulated: Page) -> None:
    region = simulated.get_by_role("region", name="Workflow designer")
    draft = node(simulated, f"{DRAFT} (Visited)")
    expect(draft).to_have_attribute("data-testid", "node-draft")
    expect(draft).to_contain_text("Visited")  # the word on the node, as well as its colour
    current = node(simulated, "Review (Current state)")
    expect(current).to_have_attribute("data-testid", "node-review")
    expect(current).to_contain_text("Current state")
    expect(node(simulated, "Done")).to_be_visible()  # not reached: no mark, no suffix
    expect(node(simulated, "Done")).not_to_contain_text("Visited")
    for name in ("Submit", "Back", "Resubmit"):
        edge = simulated.get_by_test_id(f"edge-{name.lower()}")
        expect(edge).to_have_accessible_name(re.compile(rf"^{name}: .* \(Visited\)$"))
        expect(edge).to_contain_text("Visited")
    expect(simulated.get_by_role("group", name="Approve: Review → Done", exact=True)).to_be_visible()
    for word in ("Added", "Changed", "Removed"):  # a simulation is no version comparison
        expect(region.get_by_text(word)).to_have_count(0)
        expect(region.get_by_role("group", name=re.compile(rf"\({word}\)$"))).to_have_count(0)

    # drawn in MARK_COLOURS, the one source the versions dialog's legend reads too; the current state stands out
    def border(locator: Locator) -> tuple[str, float]:
        found = locator.evaluate("el => { const s = getComputedStyle(el.firstElementChild);"
                                 " return [s.borderTopColor, parseFloat(s.borderTopWidth)]; }")
        return str(found[0]), float(found[1])

    visited_colour, visited_width = border(draft)
    current_colour, current_width = border(current)
    assert visited_colour == _rgb(MARK_COLOURS["visited"])
    assert current_colour == _rgb(MARK_COLOURS["current"])
    assert current_width > visited_width >= 2
    stroke = simulated.get_by_test_id("edge-submit").locator("path").first.evaluate(
        "el => getComputedStyle(el).stroke")
    assert stroke == _rgb(MARK_COLOURS["visited"])

    simulated.get_by_role("button", name="Clear").click()  # cleared: the plain names again
    expect(node(simulated, DRAFT)).to_be_visible()
    expect(node(simulated, "Review")).to_be_visible()
    expect(region.get_by_text("Visited")).to_have_count(0)
    expect(region.get_by_text("Current state")).to_have_count(0)


def test_marks_switch_to_their_dark_colours_with_the_theme(simulated: Page) -> None:
    draft = node(simulated, f"{DRAFT} (Visited)")
    current = node(simulated, "Review (Current state)")
    submit = simulated.get_by_test_id("edge-submit")

    def drawn() -> dict[str, str]:  # what each mark is drawn in, as the browser computed it
        found = {"visited outline": "el => getComputedStyle(el.firstElementChild).borderTopColor",
                 "current outline": "el => getComputedStyle(el.firstElementChild).borderTopColor",
                 "visited line": "el => getComputedStyle(el.querySelector('path')).stroke",
                 "visited arrowhead": "el => { const url = el.querySelector('path').getAttribute('marker-end');"
                                      " const id = url.slice(5, -1);"  # url(#…)
                                      " return getComputedStyle(document.getElementById(id).firstElementChild).fill; }",
                 "visited badge": "el => getComputedStyle(el).backgroundColor",
                 "visited badge text": "el => getComputedStyle(el).color"}
        at = {"visited outline": draft, "current outline": current, "visited line": submit,
              "visited arrowhead": submit, "visited badge": draft.get_by_text("Visited", exact=True),
              "visited badge text": draft.get_by_text("Visited", exact=True)}
        return {name: str(at[name].evaluate(script)) for name, script in found.items()}

    def expected(palette: Any, text: str) -> dict[str, str]:
        return {"visited outline": _rgb(palette["visited"]), "current outline": _rgb(palette["current"]),
                "visited line": _rgb(palette["visited"]), "visited arrowhead": _rgb(palette["visited"]),
                "visited badge": _rgb(palette["visited"]), "visited badge text": _rgb(text)}

    assert drawn() == expected(MARK_COLOURS, MARK_TEXT["light"])
    simulated.get_by_role("button", name="Dark").click()
    expect(simulated.locator("body")).to_have_class(re.compile(r"\bbody--dark\b"))
    assert drawn() == expected(MARK_COLOURS_DARK, MARK_TEXT["dark"])  # all of it, with no redraw from the server
    simulated.get_by_role("button", name="Light").click()
    expect(simulated.locator("body")).not_to_have_class(re.compile(r"\bbody--dark\b"))
    assert drawn() == expected(MARK_COLOURS, MARK_TEXT["light"])


def test_the_minimap_is_small_and_still_pans_the_view(simulated: Page) -> None:
    minimap = simulated.get_by_label("Minimap")
    size = box(minimap)
    region = box(simulated.get_by_role("region", name="Workflow designer"))
    assert 100 <= size["width"] <= 160 and 60 <= size["height"] <= 110, size  # Vue Flow's default is 200 × 150
    assert size["width"] * size["height"] < region["width"] * region["height"] / 20, (size, region)

    before = box(node(simulated, f"{DRAFT} (Visited)"))
    start = (size["x"] + size["width"] / 2, size["y"] + size["height"] / 2)
    drag(simulated, start, (start[0] + 15, start[1]))
    _wait_until_still(simulated)
    after = box(node(simulated, f"{DRAFT} (Visited)"))
    assert after["x"] < before["x"] - 20, (before, after)  # dragging the minimap's view right pans the canvas left
    assert count(simulated, "move") == 0


def test_nothing_is_fetched_from_outside_and_nothing_is_logged_as_an_error(browser: Browser, flow_app: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    urls: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    try:
        page.goto(flow_app)
        expect(node(page, DRAFT)).to_be_visible()
        drag(page, centre(page.get_by_role("button", name="State — To do")), canvas_centre(page))
        event(page, "add_node", 1)
        page.get_by_role("button", name="Zoom out").click()
        page.get_by_role("button", name="Lay out").click()
        event(page, "layout", 1)
    finally:
        context.close()

    outside = [url for url in urls if urlsplit(url).hostname not in ("127.0.0.1", "localhost")]
    assert outside == []
    assert sum("/esm/" in url and url.endswith("/index.js") for url in urls) == 1  # the vendored bundle
    assert sum("/esm/" in url and url.endswith("/index.css") for url in urls) == 1  # and its style sheet
    assert problems == []


def _rgb(hex_colour: str) -> str:
    """"#3949ab" as the browser reports a computed colour: "rgb(57, 73, 171)"."""
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def _in_region(page: Page, locator: Locator) -> tuple[float, float, float]:
    """Where a node is drawn relative to the component (the page may scroll) and how wide."""
    region, found = box(page.get_by_role("region", name="Workflow designer")), box(locator)
    return found["x"] - region["x"], found["y"] - region["y"], found["width"]


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def _wait_for(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _wait_until_still(page: Page, test_id: str = "node-draft") -> None:
    """Until a node stops moving on screen (fitting and gliding views are animated)."""
    last = None
    for _ in range(60):
        now = page.get_by_test_id(test_id).bounding_box()
        if now is not None and now == last:
            return
        last = now
        page.wait_for_timeout(60)
