"""The validator: every problem code has a definition that produces it and one that does not."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.load import compile_definition
from engine.problems import DefinitionError
from engine.validate import validate_definition

TEMPLATES = Path(__file__).resolve().parents[2] / "domain" / "workflows" / "templates"

BASE: dict[str, Any] = {
    "format": "baton/workflow@1",
    "key": "tiny",
    "name": {"en": "Tiny"},
    "subject": "request",
    "roles": ["requester", "manager"],
    "fields": [{"key": "amount", "type": "money"}, {"key": "kind", "type": "select", "options": ["a", "b"]}],
    "initial_state": "open",
    "states": [
        {"id": "open", "category": "todo", "sla": {"goal": "4h"}},
        {"id": "review", "category": "waiting"},
        {"id": "done", "category": "done", "terminal": True},
    ],
    "slas": [{"key": "resolution", "start_on": ["open"], "stop_on": ["done"], "goal": "2d"}],
    "transitions": [
        {"id": "send", "from": "open", "to": "review", "roles": ["requester"],
         "condition": {"field": "amount", "op": "lt", "value": 100}},
        {"id": "close", "from": "review", "to": "done", "roles": ["manager"]},
    ],
}


def mutated(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    change(doc)
    return doc


def codes(doc: Any) -> set[str]:
    return {p.code for p in validate_definition(doc)}


def test_the_base_definition_is_clean() -> None:
    assert validate_definition(BASE) == []
    assert compile_definition(BASE).initial_state == "open"


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("schema", lambda d: d.pop("states"), "/"),
    ("schema", lambda d: d.update(format="baton/workflow@2"), "/format"),
    ("schema", lambda d: d["states"][0].update(colour="red"), "/states/0"),
    ("duplicate_id", lambda d: d["states"].append({"id": "review"}), "/states/3/id"),
    ("duplicate_id", lambda d: d["transitions"].append(dict(d["transitions"][1])), "/transitions/2/id"),
    ("unknown_state", lambda d: d.update(initial_state="nowhere"), "/initial_state"),
    ("unknown_state", lambda d: d["transitions"][1].update(to="archive"), "/transitions/1/to"),
    ("unknown_state", lambda d: d["slas"][0].update(stop_on=["finished"]), "/slas/0/stop_on/0"),
    ("unknown_field", lambda d: d["transitions"][1].update(requires={"fields": ["colour"]}),
     "/transitions/1/requires/fields/0"),
    ("unknown_field", lambda d: d["transitions"][0].update(condition={"field": "colour", "op": "empty"}),
     "/transitions/0/condition"),
    ("bad_condition", lambda d: d["transitions"][0].update(condition={"field": "amount", "op": "contains",
                                                                      "value": "x"}), "/transitions/0/condition"),
    ("bad_condition", lambda d: d["transitions"][0].update(condition={"field": "kind", "op": "eq", "value": "z"}),
     "/transitions/0/condition"),
    ("bad_duration", lambda d: d["states"][0]["sla"].update(goal="soon"), "/states/0/sla/goal"),
    ("bad_duration", lambda d: d["slas"][0].update(goal="0h"), "/slas/0/goal"),
    ("no_terminal", lambda d: d["states"][2].update(terminal=False), "/states"),
    ("unreachable", lambda d: d["states"].append({"id": "limbo", "terminal": True}), "/states/3"),
    ("dead_end", lambda d: d["transitions"].pop(1), "/states/1"),
    ("terminal_exit", lambda d: d["transitions"].append({"id": "undo", "from": "done", "to": "open",
                                                         "roles": ["manager"]}), "/transitions/2/from"),
    ("unknown_role", lambda d: d["transitions"][1].update(roles=["director"]), "/transitions/1/roles/0"),
    ("sla_never_stops", lambda d: d["slas"][0].update(start_on=["review"], stop_on=["open"]), "/slas/0/stop_on"),
    ("sla_never_stops", lambda d: d["states"][2].update(sla={"goal": "1h"}), "/states/2/sla"),
    ("sla_never_starts", lambda d: (d["states"].append({"id": "ghost", "category": "todo"}),
                                    d["transitions"].append({"id": "leave", "from": "ghost", "to": "done",
                                                             "roles": ["manager"]}),
                                    d["slas"][0].update(start_on=["ghost"])), "/slas/0/start_on"),
    ("nobody", lambda d: d["transitions"][1].update(roles=[]), "/transitions/1/roles"),
    ("duplicate_transition", lambda d: (d["transitions"][1].update(label={"en": "Close"}),
                                        d["transitions"].append({**d["transitions"][1], "id": "close_again"})),
     "/transitions/2"),
]


@pytest.mark.parametrize(("code", "change", "path"), CASES, ids=[f"{c}:{p}" for c, _, p in CASES])
def test_each_problem_code_is_reported_where_it_is(code: str, change: Callable[[dict[str, Any]], None],
                                                   path: str) -> None:
    problems = validate_definition(mutated(change))
    found = [p for p in problems if p.code == code]
    assert found, f"expected {code}, got {[str(p) for p in problems]}"
    assert any(p.path == path or p.path.startswith(path + "/") or (path == "/" and p.path == "") for p in found), \
        [str(p) for p in found]
    assert all(p.message and "{" not in p.message for p in problems)


def test_transitions_without_labels_differ_by_their_ids() -> None:
    doc = mutated(lambda d: d["transitions"].append({**d["transitions"][1], "id": "close_too"}))
    assert "duplicate_transition" not in codes({**doc, "transitions": [
        {k: v for k, v in t.items() if k != "label"} for t in doc["transitions"]]})


def test_condition_problems_are_translatable_templates() -> None:
    doc = mutated(lambda d: d["transitions"][0].update(condition={"field": "amount", "op": "in", "value": 5}))
    [problem] = [p for p in validate_definition(doc) if p.code == "bad_condition"]
    assert problem.msgid.startswith("'{op}' on the field '{field}' ({type}) needs a non-empty list")
    assert problem.message == "'in' on the field 'amount' (money) needs a non-empty list, each a number or " \
        "{amount, currency}, not 5."


def test_warnings_do_not_block_compiling() -> None:
    doc = mutated(lambda d: d["transitions"][1].update(roles=[]))
    assert {p.severity for p in validate_definition(doc)} == {"warning"}
    assert compile_definition(doc).transition("close") is not None


def test_errors_block_compiling_and_carry_every_problem() -> None:
    doc = mutated(lambda d: (d.update(initial_state="nowhere"), d["transitions"][1].update(roles=["ghost"])))
    with pytest.raises(DefinitionError) as refused:
        compile_definition(doc)
    assert {p.code for p in refused.value.problems} >= {"unknown_state", "unknown_role"}


def test_nobody_is_not_reported_for_a_transition_fired_automatically() -> None:
    doc = mutated(lambda d: (d["transitions"][1].update(roles=[]),
                             d["states"][1].update(on_enter=[{"fire": "close"}])))
    assert "nobody" not in codes(doc)


@pytest.mark.parametrize("source", [
    b"\xff\xfe not utf-8", "key: [unclosed", "- just\n- a list\n", "42", "", "null",
    "format: baton/workflow@1\nkey: x\n" + "  " * 0 + "states: " + "[" * 5000 + "]" * 5000,
])
def test_unreadable_sources_become_problems_not_exceptions(source: str | bytes) -> None:
    problems = validate_definition(source)
    assert problems and all(p.severity == "error" for p in problems)


def test_a_huge_document_is_refused_quickly() -> None:
    huge = json.dumps({**BASE, "description": "x" * 5_000_000})
    problems = validate_definition(huge)
    assert [p.code for p in problems] == ["schema"]
    assert "larger than" in problems[0].message


def test_a_cycle_with_no_exit_is_a_dead_end() -> None:
    doc = mutated(lambda d: (d["transitions"].pop(1),
                             d["transitions"].append({"id": "back", "from": "review", "to": "open",
                                                      "roles": ["manager"]})))
    dead = {p.path for p in validate_definition(doc) if p.code == "dead_end"}
    assert dead == {"/states/0", "/states/1"}


def test_yaml_and_json_spellings_compile_to_the_same_definition() -> None:
    assert compile_definition(yaml.safe_dump(BASE)) == compile_definition(json.dumps(BASE))


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.yaml")), ids=lambda p: p.stem)
def test_built_in_templates_validate_clean(template: Path) -> None:
    assert [str(p) for p in validate_definition(template.read_bytes())] == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_the_validator_never_raises_on_arbitrary_documents(doc: Any) -> None:
    assert isinstance(validate_definition(doc), list)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(BASE)), json_values, max_size=6))
def test_the_validator_never_raises_on_documents_shaped_like_definitions(overrides: dict[str, Any]) -> None:
    assert isinstance(validate_definition({**BASE, **overrides}), list)
