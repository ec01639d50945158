"""The structural diff between two versions of a workflow."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.diff import Change, diff_definitions

TEMPLATE = Path(__file__).resolve().parents[2] / "domain" / "workflows" / "templates" / "maintenance_request.yaml"
BASE: dict[str, Any] = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))


def edited(edit: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    edit(doc)
    return doc


def state(doc: dict[str, Any], state_id: str) -> dict[str, Any]:
    return next(s for s in doc["states"] if s["id"] == state_id)


CASES = [
    ("identical", lambda d: None, []),
    ("layout and order are not changes", lambda d: (d.__setitem__("layout", {"nodes": {"draft": {"x": 1, "y": 2}}}),
                                                    d["states"].reverse()), []),
    ("state added", lambda d: d["states"].append({"id": "parked", "category": "waiting"}),
     [Change(kind="state", key="parked", change="added")]),
    ("state removed", lambda d: d["states"].remove(state(d, "on_hold")),
     [Change(kind="state", key="on_hold", change="removed")]),
    ("state renamed and recategorised", lambda d: state(d, "draft").update(name={"en": "Idea"}, category="waiting"),
     [Change(kind="state", key="draft", change="changed", attributes=("name", "category"))]),
    ("sla goal changed", lambda d: state(d, "submitted")["sla"].update(goal="9h"),
     [Change(kind="state", key="submitted", change="changed", attributes=("sla",))]),
    ("transition roles", lambda d: d["transitions"][0].update(roles=["anyone_new"]),
     [Change(kind="transition", key=BASE["transitions"][0]["id"], change="changed", attributes=("roles",))]),
    ("transition condition removed", lambda d: d["transitions"][0].update(condition={"all": []}),
     [Change(kind="transition", key=BASE["transitions"][0]["id"], change="changed", attributes=("condition",))]),
    ("field added", lambda d: d["fields"].append({"key": "floor", "type": "number"}),
     [Change(kind="field", key="floor", change="added")]),
    ("workflow name and initial state", lambda d: d.update(name={"en": "Fix"}, initial_state="submitted"),
     [Change(kind="workflow", key="", change="changed", attributes=("name", "initial_state"))]),
]


@pytest.mark.parametrize(("edit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_diff_reports_each_kind_of_change(edit: Any, expected: list[Change]) -> None:
    assert diff_definitions(BASE, edited(edit)) == expected


def test_attribute_removed_from_an_item_is_a_change() -> None:
    with_terminal = edited(lambda d: state(d, "on_hold").update(terminal=True))
    assert diff_definitions(with_terminal, BASE) == [
        Change(kind="state", key="on_hold", change="changed", attributes=("terminal",))]


def test_order_workflow_then_kinds_then_removed_last() -> None:
    def many(doc: dict[str, Any]) -> None:
        doc["description"] = "new words"
        doc["states"].remove(state(doc, "on_hold"))
        doc["states"].insert(0, {"id": "intake", "category": "todo"})
        doc["transitions"] = [t for t in doc["transitions"] if "on_hold" not in (t["from"], t["to"])]

    changes = diff_definitions(BASE, edited(many))
    assert changes[0] == Change(kind="workflow", key="", change="changed", attributes=("description",))
    assert changes[1:3] == [Change(kind="state", key="intake", change="added"),
                            Change(kind="state", key="on_hold", change="removed")]
    assert {c.kind for c in changes[3:]} == {"transition"} and {c.change for c in changes[3:]} == {"removed"}
    assert changes[1].element == "state:intake" and changes[0].element == "workflow"


def test_garbage_is_no_crash() -> None:
    assert diff_definitions({"states": "nope"}, {"states": [1, None, {"id": 3}, {"id": "a"}]}) == [
        Change(kind="state", key="a", change="added")]
