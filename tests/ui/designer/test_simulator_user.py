"""The designer's simulator marks a pretend record's way on the canvas with its own marks, through NiceGUI's `User`.

The states it passed through are "visited", the one it is in "current", and so are the edges of the
transitions it took (the one drawn from the state it left, for a transition with several sources; the
one from the "any state" node for `from: "*"`). Never a version comparison's "added", "changed" or
"removed": nothing changed. The canvas's props are what the browser draws (flow_canvas.js turns a mark
into a badge, a word after an edge's label and the accessible name's suffix, from the labels asserted here).
"""

from __future__ import annotations

import asyncio
from typing import Any

from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from engine.validate import validate_definition
from storage.postgres import DatabaseUrls
from tests.ui.designer.pages import open_designer
from ui.components.flow_canvas import FlowCanvas

WORKFLOW: dict[str, Any] = {
    "format": "baton/workflow@1", "key": "trial", "name": {"en": "Trial"}, "subject": "request",
    "initial_state": "draft",
    "states": [{"id": "draft", "name": "Draft"}, {"id": "open", "name": "Open"},
               {"id": "waiting", "name": "Waiting", "category": "waiting"},
               {"id": "closed", "name": "Closed", "terminal": True, "category": "done"},
               {"id": "dropped", "name": "Dropped", "terminal": True, "category": "cancelled"}],
    "transitions": [{"id": "submit", "label": "Submit", "from": "draft", "to": "open", "roles": ["any"]},
                    {"id": "wait", "label": "Wait", "from": "open", "to": "waiting", "roles": ["any"]},
                    {"id": "close", "label": "Close", "from": ["open", "waiting"], "to": "closed", "roles": ["any"]},
                    {"id": "drop", "label": "Drop", "from": "*", "to": "dropped", "roles": ["any"]}],
}
DIFF_MARKS = {"added", "changed", "removed"}


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def click(user: User, name: str) -> None:
    """Click the one button whose text or accessible name is `name`."""
    found = [b for b in user.find(kind=ui.button).elements
             if name in (b.props.get("label"), b.props.get("aria-label"), getattr(b, "text", None))]
    assert len(found) == 1, f"{len(found)} buttons named {name!r}"
    UserInteraction(user, {found[0]}, None).click()
    await settle()


def marks(user: User) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """Each node's and each edge's mark, by id, as the canvas last sent them to the browser."""
    canvas = next(iter(user.find(kind=FlowCanvas).elements))
    assert isinstance(canvas, FlowCanvas)
    return {n["id"]: n["mark"] for n in canvas.nodes}, {e["id"]: e["mark"] for e in canvas.edges}


def marked(items: dict[str, str | None]) -> dict[str, str | None]:
    return {ident: mark for ident, mark in items.items() if mark is not None}


async def simulating(user: User) -> FlowCanvas:
    """A fresh tenant with the trial workflow as a draft, its designer open and a pretend record started."""
    assert [p for p in validate_definition(WORKFLOW) if p.severity == "error"] == []
    await open_designer(user, WORKFLOW)
    await click(user, "Simulate")
    await click(user, "Start a pretend record")
    canvas = next(iter(user.find(kind=FlowCanvas).elements))
    assert isinstance(canvas, FlowCanvas)
    return canvas


async def test_the_path_is_marked_visited_and_the_state_it_is_in_current(database: DatabaseUrls,
                                                                         user: User) -> None:
    canvas = await simulating(user)
    assert canvas.props["labels"]["visited"] == "Visited"  # the words the browser shows and reads out
    assert canvas.props["labels"]["current"] == "Current state"
    nodes, edges = marks(user)
    assert marked(nodes) == {"draft": "current"} and marked(edges) == {}

    for action in ("Submit", "Wait", "Close"):
        await click(user, action)
    nodes, edges = marks(user)
    assert marked(nodes) == {"draft": "visited", "open": "visited", "waiting": "visited", "closed": "current"}
    # `close` leaves open or waiting: only the edge it was taken along is marked
    assert marked(edges) == {"submit": "visited", "wait": "visited", "close@waiting": "visited"}
    assert edges["close@open"] is None and edges["drop"] is None
    assert not DIFF_MARKS & {*nodes.values(), *edges.values()}
    await user.should_see("Clear highlights")

    await click(user, "Clear highlights")
    nodes, edges = marks(user)
    assert marked(nodes) == {} and marked(edges) == {}


async def test_a_transition_from_any_state_marks_its_edge_from_the_any_state_node(database: DatabaseUrls,
                                                                               user: User) -> None:
    await simulating(user)
    await click(user, "Submit")
    await click(user, "Drop")
    nodes, edges = marks(user)
    assert marked(nodes) == {"draft": "visited", "open": "visited", "dropped": "current"}
    assert marked(edges) == {"submit": "visited", "drop": "visited"}  # `drop` is drawn from `*`

    await click(user, "Start over")  # a new pretend record: only the initial state again
    nodes, edges = marks(user)
    assert marked(nodes) == {"draft": "current"} and marked(edges) == {}

    await click(user, "Close the simulator")
    nodes, edges = marks(user)
    assert marked(nodes) == {} and marked(edges) == {}
    await user.should_not_see("Clear highlights")
