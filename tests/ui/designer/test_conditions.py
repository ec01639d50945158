"""The condition builder's tree: always a group while edited, smallest form when stored."""

from __future__ import annotations

from typing import Any

import pytest

from engine.validate import validate_definition
from ui.designer.conditions import as_group, operators_for, simplified

LEAF = {"field": "cost_estimate", "op": "lt", "value": 5000}
ROLE = {"actor": "has_role", "value": "director"}

CASES: list[tuple[str, Any, Any]] = [
    ("no condition", None, None),
    ("empty group", {"all": []}, None),
    ("group of one is its child", {"all": [LEAF]}, LEAF),
    ("nested empty groups vanish", {"any": [{"all": []}, {"not": {"any": []}}]}, None),
    ("not of a group of one", {"all": [{"not": {"any": [LEAF]}}]}, {"not": LEAF}),
    ("two children stay", {"any": [LEAF, ROLE]}, {"any": [LEAF, ROLE]}),
]


@pytest.mark.parametrize(("tree", "stored"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_simplified(tree: Any, stored: Any) -> None:
    assert simplified(tree) == stored


@pytest.mark.parametrize("condition", [None, LEAF, {"not": LEAF}, {"any": [LEAF, ROLE]}])
def test_editing_round_trip_keeps_the_meaning(condition: Any) -> None:
    group = as_group(condition)
    assert set(group) & {"all", "any"}
    assert simplified(group) == condition


def test_operators_follow_the_field_type() -> None:
    assert "lt" in operators_for("money") and "contains" not in operators_for("money")
    assert "within" in operators_for("date") and "lt" not in operators_for("select")
    assert operators_for("no_such_type") == ("eq", "ne", "empty", "not_empty")


def test_every_operator_offered_for_a_type_is_accepted_by_the_validator() -> None:
    doc = {"format": "baton/workflow@1", "key": "w", "name": "W", "subject": "request", "roles": ["r"],
           "fields": [{"key": "amount", "type": "money"}, {"key": "when", "type": "date"},
                      {"key": "kind", "type": "select", "options": ["a", "b"]}],
           "initial_state": "a", "states": [{"id": "a"}, {"id": "b", "terminal": True}],
           "transitions": []}
    samples = {"money": 5, "date": "-3d", "select": "a"}
    for key, ftype in (("amount", "money"), ("when", "date"), ("kind", "select")):
        for op in operators_for(ftype):
            value = {"in": [samples[ftype]], "not_in": [samples[ftype]], "within": "3d"}.get(op, samples[ftype])
            leaf = {"field": key, "op": op} if op in ("empty", "not_empty") else {"field": key, "op": op,
                                                                                  "value": value}
            doc["transitions"] = [{"id": "go", "from": "a", "to": "b", "roles": ["r"], "condition": leaf}]
            bad = [p for p in validate_definition(doc) if p.code == "bad_condition"]
            assert bad == [], (ftype, op, bad)
