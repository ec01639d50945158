"""Schema problems item by item (memoised) are exactly those of validating the whole document."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import best_match

from engine.problems import ERROR, Problem, pointer
from engine.schema import _describe, _validator, schema_problems

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "domain" / "workflows" / "templates").glob("*.yaml"))
DOCS = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in TEMPLATES]
JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


def whole(doc: Any) -> list[Problem]:
    """The reference: one pass of the validator over the whole document."""
    errors = sorted(_validator().iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    problems = []
    for error in errors:
        shown = best_match(error.context) if error.context else error
        msgid, params = _describe(shown)
        problems.append(Problem(code="schema", severity=ERROR, path=pointer(shown.absolute_path), msgid=msgid,
                                params=params))
    return problems


@st.composite
def damaged(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(draw(st.sampled_from(DOCS)))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        section = draw(st.sampled_from(["states", "transitions", "fields", "slas", "roles", "name", "key"]))
        target = doc.get(section)
        if isinstance(target, list) and target:
            index = draw(st.integers(min_value=0, max_value=len(target) - 1))
            item = target[index]
            if isinstance(item, dict) and item and draw(st.booleans()):
                key = draw(st.sampled_from(sorted(item)))
                if draw(st.booleans()):
                    item[key] = draw(JUNK)
                else:
                    del item[key]
            else:
                target[index] = draw(JUNK)
        else:
            doc[section] = draw(JUNK)
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_item_by_item_equals_whole_document(doc: dict[str, Any]) -> None:
    assert schema_problems(doc) == whole(doc)
    assert schema_problems(doc) == whole(doc)  # and again, from the memo


def test_valid_templates_have_no_schema_problems() -> None:
    assert all(schema_problems(doc) == [] for doc in DOCS)


def test_yaml_dates_and_other_non_json_values_are_still_checked() -> None:
    doc = copy.deepcopy(DOCS[0])
    doc["states"][0]["name"] = {"en": __import__("datetime").date(2026, 1, 1)}
    assert schema_problems(doc) == whole(doc) != []
