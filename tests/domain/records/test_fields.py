"""Typed record fields: cleaning, requirements, visibility and display (pure, no database)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from domain.errors import ValidationFailed
from domain.records import fields as F
from domain.records.kind_fields import KIND_FIELDS, with_defaults
from engine.builtins import BUILTIN_FIELDS
from engine.conditions import Actor
from engine.load import compile_definition
from engine.model import PRIORITIES, FieldDef
from engine.values import Money, to_decimal, to_moment, to_money

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "domain" / "workflows" / "templates" / "maintenance_request.yaml"
MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
PERSON = UUID("6f1c2a3e-0d4b-4c5e-8f90-1a2b3c4d5e6f")
KNOWN = {"user": {"u1", str(PERSON)}, "vendor": {"v1"}, "asset": {"a1"}, "building": {"b1"}}
OPTIONS = ("hvac", "plumbing", "on_hold")

MSG_TEXT = "Enter text."
MSG_NUMBER = "Enter a number, such as 12 or 3.5."
MSG_DIGITS = "Use at most {digits} digits before the decimal point and {decimals} after it."
MSG_MONEY = "Enter an amount, such as 1200.50."
MSG_CURRENCY = "Choose a currency, such as EUR or USD."
MSG_DATE = "Enter a date as YYYY-MM-DD."
MSG_DATETIME = "Enter a date and time, such as 2024-05-31 14:30."
MSG_GAP = "{time} does not exist in {zone} because the clocks change then; enter another time."
MSG_BOOLEAN = "Choose yes or no."
MSG_SELECT = "Choose one of the listed options."
MSG_MULTI = "Choose only options from the list."
MSG_LENGTH = "Use at most {max} characters."
MSG_REQUIRED = "{label} is required."
MSG_UNKNOWN = "This field is not part of the form."


def fd(type_: str, key: str = "f", **kw: Any) -> FieldDef:
    if type_ in ("select", "multiselect"):
        kw.setdefault("options", OPTIONS)
    return FieldDef(key=key, type=type_, label=kw.pop("label", {"en": key.title(), "es": f"{key}-es"}), **kw)


def clean(fields: tuple[FieldDef, ...], raw: dict[str, Any], **kw: Any) -> dict[str, Any]:
    options: dict[str, Any] = {"known": KNOWN, "tz": MADRID, "state": None, "creating": True, "now": NOW, **kw}
    return F.clean_values(fields, raw, **options)


def refusal(fields: tuple[FieldDef, ...], raw: dict[str, Any], **kw: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        clean(fields, raw, **kw)
    return caught.value


# --- one value per type --------------------------------------------------------------------------------------

VALID: list[tuple[str, Any, Any]] = [
    ("text", "  Leaking tap \n", "Leaking tap"),
    ("text", "a" * 500, "a" * 500),
    ("text", "a\x00b", "ab"),
    ("text", 42, "42"),
    ("longtext", " line 1\r\nline 2\rline 3 ", "line 1\nline 2\nline 3"),
    ("longtext", "x" * 20_000, "x" * 20_000),
    ("number", "12", 12),
    ("number", " 3.50 ", "3.5"),
    ("number", "-0.25", "-0.25"),
    ("number", ".5", "0.5"),
    ("number", "1.0", 1),
    ("number", "-0", 0),
    ("number", 7, 7),
    ("number", 2.5, "2.5"),
    ("number", Decimal("1E+3"), 1000),
    ("number", "9007199254740991", 9007199254740991),
    ("number", "9007199254740992", "9007199254740992"),
    ("number", "12345678901234567890.0123456789", "12345678901234567890.0123456789"),
    ("money", "1200.5", {"amount": "1200.50", "currency": None}),
    ("money", {"amount": "99", "currency": "eur"}, {"amount": "99.00", "currency": "EUR"}),
    ("money", {"amount": 3, "currency": ""}, {"amount": "3.00", "currency": None}),
    ("money", "USD 10", {"amount": "10.00", "currency": "USD"}),
    ("money", "10.125 GBP", {"amount": "10.125", "currency": "GBP"}),
    ("money", -5, {"amount": "-5.00", "currency": None}),
    ("money", "0.000", {"amount": "0.00", "currency": None}),
    ("date", "2024-02-29", "2024-02-29"),
    ("date", " 2024-05-31 ", "2024-05-31"),
    ("date", date(2024, 1, 5), "2024-01-05"),
    ("datetime", "2024-06-01T10:00", "2024-06-01T08:00:00+00:00"),  # summer: UTC+2
    ("datetime", "2024-01-15 10:00", "2024-01-15T09:00:00+00:00"),  # winter: UTC+1
    ("datetime", "2024-03-31T03:30", "2024-03-31T01:30:00+00:00"),  # just after the spring change
    ("datetime", "2024-10-27T02:30", "2024-10-27T00:30:00+00:00"),  # hour seen twice: its first occurrence
    ("datetime", "2024-06-01T10:00:00Z", "2024-06-01T10:00:00+00:00"),
    ("datetime", "2024-06-01T10:00:00-05:00", "2024-06-01T15:00:00+00:00"),
    ("datetime", datetime(2024, 6, 1, 10, 0, 30, 500), "2024-06-01T08:00:30+00:00"),
    ("boolean", True, True),
    ("boolean", False, False),
    ("boolean", "true", True),
    ("boolean", "FALSE", False),
    ("boolean", 1, True),
    ("boolean", 0, False),
    ("select", "plumbing", "plumbing"),
    ("multiselect", ["on_hold", "hvac", "on_hold"], ["hvac", "on_hold"]),
    ("multiselect", "plumbing", ["plumbing"]),
    ("user", " u1 ", "u1"),
    ("user", PERSON, str(PERSON)),
    ("user", str(PERSON).upper(), str(PERSON)),
    ("vendor", "v1", "v1"),
    ("asset", "a1", "a1"),
    ("building", "b1", "b1"),
]


@pytest.mark.parametrize(("type_", "raw", "stored"), VALID)
def test_valid_input_is_stored_in_canonical_form(type_: str, raw: Any, stored: Any) -> None:
    result = clean((fd(type_),), {"f": raw})
    assert result == {"f": stored}
    assert type(result["f"]) is type(stored)


INVALID: list[tuple[str, Any, str, dict[str, Any]]] = [
    ("text", "a" * 501, MSG_LENGTH, {"max": 500}),
    ("text", ["a"], MSG_TEXT, {}),
    ("longtext", "x" * 20_001, MSG_LENGTH, {"max": 20_000}),
    ("number", "3,5", MSG_NUMBER, {}),
    ("number", "12 kg", MSG_NUMBER, {}),
    ("number", "1e3", MSG_NUMBER, {}),
    ("number", "NaN", MSG_NUMBER, {}),
    ("number", "1_000", MSG_NUMBER, {}),
    ("number", True, MSG_NUMBER, {}),
    ("number", float("inf"), MSG_NUMBER, {}),
    ("number", {"amount": 1}, MSG_NUMBER, {}),
    ("number", "1" * 21, MSG_DIGITS, {"digits": 20, "decimals": 10}),
    ("number", Decimal("1E+999999999"), MSG_DIGITS, {"digits": 20, "decimals": 10}),
    ("number", "0.12345678901", MSG_DIGITS, {"digits": 20, "decimals": 10}),
    ("money", "1,200.50", MSG_MONEY, {}),
    ("money", "12 EURO", MSG_CURRENCY, {}),
    ("money", {"amount": "1", "currency": "ZZZ"}, MSG_CURRENCY, {}),
    ("money", {"amount": "1", "currency": 5}, MSG_CURRENCY, {}),
    ("money", "twelve", MSG_MONEY, {}),
    ("money", "1e3", MSG_MONEY, {}),
    ("money", True, MSG_MONEY, {}),
    ("money", "1.23456", MSG_DIGITS, {"digits": 15, "decimals": 4}),
    ("money", "1" * 16, MSG_DIGITS, {"digits": 15, "decimals": 4}),
    ("date", "31/05/2024", MSG_DATE, {}),
    ("date", "2024-02-30", MSG_DATE, {}),
    ("date", "20240531", MSG_DATE, {}),
    ("date", "2024-05-31T10:00", MSG_DATE, {}),
    ("date", datetime(2024, 5, 31, 10, 0), MSG_DATE, {}),
    ("datetime", "2024-05-31", MSG_DATETIME, {}),
    ("datetime", "tomorrow", MSG_DATETIME, {}),
    ("datetime", "2024-13-01 10:00", MSG_DATETIME, {}),
    ("datetime", "0001-01-01T00:00+01:00", MSG_DATETIME, {}),
    ("datetime", "2024-03-31 02:30", MSG_GAP, {"time": "02:30", "zone": "Europe/Madrid"}),
    ("boolean", "yes", MSG_BOOLEAN, {}),
    ("boolean", 2, MSG_BOOLEAN, {}),
    ("select", "electrical", MSG_SELECT, {}),
    ("select", "HVAC", MSG_SELECT, {}),
    ("select", ["hvac"], MSG_SELECT, {}),
    ("multiselect", ["hvac", "electrical"], MSG_MULTI, {}),
    ("multiselect", [1], MSG_MULTI, {}),
    ("multiselect", {"hvac": True}, MSG_MULTI, {}),
    ("user", "u2", "This person is not a member of this organisation.", {}),
    ("user", 5, "This person is not a member of this organisation.", {}),
    ("vendor", "u1", "Choose a vendor of this tenant.", {}),
    ("asset", "b1", "Choose an asset of this tenant.", {}),
    ("building", "a1", "Choose a building of this tenant.", {}),
]


@pytest.mark.parametrize(("type_", "raw", "msgid", "params"), INVALID)
def test_invalid_input_gets_the_specific_message(type_: str, raw: Any, msgid: str, params: dict[str, Any]) -> None:
    error = refusal((fd(type_),), {"f": raw})
    assert error.fields == {"f": msgid}
    assert error.params_for("f") == params
    assert str(error) == msgid.format(**params)


@pytest.mark.parametrize("type_", ["text", "longtext", "number", "money", "date", "datetime", "select",
                                   "multiselect", "user", "vendor", "asset", "building"])
@pytest.mark.parametrize("empty", ["", "   ", None, []])
def test_empty_input_means_no_value(type_: str, empty: Any) -> None:
    assert clean((fd(type_),), {"f": empty}) == {}


def test_money_without_an_amount_is_no_value() -> None:
    assert clean((fd("money"),), {"f": {"amount": "", "currency": "EUR"}}) == {}


def test_an_id_type_the_caller_knows_nothing_about_is_refused() -> None:
    error = refusal((fd("building"),), {"f": "b1"}, known={"user": {"u1"}})
    assert error.fields == {"f": "Choose a building of this tenant."}


def test_built_in_priority_accepts_only_the_engine_priorities() -> None:
    priority = next(f for f in BUILTIN_FIELDS if f.key == "priority")
    assert [clean((priority,), {"priority": p})["priority"] for p in PRIORITIES] == list(PRIORITIES)
    assert refusal((priority,), {"priority": "critical"}).fields == {"priority": MSG_SELECT}


# --- round trip through engine.values ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["12", "-3.5", "0.0001", "9007199254740993", "12345678901234567890.0123456789"])
def test_stored_numbers_read_back_equal(text: str) -> None:
    assert to_decimal(clean((fd("number"),), {"f": text})["f"]) == Decimal(text)


@pytest.mark.parametrize(("raw", "money"), [
    ("1200.50", Money(amount=Decimal("1200.50"))),
    ("EUR 0.125", Money(amount=Decimal("0.125"), currency="EUR")),
    ({"amount": "-7", "currency": "mxn"}, Money(amount=Decimal("-7"), currency="MXN")),
])
def test_stored_money_reads_back_equal(raw: Any, money: Money) -> None:
    assert to_money(clean((fd("money"),), {"f": raw})["f"]) == money


@pytest.mark.parametrize("wall", [datetime(2024, 1, 15, 10, 0), datetime(2024, 3, 31, 3, 30),
                                  datetime(2024, 10, 27, 2, 30), datetime(2024, 10, 27, 3, 30)])
def test_stored_datetimes_read_back_as_the_same_moment(wall: datetime) -> None:
    stored = clean((fd("datetime"),), {"f": wall.isoformat()})["f"]
    moment = to_moment(stored, tz=MADRID, as_date=False)
    assert isinstance(moment, datetime)
    assert moment.astimezone(UTC) == wall.replace(tzinfo=MADRID).astimezone(UTC)
    assert moment.replace(tzinfo=None) == wall


def test_stored_dates_read_back_equal() -> None:
    stored = clean((fd("date"),), {"f": "2024-02-29"})["f"]
    assert to_moment(stored, tz=MADRID, as_date=True) == date(2024, 2, 29)


# --- required, required_in, existing values ----------------------------------------------------------------

def test_required_fields_are_needed_when_creating_and_name_their_label() -> None:
    category = fd("select", "category", label={"en": "Category"}, required=True)
    error = refusal((category,), {"category": ""})
    assert error.fields == {"category": MSG_REQUIRED}
    assert error.params_for("category") == {"label": "Category"}
    assert str(error) == "Category is required."
    assert clean((category,), {}, creating=False, state="draft") == {}


def test_a_false_checkbox_is_a_value() -> None:
    agreed = fd("boolean", "agreed", required=True)
    assert clean((agreed,), {"agreed": False}) == {"agreed": False}


def test_required_in_applies_to_the_state_a_transition_goes_to() -> None:
    cost = fd("money", "cost", label={"en": "Cost"}, required_in=frozenset({"approved"}))
    options: dict[str, Any] = {"creating": False, "state": "submitted"}
    assert refusal((cost,), {}, for_state="approved", **options).fields == {"cost": MSG_REQUIRED}
    assert clean((cost,), {}, for_state="closed", **options) == {}
    assert clean((cost,), {"cost": "10"}, for_state="approved", **options) == \
        {"cost": {"amount": "10.00", "currency": None}}
    existing = {"cost": {"amount": "5.00", "currency": "EUR"}}
    assert clean((cost,), {}, for_state="approved", existing=existing, **options) == existing
    assert refusal((cost,), {"cost": ""}, for_state="approved", existing=existing, **options).fields == \
        {"cost": MSG_REQUIRED}


def test_a_field_required_in_the_current_state_cannot_be_cleared() -> None:
    cost = fd("money", "cost", required_in=frozenset({"approved"}))
    existing = {"cost": {"amount": "5.00", "currency": "EUR"}}
    error = refusal((cost,), {"cost": None}, creating=False, state="approved", existing=existing)
    assert error.fields == {"cost": MSG_REQUIRED}
    assert clean((cost,), {"cost": None}, creating=False, state="draft", existing=existing) == {}


def test_absent_keys_keep_existing_values_and_empty_ones_clear_them() -> None:
    title, note = fd("text", "title"), fd("text", "note")
    existing = {"title": "Old", "note": "kept", "priority": "high"}
    assert clean((title, note), {"title": "New"}, creating=False, existing=existing) == \
        {"title": "New", "note": "kept"}
    assert clean((title, note), {"note": ""}, creating=False, existing=existing) == {"title": "Old"}


def test_an_unchanged_id_is_not_checked_again() -> None:
    assignee = fd("user", "assignee")
    existing = {"assignee": "left-the-tenant"}
    assert clean((assignee,), {"assignee": "left-the-tenant"}, creating=False, existing=existing) == existing
    error = refusal((assignee,), {"assignee": "someone-else"}, creating=False, existing=existing)
    assert error.fields == {"assignee": "This person is not a member of this organisation."}


def test_unknown_keys_are_refused_after_the_form_fields() -> None:
    error = refusal((fd("text", "title"), fd("number", "size")), {"nope": 1, "size": "big", "title": "ok"})
    assert list(error.fields.items()) == [("size", MSG_NUMBER), ("nope", MSG_UNKNOWN)]


def test_each_refused_field_carries_its_own_parameters() -> None:
    fields = (fd("text", "title", label={"en": "Title"}, required=True), fd("text", "note"))
    error = refusal(fields, {"note": "n" * 600})
    assert error.fields == {"title": MSG_REQUIRED, "note": MSG_LENGTH}
    assert error.params_for("title") == {"label": "Title"}
    assert error.params_for("note") == {"max": 500}
    assert str(error) == "Title is required."


def test_validation_failed_without_field_params_still_works() -> None:
    error = ValidationFailed({"password": "Use at least {min} characters."}, min=12)
    assert (error.msgid, error.params, error.field_params) == ("Use at least {min} characters.", {"min": 12}, {})
    assert error.params_for("password") == {"min": 12}
    assert str(error) == "Use at least 12 characters."
    assert str(ValidationFailed({})) == "The input is not valid."


# --- visible_when ------------------------------------------------------------------------------------------

CATEGORY = fd("select", "category")
COST = fd("money", "cost", required=True, visible_when={"field": "category", "op": "ne", "value": "on_hold"})
REASON = fd("text", "reason", visible_when={"field": "cost", "op": "gt", "value": 100})


def test_a_hidden_field_is_neither_required_nor_kept_nor_checked() -> None:
    fields = (CATEGORY, COST)
    assert clean(fields, {"category": "on_hold", "cost": "50"}) == {"category": "on_hold"}
    assert clean(fields, {"category": "on_hold", "cost": "fifty"}) == {"category": "on_hold"}
    assert refusal(fields, {"category": "hvac"}).fields == {"cost": MSG_REQUIRED}
    assert clean(fields, {"category": "hvac", "cost": "50"}) == \
        {"category": "hvac", "cost": {"amount": "50.00", "currency": None}}


def test_visibility_uses_existing_values_and_drops_what_becomes_hidden() -> None:
    existing = {"category": "hvac", "cost": {"amount": "500.00", "currency": None}, "reason": "big job"}
    fields = (CATEGORY, COST, REASON)
    assert clean(fields, {}, creating=False, existing=existing) == existing
    assert clean(fields, {"cost": "20"}, creating=False, existing=existing) == \
        {"category": "hvac", "cost": {"amount": "20.00", "currency": None}}
    # hiding cost hides reason too (its condition needs cost)
    assert clean(fields, {"category": "on_hold"}, creating=False, existing=existing) == {"category": "on_hold"}


def test_visible_keys_follow_hidden_fields_and_is_visible_evaluates_once() -> None:
    fields = (CATEGORY, COST, REASON)
    values = {"category": "on_hold", "cost": {"amount": "500", "currency": None}}
    assert F.visible_keys(fields, values, tz=MADRID, now=NOW) == {"category"}
    assert F.is_visible(REASON, values, MADRID, NOW, fields=fields)
    assert not F.is_visible(COST, values, MADRID, NOW, fields=fields)
    assert F.is_visible(CATEGORY, {}, MADRID, NOW, fields=fields)
    assert F.visible_keys(fields, {"category": "hvac", "cost": 500}, tz=MADRID, now=NOW) == \
        {"category", "cost", "reason"}


def test_visible_when_can_ask_about_the_actor() -> None:
    secret = fd("text", "secret", visible_when={"actor": "has_role", "value": "manager"})
    assert clean((secret,), {"secret": "x"}) == {}
    assert clean((secret,), {"secret": "x"}, actor=Actor(user_id="u1", roles=frozenset({"manager"}))) == \
        {"secret": "x"}


def test_visible_when_on_dates_is_evaluated_in_the_tenant_zone() -> None:
    due = fd("date", "due")
    late = fd("text", "late_reason", visible_when={"field": "due", "op": "before", "value": "today"})
    # 23:30 UTC on 1 June is already 2 June in Madrid: a due date of 1 June is past there
    late_evening = datetime(2024, 6, 1, 23, 30, tzinfo=UTC)
    raw = {"due": "2024-06-01", "late_reason": "waited for parts"}
    assert clean((due, late), raw, now=late_evening) == raw
    assert clean((due, late), raw, now=late_evening, tz=UTC) == {"due": "2024-06-01"}


# --- form_fields, display -----------------------------------------------------------------------------------

def test_form_fields_are_the_kind_builtins_then_the_workflow_fields() -> None:
    definition = compile_definition(TEMPLATE.read_bytes())
    form = F.form_fields(definition, kind_builtins=("title", "priority", "building"))
    assert [f.key for f in form] == ["title", "priority", "building", *(f.key for f in definition.fields)]
    assert form[1].options == PRIORITIES
    with pytest.raises(ValueError, match="not a built-in field: colour"):
        F.form_fields(definition, kind_builtins=("title", "colour"))


def test_required_keys() -> None:
    a = fd("text", "a", required=True)
    b = fd("text", "b", required_in=frozenset({"s1"}))
    c = fd("text", "c", required_in=frozenset({"s2"}))
    assert F.required_keys((a, b, c), state=None, creating=True) == {"a"}
    assert F.required_keys((a, b, c), state="s1", for_state="s2", creating=False) == {"b", "c"}


def test_kind_builtins_join_the_form_where_a_kind_names_them() -> None:
    definition = compile_definition(TEMPLATE.read_bytes())
    form = F.form_fields(definition, kind_builtins=("title", "owner", "start_date", "operational_status"))
    assert [f.key for f in form][:4] == ["title", "owner", "start_date", "operational_status"]
    assert (form[1].type, form[2].type, form[3].options) == ("user", "date", ("up", "down"))


KIND = {f.key: f for f in KIND_FIELDS}
PROJECT = (KIND["start_date"], fd("date", "target_completion"), fd("text", "title"))
ORDER: list[tuple[dict[str, Any], dict[str, Any], dict[str, str] | None]] = [
    # raw, existing, refused field -> its {date} (None: accepted)
    ({"start_date": "2026-10-01", "target_completion": "2026-09-30"}, {}, {"start_date": "2026-09-30"}),
    ({"start_date": "2026-09-30", "target_completion": "2026-09-30"}, {}, None),
    ({"start_date": "2026-10-01"}, {}, None),
    ({"target_completion": "2026-01-01"}, {"start_date": "2026-03-01"}, {"target_completion": "2026-03-01"}),
    ({"start_date": "2026-04-01"}, {"target_completion": "2026-03-01"}, {"start_date": "2026-03-01"}),
    ({"title": "Renamed"}, {"start_date": "2026-04-01", "target_completion": "2026-03-01"}, None),  # old data
    ({"target_completion": ""}, {"start_date": "2026-04-01", "target_completion": "2026-03-01"}, None),
]


@pytest.mark.parametrize(("raw", "existing", "refused"), ORDER)
def test_a_start_date_after_the_target_completion_is_refused_at_the_field_entered(
        raw: dict[str, Any], existing: dict[str, Any], refused: dict[str, str] | None) -> None:
    if refused is None:
        clean(PROJECT, raw, existing=existing, creating=False)
        return
    error = refusal(PROJECT, raw, existing=existing, creating=False)
    [(key, date_)] = refused.items()
    assert list(error.fields) == [key] and error.params_for(key) == {"date": date_}
    assert "start date" in error.fields[key]


def test_a_transition_dialog_with_one_date_is_checked_against_the_stored_other() -> None:
    target = (fd("date", "target_completion"),)
    error = refusal(target, {"target_completion": "2026-01-01"}, existing={"start_date": "2026-03-01"},
                    creating=False, for_state="execution")
    assert error.params_for("target_completion") == {"date": "2026-03-01"}


def test_a_date_order_pair_of_another_type_is_not_compared() -> None:
    fields = (KIND["start_date"], fd("text", "target_completion"))
    assert clean(fields, {"start_date": "2026-10-01", "target_completion": "2026-09-30"}) == {
        "start_date": "2026-10-01", "target_completion": "2026-09-30"}


def test_an_asset_is_up_when_nothing_else_was_entered() -> None:
    status = KIND["operational_status"]
    assert with_defaults((status,), {}) == {"operational_status": "up"}
    assert with_defaults((status,), {"operational_status": ""}) == {"operational_status": "up"}
    assert with_defaults((status,), {"operational_status": "down"}) == {"operational_status": "down"}
    assert with_defaults((fd("text", "title"),), {"title": "x"}) == {"title": "x"}  # no status field, no default
    assert clean((status,), with_defaults((status,), {})) == {"operational_status": "up"}
    assert refusal((status,), {"operational_status": "sideways"}).fields == {"operational_status": MSG_SELECT}


def no(text: str) -> str:
    return {"Yes": "Sí", "No": "No", "High": "Alta", "Down": "Parado"}.get(text, text)


DISPLAY: list[tuple[FieldDef, Any, str, str]] = [
    (fd("number"), 1234.5, "en", "1,234.5"),
    (fd("number"), "12345678901234567890.5", "es", "12.345.678.901.234.567.890,5"),
    (fd("number"), "-0.25", "fr", "-0,25"),
    (fd("money"), {"amount": "1200.50", "currency": "EUR"}, "en", "€1,200.50"),
    (fd("money"), {"amount": "1200.50", "currency": "EUR"}, "fr", "1\u202f200,50\xa0€"),
    (fd("money"), {"amount": "1200.50", "currency": None}, "es", "1.200,50"),
    (fd("date"), "2024-05-31", "en", "May 31, 2024"),
    (fd("date"), "2024-05-31", "es", "31 may 2024"),
    (fd("datetime"), "2024-10-27T00:30:00+00:00", "fr", "27 oct. 2024, 02:30"),
    (fd("datetime"), "2024-10-27T01:30:00+00:00", "en", "Oct 27, 2024, 2:30\u202fAM"),
    (fd("boolean"), True, "es", "Sí"),
    (fd("boolean"), False, "es", "No"),
    (fd("select"), "on_hold", "en", "On hold"),
    (fd("multiselect"), ["hvac", "on_hold"], "en", "Hvac, On hold"),
    (next(f for f in BUILTIN_FIELDS if f.key == "priority"), "high", "es", "Alta"),
    (next(f for f in KIND_FIELDS if f.key == "operational_status"), "down", "es", "Parado"),
    (next(f for f in KIND_FIELDS if f.key == "owner"), "u1", "en", "Ana García"),
    (fd("user"), "u1", "en", "Ana García"),
    (fd("vendor"), "v9", "en", "v9"),
    (fd("text"), "Leaking tap", "fr", "Leaking tap"),
    (fd("text"), None, "en", ""),
    (fd("multiselect"), [], "en", ""),
    (fd("number"), "not a number", "en", "not a number"),
    (fd("date"), {"odd": 1}, "en", "{'odd': 1}"),
]


@pytest.mark.parametrize(("field", "value", "locale", "text"), DISPLAY)
def test_display(field: FieldDef, value: Any, locale: str, text: str) -> None:
    assert F.display(field, value, locale, translate=no, tz=MADRID, names={"u1": "Ana García"}) == text


@pytest.mark.parametrize(("option", "label"), [("on_hold", "On hold"), ("hvac", "Hvac"), ("", ""),
                                               ("already Fine", "Already Fine"), ("_x_", "X")])
def test_option_label(option: str, label: str) -> None:
    assert F.option_label(option) == label


def test_the_module_needs_no_web_or_database() -> None:
    code = ("import sys, domain.records.fields; "
            "print(sorted(m for m in ('nicegui', 'sqlalchemy', 'sqlmodel', 'storage') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
