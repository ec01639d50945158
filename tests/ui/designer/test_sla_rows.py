"""SLAs and escalation steps as edited: shares, steps and whole SLAs round-trip and validate."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.designer.samples import problems, workflow
from ui.designer.slas import (
    SPANS,
    percent_text,
    percent_value,
    row_to_step,
    sla_parts,
    spanning_sla,
    step_to_row,
)

STEPS: list[dict[str, Any]] = [
    {"at": "50%", "actions": [{"notify": {"to": ["assignee"]}}]},
    {"at": "100%", "actions": [{"notify": {"to": ["role:manager"]}}, {"set_priority": "high"}]},
    {"at": "12.5%", "actions": []},
    {"after_breach": "2h", "repeat": True, "actions": [{"reassign": {"role": "manager"}}]},
    {"after_breach": "PT30M", "actions": [{"fire": "close"}]},
]
STATE_SLAS: list[dict[str, Any]] = [
    {"goal": "4h"},
    {"goal": "2d", "goal_by_priority": {"high": "1d", "urgent": "4h"}, "calendar": "business", "escalations": STEPS},
]
SPANNING: list[dict[str, Any]] = [
    {"key": "resolution", "start_on": ["open"], "stop_on": ["closed"], "goal": "3d"},
    {"key": "response", "name": {"en": "Response", "es": "Respuesta"}, "start_on": ["open"],
     "pause_in": ["waiting"], "stop_on": ["closed"], "goal": "1d",
     "goal_by_priority": {"low": "2d", "normal": "1d", "high": "8h", "urgent": "2h"}, "calendar": "business",
     "escalations": STEPS},
]


@pytest.mark.parametrize(("number", "text"), [(50, "50%"), (50.0, "50%"), (12.5, "12.5%"), (0, "0%"),
                                               (999.5, "999.5%"), (1000, None), (-1, None), ("x", None),
                                               (float("nan"), None)])
def test_shares_are_written_as_the_schema_wants(number: Any, text: str | None) -> None:
    assert percent_text(number) == text
    if text is not None:
        assert percent_value(text) == float(number)


@pytest.mark.parametrize("step", STEPS, ids=lambda s: next(iter(s)))
def test_every_step_round_trips(step: dict[str, Any]) -> None:
    assert row_to_step(step_to_row(step)) == step


def test_a_step_without_its_share_or_delay_is_no_step() -> None:
    assert row_to_step({"mode": "at", "at": None, "after": "", "repeat": False, "actions": []}) is None
    assert row_to_step({"mode": "after", "at": 50.0, "after": "  ", "repeat": True, "actions": []}) is None


def test_the_chosen_mode_wins_over_leftovers() -> None:
    row = {"mode": "after", "at": 50.0, "after": "1h", "repeat": False, "actions": []}
    assert row_to_step(row) == {"after_breach": "1h", "actions": []}


def parts_of(sla: dict[str, Any]) -> dict[str, Any]:
    return sla_parts(goal=sla.get("goal", ""), by_priority=sla.get("goal_by_priority", {}),
                     calendar=sla.get("calendar", ""), steps=[step_to_row(s) for s in sla.get("escalations", [])])


@pytest.mark.parametrize("sla", STATE_SLAS, ids=["goal", "everything"])
def test_state_slas_round_trip_and_validate(sla: dict[str, Any]) -> None:
    assert parts_of(sla) == sla
    doc = workflow()
    doc["states"][1]["sla"] = parts_of(sla)
    assert problems(doc) == []


@pytest.mark.parametrize("sla", SPANNING, ids=["minimal", "everything"])
def test_spanning_slas_round_trip_and_validate(sla: dict[str, Any]) -> None:
    entry = {"key": sla["key"], "name": sla.get("name"), **{k: sla.get(k, []) for k in SPANS}}
    built = spanning_sla(entry, parts_of(sla))
    assert built == sla
    assert list(built) == [k for k in ("key", "name", "start_on", "pause_in", "stop_on", "goal",
                                       "goal_by_priority", "calendar", "escalations") if k in sla]
    doc = workflow()
    doc["slas"] = [built]
    assert problems(doc) == []


def test_blank_goals_by_priority_and_calendar_are_left_out() -> None:
    assert sla_parts(goal=" 4h ", by_priority={"low": " ", "high": "1d"}, calendar="  ", steps=[]) == {
        "goal": "4h", "goal_by_priority": {"high": "1d"}}
    assert sla_parts(goal="", by_priority={}, calendar="", steps=[]) == {}
