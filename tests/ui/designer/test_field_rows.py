"""Field definitions as edited: they round-trip, unfinished ones stay, labels merge per language."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.designer.samples import problems, workflow
from ui.designer.fields import entry_to_field, field_to_entry, new_key
from ui.designer.inputs import as_map, with_text

FIELDS: list[dict[str, Any]] = [
    {"key": "note", "type": "text"},
    {"key": "category", "type": "select", "label": {"en": "Category", "fr": "Catégorie"},
     "options": ["hvac", "plumbing"], "required": True},
    {"key": "cost_estimate", "type": "money", "label": "Cost", "required_in": ["closed"], "visible_to_vendor": True,
     "visible_when": {"field": "category", "op": "ne", "value": "plumbing"},
     "help": {"en": "Before taxes", "es": "Sin impuestos"}},
    {"key": "trades", "type": "multiselect", "options": ["a", "b"]},
]


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f["key"])
def test_every_field_round_trips_and_validates(field: dict[str, Any]) -> None:
    assert entry_to_field(field_to_entry(field)) == field
    doc = workflow()
    doc["fields"] = [entry_to_field(field_to_entry(f)) for f in FIELDS]
    assert problems(doc) == []


def test_options_are_only_for_list_fields_and_come_back_with_the_type() -> None:
    entry = field_to_entry(FIELDS[1])
    entry["type"] = "text"
    assert "options" not in entry_to_field(entry)
    entry["type"] = "multiselect"
    assert entry_to_field(entry)["options"] == ["hvac", "plumbing"]


def test_options_are_cleaned_and_a_list_field_without_them_is_still_reported() -> None:
    entry = field_to_entry({"key": "kind", "type": "select"})
    entry["options"] = [" a ", "a", "", "b"]
    assert entry_to_field(entry)["options"] == ["a", "b"]
    entry["options"] = []
    assert entry_to_field(entry) == {"key": "kind", "type": "select"}
    doc = workflow()
    doc["fields"] = [entry_to_field(entry)]
    assert [p.split(" ")[0] for p in problems(doc)] == ["schema"]


def test_false_flags_and_empty_lists_are_left_out() -> None:
    entry = field_to_entry({"key": "x", "type": "date", "required": False, "required_in": [], "help": {}})
    assert entry_to_field(entry) == {"key": "x", "type": "date"}


def test_new_keys_are_free() -> None:
    assert new_key([], "field") == "field_1"
    assert new_key(["field_1", "field_3"], "field") == "field_2"


def test_a_label_merges_one_language_at_a_time() -> None:
    assert with_text({"en": "Cost"}, "es", " Coste ") == {"en": "Cost", "es": "Coste"}
    assert with_text({"en": "Cost"}, "en", "") is None
    assert with_text("Cost", "fr", "Coût") == {"en": "Cost", "es": "Cost", "fr": "Coût"}
    assert as_map(None) == {} and as_map({"en": "A", "es": 3}) == {"en": "A"}
