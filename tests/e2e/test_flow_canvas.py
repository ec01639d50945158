"""The designer canvas component in Chromium: drawing, palette drops, connecting, moving, keys, server calls.

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

pytestmark = pytest.mark.e2e

DRAFT = "Draft <b>v1</b>"  # markup in data is text, never HTML
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
          "changed": "Changed", "edge": "{label}: {source} → {target}",
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


EVENTS = ("add_node", "connect", "move", "select", "delete", "undo", "redo", "copy", "paste", "layout")


@ui.page("/")
def index():
    with ui.element("div").style("height: 560px; width: 100%"):
        canvas = FlowCanvas(NODES, EDGES, labels=LABELS)
    tally = dict.fromkeys(EVENTS, 0)
    lines = {name: ui.label("0").props(f'role=status aria-label="{name} events"') for name in EVENTS}

    def report(name, args):  # "<how many so far> <the last payload>"
        tally[name] += 1
        lines[name].set_text(f"{tally[name]} {json.dumps(args)}")

    for name in EVENTS[:-1]:
        canvas.on(name, lambda e, name=name: report(name, e.args))

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
    page = shared_context.new_page()
    page.set_default_timeout(10_000)
    page.goto(flow_app)
    expect(node(page, DRAFT)).to_be_visible()
    # the first graph is fitted to the view once its nodes are measured: the draft leaves the canvas's left edge
    palette = box(page.get_by_role("group", name="States"))
    _wait_for(lambda: box(node(page, DRAFT))["x"] > palette["x"] + palette["width"] + 20)
    _wait_until_still(page)
    yield page
    page.close()


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

    review = node(canvas, "Review")
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
    expect(canvas.get_by_test_id("edge-approve")).to_contain_text("Approve")

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
    target = (box(node(canvas, "Review"))["x"] + 40, box(node(canvas, "Review"))["y"] + 220)
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
    node(canvas, "Review").click()
    assert event(canvas, "select", 1) == {"nodes": ["review"], "edges": []}
    node(canvas, "Done").click(modifiers=["Shift"])
    assert event(canvas, "select", 2) == {"nodes": ["review", "done"], "edges": []}
    start = centre(node(canvas, "Done"))
    drag(canvas, start, (start[0] + 40, start[1] + 80))

    assert [m["id"] for m in event(canvas, "move", 1)["moves"]] == ["review", "done"]


def test_selecting_and_pressing_delete_reports_delete(canvas: Page) -> None:
    node(canvas, "Review").click()
    assert event(canvas, "select", 1) == {"nodes": ["review"], "edges": []}
    node(canvas, "Done").click(modifiers=["Control"])
    assert event(canvas, "select", 2) == {"nodes": ["review", "done"], "edges": []}
    canvas.keyboard.press("Delete")
    assert event(canvas, "delete", 1) == {"nodes": ["review", "done"], "edges": []}
    expect(node(canvas, "Review")).to_be_visible()  # the server decides

    canvas.get_by_test_id("edge-approve").get_by_text("Approve").click()
    assert event(canvas, "select", 3) == {"nodes": [], "edges": ["approve"]}
    canvas.keyboard.press("Backspace")
    assert event(canvas, "delete", 2) == {"nodes": [], "edges": ["approve"]}


def test_box_selection_with_shift_drag_selects_what_it_encloses(canvas: Page) -> None:
    review, done = box(node(canvas, "Review")), box(node(canvas, "Done"))
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
    canvas.mouse.move(*centre(node(canvas, "Review")))
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
    canvas.mouse.move(*centre(node(canvas, "Review")))
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
