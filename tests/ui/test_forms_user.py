"""FieldForm through NiceGUI's simulated `User`: widgets per type, live visible_when, messages at fields.

The page under test is registered here; it cleans what the form returns with
`clean_values`, as a record page does before saving. `database` comes before `user`:
the fixture runs main.py, which reads the database URLs.
"""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import ui
from nicegui.testing import User

from domain.errors import ValidationFailed
from domain.records.fields import clean_values
from engine.model import FieldDef
from storage.postgres import DatabaseUrls
from ui.forms import FieldForm
from ui.widgets import show_error

MADRID = ZoneInfo("Europe/Madrid")
FIELDS = (
    FieldDef(key="title", type="text", label={"en": "Title", "es": "Título"}, required=True),
    FieldDef(key="category", type="select", label={"en": "Category"}, options=("hvac", "on_hold")),
    FieldDef(key="cost", type="money", label={"en": "Cost estimate"},
             visible_when={"field": "category", "op": "ne", "value": "on_hold"}),
    FieldDef(key="visit", type="datetime", label={"en": "Visit"}),
    FieldDef(key="urgent", type="boolean", label={"en": "Urgent work"}),
    FieldDef(key="assignee", type="user", label={"en": "Assignee"}),
)
CHOICES = {"user": {"u-ana": "Ana García"}}
STORED = {"title": "Leaking tap", "category": "hvac", "cost": {"amount": "80.00", "currency": "USD"},
          "visit": "2024-10-27T00:30:00+00:00", "assignee": "u-gone"}


def register(path: str, values: dict[str, Any]) -> None:
    @ui.page(path)
    def page() -> None:
        form = FieldForm(FIELDS, values=values, choices=CHOICES, locale="es", tz="Europe/Madrid",
                         currency_default="EUR")
        result = ui.label("").mark("result")

        def save() -> None:
            form.clear_errors()
            try:
                cleaned = clean_values(FIELDS, form.values(), known={"user": set(CHOICES["user"])}, tz=MADRID,
                                       state=None, creating=not values, existing=values)
            except ValidationFailed as error:
                form.show_errors(error)
                return
            result.set_text(json.dumps(cleaned, sort_keys=True))

        ui.button("Save", on_click=save)


def choose(user: User, label: str, option: str) -> None:
    user.find(kind=ui.select, content=label).click()
    user.find(option).click()


def one(user: User, kind: type[ui.element], content: str) -> Any:
    elements = user.find(kind=kind, content=content).elements
    assert len(elements) == 1, f"{len(elements)} {kind.__name__} with {content!r}"
    return next(iter(elements))


def result(user: User) -> dict[str, Any]:
    label = next(iter(user.find(marker="result").elements))
    assert isinstance(label, ui.label)
    return dict(json.loads(label.text))


async def test_labels_are_in_the_form_locale_and_required_ones_are_marked(database: DatabaseUrls,
                                                                          user: User) -> None:
    register("/test/form-labels", {})
    await user.open("/test/form-labels")
    assert one(user, ui.input, "Título *").props.get("aria-required") == "true"
    await user.should_see(kind=ui.select, content="Category")
    await user.should_see(kind=ui.checkbox, content="Urgent work")
    choose(user, "Category", "Hvac")
    assert one(user, ui.select, "Currency").value == "EUR"  # the currency default


async def test_visible_when_hides_and_shows_a_field_as_the_value_changes(database: DatabaseUrls, user: User) -> None:
    register("/test/form-visible", {})
    await user.open("/test/form-visible")
    await user.should_not_see("Cost estimate")  # `ne` does not hold while the category is empty
    choose(user, "Category", "Hvac")
    await user.should_see("Cost estimate")
    user.find(kind=ui.input, content="Cost estimate").type("50")
    choose(user, "Category", "On hold")
    await user.should_not_see("Cost estimate")
    user.find(kind=ui.input, content="Título").type("Noisy fan")
    user.find(kind=ui.button, content="Save").click()
    await user.should_see(marker="result", content='"title"')
    assert result(user) == {"title": "Noisy fan", "category": "on_hold", "urgent": False}  # the hidden cost is gone
    choose(user, "Category", "Hvac")
    await user.should_see("Cost estimate")


async def test_refusals_appear_at_their_fields_translated(database: DatabaseUrls, user: User) -> None:
    register("/test/form-errors", {})
    await user.open("/test/form-errors")
    choose(user, "Category", "Hvac")
    user.find(kind=ui.input, content="Cost estimate").type("1,200")
    user.find(kind=ui.button, content="Save").click()
    title, cost = one(user, ui.input, "Título"), one(user, ui.input, "Cost estimate")
    assert title.props.get("error") is True
    assert title.props.get("error-message") == "Título is required."  # English UI: the label in the form's locale
    assert cost.props.get("error-message") == "Enter an amount, such as 1200.50."
    user.find(kind=ui.input, content="Cost estimate").type("0")  # editing a field clears its message
    assert "error" not in cost.props


async def test_a_valid_form_returns_what_clean_values_stores(database: DatabaseUrls, user: User) -> None:
    register("/test/form-valid", {})
    await user.open("/test/form-valid")
    choose(user, "Category", "Hvac")
    user.find(kind=ui.input, content="Título").type("Leaking tap")
    user.find(kind=ui.input, content="Cost estimate").type("1200.5")
    day = next(e for e in user.find(kind=ui.input, content="Visit").elements if e.props.get("type") == "date")
    day.value = "2024-06-01"
    one(user, ui.input, "Time of day").value = "10:00"
    user.find(kind=ui.checkbox, content="Urgent work").click()
    user.find(kind=ui.button, content="Save").click()
    await user.should_see(marker="result", content='"title"')
    assert result(user) == {"title": "Leaking tap", "category": "hvac",
                            "cost": {"amount": "1200.50", "currency": "EUR"},
                            "visit": "2024-06-01T08:00:00+00:00", "urgent": True}


async def test_stored_values_fill_the_widgets_and_survive_an_unchanged_save(database: DatabaseUrls,
                                                                           user: User) -> None:
    register("/test/form-stored", STORED)
    await user.open("/test/form-stored")
    day = next(e for e in user.find(kind=ui.input, content="Visit").elements if e.props.get("type") == "date")
    assert (day.value, one(user, ui.input, "Time of day").value) == ("2024-10-27", "02:30")  # Madrid, summer time
    assert one(user, ui.select, "Assignee").value == "u-gone"  # no longer offered, still shown
    user.find(kind=ui.button, content="Save").click()
    await user.should_see(marker="result", content='"title"')
    assert result(user) == {**STORED, "urgent": False}


async def test_show_error_fills_each_message_with_its_own_field_params(database: DatabaseUrls, user: User) -> None:
    @ui.page("/test/show-error")
    def page() -> None:
        first, second = ui.input("First"), ui.input("Second")
        error = ValidationFailed({"first": "Use at most {max} characters.", "second": "{label} is required."},
                                 field_params={"first": {"max": 5}, "second": {"label": "Second"}})
        ui.button("Check", on_click=lambda: show_error(error, {"first": first, "second": second}))

    await user.open("/test/show-error")
    user.find(kind=ui.button, content="Check").click()
    assert one(user, ui.input, "First").props.get("error-message") == "Use at most 5 characters."
    assert one(user, ui.input, "Second").props.get("error-message") == "Second is required."
