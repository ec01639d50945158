"""The kanban board component in Chromium: drag and drop, refusals, keyboard, filters,
column groups.

A tiny NiceGUI app (written to a temporary directory, run as a subprocess) shows one
`KanbanBoard` with three columns and reports every event it receives in a status
line; the tests drive it as a person would and read that line. A second page shows
six columns whose categories interleave (column groups). No database is
involved, so the Baton server fixture is not used: only pytest-playwright's
`browser`, which tests/e2e/conftest.py points at Debian's Chromium.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.component_app import served

pytestmark = pytest.mark.e2e

SHIP = "REQ-3 Ship <b>it</b>"  # markup in data is text, never HTML

APP = r'''
import asyncio
import json
import sys

from nicegui import ui

from ui.components.kanban import KanbanBoard

COLUMNS = [
    {"id": "todo", "label": "To do", "category": "todo", "wip": None},
    {"id": "doing", "label": "Doing", "category": "in_progress", "wip": 1},
    {"id": "done", "label": "Done", "category": "done", "wip": None},
]
LABELS = {"board": "Requests board", "empty": "No cards", "over_wip": "Over the WIP limit", "days": "{n} d",
          "drop_here": "Drop here", "not_allowed": "Not allowed here", "move_to": "Move to",
          "unassigned": "Unassigned", "no_vendor": "No vendor", "lane_none": "None", "group_columns": "Columns: {n}"}
CATEGORIES = {"todo": "Not started", "in_progress": "Under way", "waiting": "On hold", "done": "Finished",
              "cancelled": "Dropped"}


def card(id, ref, title, state, targets, priority="normal", **extra):
    return {"id": id, "ref": ref, "title": title, "state": state, "version": 1, "priority": priority,
            "priority_label": priority.title(), "assignee": "Ada Admin", "assignee_id": "u1", "initials": "AA",
            "vendor": None, "vendor_id": None, "tags": ["docs"], "days": 3, "targets": targets, **extra}


@ui.page("/")
def index():
    cards = {c["id"]: c for c in [
        card("a", "REQ-1", "Write the spec", "todo", ["doing"], "urgent"),
        card("b", "REQ-2", "Fix the login", "todo", ["doing", "done"], blocked={"done": "Needs a review first"}),
        card("c", "REQ-3", "Ship <b>it</b>", "doing", ["done", "todo"], "low"),
    ]}
    board = KanbanBoard(COLUMNS, list(cards.values()), labels=LABELS, categories=CATEGORIES)
    status = ui.label().props('role=status aria-label="Last event"')

    async def moved(e):
        status.set_text("move " + json.dumps(e.args))
        await asyncio.sleep(0.4)  # the use case's round trip; the card waits, marked busy
        if e.args["id"] == "c":  # the server refuses to move REQ-3
            board.snap_back("c")
            return
        cards[e.args["id"]] = {**cards[e.args["id"]], "state": e.args["to"], "version": e.args["version"] + 1}
        board.upsert_cards([cards[e.args["id"]]])

    board.on("move", moved)
    board.on("open", lambda e: status.set_text("open " + json.dumps(e.args)))
    board.on("refused", lambda e: status.set_text("refused " + json.dumps(e.args)))
    ui.button("Only the spec", on_click=lambda: board.set_filter({"text": "SPEC"}))
    ui.button("Lanes by priority", on_click=lambda: board.set_lanes("priority"))


@ui.page("/grouped")
def grouped():
    columns = [{"id": "new", "label": "New", "category": "todo", "wip": None},
               {"id": "triage", "label": "Triage", "category": "todo", "wip": None},
               {"id": "doing", "label": "Doing", "category": "in_progress", "wip": 1},
               {"id": "review", "label": "Review", "category": "in_progress", "wip": None},
               {"id": "parked", "label": "Parked", "category": "todo", "wip": None},
               {"id": "done", "label": "Done", "category": "done", "wip": None}]
    board = KanbanBoard(columns, [card("a", "REQ-1", "Write the spec", "doing", [], "urgent"),
                                  card("b", "REQ-2", "Fix the login", "doing", [], "low"),
                                  card("c", "REQ-3", "Paint the hall", "parked", [])],
                        labels=LABELS, categories=CATEGORIES)
    dark = ui.dark_mode()
    ui.button("Only the spec", on_click=lambda: board.set_filter({"text": "SPEC"}))
    ui.button("Lanes by priority", on_click=lambda: board.set_lanes("priority"))
    ui.button("Dark mode", on_click=dark.enable)


ui.run(port=int(sys.argv[1]), reload=False, show=False, title="Kanban test")
'''


@pytest.fixture(scope="module")
def kanban_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app above on a free port; yields its address."""
    with served(tmp_path_factory.mktemp("kanban"), APP) as base:
        yield base


