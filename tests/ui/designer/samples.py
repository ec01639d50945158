"""A small, valid workflow and the option maps the designer's editors take, for their tests."""

from __future__ import annotations

import copy
from typing import Any

from engine.validate import validate_definition

ROLES = {"manager": "Manager (manager)", "requester": "Requester (requester)"}
FIELDS = {"cost": ("Cost", "money", ()), "hours": ("Hours", "number", ()),
          "category": ("Category", "select", ("hvac", "plumbing")), "tags": ("Tags", "multiselect", ("a", "b")),
          "urgent": ("Urgent", "boolean", ()), "owner": ("Owner", "user", ()), "notes": ("Notes", "text", ()),
          "assignee": ("Assignee", "user", ())}
TRANSITIONS = {"submit": "Submit", "close": "Close"}
STATES = {"draft": "Draft", "open": "Open", "waiting": "Waiting", "closed": "Closed"}

_WORKFLOW: dict[str, Any] = {
    "format": "baton/workflow@1", "key": "sample", "name": {"en": "Sample"}, "subject": "request",
    "roles": ["manager", "requester"],
    "fields": [{"key": "cost", "type": "money"}, {"key": "hours", "type": "number"},
               {"key": "category", "type": "select", "options": ["hvac", "plumbing"]},
               {"key": "tags", "type": "multiselect", "options": ["a", "b"]},
               {"key": "urgent", "type": "boolean"}, {"key": "owner", "type": "user"},
               {"key": "notes", "type": "text"}],
    "initial_state": "draft",
    "states": [{"id": "draft"}, {"id": "open"}, {"id": "waiting", "category": "waiting"},
               {"id": "closed", "terminal": True, "category": "done"}],
    "transitions": [{"id": "submit", "from": "draft", "to": "open", "roles": ["requester"]},
                    {"id": "wait", "from": "open", "to": "waiting", "roles": ["manager"]},
                    {"id": "resume", "from": "waiting", "to": "open", "roles": ["manager"]},
                    {"id": "close", "from": "open", "to": "closed", "roles": ["manager"]}],
}


def workflow() -> dict[str, Any]:
    """A fresh copy of the sample workflow (it validates without problems)."""
    return copy.deepcopy(_WORKFLOW)


def problems(doc: dict[str, Any]) -> list[str]:
    """Every problem the validator finds, as `code path: message id` lines (empty when clean)."""
    return [f"{p.code} {p.path}: {p.msgid}" for p in validate_definition(doc)]
