"""The simulator: the same decisions as a real record, the effects listed, nothing else touched."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.load import compile_definition
from engine.runtime import SlaEvent, TransitionDenied
from engine.simulate import Simulation

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday morning
TEMPLATE = Path(__file__).resolve().parents[2] / "domain" / "workflows" / "templates" / "maintenance_request.yaml"
DOC: dict[str, Any] = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
MAINTENANCE = compile_definition(DOC)


def options(sim: Simulation) -> dict[str, Any]:
    return {o.transition_id: o for o in sim.options(NOW)}


def test_a_requester_submits_and_sees_what_would_happen() -> None:
    sim = Simulation(definition=MAINTENANCE, roles=frozenset({"requester"}), fields={"title": "Leak"})
    assert sim.state == "draft" and set(options(sim)) == {"submit", "cancel"}
    [step] = sim.take("submit", NOW)
    assert (step.from_state, step.to_state, step.automatic) == ("draft", "submitted", False)
    assert [a.kind for a in step.actions] == ["notify", "webhook", "assign"]  # transition's, then on_enter's
    assert SlaEvent(sla="state:submitted", kind="start") in step.sla_events
    assert sim.path == ["draft", "submitted"]


def test_a_disabled_action_carries_the_same_reason_fire_gives() -> None:
    sim = Simulation(definition=MAINTENANCE, roles=frozenset({"requester"}), fields={})
    submit = options(sim)["submit"]
    assert submit.permitted and not submit.enabled
    with pytest.raises(TransitionDenied) as denied:
        sim.take("submit", NOW)
    assert denied.value.reason == submit.reason
    assert sim.state == "draft" and sim.steps == []


def test_roles_creator_and_vendor_shape_the_options() -> None:
    sim = Simulation(definition=MAINTENANCE, roles=frozenset({"manager"}), fields={"title": "Leak",
                                                                                    "cost_estimate": 100},
                     state="manager_approval")
    assert options(sim)["approve"].enabled
    sim.is_creator = True  # no self-approval
    assert not options(sim)["approve"].permitted
    vendor = Simulation(definition=MAINTENANCE, roles=frozenset({"vendor"}), fields={"title": "Leak"},
                        state="vendor_assignment", as_vendor=True)
    assert "start_work" in options(vendor)


def test_automatic_fire_follows_as_the_system() -> None:
    doc = copy.deepcopy(DOC)
    submitted = next(s for s in doc["states"] if s["id"] == "submitted")
    submitted["on_enter"] = [{"fire": "review"}]
    sim = Simulation(definition=compile_definition(doc), roles=frozenset({"requester"}), fields={"title": "Leak"})
    steps = sim.take("submit", NOW)
    assert [(s.transition_id, s.automatic) for s in steps] == [("submit", False), ("review", True)]
    assert sim.state == "manager_approval"


def test_starting_clocks_and_reset() -> None:
    sim = Simulation(definition=MAINTENANCE, roles=frozenset({"requester"}), fields={"title": "Leak"})
    assert sim.starting_clocks == ()
    sim.take("submit", NOW)
    sim.reset()
    assert (sim.state, sim.steps, sim.path) == ("draft", [], ["draft"])
