"""Export is canonical: whatever the key order or spelling of the input, export → import →
export gives the same text, and the definition survives unchanged."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.export import to_json, to_yaml
from engine.load import compile_definition, parse_source

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "domain" / "workflows" / "templates").glob("*.yaml"))
DOCS = [yaml.safe_load(p.read_text()) for p in TEMPLATES]


def shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(range(len(DOCS))), st.integers(min_value=0, max_value=10_000),
       st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=40))
def test_export_import_export_is_identical(index: int, seed: int, description: str) -> None:
    doc = {**shuffled(DOCS[index], random.Random(seed)), "description": description}
    for dump in (to_yaml, to_json):
        first = dump(doc)
        again, problems = parse_source(first)
        assert problems == []
        assert dump(again) == first
        assert compile_definition(again) == compile_definition(json.loads(json.dumps(doc)))


def test_text_with_control_characters_is_refused_with_a_clear_message() -> None:
    from engine.validate import validate_definition

    problems = validate_definition({**DOCS[0], "description": "Line\x85break"})
    assert [(p.path, p.message) for p in problems] == [
        ("/description", "Remove the invisible control characters from this text.")]


def test_export_puts_keys_in_the_formats_order() -> None:
    text = to_yaml(shuffled(DOCS[0], random.Random(1)))
    top = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith((" ", "-"))]
    assert top[:4] == ["format", "key", "name", "subject"]
