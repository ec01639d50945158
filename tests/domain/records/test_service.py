"""Records on real PostgreSQL: create, edit, visibility, comments, board cards, live notifications."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from domain.records import board as boards
from domain.records import comments
from domain.records import service as records
from domain.workflows.perform import perform
from storage import db
from storage.listen import ChangeListener
from tests import factories
from tests.factories import add_person, ctx_for, new_tenant, new_vendor, owner_sql, published, table_count


@pytest.fixture
def tenant(database):
    bundle = factories.with_roles(new_tenant(), "director")
    published(bundle)
    records.ensure_default_types(bundle.admin)
    return bundle


def _new(ctx, **values):
    return records.create_record(ctx, kind="request", type_key="maintenance",
                                 values={"title": "Leaking tap", "category": "plumbing", **values})


def test_create_numbers_per_tenant_and_starts_the_workflow(tenant):
    first = _new(tenant.admin, priority="high")
    second = records.create_record(tenant.admin, kind="request", type_key="maintenance",
                                   values={"title": "Door closer", "category": "other"}, tags=["Safety ", "safety"])
    other = factories.with_roles(new_tenant(), "director")
    published(other)
    records.ensure_default_types(other.admin)
    elsewhere = _new(other.admin)
    assert (first.reference, second.reference, elsewhere.reference) == ("REQ-1", "REQ-2", "REQ-1")
    assert first.state == "draft" and first.priority == "high" and first.values["title"] == "Leaking tap"
    assert second.tags == ("safety",)
    assert [r.after["reference"] for r in factories.audit_rows(tenant.tenant_id, "record.create")] == [
        "REQ-1", "REQ-2"]


def test_invalid_values_write_nothing(tenant):
    before = table_count("records", tenant.tenant_id), table_count("workflow_instances", tenant.tenant_id)
    with pytest.raises(ValidationFailed) as refused:
        records.create_record(tenant.admin, kind="request", type_key="maintenance",
                              values={"title": "", "category": "volcano", "cost_estimate": "lots"})
    assert {"category", "cost_estimate"} <= set(refused.value.fields)
    with pytest.raises(ValidationFailed) as unknown:
        _new(tenant.admin, colour="blue")
    assert "colour" in unknown.value.fields
    with pytest.raises(ValidationFailed):
        records.create_record(tenant.admin, kind="request", type_key="no_such_type", values={"title": "x"})
    assert (table_count("records", tenant.tenant_id), table_count("workflow_instances", tenant.tenant_id)) == before


def test_update_changes_fields_audits_before_after_and_refuses_stale_versions(tenant):
    created = _new(tenant.admin)
    updated = records.update_record(tenant.admin, record_id=created.id, expected_version=created.version,
                                    values={"title": "Leaking tap, 2nd floor", "category": "plumbing"},
                                    tags=["urgent"])
    assert updated.version == created.version + 1 and updated.values["title"] == "Leaking tap, 2nd floor"
    assert updated.state == created.state
    [row] = factories.audit_rows(tenant.tenant_id, "record.update")
    assert row.before["title"] == "Leaking tap" and row.after["title"] == "Leaking tap, 2nd floor"
    assert row.after["tags"] == ["urgent"]
    with pytest.raises(Conflict):
        records.update_record(tenant.admin, record_id=created.id, expected_version=created.version,
                              values={"title": "Stale"})
    with pytest.raises(ValidationFailed):
        records.update_record(tenant.admin, record_id=created.id, expected_version=updated.version,
                              values={"category": "volcano"})
    assert records.get_detail(tenant.admin, record_id=created.id).record.values["category"] == "plumbing"
    entries = comments.timeline(tenant.admin, record_id=created.id)
    change = next(e for e in entries if e.kind == "change")
    assert {"field": "title", "before": "Leaking tap", "after": "Leaking tap, 2nd floor"} in change.data["changes"]


def test_requesters_see_their_own_and_vendors_only_assigned_work_with_vendor_fields(tenant):
    requester = ctx_for(add_person(tenant, "requester"))
    other_requester = ctx_for(add_person(tenant, "requester"))
    vendor_id = new_vendor(tenant)
    vendor_user = ctx_for(add_person(tenant, "vendor", vendor_id=vendor_id))
    mine = _new(requester, location_detail="Kitchen")
    theirs = _new(other_requester)
    staff_view = records.get_detail(tenant.admin, record_id=mine.id)
    records.update_record(tenant.admin, record_id=mine.id, expected_version=staff_view.record.version,
                          values={"vendor": str(vendor_id), "hold_reason": "parts"})
    assert records.get_detail(requester, record_id=mine.id).record.reference == mine.reference
    with pytest.raises(NotFound):
        records.get_detail(requester, record_id=theirs.id)
    seen = records.get_detail(vendor_user, record_id=mine.id)
    assert "location_detail" in seen.record.values and "category" not in seen.record.values
    assert "hold_reason" not in seen.record.values and not seen.can_edit
    with pytest.raises(NotFound):
        records.get_detail(vendor_user, record_id=theirs.id)
    card_refs = {c.reference for c in boards.board(vendor_user, kind="request",
                                                     workflow_key="maintenance_request").cards}
    assert card_refs == {mine.reference}


def test_comments_edit_window_and_authorship(tenant):
    created = _new(tenant.admin)
    colleague = ctx_for(add_person(tenant, "manager"))
    comment_id = comments.add_comment(tenant.admin, record_id=created.id, body="  On my way  ")
    with pytest.raises(PermissionDenied):
        comments.edit_comment(colleague, comment_id=comment_id, body="Not yours")
    comments.edit_comment(tenant.admin, comment_id=comment_id, body="On my way, 10 minutes")
    with pytest.raises(ValidationFailed):
        comments.add_comment(tenant.admin, record_id=created.id, body="   ")
    owner_sql("update comments set created_at = :t where id = :i",
              t=datetime.now(UTC) - timedelta(minutes=6), i=comment_id)
    with pytest.raises(PermissionDenied):
        comments.edit_comment(tenant.admin, comment_id=comment_id, body="Too late")
    [entry] = [e for e in comments.timeline(tenant.admin, record_id=created.id) if e.kind == "comment"]
    assert entry.data["body"] == "On my way, 10 minutes" and entry.data["edited_at"] is not None
    assert not entry.data["editable"]


def test_board_cards_carry_the_viewers_moves(tenant):
    requester = ctx_for(add_person(tenant, "requester"))
    draft = _new(requester)
    data = boards.board(requester, kind="request", workflow_key="maintenance_request")
    assert [c.id for c in data.columns][:3] == ["draft", "submitted", "manager_approval"]
    [card] = [c for c in data.cards if c.record_id == draft.id]
    assert {o.to for o in card.options if o.enabled} == {"submitted", "cancelled"}
    manager = ctx_for(add_person(tenant, "manager"))
    [managers_card] = [c for c in boards.board(manager, kind="request", workflow_key="maintenance_request").cards
                       if c.record_id == draft.id]
    assert {o.to for o in managers_card.options} >= {"submitted", "cancelled"}
    perform(ctx=requester, instance_id=card.instance_id, transition_id="submit", expected_version=card.version)
    cards, gone = boards.cards_for(requester, kind="request", workflow_key="maintenance_request",
                                   instance_ids=[card.instance_id])
    assert cards[0].state == "submitted" and gone == set()
    stranger = ctx_for(add_person(tenant, "requester"))
    cards, gone = boards.cards_for(stranger, kind="request", workflow_key="maintenance_request",
                                   instance_ids=[card.instance_id])
    assert cards == [] and gone == {card.instance_id}


def test_tag_suggestions_are_tenant_scoped_and_ranked(tenant):
    _new(tenant.admin)
    records.create_record(tenant.admin, kind="request", type_key="maintenance",
                          values={"title": "A", "category": "other"}, tags=["safety", "roof"])
    records.create_record(tenant.admin, kind="request", type_key="maintenance",
                          values={"title": "B", "category": "other"}, tags=["safety"])
    assert records.tag_suggestions(tenant.admin, kind="request", prefix="") == ["safety", "roof"]
    assert records.tag_suggestions(tenant.admin, kind="request", prefix="r") == ["roof"]
    assert records.tag_suggestions(tenant.admin, kind="request", prefix="%") == []


def test_listener_delivers_committed_changes_only(tenant):
    received: list[dict] = []
    arrived = threading.Event()

    def deliver(payload: dict) -> None:
        received.append(payload)
        arrived.set()

    listener = ChangeListener(deliver)
    listener.start()
    try:
        assert listener.listening.wait(5)
        with pytest.raises(RuntimeError), db.tenant_session(tenant.tenant_id):
            raise RuntimeError("rolled back: nothing is sent")
        created = _new(tenant.admin)
        assert arrived.wait(5)
        time.sleep(0.2)
        assert [p["subject"] for p in received] == [str(created.id)]
        assert received[0]["tenant"] == str(tenant.tenant_id) and received[0]["state"] == "draft"
    finally:
        listener.stop()


def test_vendors_move_through_onboarding_as_records(database):
    bundle = new_tenant()
    published(bundle, "vendor_onboarding")
    records.ensure_default_types(bundle.admin)
    created = records.create_record(bundle.admin, kind="vendor", type_key="vendor", values={
        "title": "Drain Doctors", "trades": ["plumbing"], "contact_email": "ops@drain.example"})
    assert created.reference == "VEN-1" and created.vendor_id == created.id
    from domain.iam import vendors

    listed = {v.name: v for v in vendors.list_vendors(bundle.admin)}
    assert listed["Drain Doctors"].id == created.id and listed["Drain Doctors"].status == "onboarding"
    with pytest.raises(ValidationFailed):
        records.create_record(bundle.admin, kind="vendor", type_key="vendor", values={
            "title": "drain doctors", "trades": ["plumbing"], "contact_email": "x@drain.example"})
    existing = vendors.save_vendor(bundle.admin, vendor_id=None, name="Old Friends", trades=["electrical"],
                                   status="active", email="hi@old.example")
    enrolled = records.enroll_vendor(bundle.admin, vendor_id=existing.id)
    assert enrolled.reference == "VEN-2" and enrolled.values["title"] == "Old Friends"
    with pytest.raises(Conflict):
        records.enroll_vendor(bundle.admin, vendor_id=existing.id)
    vendors.save_vendor(bundle.admin, vendor_id=existing.id, name="Old Friends Ltd", trades=["electrical"],
                        status="active", email="hi@old.example")
    assert records.get_detail(bundle.admin, record_id=existing.id).record.values["title"] == "Old Friends Ltd"
    current = records.get_detail(bundle.admin, record_id=existing.id).record
    records.update_record(bundle.admin, record_id=existing.id, expected_version=current.version,
                          values={"title": "Old Friends Group"})
    assert {v.name for v in vendors.list_vendors(bundle.admin)} == {"Drain Doctors", "Old Friends Group"}
    with pytest.raises(ValidationFailed):
        records.update_record(bundle.admin, record_id=existing.id, expected_version=current.version + 1,
                              values={"title": "Drain Doctors"})
    vendor_user = ctx_for(add_person(bundle, "vendor", vendor_id=existing.id))
    cards = boards.board(vendor_user, kind="vendor", workflow_key="vendor_onboarding").cards
    assert [c.reference for c in cards] == ["VEN-2"]


def test_wip_limits_are_per_board_validated_and_audited(tenant):
    requester = ctx_for(add_person(tenant, "requester"))
    saved = boards.set_wip_limits(tenant.admin, kind="request", workflow_key="maintenance_request",
                                  limits={"manager_approval": "3", "in_progress": " 5 ", "draft": ""})
    assert saved == {"manager_approval": 3, "in_progress": 5}
    assert boards.board(tenant.admin, kind="request", workflow_key="maintenance_request").wip == saved
    for bad in ({"manager_approval": "0"}, {"manager_approval": "lots"}, {"no_such_state": "2"}):
        with pytest.raises(ValidationFailed):
            boards.set_wip_limits(tenant.admin, kind="request", workflow_key="maintenance_request", limits=bad)
    with pytest.raises(PermissionDenied):
        boards.set_wip_limits(requester, kind="request", workflow_key="maintenance_request",
                              limits={"draft": "1"})
    assert boards.board(tenant.admin, kind="request", workflow_key="maintenance_request").wip == saved
    [row] = factories.audit_rows(tenant.tenant_id, "board.settings")
    assert row.after == {"wip": saved}


def test_tenant_defined_types_and_buildings(tenant):
    from domain.records import setup

    requester = ctx_for(add_person(tenant, "requester"))
    saved = setup.save_type(tenant.admin, kind="request", key="cleaning", name=" Cleaning ",
                            workflow_key="maintenance_request")
    assert saved.name == {"*": "Cleaning"}
    assert "cleaning" in {t.key for t in records.list_types(requester, "request")}
    made = records.create_record(requester, kind="request", type_key="cleaning",
                                 values={"title": "Windows", "category": "cleaning"})
    assert made.type_key == "cleaning" and made.state == "draft"
    for bad in ({"key": "Bad Key"}, {"workflow_key": "nope"}, {"kind": "asset"}, {"name": ""}):
        args = {"kind": "request", "key": "other", "name": "Other", "workflow_key": "maintenance_request", **bad}
        with pytest.raises(ValidationFailed):
            setup.save_type(tenant.admin, **args)
    with pytest.raises(PermissionDenied):
        setup.save_type(requester, kind="request", key="x", name="X", workflow_key="maintenance_request")
    setup.save_type(tenant.admin, kind="request", key="cleaning", name="Cleaning", workflow_key="maintenance_request",
                    active=False)
    assert "cleaning" not in {t.key for t in records.list_types(requester, "request")}
    hq = setup.save_building(tenant.admin, building_id=None, name="HQ", code="H1", address="1 Main St")
    with pytest.raises(ValidationFailed):
        setup.save_building(tenant.admin, building_id=None, name="hq")
    setup.save_building(tenant.admin, building_id=hq.id, name="Head office", code="H1")
    assert [b.name for b in setup.list_buildings(tenant.admin)] == ["Head office"]
    assert records.choices(tenant.admin)["building"] == {str(hq.id): "Head office"}


def test_board_options_equal_each_cards_own_decision(tenant):
    """Cards alike in what the decision reads share one computation; the result must equal
    deciding every card on its own."""
    from domain.workflows.instances import actions_for

    requester = ctx_for(add_person(tenant, "requester"))
    manager = ctx_for(add_person(tenant, "manager"))
    made = [_new(requester, cost_estimate={"amount": str(amount), "currency": "EUR"}) for amount in
            (100, 100, 7000, 4999)] + [_new(manager), _new(requester, title="Other")]
    for view in made[:4]:
        done = perform(ctx=requester, instance_id=view.instance_id, transition_id="submit",
                       expected_version=view.version)
        perform(ctx=manager, instance_id=view.instance_id, transition_id="review", expected_version=done.version)
    for viewer in (manager, requester, tenant.admin):
        cards = {c.instance_id: c for c in boards.board(viewer, kind="request",
                                                       workflow_key="maintenance_request").cards}
        for view in made:
            if view.instance_id not in cards:
                continue
            own = [o for o in actions_for(viewer, instance_id=view.instance_id) if o.permitted]
            assert [(o.transition_id, o.enabled, o.reasons) for o in cards[view.instance_id].options] == [
                (o.transition_id, o.enabled, o.reasons) for o in own]
