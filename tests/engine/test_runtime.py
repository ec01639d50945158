"""available_actions and fire on the maintenance template: shown and allowed never disagree."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.conditions import Actor, Facts
from engine.load import compile_definition
from engine.runtime import Instance, SlaEvent, TransitionDenied, available_actions, fire

TEMPLATE = Path(__file__).resolve().parents[2] / "domain" / "workflows" / "templates" / "maintenance_request.yaml"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DEFN = compile_definition(TEMPLATE.read_bytes())

MANAGER = Actor(user_id="u-manager", roles=frozenset({"manager"}))
DIRECTOR = Actor(user_id="u-director", roles=frozenset({"director"}))
REQUESTER = Actor(user_id="u-req", roles=frozenset({"requester"}))
VENDOR = Actor(user_id="u-vendor", roles=frozenset({"vendor"}), vendor_id="v-1")


def facts(**fields: Any) -> Facts:
    return Facts(fields={"title": "Leaking tap", **fields}, creator_id="u-req", assignee_id=None, vendor_id="v-1")


def option(state: str, actor: Actor, the_facts: Facts, transition: str):  # type: ignore[no-untyped-def]
    options = available_actions(DEFN, Instance(state=state), actor, the_facts, NOW)
    return next(o for o in options if o.transition_id == transition)


def test_options_are_the_outgoing_transitions_of_the_state() -> None:
    ids = [o.transition_id for o in available_actions(DEFN, Instance(state="draft"), REQUESTER, facts(), NOW)]
    assert ids == ["submit", "cancel"]


def test_a_condition_that_fails_disables_with_its_reason() -> None:
    blocked = option("draft", REQUESTER, facts(title=""), "submit")
    assert blocked.permitted and not blocked.enabled
    assert "Title" in blocked.reason.text()


def test_a_missing_required_field_disables_and_is_named() -> None:
    missing = option("manager_approval", MANAGER, facts(), "approve")
    assert missing.permitted and not missing.enabled
    assert missing.missing_fields == ("cost_estimate",)
    assert "Cost estimate" in " ".join(r.text() for r in missing.reasons)


def test_the_approval_limit_and_the_director_exception() -> None:
    over = option("manager_approval", MANAGER, facts(cost_estimate=6000), "approve")
    assert not over.enabled
    assert "5,000" in " ".join(r.text() for r in over.reasons)
    assert option("manager_approval", DIRECTOR, facts(cost_estimate=6000), "approve").enabled
    assert option("manager_approval", MANAGER, facts(cost_estimate=4999), "approve").enabled


def test_not_permitted_by_role_vendor_or_self_approval() -> None:
    by_role = option("manager_approval", REQUESTER, facts(cost_estimate=10), "approve")
    assert not by_role.permitted and "director, manager" in by_role.reason.text()
    creator = Actor(user_id="u-req", roles=frozenset({"manager"}))
    self_approval = option("manager_approval", creator, facts(cost_estimate=10), "approve")
    assert not self_approval.permitted and "someone else" in self_approval.reason.text()
    other_vendor = Actor(user_id="u-v2", roles=frozenset({"vendor"}), vendor_id="v-2")
    assert not option("vendor_assignment", other_vendor, facts(vendor="v-1"), "start_work").permitted
    assert option("vendor_assignment", VENDOR, facts(vendor="v-1"), "start_work").enabled


def test_fire_returns_state_effects_sla_events_and_audit() -> None:
    outcome = fire(DEFN, Instance(state="manager_approval"), "approve", MANAGER, facts(), {"cost_estimate": 1200},
                   NOW)
    assert (outcome.from_state, outcome.to_state) == ("manager_approval", "vendor_assignment")
    assert outcome.field_changes == {"cost_estimate": 1200}
    assert [a.kind for a in outcome.effects] == ["notify", "assign"]
    assert SlaEvent(sla="state:manager_approval", kind="stop") in outcome.sla_events
    assert outcome.audit["transition"] == "approve" and outcome.audit["inputs"] == {"cost_estimate": 1200}


def test_fire_refuses_with_the_reason_the_option_showed() -> None:
    shown = option("manager_approval", MANAGER, facts(cost_estimate=9000), "approve")
    with pytest.raises(TransitionDenied) as refused:
        fire(DEFN, Instance(state="manager_approval"), "approve", MANAGER, facts(cost_estimate=9000), None, NOW)
    assert refused.value.reason == shown.reason


def test_a_transition_needing_a_comment_is_refused_without_one() -> None:
    with pytest.raises(TransitionDenied, match="comment"):
        fire(DEFN, Instance(state="submitted"), "reject", MANAGER, facts(), None, NOW)
    assert fire(DEFN, Instance(state="submitted"), "reject", MANAGER, facts(), None, NOW,
                comment="Duplicate of REQ-3").to_state == "rejected"


def test_a_transition_from_another_state_is_refused() -> None:
    with pytest.raises(TransitionDenied, match="not possible"):
        fire(DEFN, Instance(state="draft"), "approve", MANAGER, facts(cost_estimate=1), None, NOW)


def test_spanning_sla_pauses_on_hold_and_resumes() -> None:
    hold = fire(DEFN, Instance(state="in_progress"), "put_on_hold", VENDOR, facts(vendor="v-1"),
                {"hold_reason": "Parts on order"}, NOW, comment="Waiting for a pump")
    assert SlaEvent(sla="resolution", kind="pause") in hold.sla_events
    back = fire(DEFN, Instance(state="on_hold"), "resume", VENDOR, facts(vendor="v-1"), None, NOW)
    assert SlaEvent(sla="resolution", kind="resume") in back.sla_events
    closed = fire(DEFN, Instance(state="verification"), "confirm", REQUESTER, facts(), None, NOW)
    assert SlaEvent(sla="resolution", kind="stop") in closed.sla_events


ACTORS = [MANAGER, DIRECTOR, REQUESTER, VENDOR, Actor(user_id="u-x", roles=frozenset({"dispatcher", "technician"}))]
STATE_IDS = {s.id for s in DEFN.states}


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_random_walks_only_visit_states_of_the_definition_and_shown_equals_allowed(data: st.DataObject) -> None:
    state = DEFN.initial_state
    for _ in range(12):
        if DEFN.state(state).terminal:
            break
        actor = data.draw(st.sampled_from(ACTORS))
        the_facts = facts(cost_estimate=data.draw(st.sampled_from([None, 10, 4999, 5000, 9000])),
                          vendor=data.draw(st.sampled_from([None, "v-1"])),
                          hold_reason=data.draw(st.sampled_from([None, "parts"])))
        for shown in available_actions(DEFN, Instance(state=state), actor, the_facts, NOW):
            if shown.permitted and shown.enabled:
                outcome = fire(DEFN, Instance(state=state), shown.transition_id, actor, the_facts, None, NOW,
                               comment="ok")
                assert outcome.to_state in STATE_IDS
            else:
                with pytest.raises(TransitionDenied) as refused:
                    fire(DEFN, Instance(state=state), shown.transition_id, actor, the_facts, None, NOW,
                         comment="ok")
                assert refused.value.reason == shown.reason
        choices = [o for o in available_actions(DEFN, Instance(state=state), actor, the_facts, NOW)
                   if o.permitted and o.enabled]
        if not choices:
            break
        pick = data.draw(st.sampled_from(choices))
        state = fire(DEFN, Instance(state=state), pick.transition_id, actor, the_facts, None, NOW,
                     comment="ok").to_state
        assert state in STATE_IDS


def test_decision_fields_name_what_the_outgoing_transitions_read():
    from pathlib import Path

    from engine.load import compile_definition
    from engine.runtime import decision_fields

    source = (Path(__file__).resolve().parents[2] / "domain" / "workflows" / "templates"
              / "maintenance_request.yaml").read_bytes()
    definition = compile_definition(source)
    assert decision_fields(definition, "draft") == {"title"}
    assert {"cost_estimate"} <= decision_fields(definition, "manager_approval")
    assert decision_fields(definition, "closed") == frozenset()
