"""The kanban board component in Chromium: drag and drop, refusals, keyboard, filters.

A tiny NiceGUI app (written to a temporary directory, run as a subprocess) shows one
`KanbanBoard` with three columns and reports every event it receives in a status
line; the tests drive it as a person would and read that line. No database is
involved, so the Baton server fixture is not used: only pytest-playwright's
`browser`, which tests/e2e/conftest.py points at Debian's Chromium.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHIP = "REQ-3 Ship <b>it</b>"  # markup in data is text, never HTML
STARTUP_TIMEOUT_S = 30.0

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
          "unassigned": "Unassigned", "no_vendor": "No vendor", "lane_none": "None"}


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
    board = KanbanBoard(COLUMNS, list(cards.values()), labels=LABELS)
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


ui.run(port=int(sys.argv[1]), reload=False, show=False, title="Kanban test")
'''


@pytest.fixture(scope="module")
def kanban_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app above on a free port; yields its address."""
    work = tmp_path_factory.mktemp("kanban")
    script = work / "kanban_app.py"
    script.write_text(APP, "utf-8")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}  # else NiceGUI thinks it is a test
    env["PYTHONPATH"] = str(ROOT)
    env["NICEGUI_STORAGE_PATH"] = str(work / "nicegui")
    env["PYTHONUNBUFFERED"] = "1"
    log = work / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), str(script), str(port)],
                                   cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
    expect(board.get_by_role("group")).to_have_count(1)  # lanes with no visible card are not shown


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The kanban app exited with {process.returncode}:\n{log.read_text('utf-8', 'replace')}",
                        pytrace=False)
        try:
            if httpx.get(base, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    process.wait()
    pytest.fail(f"The kanban app did not answer within {STARTUP_TIMEOUT_S:.0f} s:\n{log.read_text('utf-8', 'replace')}",
                pytrace=False)
