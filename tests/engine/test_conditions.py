"""The condition language: every operator on every field type, reasons, the static check, properties."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.conditions import MSGIDS, Actor, Facts, FieldSpec, Reason, Result, check_condition, evaluate

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def _f(key: str, type_: str, en: str | None, options: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec(key=key, type=type_, label={"en": en, "fr": en + " (fr)"} if en else {}, options=options)


FIELDS = {f.key: f for f in (
    _f("qty", "number", "Quantity"),
    _f("cost", "money", "Cost estimate"),
    _f("budget", "money", "Budget"),
    _f("due", "date", "Due date"),
    _f("end_date", "date", "End date"),
    _f("starts", "datetime", "Start"),
    _f("title", "text", "Title"),
    _f("notes", "longtext", "Notes"),
    _f("urgent", "boolean", "Emergency"),
    _f("priority", "select", "Priority", ("low", "normal", "high", "urgent")),
    _f("category", "select", "Category", ("hvac", "plumbing", "other")),
    _f("kind", "select", None, ("a", "b")),
    _f("tags", "multiselect", "Tags", ("a", "b", "c")),
    _f("assignee", "user", "Assignee"),
    _f("reviewer", "user", "Reviewer"),
    _f("vendor", "vendor", "Vendor"),
    _f("asset", "asset", "Asset"),
    _f("building", "building", "Building"),
)}
ROLES = frozenset({"director", "manager"})
NOBODY = Actor(user_id="u1", roles=frozenset())


def run(condition: Any, values: dict[str, Any] | None = None, *, actor: Actor = NOBODY, tz: str = "UTC",
        now: datetime = NOW, **facts: Any) -> Result:
    return evaluate(condition, fields=FIELDS, facts=Facts(fields=values or {}, timezone=tz, **facts),
                    actor=actor, now=now)


def texts(result: Result, locale: str = "en") -> list[str]:
    return [reason.text(locale) for reason in result.reasons]


# (leaf, field values, holds, text): when the leaf holds, `text` is the reason its negation gives;
# when it does not, the reason it gives itself (and its negation then holds).
LEAVES: list[tuple[dict[str, Any], dict[str, Any], bool, str]] = [
    # number
    ({"field": "qty", "op": "eq", "value": 3}, {"qty": 3}, True, "Quantity must not be 3"),
    ({"field": "qty", "op": "eq", "value": 3}, {"qty": 4}, False, "Quantity must be 3"),
    ({"field": "qty", "op": "ne", "value": 3}, {"qty": "4"}, True, "Quantity must be 3"),
    ({"field": "qty", "op": "ne", "value": 3}, {"qty": 3.0}, False, "Quantity must not be 3"),
    ({"field": "qty", "op": "gt", "value": 10}, {"qty": 11}, True, "Quantity must be at most 10"),
    ({"field": "qty", "op": "gt", "value": 10}, {"qty": 10}, False, "Quantity must be greater than 10"),
    ({"field": "qty", "op": "gte", "value": 10}, {"qty": Decimal(10)}, True, "Quantity must be less than 10"),
    ({"field": "qty", "op": "gte", "value": 10}, {"qty": 9}, False, "Quantity must be at least 10"),
    ({"field": "qty", "op": "lt", "value": 5000}, {"qty": 4999.99}, True, "Quantity must be at least 5,000"),
    ({"field": "qty", "op": "lt", "value": 5000}, {"qty": 5000}, False, "Quantity must be less than 5,000"),
    ({"field": "qty", "op": "lte", "value": "5000"}, {"qty": 5000}, True, "Quantity must be greater than 5,000"),
    ({"field": "qty", "op": "lte", "value": "5000"}, {"qty": "5000.5"}, False, "Quantity must be at most 5,000"),
    ({"field": "qty", "op": "in", "value": [1, 2, 3]}, {"qty": 2}, True, "Quantity must not be any of: 1, 2, 3"),
    ({"field": "qty", "op": "in", "value": [1, 2, 3]}, {"qty": 4}, False, "Quantity must be one of: 1, 2, 3"),
    ({"field": "qty", "op": "not_in", "value": [1, 2]}, {"qty": 3}, True, "Quantity must be one of: 1, 2"),
    ({"field": "qty", "op": "not_in", "value": [1, 2]}, {"qty": 1.0}, False, "Quantity must not be any of: 1, 2"),
    ({"field": "qty", "op": "empty"}, {}, True, "Quantity must be set"),
    ({"field": "qty", "op": "empty"}, {"qty": 0}, False, "Quantity must be empty"),
    ({"field": "qty", "op": "not_empty"}, {"qty": 0}, True, "Quantity must be empty"),
    ({"field": "qty", "op": "not_empty"}, {"qty": None}, False, "Quantity must be set"),
    ({"field": "qty", "op": "gt", "value": 1}, {}, False, "Quantity must be set"),
    # money
    ({"field": "cost", "op": "lt", "value": 5000}, {"cost": {"amount": 4000, "currency": "EUR"}}, True,
     "Cost estimate must be at least 5,000"),
    ({"field": "cost", "op": "lt", "value": 5000}, {"cost": 7000}, False, "Cost estimate must be less than 5,000"),
    ({"field": "cost", "op": "eq", "value": {"amount": 5000, "currency": "eur"}},
     {"cost": {"amount": "5000.00", "currency": "EUR"}}, True, "Cost estimate must not be 5,000 EUR"),
    ({"field": "cost", "op": "ne", "value": 12.5}, {"cost": 12.25}, True, "Cost estimate must be 12.5"),
    ({"field": "cost", "op": "ne", "value": 12.5}, {"cost": 12.50}, False, "Cost estimate must not be 12.5"),
    ({"field": "cost", "op": "gt", "value": 1000}, {"cost": 1000.01}, True, "Cost estimate must be at most 1,000"),
    ({"field": "cost", "op": "gt", "value": 1000}, {"cost": 1000}, False, "Cost estimate must be greater than 1,000"),
    ({"field": "cost", "op": "gte", "value": 1000.5}, {"cost": Decimal("1000.50")}, True,
     "Cost estimate must be less than 1,000.5"),
    ({"field": "cost", "op": "gte", "value": 1000.5}, {"cost": 1000}, False, "Cost estimate must be at least 1,000.5"),
    ({"field": "cost", "op": "lte", "value": 1234567}, {"cost": 1}, True,
     "Cost estimate must be greater than 1,234,567"),
    ({"field": "cost", "op": "lte", "value": 0}, {"cost": 1}, False, "Cost estimate must be at most 0"),
    ({"field": "cost", "op": "in", "value": [100, 200]}, {"cost": {"amount": 200}}, True,
     "Cost estimate must not be any of: 100, 200"),
    ({"field": "cost", "op": "in", "value": [100, 200]}, {"cost": 300}, False,
     "Cost estimate must be one of: 100, 200"),
    ({"field": "cost", "op": "not_in", "value": [100]}, {"cost": 300}, True, "Cost estimate must be one of: 100"),
    ({"field": "cost", "op": "not_in", "value": [100]}, {"cost": 100}, False, "Cost estimate must not be any of: 100"),
    ({"field": "cost", "op": "empty"}, {"cost": {"amount": None, "currency": "EUR"}}, True,
     "Cost estimate must be set"),
    ({"field": "cost", "op": "empty"}, {"cost": 1}, False, "Cost estimate must be empty"),
    ({"field": "cost", "op": "not_empty"}, {"cost": 0}, True, "Cost estimate must be empty"),
    ({"field": "cost", "op": "not_empty"}, {"cost": {"amount": "", "currency": "EUR"}}, False,
     "Cost estimate must be set"),
    ({"field": "cost", "op": "lte", "value": {"field": "budget"}}, {"cost": 100, "budget": 200}, True,
     "Cost estimate must be greater than Budget"),
    ({"field": "cost", "op": "lte", "value": {"field": "budget"}}, {"cost": 300, "budget": 200}, False,
     "Cost estimate must be at most Budget"),
    ({"field": "cost", "op": "lte", "value": {"field": "budget"}}, {"cost": 300}, False, "Budget must be set"),
    # date (UTC: today is 2026-05-10)
    ({"field": "due", "op": "eq", "value": "2026-05-10"}, {"due": date(2026, 5, 10)}, True,
     "Due date must not be 2026-05-10"),
    ({"field": "due", "op": "eq", "value": "2026-05-10"}, {"due": "2026-05-11"}, False,
     "Due date must be 2026-05-10"),
    ({"field": "due", "op": "ne", "value": "today"}, {"due": "2026-05-11"}, True, "Due date must be 2026-05-10"),
    ({"field": "due", "op": "ne", "value": "today"}, {"due": datetime(2026, 5, 10, 23, 59)}, False,
     "Due date must not be 2026-05-10"),
    ({"field": "due", "op": "before", "value": "2026-12-01"}, {"due": "2026-11-30"}, True,
     "Due date must be on or after 2026-12-01"),
    ({"field": "due", "op": "before", "value": "2026-12-01"}, {"due": "2026-12-01"}, False,
     "Due date must be before 2026-12-01"),
    ({"field": "due", "op": "after", "value": "-3d"}, {"due": "2026-05-08"}, True,
     "Due date must be on or before 2026-05-07"),
    ({"field": "due", "op": "after", "value": "-3d"}, {"due": "2026-05-07"}, False,
     "Due date must be after 2026-05-07"),
    ({"field": "due", "op": "lt", "value": "+1w"}, {"due": "2026-05-16"}, True,
     "Due date must be on or after 2026-05-17"),
    ({"field": "due", "op": "lt", "value": "+1w"}, {"due": "2026-05-17"}, False, "Due date must be before 2026-05-17"),
    ({"field": "due", "op": "lte", "value": "tomorrow"}, {"due": "2026-05-11"}, True,
     "Due date must be after 2026-05-11"),
    ({"field": "due", "op": "lte", "value": "tomorrow"}, {"due": "2026-05-12"}, False,
     "Due date must be on or before 2026-05-11"),
    ({"field": "due", "op": "gt", "value": "yesterday"}, {"due": "2026-05-10"}, True,
     "Due date must be on or before 2026-05-09"),
    ({"field": "due", "op": "gt", "value": "yesterday"}, {"due": "2026-05-09"}, False,
     "Due date must be after 2026-05-09"),
    ({"field": "due", "op": "gte", "value": "now"}, {"due": "2026-05-10"}, True, "Due date must be before 2026-05-10"),
    ({"field": "due", "op": "gte", "value": "+36h"}, {"due": "2026-05-10"}, False,
     "Due date must be on or after 2026-05-12"),
    ({"field": "due", "op": "within", "value": "3d"}, {"due": "2026-05-07"}, True,
     "Due date must not be within 3 days of now"),
    ({"field": "due", "op": "within", "value": "3d"}, {"due": "2026-05-14"}, False,
     "Due date must be within 3 days of now"),
    ({"field": "due", "op": "within", "value": "-1w"}, {"due": "2026-05-03"}, True,
     "Due date must not be within the last 1 week"),
    ({"field": "due", "op": "within", "value": "-1w"}, {"due": "2026-05-11"}, False,
     "Due date must be within the last 1 week"),
    ({"field": "due", "op": "within", "value": "+P2D"}, {"due": "2026-05-12"}, True,
     "Due date must not be within the next 2 days"),
    ({"field": "due", "op": "within", "value": "+2d"}, {"due": "2026-05-09"}, False,
     "Due date must be within the next 2 days"),
    ({"field": "due", "op": "before", "value": {"field": "end_date"}}, {"due": "2026-05-01", "end_date": "2026-06-01"},
     True, "Due date must be on or after End date"),
    ({"field": "due", "op": "empty"}, {"due": ""}, True, "Due date must be set"),
    ({"field": "due", "op": "not_empty"}, {}, False, "Due date must be set"),
    # datetime (UTC: now is 2026-05-10 12:00)
    ({"field": "starts", "op": "before", "value": "now"}, {"starts": "2026-05-10T11:59:00Z"}, True,
     "Start must be on or after 2026-05-10 12:00"),
    ({"field": "starts", "op": "before", "value": "now"}, {"starts": "2026-05-10T12:00:00+00:00"}, False,
     "Start must be before 2026-05-10 12:00"),
    ({"field": "starts", "op": "after", "value": "-4h"}, {"starts": datetime(2026, 5, 10, 9, tzinfo=UTC)}, True,
     "Start must be on or before 2026-05-10 08:00"),
    ({"field": "starts", "op": "after", "value": "-4h"}, {"starts": "2026-05-10T07:59:00Z"}, False,
     "Start must be after 2026-05-10 08:00"),
    ({"field": "starts", "op": "eq", "value": "2026-05-10"}, {"starts": datetime(2026, 5, 10, 8)}, True,
     "Start must not be 2026-05-10"),
    ({"field": "starts", "op": "ne", "value": "today"}, {"starts": "2026-05-10T23:00:00Z"}, False,
     "Start must not be 2026-05-10"),
    ({"field": "starts", "op": "gte", "value": "+30m"}, {"starts": "2026-05-10T12:30:00Z"}, True,
     "Start must be before 2026-05-10 12:30"),
    ({"field": "starts", "op": "lte", "value": "2026-05-09T00:00:00+02:00"}, {"starts": "2026-05-09T00:00:00Z"},
     False, "Start must be on or before 2026-05-08 22:00"),
    ({"field": "starts", "op": "lt", "value": "2026-05-11"}, {"starts": "2026-05-10T23:59:00Z"}, True,
     "Start must be on or after 2026-05-11"),
    ({"field": "starts", "op": "gt", "value": "+1d"}, {"starts": "2026-05-11T12:00:00Z"}, False,
     "Start must be after 2026-05-11 12:00"),
    ({"field": "starts", "op": "within", "value": "30m"}, {"starts": "2026-05-10T11:30:00Z"}, True,
     "Start must not be within 30 minutes of now"),
    ({"field": "starts", "op": "within", "value": "PT30M"}, {"starts": "2026-05-10T12:31:00Z"}, False,
     "Start must be within 30 minutes of now"),
    ({"field": "starts", "op": "after", "value": {"field": "due"}},
     {"starts": "2026-05-11T00:00:00Z", "due": "2026-05-10"}, True, "Start must be on or before Due date"),
    ({"field": "starts", "op": "empty"}, {}, True, "Start must be set"),
    ({"field": "starts", "op": "not_empty"}, {"starts": "2026-05-10T00:00:00"}, True, "Start must be empty"),
    # text
    ({"field": "title", "op": "eq", "value": "Leak"}, {"title": "Leak"}, True, "Title must not be Leak"),
    ({"field": "title", "op": "eq", "value": "Leak"}, {"title": "leak"}, False, "Title must be Leak"),
    ({"field": "title", "op": "ne", "value": "Leak"}, {"title": "leak"}, True, "Title must be Leak"),
    ({"field": "title", "op": "ne", "value": "Leak"}, {"title": "Leak"}, False, "Title must not be Leak"),
    ({"field": "title", "op": "contains", "value": "LEAK"}, {"title": "Water leak in hall"}, True,
     "Title must not contain LEAK"),
    ({"field": "title", "op": "contains", "value": "LEAK"}, {"title": "Broken door"}, False, "Title must contain LEAK"),
    ({"field": "title", "op": "in", "value": ["a", "b"]}, {"title": "b"}, True, "Title must not be any of: a, b"),
    ({"field": "title", "op": "in", "value": ["a", "b"]}, {"title": "B"}, False, "Title must be one of: a, b"),
    ({"field": "title", "op": "not_in", "value": ["a"]}, {"title": "b"}, True, "Title must be one of: a"),
    ({"field": "title", "op": "not_in", "value": ["a"]}, {"title": "a"}, False, "Title must not be any of: a"),
    ({"field": "title", "op": "empty"}, {"title": "   "}, True, "Title must be set"),
    ({"field": "title", "op": "not_empty"}, {"title": ""}, False, "Title must be set"),
    ({"field": "notes", "op": "contains", "value": "asbestos"}, {"notes": "Line 1\nASBESTOS found"}, True,
     "Notes must not contain asbestos"),
    ({"field": "notes", "op": "eq", "value": {"field": "title"}}, {"notes": "x", "title": "y"}, False,
     "Notes must be Title"),
    # boolean
    ({"field": "urgent", "op": "eq", "value": True}, {"urgent": True}, True, "Emergency must not be checked"),
    ({"field": "urgent", "op": "eq", "value": True}, {"urgent": False}, False, "Emergency must be checked"),
    ({"field": "urgent", "op": "eq", "value": False}, {"urgent": False}, True, "Emergency must be checked"),
    ({"field": "urgent", "op": "eq", "value": False}, {"urgent": True}, False, "Emergency must not be checked"),
    ({"field": "urgent", "op": "ne", "value": True}, {"urgent": "false"}, True, "Emergency must be checked"),
    ({"field": "urgent", "op": "ne", "value": False}, {"urgent": False}, False, "Emergency must be checked"),
    ({"field": "urgent", "op": "empty"}, {"urgent": False}, False, "Emergency must be empty"),
    ({"field": "urgent", "op": "not_empty"}, {"urgent": False}, True, "Emergency must be empty"),
    # select
    ({"field": "priority", "op": "eq", "value": "high"}, {"priority": "high"}, True, "Priority must not be high"),
    ({"field": "category", "op": "ne", "value": "other"}, {"category": "other"}, False,
     "Category must not be other"),
    ({"field": "priority", "op": "in", "value": ["high", "urgent"]}, {"priority": "urgent"}, True,
     "Priority must not be any of: high, urgent"),
    ({"field": "priority", "op": "in", "value": ["high", "urgent"]}, {"priority": "low"}, False,
     "Priority must be one of: high, urgent"),
    ({"field": "priority", "op": "not_in", "value": ["low"]}, {"priority": "low"}, False,
     "Priority must not be any of: low"),
    ({"field": "priority", "op": "not_in", "value": ["low"]}, {}, False, "Priority must be set"),
    ({"field": "kind", "op": "eq", "value": "a"}, {"kind": "b"}, False, "kind must be a"),
    ({"field": "kind", "op": "empty"}, {"kind": None}, True, "kind must be set"),
    ({"field": "kind", "op": "not_empty"}, {"kind": "a"}, True, "kind must be empty"),
    # multiselect
    ({"field": "tags", "op": "contains", "value": "a"}, {"tags": ["a", "b"]}, True, "Tags must not include a"),
    ({"field": "tags", "op": "contains", "value": "a"}, {"tags": ["b"]}, False, "Tags must include a"),
    ({"field": "tags", "op": "in", "value": ["a", "c"]}, {"tags": ("c",)}, True, "Tags must include none of: a, c"),
    ({"field": "tags", "op": "in", "value": ["a", "c"]}, {"tags": ["b"]}, False, "Tags must include one of: a, c"),
    ({"field": "tags", "op": "not_in", "value": ["a"]}, {"tags": ["b"]}, True, "Tags must include one of: a"),
    ({"field": "tags", "op": "not_in", "value": ["a"]}, {"tags": ["a", "b"]}, False, "Tags must include none of: a"),
    ({"field": "tags", "op": "eq", "value": ["a", "b"]}, {"tags": ["b", "a"]}, True, "Tags must not be exactly: a, b"),
    ({"field": "tags", "op": "eq", "value": ["a", "b"]}, {"tags": ["a"]}, False, "Tags must be exactly: a, b"),
    ({"field": "tags", "op": "ne", "value": ["a"]}, {"tags": ["a"]}, False, "Tags must not be exactly: a"),
    ({"field": "tags", "op": "empty"}, {"tags": []}, True, "Tags must be set"),
    ({"field": "tags", "op": "not_empty"}, {"tags": []}, False, "Tags must be set"),
    ({"field": "tags", "op": "contains", "value": {"field": "kind"}}, {"tags": ["a"], "kind": "a"}, True,
     "Tags must not include kind"),
    # user, vendor, asset, building
    ({"field": "assignee", "op": "eq", "value": "u1"}, {"assignee": "u1"}, True, "Assignee must not be u1"),
    ({"field": "assignee", "op": "eq", "value": "u1"}, {"assignee": "u2"}, False, "Assignee must be u1"),
    ({"field": "assignee", "op": "ne", "value": {"field": "reviewer"}}, {"assignee": "u1", "reviewer": "u1"}, False,
     "Assignee must not be Reviewer"),
    ({"field": "vendor", "op": "in", "value": ["v1", "v2"]}, {"vendor": "v2"}, True,
     "Vendor must not be any of: v1, v2"),
    ({"field": "vendor", "op": "not_in", "value": ["v1"]}, {"vendor": "v1"}, False, "Vendor must not be any of: v1"),
    ({"field": "asset", "op": "eq", "value": "00000000-0000-0000-0000-000000000001"}, {"asset": uuid.UUID(int=1)},
     True, "Asset must not be 00000000-0000-0000-0000-000000000001"),
    ({"field": "asset", "op": "empty"}, {"asset": "x"}, False, "Asset must be empty"),
    ({"field": "building", "op": "not_empty"}, {"building": "b1"}, True, "Building must be empty"),
    ({"field": "building", "op": "ne", "value": "b1"}, {}, False, "Building must be set"),
    # the remaining true / false cases of the types above
    ({"field": "cost", "op": "eq", "value": 5000}, {"cost": {"amount": 5001, "currency": "EUR"}}, False,
     "Cost estimate must be 5,000"),
    ({"field": "due", "op": "empty"}, {"due": "2026-01-01"}, False, "Due date must be empty"),
    ({"field": "due", "op": "not_empty"}, {"due": date(2026, 1, 1)}, True, "Due date must be empty"),
    ({"field": "starts", "op": "eq", "value": "2026-05-10T12:00:00+02:00"}, {"starts": "2026-05-10T12:00:00Z"}, False,
     "Start must be 2026-05-10 10:00"),
    ({"field": "starts", "op": "ne", "value": "2026-05-10T12:00:00+02:00"}, {"starts": "2026-05-10T12:00:00Z"}, True,
     "Start must be 2026-05-10 10:00"),
    ({"field": "starts", "op": "lt", "value": "-1w"}, {"starts": "2026-05-03T12:00:00Z"}, False,
     "Start must be before 2026-05-03 12:00"),
    ({"field": "starts", "op": "lte", "value": "-1w"}, {"starts": "2026-05-03T12:00:00Z"}, True,
     "Start must be after 2026-05-03 12:00"),
    ({"field": "starts", "op": "gt", "value": "2026-05-09"}, {"starts": "2026-05-10T00:00:00Z"}, True,
     "Start must be on or before 2026-05-09"),
    ({"field": "starts", "op": "gte", "value": "now"}, {"starts": "2026-05-10T11:59:59Z"}, False,
     "Start must be on or after 2026-05-10 12:00"),
    ({"field": "starts", "op": "empty"}, {"starts": "2026-05-10T11:59:59Z"}, False, "Start must be empty"),
    ({"field": "starts", "op": "not_empty"}, {"starts": " "}, False, "Start must be set"),
    ({"field": "title", "op": "empty"}, {"title": "x"}, False, "Title must be empty"),
    ({"field": "title", "op": "not_empty"}, {"title": "x"}, True, "Title must be empty"),
    ({"field": "urgent", "op": "empty"}, {}, True, "Emergency must be set"),
    ({"field": "urgent", "op": "not_empty"}, {"urgent": None}, False, "Emergency must be set"),
    ({"field": "tags", "op": "ne", "value": ["a"]}, {"tags": ["a", "b"]}, True, "Tags must be exactly: a"),
    ({"field": "tags", "op": "empty"}, {"tags": ["a"]}, False, "Tags must be empty"),
    ({"field": "tags", "op": "not_empty"}, {"tags": ["a"]}, True, "Tags must be empty"),
]


def _same_shape(key: str, a: str, b: str, c: str) -> list[tuple[dict[str, Any], dict[str, Any], bool, str]]:
    """eq ne in not_in empty not_empty, true and false, for a type whose values are plain strings."""
    name = FIELDS[key].label["en"]
    return [
        ({"field": key, "op": "eq", "value": a}, {key: a}, True, f"{name} must not be {a}"),
        ({"field": key, "op": "eq", "value": a}, {key: b}, False, f"{name} must be {a}"),
        ({"field": key, "op": "ne", "value": a}, {key: b}, True, f"{name} must be {a}"),
        ({"field": key, "op": "ne", "value": a}, {key: a}, False, f"{name} must not be {a}"),
        ({"field": key, "op": "in", "value": [a, c]}, {key: a}, True, f"{name} must not be any of: {a}, {c}"),
        ({"field": key, "op": "in", "value": [a, c]}, {key: b}, False, f"{name} must be one of: {a}, {c}"),
        ({"field": key, "op": "not_in", "value": [a]}, {key: b}, True, f"{name} must be one of: {a}"),
        ({"field": key, "op": "not_in", "value": [a]}, {key: a}, False, f"{name} must not be any of: {a}"),
        ({"field": key, "op": "empty"}, {}, True, f"{name} must be set"),
        ({"field": key, "op": "empty"}, {key: a}, False, f"{name} must be empty"),
        ({"field": key, "op": "not_empty"}, {key: a}, True, f"{name} must be empty"),
        ({"field": key, "op": "not_empty"}, {key: " "}, False, f"{name} must be set"),
    ]


LEAVES += [row for args in (("notes", "x1", "x2", "x3"), ("priority", "high", "low", "urgent"),
                            ("assignee", "u1", "u2", "u3"), ("vendor", "v1", "v2", "v3"),
                            ("asset", "a1", "a2", "a3"), ("building", "b1", "b2", "b3"))
           for row in _same_shape(*args)]
LEAVES.append(({"field": "notes", "op": "contains", "value": "X"}, {"notes": "y"}, False, "Notes must contain X"))


@pytest.mark.parametrize(("leaf", "values", "holds", "text"), LEAVES,
                         ids=[f"{row[0]['field']}-{row[0]['op']}-{row[2]}-{i}" for i, row in enumerate(LEAVES)])
def test_every_operator_and_type(leaf: dict[str, Any], values: dict[str, Any], holds: bool, text: str) -> None:
    assert check_condition(leaf, fields=FIELDS) == []
    result, negated = run(leaf, values), run({"not": leaf}, values)
    assert result.ok is holds
    assert negated.ok is not holds
    assert texts(negated if holds else result) == [text]
    assert (result if holds else negated).reasons == ()


def test_every_type_has_each_of_its_operators_tested() -> None:
    from engine.values import OPS_BY_TYPE
    covered = {(FIELDS[leaf["field"]].type, leaf["op"], holds) for leaf, _, holds, _ in LEAVES}
    missing = [(t, op, h) for t, ops in OPS_BY_TYPE.items() for op in ops for h in (True, False)
               if (t, op, h) not in covered]
    assert missing == []


def test_reason_carries_msgid_and_typed_params() -> None:
    [reason] = run({"field": "cost", "op": "lt", "value": 5000}, {"cost": 7000}).reasons
    assert reason.msgid == "{field} must be less than {value}"
    assert reason.msgid in MSGIDS
    assert reason.params == {"field": {"en": "Cost estimate", "fr": "Cost estimate (fr)"}, "value": 5000}
    assert reason.text("fr") == "Cost estimate (fr) must be less than 5,000"
    assert reason.text("de") == "Cost estimate must be less than 5,000"


def test_reason_text_renders_every_parameter_kind() -> None:
    assert Reason(msgid="{a} {b} {c} {d} {e}", params={
        "a": Decimal("1234567.50"), "b": datetime(2026, 1, 2, 3, 4), "c": timedelta(days=1, hours=4),
        "d": ("x", "y"), "e": True}).text() == "1,234,567.50 2026-01-02 03:04 1 day 4 hours x, y yes"
    assert Reason(msgid="{missing} {x}", params={"x": {"fr": "Seulement"}}).text() == "{missing} Seulement"


def test_money_in_different_currencies_cannot_be_compared_even_negated() -> None:
    leaf = {"field": "cost", "op": "lt", "value": {"amount": 5000, "currency": "EUR"}}
    values = {"cost": {"amount": 100, "currency": "USD"}}
    for condition in (leaf, {"not": leaf}, {"not": {"not": leaf}}):
        assert texts(run(condition, values)) == ["Cost estimate is in a different currency than 5,000 EUR"]
    ref = {"field": "cost", "op": "eq", "value": {"field": "budget"}}
    assert texts(run(ref, {"cost": {"amount": 1, "currency": "USD"}, "budget": {"amount": 1, "currency": "EUR"}})) == [
        "Cost estimate is in a different currency than Budget"]
    assert run(ref, {"cost": {"amount": 1, "currency": "USD"}, "budget": 1}).ok


def test_invalid_fact_is_neither_true_nor_false() -> None:
    leaf = {"field": "qty", "op": "gt", "value": 1}
    for condition in (leaf, {"not": leaf}, {"any": [leaf, {"not": leaf}]}):
        assert texts(run(condition, {"qty": "a lot"})) == ["Quantity has an invalid value"]
    assert texts(run({"field": "due", "op": "before", "value": "today"}, {"due": "soon"})) == [
        "Due date has an invalid value"]
    assert not run({"not": {"all": [leaf, {"field": "qty", "op": "lt", "value": 0}]}}, {"qty": "x"}).ok


def test_missing_value_makes_the_negation_hold() -> None:
    assert run({"not": {"field": "category", "op": "eq", "value": "other"}}).ok
    assert texts(run({"field": "category", "op": "ne", "value": "other"})) == ["Category must be set"]


@pytest.mark.parametrize(("condition", "text"), [
    ({"field": "cost", "op": "contains", "value": 1}, "Cannot compare Cost estimate using contains"),
    ({"field": "nope", "op": "eq", "value": 1}, "Cannot compare nope using eq"),
    ({"field": "qty", "op": "gt", "value": "many"}, "Cannot compare Quantity using gt"),
    ({"field": "due", "op": "within", "value": "soon"}, "Cannot compare Due date using within"),
    ({"all": 3}, "This condition is not valid"),
    ({"whatever": 1}, "This condition is not valid"),
    ({"actor": "is_boss"}, "This condition is not valid"),
    ({"any": []}, "This condition is not valid"),
    ({"all": [["x"]]}, "This condition is not valid"),
])
def test_conditions_the_check_refuses_do_not_hold_and_do_not_raise(condition: dict[str, Any], text: str) -> None:
    assert check_condition(condition, fields=FIELDS) != []
    assert texts(run(condition, {"qty": 1, "cost": 1, "due": "2026-01-01"})) == [text]
    assert not run({"not": condition}, {"qty": 1, "cost": 1, "due": "2026-01-01"}).ok


def test_empty_condition_holds() -> None:
    assert run(None) == Result(ok=True)
    assert run({}) == Result(ok=True)
    assert run({"all": []}).ok


def test_all_gives_every_failing_reason() -> None:
    condition = {"all": [{"field": "qty", "op": "gt", "value": 1}, {"field": "title", "op": "not_empty"},
                         {"field": "priority", "op": "eq", "value": "high"}]}
    assert texts(run(condition, {"qty": 0, "priority": "high"})) == ["Quantity must be greater than 1",
                                                                      "Title must be set"]


def test_any_gives_one_reason_naming_the_alternatives() -> None:
    condition = {"any": [{"field": "cost", "op": "lt", "value": 5000}, {"actor": "has_role", "value": "director"}]}
    assert texts(run(condition, {"cost": 7000})) == [
        "One of these must hold: Cost estimate must be less than 5,000; You need the role director"]
    assert run(condition, {"cost": 7000}, actor=Actor(user_id="u", roles=frozenset({"director"}))).ok
    assert run(condition, {"cost": 10}).ok
    nested = {"any": [{"all": [{"field": "qty", "op": "gt", "value": 1}, {"field": "title", "op": "not_empty"}]},
                      {"field": "urgent", "op": "eq", "value": True}]}
    assert texts(run(nested, {"qty": 0})) == [
        "One of these must hold: (All of these must hold: Quantity must be greater than 1; Title must be set); "
        "Emergency must be set"]
    assert texts(run({"any": [{"field": "qty", "op": "gt", "value": 1}]}, {"qty": 0})) == [
        "Quantity must be greater than 1"]


def test_not_of_combinations_negates_the_wording() -> None:
    a, b = {"field": "qty", "op": "lt", "value": 10}, {"field": "priority", "op": "in", "value": ["high", "urgent"]}
    values = {"qty": 5, "priority": "high"}
    assert texts(run({"not": {"all": [a, b]}}, values)) == [
        "One of these must hold: Quantity must be at least 10; Priority must not be any of: high, urgent"]
    assert texts(run({"not": {"any": [a, b]}}, values)) == [
        "Quantity must be at least 10", "Priority must not be any of: high, urgent"]
    assert run({"not": {"all": [a, b]}}, {"qty": 50, "priority": "high"}).ok
    assert run({"not": {"not": a}}, values).ok


ACTORS = [
    ({"actor": "has_role", "value": "director"}, Actor(user_id="u1", roles=frozenset({"director"})), {}, True,
     "You must not have the role director"),
    ({"actor": "has_role", "value": "director"}, NOBODY, {}, False, "You need the role director"),
    ({"actor": "is_creator"}, NOBODY, {"creator_id": "u1"}, True, "The creator of this record may not do this"),
    ({"actor": "is_creator", "value": True}, NOBODY, {"creator_id": "u2"}, False,
     "Only the creator of this record may do this"),
    ({"actor": "is_creator", "value": False}, NOBODY, {"creator_id": "u2"}, True,
     "Only the creator of this record may do this"),
    ({"actor": "is_creator", "value": False}, NOBODY, {"creator_id": "u1"}, False,
     "The creator of this record may not do this"),
    ({"actor": "is_creator"}, Actor(user_id=None, roles=frozenset()), {}, False,
     "Only the creator of this record may do this"),
    ({"actor": "is_assignee"}, NOBODY, {"assignee_id": "u1"}, True, "The assignee of this record may not do this"),
    ({"actor": "is_assignee"}, NOBODY, {"assignee_id": None}, False, "Only the assignee of this record may do this"),
    ({"actor": "is_assignee", "value": False}, NOBODY, {"assignee_id": "u1"}, False,
     "The assignee of this record may not do this"),
    ({"actor": "is_vendor"}, Actor(user_id="u9", roles=frozenset(), vendor_id="v1"), {}, True,
     "Vendors may not do this"),
    ({"actor": "is_vendor", "value": True}, NOBODY, {}, False, "Only a vendor may do this"),
    ({"actor": "is_vendor", "value": False}, NOBODY, {}, True, "Only a vendor may do this"),
    ({"actor": "is_vendor", "value": False}, Actor(user_id="u9", roles=frozenset(), vendor_id="v1"), {}, False,
     "Vendors may not do this"),
    ({"actor": "is_vendor", "value": "v1"}, Actor(user_id="u9", roles=frozenset(), vendor_id="v1"), {}, True,
     "The vendor v1 may not do this"),
    ({"actor": "is_vendor", "value": "v1"}, Actor(user_id="u9", roles=frozenset(), vendor_id="v2"), {}, False,
     "Only the vendor v1 may do this"),
    ({"actor": "is_vendor", "value": "assigned"}, Actor(user_id="u9", roles=frozenset(), vendor_id="v1"),
     {"vendor_id": "v1"}, True, "The vendor assigned to this record may not do this"),
    ({"actor": "is_vendor", "value": "assigned"}, Actor(user_id="u9", roles=frozenset(), vendor_id="v1"),
     {"vendor_id": "v2"}, False, "Only the vendor assigned to this record may do this"),
]


@pytest.mark.parametrize(("leaf", "actor", "facts", "holds", "text"), ACTORS)
def test_actor_leaves(leaf: dict[str, Any], actor: Actor, facts: dict[str, Any], holds: bool, text: str) -> None:
    assert check_condition(leaf, fields=FIELDS, roles=ROLES) == []
    result, negated = run(leaf, actor=actor, **facts), run({"not": leaf}, actor=actor, **facts)
    assert (result.ok, negated.ok) == (holds, not holds)
    assert texts(negated if holds else result) == [text]


def test_dates_are_local_to_the_record_timezone() -> None:
    late = datetime(2026, 5, 10, 23, 0, tzinfo=UTC)  # 01:00 on the 11th in Paris
    assert run({"field": "due", "op": "eq", "value": "today"}, {"due": "2026-05-11"}, tz="Europe/Paris", now=late).ok
    assert not run({"field": "due", "op": "eq", "value": "today"}, {"due": "2026-05-11"}, now=late).ok
    assert run({"field": "due", "op": "eq", "value": "2026-05-11"}, {"due": late}, tz="Europe/Paris").ok
    assert texts(run({"field": "starts", "op": "before", "value": "now"}, {"starts": "2026-05-10T13:00:00Z"},
                     tz="Europe/Paris")) == ["Start must be before 2026-05-10 14:00"]
    assert run({"field": "due", "op": "eq", "value": "today"}, {"due": "2026-05-10"}, tz="Not/AZone").ok


def test_datetimes_compare_as_instants_across_a_dst_change() -> None:
    # Paris falls back at 01:00 UTC on 2026-10-25: 02:45 CEST (00:45Z) comes before 02:00 CET (01:00Z).
    now = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert not run({"field": "starts", "op": "after", "value": "-30m"}, {"starts": "2026-10-25T00:45:00Z"},
                   tz="Europe/Paris", now=now).ok
    assert run({"field": "starts", "op": "within", "value": "1h"}, {"starts": "2026-10-25T00:45:00Z"},
               tz="Europe/Paris", now=now).ok


CHECKS: list[tuple[Any, str, str, str]] = [
    ({"field": "cost", "op": "contains", "value": 1}, "/op", "bad_condition",
     "The field 'cost' (money) cannot be compared with 'contains'; use one of: eq, ne, gt, gte, lt, lte, in, not_in"),
    ({"field": "urgent", "op": "gt", "value": 1}, "/op", "bad_condition", "use one of: eq, ne, empty, not_empty"),
    ({"field": "tags", "op": "before", "value": "today"}, "/op", "bad_condition", "'tags' (multiselect)"),
    ({"field": "qty", "op": "like", "value": 1}, "/op", "bad_condition", "cannot be compared with 'like'"),
    ({"field": "nope", "op": "eq", "value": 1}, "/field", "unknown_field", "'nope'"),
    ({"field": 3, "op": "eq", "value": 1}, "/field", "unknown_field", "3"),
    ({"field": "qty", "op": "eq", "value": "abc"}, "/value", "bad_condition", "needs a number, not 'abc'"),
    ({"field": "qty", "op": "eq"}, "/value", "bad_condition", "needs a number, not None"),
    ({"field": "qty", "op": "eq", "value": True}, "/value", "bad_condition", "needs a number"),
    ({"field": "qty", "op": "eq", "value": {"amount": 1, "currency": "EUR"}}, "/value", "bad_condition", "number"),
    ({"field": "cost", "op": "eq", "value": {"currency": "EUR"}}, "/value", "bad_condition", "{amount, currency}"),
    ({"field": "qty", "op": "in", "value": 3}, "/value", "bad_condition", "a non-empty list, each a number"),
    ({"field": "qty", "op": "in", "value": []}, "/value", "bad_condition", "a non-empty list"),
    ({"field": "due", "op": "before", "value": "next tuesday"}, "/value", "bad_condition", "ISO"),
    ({"field": "due", "op": "within", "value": "0d"}, "/value", "bad_condition", "a duration"),
    ({"field": "due", "op": "within", "value": "3x"}, "/value", "bad_condition", "a duration"),
    ({"field": "due", "op": "after", "value": "+9999999d"}, "/value", "bad_condition", "ISO"),
    ({"field": "title", "op": "contains", "value": " "}, "/value", "bad_condition", "a text"),
    ({"field": "title", "op": "in", "value": ["a", ["b"]]}, "/value", "bad_condition", "each a text"),
    ({"field": "urgent", "op": "eq", "value": "yes"}, "/value", "bad_condition", "true or false"),
    ({"field": "priority", "op": "eq", "value": "mid"}, "/value", "bad_condition",
     "'mid' is not an option of the field 'priority'; options: low, normal, high, urgent"),
    ({"field": "tags", "op": "in", "value": ["a", "z"]}, "/value", "bad_condition", "'z' is not an option"),
    ({"field": "tags", "op": "contains", "value": ["a"]}, "/value", "bad_condition", "an option (a, b, c)"),
    ({"field": "assignee", "op": "eq", "value": ""}, "/value", "bad_condition", "an id"),
    ({"field": "qty", "op": "empty", "value": 3}, "/value", "bad_condition", "'empty' takes no value"),
    ({"field": "qty", "op": "gt", "value": {"field": "nope"}}, "/value/field", "unknown_field", "'nope'"),
    ({"field": "qty", "op": "gt", "value": {"field": "due"}}, "/value", "bad_condition",
     "cannot be compared with the field 'due' (date)"),
    ({"field": "qty", "op": "in", "value": {"field": "cost"}}, "/value", "bad_condition", "with another field"),
    ({"field": "qty", "op": "within", "value": "3d"}, "/op", "bad_condition", "'within'"),
    ({"field": "qty", "op": "eq", "value": 1, "extra": 2}, "", "bad_condition", "Unexpected extra"),
    ({"actor": "has_role", "value": "boss"}, "/value", "unknown_role", "'boss' is not declared"),
    ({"actor": "has_role"}, "/value", "bad_condition", "needs a role name"),
    ({"actor": "is_creator", "value": "yes"}, "/value", "bad_condition", "true or false"),
    ({"actor": "is_vendor", "value": 3}, "/value", "bad_condition", "a vendor id"),
    ({"actor": "is_boss"}, "/actor", "bad_condition", "has_role, is_creator, is_assignee, is_vendor"),
    ({"any": []}, "/any", "bad_condition", "non-empty list"),
    ({"all": {"field": "qty"}}, "/all", "bad_condition", "non-empty list"),
    ({"all": [{"field": "qty", "op": "empty"}, "x"]}, "/all/1", "bad_condition", "must be one of"),
    ({"not": {}}, "/not", "bad_condition", "must be one of"),
    ({"op": "eq"}, "", "bad_condition", "this one has ['op']"),
    ([{"field": "qty"}], "", "bad_condition", "must be one of"),
    ("cost < 5000", "", "bad_condition", "not 'cost < 5000'"),
]


@pytest.mark.parametrize(("condition", "where", "code", "message"), CHECKS)
def test_check_condition_reports(condition: Any, where: str, code: str, message: str) -> None:
    problems = check_condition(condition, fields=FIELDS, roles=ROLES, path="/transitions/0/condition")
    assert [(p, c) for p, c, _ in problems] == [(f"/transitions/0/condition{where}", code)]
    assert message in problems[0][2]


def test_check_condition_paths_and_roles() -> None:
    condition = {"any": [{"field": "qty", "op": "gt", "value": 1},
                         {"not": {"all": [{"actor": "has_role", "value": "boss"}, {"field": "x", "op": "empty"}]}}]}
    assert [(p, c) for p, c, _ in check_condition(condition, fields=FIELDS, roles=ROLES)] == [
        ("/any/1/not/all/0/value", "unknown_role"), ("/any/1/not/all/1/field", "unknown_field")]
    assert check_condition({"actor": "has_role", "value": "boss"}, fields=FIELDS) == []
    assert check_condition(None, fields=FIELDS) == check_condition({}, fields=FIELDS) == []


def test_check_condition_limits_nesting() -> None:
    deep: Any = {"field": "qty", "op": "empty"}
    for _ in range(150):
        deep = {"not": deep}
    problems = check_condition(deep, fields=FIELDS)
    assert [c for _, c, _ in problems] == ["bad_condition"]
    assert "nested too deeply" in problems[0][2]
    assert problems[0][0].startswith("/not/not/")
    assert not run(deep).ok
    value: Any = 1
    for _ in range(5000):
        value = [value]
    assert [c for _, c, _ in check_condition({"all": {"not": value}}, fields=FIELDS)] == ["bad_condition"]
    assert [c for _, c, _ in check_condition({"field": "qty", "op": "in", "value": value}, fields=FIELDS)] == [
        "bad_condition"]


def test_check_condition_reports_a_field_of_unknown_type() -> None:
    fields = {"x": FieldSpec(key="x", type="colour", label={})}
    assert check_condition({"field": "x", "op": "eq", "value": "red"}, fields=fields) == [
        ("/field", "bad_condition", "The field 'x' has the unknown type 'colour'.")]
    assert texts(evaluate({"field": "x", "op": "eq", "value": "red"}, fields=fields, facts=Facts(fields={"x": "red"}),
                          actor=NOBODY, now=NOW)) == ["Cannot compare x using eq"]


def test_msgids_are_unique_and_cover_every_reason() -> None:
    assert len(MSGIDS) == len(set(MSGIDS))
    for leaf, values, _, _ in LEAVES:
        for result in (run(leaf, values), run({"not": leaf}, values)):
            assert all(reason.msgid in MSGIDS for reason in result.reasons)


def test_engine_conditions_imports_nothing_but_the_standard_library() -> None:
    code = ("import sys, engine.conditions; "
            "print(sorted({m.split('.')[0] for m in sys.modules}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for forbidden in ("nicegui", "sqlalchemy", "sqlmodel", "domain", "storage", "ui", "babel", "api", "scheduler"):
        assert f"'{forbidden}'" not in loaded


# --- properties -----------------------------------------------------------------------------------------------

JUNK = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.just([]) | st.just({})
_instant = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                        timezones=st.sampled_from([UTC, None]))
FACT_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "number": st.integers() | st.decimals(allow_nan=False, allow_infinity=False) | st.floats(allow_nan=False)
    | st.from_regex(r"-?\d{1,6}(\.\d{1,2})?", fullmatch=True),
    "money": st.integers(-10**6, 10**6) | st.fixed_dictionaries(
        {"amount": st.integers(-10**6, 10**6) | st.none(), "currency": st.sampled_from(["EUR", "USD", None])}),
    "date": st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)) | _instant | st.just("2026-05-10"),
    "datetime": _instant | st.just("2026-05-10T10:00:00+02:00"),
    "text": st.text(max_size=10), "longtext": st.text(max_size=10), "boolean": st.booleans(),
    "select": st.sampled_from(["low", "high", "a", "other"]),
    "multiselect": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
    "user": st.sampled_from(["u1", "u2"]), "vendor": st.sampled_from(["v1", "v2"]),
    "asset": st.sampled_from(["x1"]), "building": st.sampled_from(["b1"]),
}
_dates = st.sampled_from(["today", "now", "-3d", "+4h", "+30m", "-1w", "2026-05-10", "2026-05-10T12:00:00Z"])
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "number": st.integers(-10**9, 10**9) | st.floats(allow_nan=False, allow_infinity=False) | st.just("12.5"),
    "date": _dates, "text": st.text(min_size=1, max_size=5).filter(str.strip), "boolean": st.booleans(),
    "id": st.sampled_from(["u1", "v1", "x1", "b1"]),
}


@st.composite
def valid_leaf(draw: st.DrawFn) -> dict[str, Any]:
    from engine.values import KIND, OPS_BY_TYPE
    spec = draw(st.sampled_from(sorted(FIELDS.values(), key=lambda f: f.key)))
    op = draw(st.sampled_from(OPS_BY_TYPE[spec.type]))
    if op in ("empty", "not_empty"):
        return {"field": spec.key, "op": op}
    if op == "within":
        return {"field": spec.key, "op": op, "value": draw(st.sampled_from(["3d", "-4h", "+1w", "PT30M"]))}
    if draw(st.integers(0, 4)) == 0 and op in ("eq", "ne"):
        same = [f.key for f in FIELDS.values() if KIND[f.type] == KIND[spec.type]]
        return {"field": spec.key, "op": op, "value": {"field": draw(st.sampled_from(same))}}
    if spec.options:
        one = st.sampled_from(spec.options)
        many = st.lists(one, min_size=1, max_size=3)
        value = draw(one if (op == "contains" or spec.type == "select") and op not in ("in", "not_in") else many)
    else:
        one = VALUES.get(KIND[spec.type], VALUES["id"])
        value = draw(st.lists(one, min_size=1, max_size=3) if op in ("in", "not_in") else one)
    return {"field": spec.key, "op": op, "value": value}


_actor_leaf = st.sampled_from([{"actor": "has_role", "value": "director"}, {"actor": "is_creator"},
                               {"actor": "is_assignee", "value": False}, {"actor": "is_vendor"},
                               {"actor": "is_vendor", "value": "assigned"}])
conditions = st.recursive(valid_leaf() | _actor_leaf, lambda inner: (
    st.builds(lambda c: {"all": c}, st.lists(inner, max_size=3))
    | st.builds(lambda c: {"any": c}, st.lists(inner, min_size=1, max_size=3))
    | st.builds(lambda c: {"not": c}, inner)), max_leaves=6)
facts = st.builds(
    lambda values, creator, tz: Facts(fields=values, creator_id=creator, assignee_id="u2", vendor_id="v1", timezone=tz),
    st.fixed_dictionaries({}, optional={key: FACT_VALUES[spec.type] | JUNK for key, spec in FIELDS.items()}),
    st.sampled_from([None, "u1"]), st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "Nowhere/Else"]))
actors = st.builds(Actor, user_id=st.sampled_from([None, "u1", "u2"]),
                   roles=st.frozensets(st.sampled_from(["director", "manager"])),
                   vendor_id=st.sampled_from([None, "v1", "v2"]))
nows = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(condition=conditions, facts=facts, actor=actors, now=nows)
def test_evaluate_never_raises_on_checked_conditions(condition: dict[str, Any], facts: Facts, actor: Actor,
                                                     now: datetime) -> None:
    assert check_condition(condition, fields=FIELDS, roles=ROLES) == []
    result = evaluate(condition, fields=FIELDS, facts=facts, actor=actor, now=now)
    negated = evaluate({"not": condition}, fields=FIELDS, facts=facts, actor=actor, now=now)
    assert not (result.ok and negated.ok)
    assert result.ok == (result.reasons == ())
    assert result.ok == evaluate({"all": [condition]}, fields=FIELDS, facts=facts, actor=actor, now=now).ok
    for reason in result.reasons + negated.reasons:
        assert reason.msgid in MSGIDS
        assert "{" not in reason.text("fr")


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6)
    | st.sampled_from(["qty", "cost", "due", "tags", "eq", "in", "within", "today", "3d", "director"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["all", "any", "not", "field", "op", "value", "actor", "amount", "currency"])
        | st.text(max_size=4), inner, max_size=4),
    max_leaves=25)


@settings(max_examples=500)
@given(condition=json_like, facts=facts, actor=actors)
def test_check_and_evaluate_never_raise_on_arbitrary_json(condition: Any, facts: Facts, actor: Actor) -> None:
    problems = check_condition(condition, fields=FIELDS, roles=ROLES, path="/c")
    assert all(p.startswith("/c") and code in ("unknown_field", "bad_condition", "unknown_role") and m
               for p, code, m in problems)
    result = evaluate(condition, fields=FIELDS, facts=facts, actor=actor, now=NOW)
    assert result.ok == (result.reasons == ())
