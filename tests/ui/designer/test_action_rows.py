"""Actions as rows: every kind round-trips, rows build only complete, valid actions."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.designer.samples import problems, workflow
from ui.designer.actions import (
    KINDS,
    action_to_row,
    blank_row,
    clean_recipients,
    field_value,
    missing,
    row_to_action,
)

ACTIONS: list[dict[str, Any]] = [
    {"assign": {"role": "manager"}},
    {"assign": {"role": "manager", "rule": "round_robin"}},
    {"reassign": {"role": "manager", "rule": "least_loaded"}},
    {"assign": {"user": "ana@example.com"}},
    {"reassign": {"field": "owner"}},
    {"assign": {"creator": True}},
    {"assign": {"vendors": True, "rule": "least_loaded"}},
    {"assign": {"vendors": True}},
    {"notify": {"to": ["assignee"]}},
    {"notify": {"to": ["creator", "vendor", "role:manager", "user:ana@example.com"], "template": "request_submitted",
                "channels": ["email", "in_app"]}},
    {"set_priority": "urgent"},
    {"set_field": {"field": "cost", "value": 120.5}},
    {"set_field": {"field": "hours", "value": 3}},
    {"set_field": {"field": "urgent", "value": False}},
    {"set_field": {"field": "category", "value": "hvac"}},
    {"set_field": {"field": "tags", "value": ["a", "b"]}},
    {"set_field": {"field": "notes", "value": "Checked on site"}},
    {"webhook": {"event": "request.submitted"}},
    {"fire": "close"},
]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: f"{next(iter(a))}")
def test_every_action_round_trips_and_validates(action: dict[str, Any]) -> None:
    row = action_to_row(action)
    assert missing(row) is None
    assert row_to_action(row) == action
    doc = workflow()
    doc["transitions"][0]["actions"] = [action]
    doc["states"][1]["on_enter"] = [action]
    assert problems(doc) == []


def test_every_kind_is_covered() -> None:
    assert {next(iter(a)) for a in ACTIONS} == set(KINDS)


def test_the_object_form_of_fire_reads_as_its_transition() -> None:
    assert row_to_action(action_to_row({"fire": {"transition": "close"}})) == {"fire": "close"}


@pytest.mark.parametrize(("kind", "changes"), [
    ("assign", {}),
    ("assign", {"who": "user", "user": "  "}),
    ("reassign", {"who": "field"}),
    ("notify", {"to": []}),
    ("notify", {"to": ["nobody at all"]}),
    ("set_priority", {}),
    ("set_priority", {"priority": "whenever"}),
    ("set_field", {}),
    ("set_field", {"field": "cost"}),
    ("set_field", {"field": "notes", "value": ""}),
    ("webhook", {"event": "Not An Event"}),
    ("fire", {}),
    ("", {}),
])
def test_an_unfinished_row_is_no_action_and_says_what_it_needs(kind: str, changes: dict[str, Any]) -> None:
    row = {**blank_row(kind), **changes}
    assert row_to_action(row) is None
    assert missing(row)


def test_creator_and_vendors_need_nothing_more() -> None:
    assert row_to_action({**blank_row("assign"), "who": "creator"}) == {"assign": {"creator": True}}
    assert row_to_action({**blank_row("reassign"), "who": "vendors"}) == {"reassign": {"vendors": True}}


def test_a_rule_follows_only_roles_and_vendors() -> None:
    row = {**blank_row("assign"), "who": "user", "user": "ana@example.com", "rule": "round_robin", "role": "manager"}
    assert row_to_action(row) == {"assign": {"user": "ana@example.com"}}


def test_recipients_are_cleaned() -> None:
    kept, refused = clean_recipients(["assignee", " ana@example.com ", "user:ana@example.com", "role:manager",
                                      "Role:Manager", "bob"])
    assert kept == ["assignee", "user:ana@example.com", "role:manager"]
    assert refused == ["Role:Manager", "bob"]


def test_a_notify_row_keeps_only_recipients_and_known_channels() -> None:
    row = {**blank_row("notify"), "to": ["ana@example.com", "assignee"], "channels": ["sms", "email", "email"]}
    assert row_to_action(row) == {"notify": {"to": ["user:ana@example.com", "assignee"], "channels": ["email"]}}


@pytest.mark.parametrize(("ftype", "raw", "stored"), [
    ("number", 3.0, 3), ("number", 2.5, 2.5), ("money", "12.50", 12.5), ("money", "lots", None),
    ("number", None, None), ("boolean", False, False), ("boolean", "yes", None),
    ("multiselect", ("a",), ["a"]), ("text", "  hello ", "hello"), ("text", "  ", None), ("select", "hvac", "hvac"),
])
def test_field_values_keep_their_type(ftype: str, raw: Any, stored: Any) -> None:
    assert field_value(ftype, raw) == stored
