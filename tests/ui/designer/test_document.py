"""The designer's document edits: what each canvas gesture does to the workflow, and undo/redo."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from engine.problems import Problem
from engine.validate import validate_definition
from tests.ui.designer import samples
from ui.designer.document import ANY, DesignDocument, DesignError
from ui.designer.drawing import GRID_X, GRID_Y


def empty() -> dict[str, Any]:
    return {"format": "baton/workflow@1", "key": "fresh", "name": {"en": "Fresh"}, "subject": "request",
            "roles": ["manager"], "states": [], "transitions": []}


def chain() -> DesignDocument:
    """draft → review → done, drawn by hand."""
    doc = DesignDocument(empty())
    a = doc.add_state(category="todo", x=0, y=0, name="Draft")
    b = doc.add_state(category="in_progress", x=200, y=0, name="Review")
    c = doc.add_state(category="done", x=400, y=0, name="Done")
    doc.connect(source=a, target=b)
    doc.connect(source=b, target=c)
    doc.update(doc.state(c), {"terminal": True})
    return doc


def label(value: Any, fallback: str) -> str:
    return value if isinstance(value, str) else (value or {}).get("en", fallback)


def codes(doc: DesignDocument) -> set[str]:
    return {p.code for p in validate_definition(doc.doc)}


def test_first_state_becomes_initial_and_ids_stay_unique() -> None:
    doc = DesignDocument(empty())
    first = doc.add_state(category="todo", x=10.4, y=20.6, name="New state")
    second = doc.add_state(category="todo", x=300, y=20, name="New state")
    assert (first, second) == ("new_state", "new_state_2")
    assert [s["name"] for s in doc.states] == ["New state", "New state 2"]
    assert doc.doc["initial_state"] == "new_state"
    assert doc.doc["layout"]["nodes"]["new_state"] == {"x": 10, "y": 21}


def test_drawn_chain_is_a_valid_workflow_once_roles_are_set() -> None:
    doc = chain()
    assert "nobody" in codes(doc)  # transitions start with no roles: the validator says so
    for transition in doc.transitions:
        doc.update(transition, {"roles": ["manager"]})
    assert [p for p in validate_definition(doc.doc) if p.severity == "error"] == []
    assert [t["id"] for t in doc.transitions] == ["new_state_to_new_state_2", "new_state_2_to_new_state_3"]


def test_unreachable_appears_and_disappears_with_a_connection() -> None:
    doc = chain()
    lone = doc.add_state(category="waiting", x=200, y=200, name="On hold")
    assert "unreachable" in codes(doc)
    doc.connect(source="new_state_2", target=lone)
    doc.connect(source=lone, target="new_state_2")
    assert "unreachable" not in codes(doc)


def test_each_edit_is_one_undo_step_and_redo_replays_it() -> None:
    doc = chain()
    before = doc.doc["states"][:]
    doc.delete(nodes=["new_state_2"])
    assert [s["id"] for s in doc.states] == ["new_state", "new_state_3"]
    assert doc.transitions == []  # both transitions touched the deleted state
    assert doc.undo()
    assert doc.states == before and len(doc.transitions) == 2
    assert doc.redo()
    assert len(doc.states) == 2 and doc.transitions == []
    assert not doc.can_redo


def test_a_new_edit_clears_redo_and_a_no_op_records_nothing() -> None:
    doc = chain()
    doc.undo()
    assert doc.can_redo
    doc.move([{"id": "new_state", "x": 5, "y": 5}])
    assert not doc.can_redo
    steps = len(doc._undo)
    doc.move([{"id": "new_state", "x": 5, "y": 5}])  # same place: nothing changed
    doc.update(doc.state("new_state"), {"category": "todo"})
    assert len(doc._undo) == steps


def test_failed_edit_changes_nothing() -> None:
    doc = chain()
    snapshot = doc._snapshot()
    with pytest.raises(DesignError):
        doc.connect(source="new_state", target="nowhere")
    with pytest.raises(DesignError) as caught:
        doc.rename_state("new_state", "new_state_2")
    assert caught.value.params == {"id": "new_state_2"}
    with pytest.raises(DesignError):
        doc.rename_state("new_state", "Bad Id")
    assert doc._snapshot() == snapshot and not doc.can_redo


def test_renaming_a_state_follows_every_reference() -> None:
    doc = chain()
    doc.doc["fields"] = [{"key": "cost", "type": "money", "required_in": ["new_state_2"]}]
    doc.doc["slas"] = [{"key": "resolution", "start_on": ["new_state_2"], "stop_on": ["new_state_3"], "goal": "1d"}]
    doc.rename_state("new_state_2", "review")
    assert doc.doc["fields"][0]["required_in"] == ["review"]
    assert doc.doc["slas"][0]["start_on"] == ["review"]
    assert {t["to"] for t in doc.transitions} == {"review", "new_state_3"}
    assert "review" in doc.doc["layout"]["nodes"] and "new_state_2" not in doc.doc["layout"]["nodes"]
    doc.rename_state("new_state", "draft")
    assert doc.doc["initial_state"] == "draft"


def test_renaming_a_transition_follows_fire_actions() -> None:
    doc = chain()
    doc.update(doc.state("new_state_2"), {"on_enter": [{"fire": "new_state_2_to_new_state_3"}]})
    doc.rename_transition("new_state_2_to_new_state_3", "finish")
    assert doc.state("new_state_2")["on_enter"] == [{"fire": "finish"}]
    assert "unknown_transition" not in codes(doc)


def test_multi_source_transition_is_one_edge_per_source_and_deletes_per_edge() -> None:
    doc = chain()
    hold = doc.add_state(category="waiting", x=0, y=200, name="Hold")
    doc.doc["transitions"].append({"id": "cancel", "from": ["new_state", hold], "to": "new_state_3",
                                   "roles": ["manager"]})
    _, edges = doc.graph([], label=label, any_state="Any state")
    assert {e["id"] for e in edges if e["id"].startswith("cancel")} == {"cancel@new_state", f"cancel@{hold}"}
    doc.delete(edges=["cancel@new_state"])
    assert doc.transition("cancel")["from"] == hold
    doc.delete(edges=[f"cancel@{hold}"])
    assert doc.transition("cancel") is None


def test_any_state_transitions_draw_from_the_any_node() -> None:
    doc = chain()
    doc.connect(source=ANY, target="new_state_3")
    nodes, edges = doc.graph([], label=label, any_state="Any state")
    assert any(n["id"] == ANY and n["label"] == "Any state" for n in nodes)
    assert {"source": ANY, "target": "new_state_3"}.items() <= next(e for e in edges if e["source"] == ANY).items()
    doc.delete(nodes=[ANY])
    assert all(t["from"] != ANY for t in doc.transitions)


def test_copy_paste_renames_and_offsets() -> None:
    doc = chain()
    clip = doc.copy(nodes=["new_state", "new_state_2"])
    assert [t["id"] for t in clip["transitions"]] == ["new_state_to_new_state_2"]
    new = doc.paste(clip)
    assert new == ["new_state_4", "new_state_5"]
    pasted = doc.transition("new_state_4_to_new_state_5")
    assert pasted is not None and (pasted["from"], pasted["to"]) == ("new_state_4", "new_state_5")
    assert doc.doc["layout"]["nodes"]["new_state_4"] == {"x": 40, "y": 40}
    doc.paste(clip, x=1000, y=500)
    assert doc.doc["layout"]["nodes"]["new_state_6"] == {"x": 1000, "y": 500}


def test_graph_counts_problems_per_element_and_lays_out_unplaced_states() -> None:
    doc = DesignDocument({**empty(), "initial_state": "a", "states": [{"id": "a"}, {"id": "b", "sla": {"goal": "4h"}},
                                                                       {"id": "c"}],
                          "transitions": [{"id": "go", "from": "a", "to": "b", "roles": []}]})
    problems = [Problem(code="x", severity="error", path="", msgid="", element="state:c"),
                Problem(code="y", severity="warning", path="", msgid="", element="transition:go")]
    nodes, edges = doc.graph(problems, label=label, any_state="Any")
    by_id = {n["id"]: n for n in nodes}
    assert (by_id["a"]["x"], by_id["b"]["x"]) == (0, GRID_X)  # layered from the initial state
    assert by_id["c"]["x"] > by_id["b"]["x"]  # unreached states after the last rank
    assert by_id["a"]["initial"] and by_id["b"]["sla"] and by_id["c"]["errors"] == 1
    assert edges == [{"id": "go", "source": "a", "target": "b", "label": "go", "errors": 0, "warnings": 1,
                      "mark": None}]


def test_the_default_layout_wraps_a_long_workflow_into_bands_in_reading_order() -> None:
    chain = [f"s{n}" for n in range(9)]
    doc = DesignDocument({**empty(), "initial_state": "s0", "states": [{"id": s} for s in [*chain, "side"]],
                          "transitions": [*({"id": f"t{n}", "from": a, "to": b, "roles": []}
                                            for n, (a, b) in enumerate(itertools.pairwise(chain))),
                                          {"id": "aside", "from": "s1", "to": "side", "roles": []}]})
    at = {n["id"]: (n["x"], n["y"]) for n in doc.graph([], label=label, any_state="Any")[0]}
    assert [at[s][0] for s in chain] == [0, GRID_X, 2 * GRID_X, 3 * GRID_X, 0, GRID_X, 2 * GRID_X, 3 * GRID_X, 0]
    assert at["side"] == (2 * GRID_X, GRID_Y)  # rank 2 with s2: one row below it, in the first band
    first_band_bottom = 2 * GRID_Y  # two rows (rank 2 holds s2 and side)
    assert at["s4"][1] >= first_band_bottom and at["s8"][1] > at["s4"][1]  # bands below, in order
    assert len(set(at.values())) == len(at)  # no two states on one spot


def test_dirty_tracks_the_saved_document() -> None:
    doc = DesignDocument(empty())
    assert not doc.dirty
    doc.add_state(category="todo", x=0, y=0, name="A")
    assert doc.dirty
    doc.mark_saved()
    assert not doc.dirty
    doc.undo()
    assert doc.dirty


def test_nested_edits_are_one_undo_step() -> None:
    doc = chain()
    steps = len(doc._undo)
    with doc.edit() as raw:
        doc.update(doc.transition("new_state_to_new_state_2"), {"roles": ["clerk"]})
        raw["roles"] = ["manager", "clerk"]
    assert len(doc._undo) == steps + 1
    doc.undo()
    assert doc.doc["roles"] == ["manager"] and doc.transition("new_state_to_new_state_2")["roles"] == []


def uses_of_cost() -> DesignDocument:
    """The sample workflow with the field `cost` named in every place the format allows a field key."""
    doc = samples.workflow()
    doc["fields"][6]["visible_when"] = {"any": [{"field": "cost", "op": "gt", "value": 100},
                                                {"not": {"field": "hours", "op": "lt", "value": {"field": "cost"}}}]}
    submit, wait, _resume, close = doc["transitions"]
    submit["condition"] = {"all": [{"field": "title", "op": "not_empty"},
                                   {"any": [{"not": {"field": "cost", "op": "empty"}},
                                            {"field": "notes", "op": "eq", "value": "cost"}]}]}
    submit["requires"] = {"fields": ["category", "cost"], "comment": True}
    submit["actions"] = [{"set_field": {"field": "cost", "value": 0}}, {"fire": "wait"}]
    wait["condition"] = {"field": "cost", "op": "lt", "value": 5000}
    close["actions"] = [{"assign": {"field": "owner"}}]
    doc["states"][1]["on_enter"] = [{"assign": {"field": "cost"}}]  # not a person field: the validator says so
    doc["states"][2]["sla"] = {"goal": "4h", "escalations": [
        {"at": "50%", "actions": [{"reassign": {"field": "cost"}}, {"notify": {"to": ["role:manager"]}}]}]}
    doc["slas"] = [{"key": "resolution", "start_on": ["open"], "stop_on": ["closed"], "goal": "3d",
                    "escalations": [{"at": "100%", "actions": [{"set_field": {"field": "cost", "value": 1}}]}]}]
    doc["fields"][0]["required_in"] = ["closed"]
    return DesignDocument(doc)


def test_renaming_a_field_follows_every_use_in_one_undo_step() -> None:
    doc = uses_of_cost()
    before = doc.snapshot()
    steps = len(doc._undo)
    doc.rename_field("cost", "price")
    fields, (submit, wait, _resume, close) = doc.doc["fields"], doc.transitions
    assert fields[0] == {"key": "price", "type": "money", "required_in": ["closed"]}
    assert fields[6]["visible_when"] == {"any": [{"field": "price", "op": "gt", "value": 100},
                                                 {"not": {"field": "hours", "op": "lt",
                                                          "value": {"field": "price"}}}]}
    assert submit["condition"] == {"all": [{"field": "title", "op": "not_empty"},
                                           {"any": [{"not": {"field": "price", "op": "empty"}},
                                                    {"field": "notes", "op": "eq", "value": "cost"}]}]}
    assert submit["requires"] == {"fields": ["category", "price"], "comment": True}
    assert submit["actions"] == [{"set_field": {"field": "price", "value": 0}}, {"fire": "wait"}]
    assert wait["condition"] == {"field": "price", "op": "lt", "value": 5000}
    assert close["actions"] == [{"assign": {"field": "owner"}}]
    assert doc.state("open")["on_enter"] == [{"assign": {"field": "price"}}]
    assert doc.state("waiting")["sla"]["escalations"][0]["actions"] == [
        {"reassign": {"field": "price"}}, {"notify": {"to": ["role:manager"]}}]
    assert doc.doc["slas"][0]["escalations"][0]["actions"] == [{"set_field": {"field": "price", "value": 1}}]
    assert json.dumps(doc.doc).count('"cost"') == 1  # the one left is a value compared with, not a field
    assert [p.path for p in validate_definition(doc.doc) if p.code == "unknown_field"] == []
    assert len(doc._undo) == steps + 1
    assert doc.undo()
    assert doc.snapshot() == before


def test_renaming_a_field_is_refused_without_a_key_a_free_key_or_the_field() -> None:
    doc = uses_of_cost()
    snapshot = doc._snapshot()
    refusals = {"": "A key starts with", "Bad Key": "A key starts with", "hours": "Another field already has",
                "title": "Every record already has a field", "cost": None}
    for new, refusal in refusals.items():
        if refusal is None:
            doc.rename_field("cost", new)  # unchanged: nothing to do
            continue
        with pytest.raises(DesignError) as caught:
            doc.rename_field("cost", new)
        assert caught.value.msgid.startswith(refusal)
    with pytest.raises(DesignError) as missing:
        doc.rename_field("nothing", "price")
    assert missing.value.params == {"field": "nothing"}
    with pytest.raises(DesignError):
        doc.rename_field("cost", "price", index=1)  # the field at 1 is hours
    assert doc._snapshot() == snapshot and not doc.can_undo


def test_renaming_one_of_two_fields_with_the_same_key_leaves_the_uses() -> None:
    doc = uses_of_cost()
    doc.doc["fields"].append({"key": "cost", "type": "number"})  # an imported document with a repeated key
    doc.rename_field("cost", "estimate", index=7)
    assert [f["key"] for f in doc.doc["fields"]][::7] == ["cost", "estimate"]
    assert doc.transition("wait")["condition"]["field"] == "cost"  # it may mean the field still called cost
