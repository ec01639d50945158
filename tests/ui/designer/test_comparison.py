"""What the versions dialog draws for a comparison: the newer version, marked, with ghosts of what went."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine.diff import diff_definitions
from ui.components.flow_canvas import _checked_graph
from ui.designer.comparison import CLEARANCE, NODE_HEIGHT, NODE_WIDTH, comparison_graph, transition_of
from ui.designer.drawing import ANY

OLDER: dict[str, Any] = {
    "format": "baton/workflow@1", "key": "sample", "name": {"en": "Sample"}, "subject": "request",
    "initial_state": "draft",
    "states": [{"id": "draft", "name": {"en": "Draft"}}, {"id": "review", "name": {"en": "Review"}},
               {"id": "hold", "name": {"en": "On hold"}, "category": "waiting"},
               {"id": "done", "name": {"en": "Done"}, "terminal": True, "category": "done"}],
    "transitions": [{"id": "submit", "from": "draft", "to": "review", "label": {"en": "Submit"}},
                    {"id": "park", "from": "review", "to": "hold", "label": {"en": "Park"}},
                    {"id": "resume", "from": "hold", "to": "review", "label": {"en": "Resume"}},
                    {"id": "approve", "from": "review", "to": "done", "label": {"en": "Approve"}},
                    {"id": "reject", "from": "review", "to": "draft", "label": {"en": "Reject"}}],
    "layout": {"nodes": {"draft": {"x": 0, "y": 0}, "review": {"x": 300, "y": 0}, "hold": {"x": 300, "y": 200},
                         "done": {"x": 600, "y": 0}}},
}


def label(value: Any, fallback: str) -> str:
    return value.get("en", fallback) if isinstance(value, dict) else fallback


ById = dict[str, dict[str, Any]]


def compare(older: dict[str, Any], newer: dict[str, Any]) -> tuple[ById, ById]:
    """The comparison's nodes and edges by id; checked as the canvas checks them (unique ids, known ends)."""
    nodes, edges = comparison_graph(older, newer, diff_definitions(older, newer), label=label, any_state="Any state")
    _checked_graph(nodes, edges)  # what FlowCanvas refuses: a repeated id, an edge to no node
    return {n["id"]: n for n in nodes}, {e["id"]: e for e in edges}


def marks(items: ById) -> dict[str, str | None]:
    return {ident: item["mark"] for ident, item in items.items()}


