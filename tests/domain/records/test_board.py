"""Board cards on real PostgreSQL: the moves on each card equal that card's own decision,
whatever version of the workflow it is on, and a board stops at its card limit."""

from __future__ import annotations

import pytest

from domain.records import board as boards
from domain.records import service as records
from domain.workflows import definitions
from domain.workflows.instances import actions_for
from domain.workflows.perform import perform
from tests import factories
from tests.factories import TEMPLATES_DIR, add_person, ctx_for, new_tenant, published

WORKFLOW = "maintenance_request"


@pytest.fixture
def tenant(database):  # type: ignore[no-untyped-def]
    bundle = factories.with_roles(new_tenant(), "director")
    published(bundle)
    records.ensure_default_types(bundle.admin)
    return bundle


def _new(ctx, **values):  # type: ignore[no-untyped-def]
    return records.create_record(ctx, kind="request", type_key="maintenance",
                                 values={"title": "Leaking tap", "category": "plumbing", **values})


def _to_approval(view, requester, manager) -> None:  # type: ignore[no-untyped-def]
    done = perform(ctx=requester, instance_id=view.instance_id, transition_id="submit", expected_version=view.version)
    perform(ctx=manager, instance_id=view.instance_id, transition_id="review", expected_version=done.version)


def _decisions(viewer, card_ids):  # type: ignore[no-untyped-def]
    """Each card's options on the board, and the same instance decided on its own."""
    cards = {c.instance_id: c for c in boards.board(viewer, kind="request", workflow_key=WORKFLOW).cards}
    on_board = {i: [(o.transition_id, o.enabled, o.reasons) for o in cards[i].options] for i in card_ids if i in cards}
    alone = {i: [(o.transition_id, o.enabled, o.reasons) for o in actions_for(viewer, instance_id=i) if o.permitted]
             for i in on_board}
    return on_board, alone


def test_cards_on_an_older_version_are_decided_by_their_own_version(tenant):
    requester = ctx_for(add_person(tenant, "requester"))
    manager = ctx_for(add_person(tenant, "manager"))
    old = [_new(requester), _new(requester, location_detail="Kitchen"),
           _new(requester, cost_estimate={"amount": "2000", "currency": "EUR"})]
    _to_approval(old[2], requester, manager)
    # version 2: submitting also needs the location, and the manager approves only up to 1,000
    template = (TEMPLATES_DIR / f"{WORKFLOW}.yaml").read_text("utf-8")
    edited = template.replace("condition: {field: title, op: not_empty}",
                              "condition: {all: [{field: title, op: not_empty}, "
                              "{field: location_detail, op: not_empty}]}").replace("value: 5000", "value: 1000")
    assert edited.count("location_detail, op: not_empty") == 1 and "value: 1000" in edited
    definitions.publish(tenant.admin, version_id=definitions.save_draft(tenant.admin, document=edited).id)
    new = [_new(requester), _new(requester, location_detail="Kitchen"),
           _new(requester, location_detail="Hall", cost_estimate={"amount": "2000", "currency": "EUR"})]
    _to_approval(new[2], requester, manager)
    ids = [v.instance_id for v in old + new]

    for viewer in (requester, manager, tenant.admin):
        on_board, alone = _decisions(viewer, ids)
        assert on_board == alone
    on_board, _alone = _decisions(requester, ids)
    submit = {i: next(enabled for t, enabled, _r in options if t == "submit") for i, options in on_board.items()
              if any(t == "submit" for t, _e, _r in options)}
    assert [submit[v.instance_id] for v in old[:2] + new[:2]] == [True, True, False, True]
    on_board, _alone = _decisions(manager, ids)
    approve = {i: next(enabled for t, enabled, _r in options if t == "approve") for i, options in on_board.items()
               if any(t == "approve" for t, _e, _r in options)}
    assert [approve[old[2].instance_id], approve[new[2].instance_id]] == [True, False]


def test_a_board_stops_at_its_card_limit(tenant, monkeypatch):
    made = [_new(tenant.admin, title=f"Tap {n}") for n in range(3)]
    monkeypatch.setattr(boards, "CARD_LIMIT", 2)
    data = boards.board(tenant.admin, kind="request", workflow_key=WORKFLOW)
    assert data.truncated and [c.reference for c in data.cards] == [v.reference for v in reversed(made)][:2]
    monkeypatch.setattr(boards, "CARD_LIMIT", 3)
    data = boards.board(tenant.admin, kind="request", workflow_key=WORKFLOW)
    assert not data.truncated and len(data.cards) == 3