@pytest.fixture
def board(browser: Browser, kanban_app: str) -> Iterator[Page]:
    """A fresh page showing the board (each page load builds a fresh board on the server)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(kanban_app)
    expect(page.get_by_role("region", name="Requests board")).to_be_visible()
    yield page
    context.close()


def column(page: Page, name: str) -> Locator:
    return page.get_by_role("list", name=name, exact=True)


def card(page: Page, name: str) -> Locator:
    return page.get_by_role("listitem", name=name, exact=True)


def last_event(page: Page) -> Locator:
    return page.get_by_role("status", name="Last event")


def test_dragging_a_card_onto_a_permitted_column_moves_it(board: Page) -> None:
    card(board, "REQ-1 Write the spec").drag_to(column(board, "Doing"))

    expect(last_event(board)).to_have_text('move {"id": "a", "from": "todo", "to": "doing", "version": 1}')
    moved = column(board, "Doing").get_by_role("listitem", name="REQ-1 Write the spec")
    expect(moved).to_be_visible()  # at once, while the server decides
    expect(moved).not_to_have_attribute("aria-busy", "true")  # the server upserted it
    expect(column(board, "To do").get_by_role("listitem")).to_have_count(1)
    expect(board.get_by_title("Over the WIP limit")).to_contain_text("2 / 1")


def test_dropping_on_a_forbidden_column_is_refused_in_the_browser(board: Page) -> None:
    card(board, "REQ-1 Write the spec").drag_to(column(board, "Done"))

    expect(last_event(board)).to_have_text('refused {"id": "a", "to": "done"}')
    expect(column(board, "To do").get_by_role("listitem", name="REQ-1 Write the spec")).to_be_visible()
    expect(column(board, "Done").get_by_role("listitem")).to_have_count(0)


def test_columns_show_where_a_dragged_card_may_go(board: Page) -> None:
    source = card(board, "REQ-2 Fix the login").bounding_box()
    doing = column(board, "Doing").bounding_box()
    assert source is not None and doing is not None
    board.mouse.move(source["x"] + 20, source["y"] + 10)
    board.mouse.down()
    board.mouse.move(doing["x"] + 40, doing["y"] + 40, steps=5)

    expect(column(board, "Doing")).to_have_attribute("aria-dropeffect", "move")
    expect(column(board, "Doing")).to_have_class("kanban-cell kanban-col--target")
    expect(column(board, "Done")).to_have_attribute("aria-dropeffect", "none")  # permitted but blocked
    expect(column(board, "Done")).to_have_attribute("title", "Needs a review first")
    board.mouse.up()

    expect(last_event(board)).to_have_text('move {"id": "b", "from": "todo", "to": "doing", "version": 1}')
    expect(column(board, "Doing")).not_to_have_attribute("aria-dropeffect", "move")


def test_a_refused_move_snaps_back_after_the_busy_wait(board: Page) -> None:
    card(board, SHIP).drag_to(column(board, "Done"))

    pending = column(board, "Done").get_by_role("listitem", name=SHIP)
    expect(pending).to_have_attribute("aria-busy", "true")
    expect(last_event(board)).to_have_text('move {"id": "c", "from": "doing", "to": "done", "version": 1}')
    back = column(board, "Doing").get_by_role("listitem", name=SHIP)
    expect(back).to_be_visible()
    expect(back).not_to_have_attribute("aria-busy", "true")


def test_enter_space_and_click_open_a_card(board: Page) -> None:
    card(board, SHIP).focus()
    board.keyboard.press("Enter")
    expect(last_event(board)).to_have_text('open {"id": "c"}')

    card(board, "REQ-2 Fix the login").focus()
    board.keyboard.press(" ")
    expect(last_event(board)).to_have_text('open {"id": "b"}')

    card(board, "REQ-1 Write the spec").click()
    expect(last_event(board)).to_have_text('open {"id": "a"}')


def test_the_move_to_menu_moves_a_card_from_the_keyboard(board: Page) -> None:
    card(board, "REQ-2 Fix the login").focus()
    board.keyboard.press("Shift+F10")
    menu = board.get_by_role("menu", name="Move to")
    expect(menu.get_by_role("menuitem", name="Done", exact=True)).to_be_disabled()  # blocked, with its reason
    expect(menu.get_by_role("menuitem", name="Done")).to_contain_text("Needs a review first")
    board.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(card(board, "REQ-2 Fix the login")).to_be_focused()

    board.keyboard.press("Shift+F10")
    expect(menu.get_by_role("menuitem", name="Doing")).to_be_focused()
    board.keyboard.press("Enter")

    expect(last_event(board)).to_have_text('move {"id": "b", "from": "todo", "to": "doing", "version": 1}')
    expect(column(board, "Doing").get_by_role("listitem", name="REQ-2 Fix the login")).to_be_focused()


def test_right_click_opens_the_menu_and_a_choice_moves_the_card(board: Page) -> None:
    card(board, "REQ-1 Write the spec").click(button="right")
    board.get_by_role("menu", name="Move to").get_by_role("menuitem", name="Doing").click()

    expect(last_event(board)).to_have_text('move {"id": "a", "from": "todo", "to": "doing", "version": 1}')
    expect(column(board, "Doing").get_by_role("listitem", name="REQ-1 Write the spec")).to_be_visible()


def test_card_text_is_shown_as_text(board: Page) -> None:
    expect(card(board, SHIP)).to_contain_text("Ship <b>it</b>")
    expect(card(board, SHIP).locator("b")).to_have_count(0)


def test_filter_and_lanes_set_from_python(board: Page) -> None:
    board.get_by_role("button", name="Only the spec").click()
    expect(board.get_by_role("listitem")).to_have_count(1)
    expect(card(board, "REQ-1 Write the spec")).to_be_visible()

    board.get_by_role("button", name="Lanes by priority").click()
    urgent_to_do = board.get_by_role("group", name="Urgent").get_by_role("list", name="To do")
    expect(urgent_to_do.get_by_role("listitem", name="REQ-1 Write the spec")).to_be_visible()
    for hidden in ("High", "Normal", "Low", "None"):  # lanes with no visible card are not shown
        expect(board.get_by_role("group", name=hidden, exact=True)).to_have_count(0)


def test_columns_are_grouped_by_category_in_workflow_order(browser: Browser, kanban_app: str) -> None:
    context = browser.new_context(viewport={"width": 1800, "height": 800})  # all six columns in view
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(kanban_app + "/grouped")
    region = page.get_by_role("region", name="Requests board")
    expect(region).to_be_visible()

    groups = region.get_by_role("group")
    expect(groups).to_have_count(4)  # consecutive runs: interleaved categories are separate groups
    assert [g.get_attribute("aria-label") for g in groups.all()] == [
        "Not started", "Under way", "Not started", "Finished"]
    not_started = region.get_by_role("group", name="Not started")
    expect(not_started.first).to_contain_text("Columns: 2")
    expect(not_started.last).to_contain_text("Columns: 1")
    expect(region.get_by_role("group", name="Under way")).to_contain_text("Columns: 2")
    expect(region.get_by_role("group", name="Finished")).to_contain_text("Columns: 1")
    expected = [(not_started.first, ["New", "Triage"]), (region.get_by_role("group", name="Under way"),
                                                         ["Doing", "Review"]),
                (not_started.last, ["Parked"]), (region.get_by_role("group", name="Finished"), ["Done"])]
    _assert_headers_span(page, expected)
    expect(page.get_by_title("Over the WIP limit")).to_contain_text("2 / 1")  # WIP limits still on their column

    page.get_by_role("button", name="Lanes by priority").click()
    expect(region.get_by_role("group", name="Urgent")).to_be_visible()
    expect(groups).to_have_count(4 + 3)  # the groups, and the Urgent, Low and Normal lanes
    _assert_headers_span(page, expected, lane="Urgent")

    page.get_by_role("button", name="Only the spec").click()
    expect(region.get_by_role("listitem")).to_have_count(1)
    expect(region.get_by_role("group", name="Under way")).to_contain_text("Columns: 2")  # filters hide cards only

    page.get_by_role("button", name="Dark mode").click()
    expect(page.locator("body")).to_have_class(re.compile(r"\bbody--dark\b"))
    head = region.get_by_role("group", name="Under way").get_by_text("Under way", exact=True)
    assert _contrast(head) >= 4.5, "the group header must stay legible in dark mode"
    context.close()


def _assert_headers_span(page: Page, expected: list[tuple[Locator, list[str]]], lane: str | None = None) -> None:
    """Each group header spans exactly its columns: from the left edge of the first to the right edge of the last."""
    scope = page.get_by_role("group", name=lane, exact=True) if lane else page
    for group, names in expected:
        header, first = group.bounding_box(), scope.get_by_role("list", name=names[0], exact=True).bounding_box()
        last = scope.get_by_role("list", name=names[-1], exact=True).bounding_box()
        assert header is not None and first is not None and last is not None
        assert abs(header["x"] - first["x"]) <= 1, (names, header, first)
        assert abs(header["x"] + header["width"] - (last["x"] + last["width"])) <= 1, (names, header, last)
        assert header["y"] + header["height"] <= first["y"] + 1  # above its columns


def _contrast(element: Locator) -> float:
    """WCAG contrast ratio between an element's text colour and the background it is drawn on."""
    return float(element.evaluate(r"""el => {
      const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      let node = el, bg = 'rgba(0, 0, 0, 0)';
      while (node && /rgba\(.*, 0\)$/.test(bg)) {
        bg = getComputedStyle(node).backgroundColor;
        node = node.parentElement;
      }
      const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(bg))].sort((x, y) => y - x);
      return (a + 0.05) / (b + 0.05);
    }"""))