def edited(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(OLDER)
    doc.update(changes)
    return doc


def overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(abs(a["x"] - b["x"]) < NODE_WIDTH + CLEARANCE and abs(a["y"] - b["y"]) < NODE_HEIGHT + CLEARANCE)


def test_identical_versions_draw_the_newer_one_with_no_marks() -> None:
    nodes, edges = compare(OLDER, copy.deepcopy(OLDER))

    assert set(marks(nodes).values()) == {None} and set(marks(edges).values()) == {None}
    assert sorted(nodes) == ["done", "draft", "hold", "review"]
    assert sorted(edges) == ["approve", "park", "reject", "resume", "submit"]
    assert (nodes["hold"]["x"], nodes["hold"]["y"]) == (300, 200)  # the saved layout
    assert nodes["hold"]["label"] == "On hold" and edges["park"]["label"] == "Park"


def test_an_added_state_and_its_transition_are_marked_added() -> None:
    newer = copy.deepcopy(OLDER)
    newer["states"].append({"id": "vetting", "name": {"en": "Vetting"}})
    newer["transitions"].append({"id": "vet", "from": "review", "to": "vetting"})
    newer["layout"]["nodes"]["vetting"] = {"x": 600, "y": 200}

    nodes, edges = compare(OLDER, newer)

    assert marks(nodes) == {"draft": None, "review": None, "hold": None, "done": None, "vetting": "added"}
    assert edges["vet"]["mark"] == "added"
    assert (nodes["vetting"]["x"], nodes["vetting"]["y"]) == (600, 200)
    assert {e: m for e, m in marks(edges).items() if m} == {"vet": "added"}


def test_a_removed_state_is_a_ghost_with_its_transitions_at_its_older_place() -> None:
    newer = copy.deepcopy(OLDER)
    newer["states"] = [s for s in newer["states"] if s["id"] != "hold"]
    newer["transitions"] = [t for t in newer["transitions"] if t["id"] not in ("park", "resume")]
    del newer["layout"]["nodes"]["hold"]

    nodes, edges = compare(OLDER, newer)

    ghost = nodes["hold"]
    assert ghost["mark"] == "removed" and ghost["label"] == "On hold" and ghost["category"] == "waiting"
    assert (ghost["x"], ghost["y"]) == (300, 200)  # nothing of the newer version is there
    assert (edges["park"]["source"], edges["park"]["target"], edges["park"]["mark"]) == ("review", "hold", "removed")
    assert (edges["resume"]["source"], edges["resume"]["target"], edges["resume"]["mark"]) == \
        ("hold", "review", "removed")
    assert {n: m for n, m in marks(nodes).items() if m} == {"hold": "removed"}
    assert list(nodes)[-1] == "hold"  # ghosts come after the live elements


def test_a_ghost_that_would_cover_a_newer_node_moves_clear_of_it() -> None:
    newer = copy.deepcopy(OLDER)
    newer["states"] = [s for s in newer["states"] if s["id"] != "hold"] + [{"id": "paused"}, {"id": "parked"}]
    newer["transitions"] = [t for t in newer["transitions"] if t["id"] not in ("park", "resume")]
    newer["layout"]["nodes"] = {**newer["layout"]["nodes"], "paused": {"x": 320, "y": 210},
                                "parked": {"x": 280, "y": 300}}
    del newer["layout"]["nodes"]["hold"]

    nodes, _ = compare(OLDER, newer)

    ghost = nodes["hold"]
    assert ghost["x"] == 300 and ghost["y"] > 300  # straight down, past both
    assert not any(overlaps(ghost, other) for ident, other in nodes.items() if ident != "hold")


def test_a_changed_transition_is_marked_and_the_edge_it_no_longer_draws_is_a_ghost() -> None:
    newer = copy.deepcopy(OLDER)
    newer["transitions"][3] = {"id": "approve", "from": "review", "to": "hold", "label": {"en": "Approve"}}
    newer["transitions"][0]["label"] = {"en": "Send"}

    nodes, edges = compare(OLDER, newer)

    assert edges["submit"]["mark"] == "changed" and edges["submit"]["label"] == "Send"
    assert (edges["approve"]["target"], edges["approve"]["mark"]) == ("hold", "changed")
    was = edges["approve@review~done"]  # the older edge, beside the live one of the same transition
    assert (was["source"], was["target"], was["mark"]) == ("review", "done", "removed")
    assert transition_of("approve@review~done") == "approve"
    assert set(marks(nodes).values()) == {None}
    assert {e: m for e, m in marks(edges).items() if m} == {"submit": "changed", "approve": "changed",
                                                            "approve@review~done": "removed"}


def test_a_transition_removed_between_two_kept_states_is_a_ghost_edge_between_live_nodes() -> None:
    newer = copy.deepcopy(OLDER)
    newer["transitions"] = [t for t in newer["transitions"] if t["id"] != "reject"]

    nodes, edges = compare(OLDER, newer)

    assert (edges["reject"]["source"], edges["reject"]["target"], edges["reject"]["mark"]) == \
        ("review", "draft", "removed")
    assert nodes["review"]["mark"] is None and nodes["draft"]["mark"] is None
    assert len(nodes) == 4


def test_a_transition_from_any_state_added_brings_the_any_node_marked_added() -> None:
    newer = copy.deepcopy(OLDER)
    newer["transitions"].append({"id": "cancel", "from": "*", "to": "done", "label": {"en": "Cancel"}})

    nodes, edges = compare(OLDER, newer)

    assert (nodes[ANY]["label"], nodes[ANY]["mark"]) == ("Any state", "added")
    assert (edges["cancel"]["source"], edges["cancel"]["mark"]) == (ANY, "added")


def test_a_transition_from_any_state_removed_keeps_a_ghost_of_the_any_node() -> None:
    older = copy.deepcopy(OLDER)
    older["transitions"].append({"id": "cancel", "from": "*", "to": "done"})
    older["layout"]["nodes"][ANY] = {"x": -240, "y": 300}

    nodes, edges = compare(older, copy.deepcopy(OLDER))

    assert (nodes[ANY]["mark"], nodes[ANY]["x"], nodes[ANY]["y"]) == ("removed", -240, 300)
    assert (edges["cancel"]["source"], edges["cancel"]["mark"]) == (ANY, "removed")


def test_from_any_state_in_both_versions_is_one_live_unmarked_node() -> None:
    older = copy.deepcopy(OLDER)
    older["transitions"].append({"id": "cancel", "from": "*", "to": "done"})

    nodes, edges = compare(older, copy.deepcopy(older))

    assert nodes[ANY]["mark"] is None and edges["cancel"]["mark"] is None


def test_a_list_of_sources_draws_one_edge_each_and_a_lost_source_is_a_ghost() -> None:
    older = copy.deepcopy(OLDER)
    older["transitions"].append({"id": "close", "from": ["draft", "review", "hold"], "to": "done"})
    newer = copy.deepcopy(older)
    newer["transitions"][-1]["from"] = ["draft", "review"]

    _, edges = compare(older, newer)

    assert {e: (edges[e]["source"], edges[e]["mark"]) for e in edges if transition_of(e) == "close"} == {
        "close@draft": ("draft", "changed"), "close@review": ("review", "changed"),
        "close@hold~done": ("hold", "removed")}


def test_a_removed_transition_with_several_sources_keeps_its_older_edge_ids() -> None:
    older = copy.deepcopy(OLDER)
    older["transitions"].append({"id": "close", "from": ["draft", "hold"], "to": "done"})

    _, edges = compare(older, copy.deepcopy(OLDER))

    assert {e: (edges[e]["source"], edges[e]["mark"]) for e in edges if transition_of(e) == "close"} == {
        "close@draft": ("draft", "removed"), "close@hold": ("hold", "removed")}


def test_ghost_and_live_edge_ids_never_collide_when_the_sources_stay_and_the_target_changes() -> None:
    older = copy.deepcopy(OLDER)
    older["transitions"].append({"id": "close", "from": ["draft", "review"], "to": "done"})
    newer = copy.deepcopy(older)
    newer["transitions"][-1]["to"] = "hold"

    _, edges = compare(older, newer)  # compare() fails on a repeated id

    assert {e: (edges[e]["target"], edges[e]["mark"]) for e in edges if transition_of(e) == "close"} == {
        "close@draft": ("hold", "changed"), "close@review": ("hold", "changed"),
        "close@draft~done": ("done", "removed"), "close@review~done": ("done", "removed")}


@pytest.mark.parametrize("layout", [None, {}, {"nodes": None}], ids=["no layout", "empty", "no nodes"])
def test_without_a_saved_layout_both_versions_are_laid_out_by_default_and_ghosts_stay_clear(layout: Any) -> None:
    older, newer = copy.deepcopy(OLDER), copy.deepcopy(OLDER)
    for doc in (older, newer):
        if layout is None:
            del doc["layout"]
        else:
            doc["layout"] = layout
    newer["states"] = [s for s in newer["states"] if s["id"] != "hold"] + [{"id": "vetting"}]
    newer["transitions"] = [t for t in newer["transitions"] if t["id"] not in ("park", "resume")] + [
        {"id": "vet", "from": "review", "to": "vetting"}]

    nodes, edges = compare(older, newer)

    assert marks(nodes) == {"draft": None, "review": None, "done": None, "vetting": "added", "hold": "removed"}
    assert edges["park"]["mark"] == "removed" and edges["vet"]["mark"] == "added"
    # the older default put "hold" where the newer default puts "vetting": one rank right of review, first row down
    assert not any(overlaps(nodes["hold"], other) for ident, other in nodes.items() if ident != "hold")
    placed = list(nodes.values())
    assert all(not overlaps(a, b) for i, a in enumerate(placed) for b in placed[i + 1:])


def test_a_workflow_attribute_change_marks_nothing_on_the_canvas() -> None:
    nodes, edges = compare(OLDER, edited(name={"en": "Renamed"}))

    assert set(marks(nodes).values()) == {None} and set(marks(edges).values()) == {None}
