"""The actions, SLA and fields editors driven like a person through NiceGUI's simulated `User`.

Most tests put one editor on a tiny page and record what `on_change` reports (or redraw it, as
the properties panel does); the last ones drive the properties panel on the designer's page.
The editors need no database, but the `user` fixture runs main.py, which reads the database
URLs, so `database` comes first (as in the other `tests/ui` tests). An editor redraws itself in a
background task (NiceGUI's `refresh`), so each step lets the event loop run before the next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from domain.workflows import definitions
from storage.postgres import DatabaseUrls
from tests.ui.designer import samples
from tests.ui.designer.pages import open_designer
from tests.ui.designer.samples import FIELDS, ROLES, STATES, TRANSITIONS
from tests.ui.test_shell_user import SLOW
from ui.components.flow_canvas import FlowCanvas
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


def labelled_button(user: User, label: str, index: int = 0) -> ui.element:
    """The `index`-th button whose text or accessible name is `label`."""
    found = sorted((b for b in user.find(kind=ui.button).elements
                    if label in (b.props.get("label"), b.props.get("aria-label"))), key=lambda e: e.id)
    return found[index]


async def button(user: User, label: str, index: int = 0) -> None:
    """Click the `index`-th button whose text or accessible name is `label`."""
    await click(user, labelled_button(user, label, index))


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




def redrawable(path: str, build: Callable[[Any, Callable[[Any], None]], Any]) -> dict[str, Any]:
    """Register `path` showing the editor `build(value, on_change)` makes from `held["value"]`, which each
    report replaces, and a "Redraw" button that makes a new editor from it (as the properties panel does)."""
    held: dict[str, Any] = {"value": None}

    @ui.refreshable
    def editor() -> None:
        build(held["value"], lambda value: held.update(value=value)).show()

    @ui.page(path)
    def show() -> None:
        editor()
        ui.button("Redraw", on_click=editor.refresh)

    return held


async def test_unfinished_actions_of_escalation_steps_outlive_redraws(database: DatabaseUrls, user: User) -> None:
    slot: dict[str, Any] = {}
    held = redrawable("/test/kept-steps", lambda sla, report: StateSlaEditor(sla, **CONTEXT, on_change=report,
                                                                             kept=slot))
    await user.open("/test/kept-steps")
    await button(user, "Add an escalation step")
    await button(user, "Add an action")
    await choose(user, "kind", "Notify")
    await button(user, "Add an escalation step")  # the steps are drawn again
    await button(user, "Redraw")  # and the whole editor
    await user.should_see("Not saved yet: choose a recipient.")
    await choose(user, "to", "Everyone with the role Manager (manager)")
    assert held["value"]["escalations"] == [{"at": "100%", "actions": [{"notify": {"to": ["role:manager"]}}]},
                                            {"at": "100%", "actions": []}]
    await button(user, "Add an action", index=1)
    await choose(user, "kind", "Assign", index=1)
    held["value"] = {"goal": "1h"}  # the document changed under the editor (an undo): it reads the document
    await button(user, "Redraw")
    await user.should_not_see("Not saved yet")
    await user.should_not_see(kind=ui.select, marker="kind")


async def test_spanning_slas_and_fields_stay_open_across_redraws(database: DatabaseUrls, user: User) -> None:
    slas: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    held_slas = redrawable("/test/kept-slas", lambda value, report: SpanningSlasEditor(
        value, states=STATES, **CONTEXT, on_change=report, kept=slas))
    held_fields = redrawable("/test/kept-fields", lambda value, report: FieldsEditor(
        value, states=STATES, roles=ROLES, on_change=report, kept=fields))
    await user.open("/test/kept-slas")
    await button(user, "Add an SLA")
    await type_in(user, "Key", "resolution")
    await button(user, "Add an escalation step")
    await button(user, "Add an action")
    await choose(user, "kind", "Set a field")
    await button(user, "Redraw")
    assert nth(user, kind=ui.expansion).value  # still open, the unfinished action in it
    await user.should_see("Not saved yet: choose the field.")
    assert held_slas["value"] == [{"key": "resolution", "escalations": [{"at": "100%", "actions": []}]}]
    await user.open("/test/kept-fields")
    await button(user, "Add a field")
    await type_in(user, "Key", "category")
    await choose(user, "field-type", "One choice from a list")
    await add_values(user, "options", "hvac")
    await button(user, "Redraw")
    assert nth(user, kind=ui.expansion).value
    assert nth(user, marker="options").value == ["hvac"]
    assert held_fields["value"] == [{"key": "category", "type": "select", "options": ["hvac"]}]


# --- the properties panel on the designer page ------------------------------------------


async def select(user: User, *, nodes: tuple[str, ...] = (), edges: tuple[str, ...] = ()) -> None:
    """What the canvas reports when a person clicks a state or a transition."""
    canvas = nth(user, kind=FlowCanvas)
    UserInteraction(user, {canvas}, None).trigger("select", {"nodes": list(nodes), "edges": list(edges)})
    await settle()


async def until(condition: Callable[[], bool], what: str) -> None:
    """Let the event loop run until `condition()` holds (redraws and validation run in the background)."""
    for _ in range(250):
        if condition():
            await settle()
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"still waiting, after 5 s, for this: {what}")


async def redrawn(element: ui.element) -> None:
    """Wait until `element` is gone: the panel holding it was drawn again."""
    await until(lambda: element.is_deleted, "the properties panel is drawn again")


def shown_in(user: User, name: str) -> list[str]:
    """The text shown by each select labelled (or with the accessible name) `name`, in page order."""
    found = sorted((s for s in user.find(kind=ui.select).elements
                    if name in (s.props.get("aria-label"), s.props.get("label"))),
                   key=lambda e: e.id)
    return [str(s.options.get(s.value, s.value) if isinstance(s.options, dict) else s.value) for s in found]


async def test_renaming_a_field_in_the_panel_renames_its_conditions(database: DatabaseUrls, user: User) -> None:
    document = samples.workflow()
    document["fields"][6]["visible_when"] = {"field": "cost", "op": "gt", "value": 100}  # notes
    document["transitions"][1]["condition"] = {"any": [{"field": "cost", "op": "lt", "value": 5000},
                                                       {"field": "hours", "op": "not_empty"}]}  # wait
    bundle = await open_designer(user, document)
    assert shown_in(user, "Field") == ["cost"]  # the condition under "Shown only when" of notes
    nth(user, kind=ui.expansion, content="cost").set_value(True)  # what the browser reports on a click
    key = nth(user, 1, kind=ui.input, content="Key")  # the workflow's key comes first, then the fields'
    UserInteraction(user, {key}, None).clear().type("hours").trigger("blur")
    assert key.props.get("error-message") == "Another field already has this key."
    UserInteraction(user, {key}, None).clear().type("price").trigger("blur")
    await redrawn(key)
    assert shown_in(user, "Field") == ["price"]
    assert nth(user, kind=ui.expansion, content="price").value  # still open where the person was
    await select(user, edges=("wait",))
    assert shown_in(user, "Field") == ["price", "hours"]
    await user.should_not_see("There is no field", retries=SLOW)  # the problems pane: nothing left behind
    undo = labelled_button(user, "Undo (Ctrl+Z)")
    await until(lambda: undo.enabled, "Undo is enabled")  # once the background validation is done
    await click(user, undo)  # one step undoes the key and its uses
    await user.should_see(kind=ui.select, content="cost", retries=SLOW)
    assert shown_in(user, "Field") == ["cost", "hours"]
    assert definitions.list_versions(bundle.admin, key="sample")[0].document == document  # nothing saved


async def test_an_unfinished_action_survives_redraws_of_the_panel(database: DatabaseUrls, user: User) -> None:
    bundle = await open_designer(user, samples.workflow())
    await select(user, nodes=("open",))
    await button(user, "Add an action")
    await choose(user, "kind", "Notify")
    await user.should_see("Not saved yet: choose a recipient.")
    row = nth(user, marker="kind")
    user.find(kind=ui.checkbox, content="Initial state").click()  # another property; the panel is redrawn
    await redrawn(row)
    assert shown_in(user, "Action") == ["Notify"]
    await user.should_see("Not saved yet: choose a recipient.")
    row = nth(user, marker="kind")
    state_id = next(e for e in user.find(kind=ui.input).elements if e.props.get("data-testid") == "state-id")
    UserInteraction(user, {state_id}, None).clear().type("triage").trigger("blur")  # redrawn under the new id
    await redrawn(row)
    await select(user, nodes=("closed",))
    await select(user, nodes=("triage",))  # away and back
    assert shown_in(user, "Action") == ["Notify"]
    await choose(user, "to", "Everyone with the role Manager (manager)")
    await user.should_not_see("Not saved yet")
    await button(user, "Save draft")
    await user.should_see("Draft version 1 saved.", retries=SLOW)
    saved = definitions.list_versions(bundle.admin, key="sample")[0].document
    assert next(s for s in saved["states"] if s["id"] == "triage")["on_enter"] == [{"notify": {"to": ["role:manager"]}}]
    assert saved["initial_state"] == "triage"
