"""The actions, SLA and fields editors driven like a person through NiceGUI's simulated `User`.

Each test puts one editor on a tiny page and records what `on_change` reports. The editors
need no database, but the `user` fixture runs main.py, which reads the database URLs, so
`database` comes first (as in the other `tests/ui` tests). An editor redraws itself in a
background task (NiceGUI's `refresh`), so each step lets the event loop run before the next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from storage.postgres import DatabaseUrls
from tests.ui.designer.samples import FIELDS, ROLES, STATES, TRANSITIONS
from ui.designer.actions import ActionsEditor
from ui.designer.fields import FieldsEditor
from ui.designer.slas import SpanningSlasEditor, StateSlaEditor

CONTEXT: dict[str, Any] = {"roles": ROLES, "fields": FIELDS, "transitions": TRANSITIONS}


def page(path: str, build: Callable[[Callable[[Any], None]], Any]) -> list[Any]:
    """Register `path` showing the editor `build(on_change)` makes; return the list of reported values."""
    seen: list[Any] = []

    @ui.page(path)
    def show() -> None:
        build(seen.append).show()

    return seen


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def nth(user: User, index: int = 0, **where: Any) -> ui.element:
    """The `index`-th element (in page order) matching `where` (as `User.find` takes it)."""
    return sorted(user.find(**where).elements, key=lambda e: e.id)[index]


async def click(user: User, element: ui.element) -> None:
    UserInteraction(user, {element}, None).click()
    await settle()


async def button(user: User, label: str, index: int = 0) -> None:
    """Click the `index`-th button whose text or accessible name is `label`."""
    found = sorted((b for b in user.find(kind=ui.button).elements
                    if label in (b.props.get("label"), b.props.get("aria-label"))), key=lambda e: e.id)
    await click(user, found[index])


async def choose(user: User, marker: str, option: str, index: int = 0) -> None:
    """Open the `index`-th select marked `marker` and click `option` in it."""
    select = nth(user, index, marker=marker)
    UserInteraction(user, {select}, None).click()
    UserInteraction(user, {select}, option).click()
    await settle()


async def type_in(user: User, label: str, text: str, *, kind: type[ui.element] = ui.input) -> None:
    """Replace the text of the input labelled `label`, then leave it (blur commits)."""
    found = user.find(kind=kind, content=label).clear()
    if text:
        found.type(text)
    found.trigger("blur")
    await settle()


async def add_values(user: User, marker: str, *typed: str) -> None:
    """What the browser sends when a person types new values into a chip select (kept chips first)."""
    select = nth(user, marker=marker)
    assert isinstance(select, ui.select)
    kept = [{"value": select._values.index(v), "label": select._labels[select._values.index(v)]}
            for v in select.value]
    UserInteraction(user, {select}, None).trigger("update:modelValue", [*kept, *typed])
    await settle()


def props_of(user: User, kind: type[ui.element], label: str) -> dict[str, Any]:
    return dict(nth(user, kind=kind, content=label).props)


async def test_a_notify_action_is_reported_once_it_has_a_recipient(database: DatabaseUrls, user: User) -> None:
    seen = page("/test/actions-notify", lambda report: ActionsEditor(None, **CONTEXT, on_change=report))
    await user.open("/test/actions-notify")
    await button(user, "Add an action")
    await choose(user, "kind", "Notify")
    await user.should_see("Not saved yet: choose a recipient.")
    assert seen == []
    await choose(user, "to", "Everyone with the role Manager (manager)")
    assert seen[-1] == [{"notify": {"to": ["role:manager"]}}]
    await user.should_not_see("Not saved yet")
    await add_values(user, "to", "ana@example.com", "not a person")
    assert seen[-1] == [{"notify": {"to": ["role:manager", "user:ana@example.com"]}}]
    assert props_of(user, ui.select, "Recipients")["error-message"].startswith("A recipient is")
    await type_in(user, "Message template", "Bad Template")
    assert props_of(user, ui.input, "Message template")["error"] is True
    assert len(seen) == 2
    await type_in(user, "Message template", "request_submitted")
    await choose(user, "channels", "E-mail")
    assert seen[-1] == [{"notify": {"to": ["role:manager", "user:ana@example.com"], "template": "request_submitted",
                                    "channels": ["email"]}}]


async def test_assign_and_set_field_keep_their_types(database: DatabaseUrls, user: User) -> None:
    seen = page("/test/actions-assign", lambda report: ActionsEditor(None, **CONTEXT, on_change=report))
    await user.open("/test/actions-assign")
    await button(user, "Add an action")
    await choose(user, "kind", "Assign")
    await choose(user, "role", "Manager (manager)")
    await choose(user, "rule", "In turn (round robin)")
    assert seen[-1] == [{"assign": {"role": "manager", "rule": "round_robin"}}]
    await choose(user, "who", "A person (e-mail)")
    assert seen[-1] is None  # no address yet: the action waits
    await type_in(user, "E-mail address", "ana@example.com")
    assert seen[-1] == [{"assign": {"user": "ana@example.com"}}]
    await button(user, "Add an action")
    await choose(user, "kind", "Set a field", index=1)
    await choose(user, "field", "Cost")
    await type_in(user, "Value", "120", kind=ui.number)
    assert seen[-1] == [{"assign": {"user": "ana@example.com"}}, {"set_field": {"field": "cost", "value": 120}}]
    assert isinstance(seen[-1][1]["set_field"]["value"], int)
    await choose(user, "field", "Urgent")
    await choose(user, "value", "no")
    assert seen[-1][1] == {"set_field": {"field": "urgent", "value": False}}


async def test_actions_move_and_go_and_untouched_ones_stay_as_written(database: DatabaseUrls, user: User) -> None:
    given = [{"set_priority": "high"}, {"fire": {"transition": "close"}}]
    seen = page("/test/actions-order", lambda report: ActionsEditor(given, **CONTEXT, on_change=report))
    await user.open("/test/actions-order")
    await button(user, "Move down")
    assert seen[-1] == [{"fire": {"transition": "close"}}, {"set_priority": "high"}]
    await choose(user, "priority", "Urgent")
    assert seen[-1] == [{"fire": {"transition": "close"}}, {"set_priority": "urgent"}]
    await button(user, "Remove the action")
    await button(user, "Remove the action")
    assert seen[-1] is None


async def test_a_state_sla_with_escalation_steps(database: DatabaseUrls, user: User) -> None:
    seen = page("/test/state-sla", lambda report: StateSlaEditor(None, **CONTEXT, on_change=report))
    await user.open("/test/state-sla")
    await type_in(user, "Goal (e.g.", "4h")
    assert seen[-1] == {"goal": "4h"}
    await button(user, "Add an escalation step")
    assert seen[-1] == {"goal": "4h", "escalations": [{"at": "100%", "actions": []}]}
    await type_in(user, "Share of the goal", "50", kind=ui.number)
    assert seen[-1]["escalations"] == [{"at": "50%", "actions": []}]
    await type_in(user, "Share of the goal", "", kind=ui.number)  # a share cannot be cleared
    assert props_of(user, ui.number, "Share of the goal")["error"] is True
    assert len(seen) == 3
    await button(user, "Add an action")
    await choose(user, "kind", "Set the priority")
    await choose(user, "priority", "High")
    assert seen[-1]["escalations"] == [{"at": "50%", "actions": [{"set_priority": "high"}]}]
    await choose(user, "step-mode", "After the breach")
    user.find(kind=ui.checkbox, content="Again each time").click()
    await type_in(user, "Goal at urgent priority", "1h")
    assert seen[-1] == {"goal": "4h", "goal_by_priority": {"urgent": "1h"},
                        "escalations": [{"after_breach": "1h", "repeat": True, "actions": [{"set_priority": "high"}]}]}
    await type_in(user, "Goal (e.g.", "")
    assert "goal" not in seen[-1] and seen[-1]["escalations"]  # the steps are kept; the validator asks for a goal
    await button(user, "Remove the step")
    assert seen[-1] is None


async def test_a_spanning_sla_is_reported_from_its_first_click(database: DatabaseUrls, user: User) -> None:
    seen = page("/test/spanning-slas",
                lambda report: SpanningSlasEditor(None, states=STATES, **CONTEXT, on_change=report))
    await user.open("/test/spanning-slas")
    await button(user, "Add an SLA")
    assert seen[-1] == [{"key": "sla_1"}]
    await type_in(user, "Key", "Bad Key")
    assert props_of(user, ui.input, "Key")["error"] is True
    await type_in(user, "Key", "resolution")
    await type_in(user, "Name (English)", "Resolution")
    await choose(user, "start_on", "Open")
    await choose(user, "pause_in", "Waiting")
    await choose(user, "stop_on", "Closed")
    await type_in(user, "Goal (e.g.", "3d")
    await type_in(user, "Calendar", "business")
    assert seen[-1] == [{"key": "resolution", "name": {"en": "Resolution"}, "start_on": ["open"],
                         "pause_in": ["waiting"], "stop_on": ["closed"], "goal": "3d", "calendar": "business"}]
    assert nth(user, kind=ui.expansion).props["label"] == "Resolution"
    await button(user, "Remove the SLA")
    assert seen[-1] is None


async def test_fields_are_added_typed_and_given_options(database: DatabaseUrls, user: User) -> None:
    seen = page("/test/fields", lambda report: FieldsEditor(None, states=STATES, roles=ROLES, on_change=report))
    await user.open("/test/fields")
    await button(user, "Add a field")
    assert seen[-1] == [{"key": "field_1", "type": "text"}]
    await type_in(user, "Key", "category")
    await choose(user, "field-type", "One choice from a list")
    assert seen[-1] == [{"key": "category", "type": "select"}]  # the validator asks for options
    await add_values(user, "options", "hvac", "plumbing")
    await type_in(user, "Label (English)", "Category")
    user.find(kind=ui.checkbox, content="Vendors may see it").click()
    await choose(user, "required_in", "Closed")
    assert seen[-1] == [{"key": "category", "type": "select", "label": {"en": "Category"},
                         "options": ["hvac", "plumbing"], "required_in": ["closed"], "visible_to_vendor": True}]
    assert nth(user, kind=ui.expansion).props["label"] == "Category"


async def test_visible_when_keys_and_order(database: DatabaseUrls, user: User) -> None:
    given = [{"key": "cost", "type": "money"}]
    seen = page("/test/fields-visible", lambda report: FieldsEditor(given, states=STATES, on_change=report))
    await user.open("/test/fields-visible")
    await button(user, "Add a condition")
    assert seen[-1] == [{"key": "cost", "type": "money", "visible_when": {"field": "title", "op": "not_empty"}}]
    await button(user, "Add a field")
    second_key = nth(user, 1, kind=ui.input, content="Key")
    UserInteraction(user, {second_key}, None).clear().type("cost").trigger("blur")
    assert second_key.props.get("error-message") == "Another field already has this key."
    assert [f["key"] for f in seen[-1]] == ["cost", "field_1"]
    await button(user, "Move up", index=1)
    assert [f["key"] for f in seen[-1]] == ["field_1", "cost"]
    await button(user, "Remove the field")
    assert seen[-1] == [{"key": "cost", "type": "money", "visible_when": {"field": "title", "op": "not_empty"}}]
