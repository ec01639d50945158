"""Moving running records to a newer version: the preview, a refusal that writes nothing, the move itself."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import Conflict, PermissionDenied, ValidationFailed
from domain.workflows import definitions, instances
from domain.workflows.migration import Move, migrate_instances, plan_migration, records_per_version
from domain.workflows.perform import perform
from tests.factories import add_person, audit_rows, ctx_for, new_tenant, owner_sql, published, with_roles
from ui.designer.document import DesignDocument


@pytest.fixture
def running(database):  # type: ignore[no-untyped-def]
    """Version 1 with three requests (two drafts, one submitted) and version 2, where `submitted` became `triage`."""
    bundle = with_roles(new_tenant(), "director")
    v1 = published(bundle)
    requester = ctx_for(add_person(bundle, "requester"))
    add_person(bundle, "manager")
    started = [instances.start_instance(requester, workflow_key="maintenance_request", subject_type="request",
                                        subject_id=uuid.uuid4(), fields={"title": f"Tap {n}", "category": "plumbing"})
               for n in range(3)]
    perform(ctx=requester, instance_id=started[0].id, transition_id="submit", expected_version=1)
    edit = DesignDocument(v1.document)
    edit.rename_state("submitted", "triage")
    v2 = definitions.publish(bundle.admin, version_id=definitions.save_draft(bundle.admin, document=edit.doc).id)
    return bundle, v1, v2, started


def pinned(instance_id: uuid.UUID) -> tuple[str, int]:
    row = owner_sql("select v.number, i.state from workflow_instances i join workflow_versions v "
                    "on v.id = i.version_id and v.tenant_id = i.tenant_id where i.id = :i", i=instance_id)[0]
    return row[1], row[0]


def test_the_plan_counts_records_per_state_and_strands_missing_states(running):
    bundle, v1, v2, _started = running
    plan = plan_migration(bundle.admin, from_version_id=v1.id, to_version_id=v2.id)
    assert (plan.from_number, plan.to_number, plan.total) == (1, 2, 3)
    assert plan.moves == (Move(from_state="draft", to_state="draft", count=2),
                          Move(from_state="submitted", to_state=None, count=1))
    mapped = plan_migration(bundle.admin, from_version_id=v1.id, to_version_id=v2.id,
                            state_map={"submitted": "triage"})
    assert mapped.stranded == ()


def test_a_stranding_migration_is_refused_and_writes_nothing(running):
    bundle, v1, v2, started = running
    with pytest.raises(Conflict) as refused:
        migrate_instances(bundle.admin, from_version_id=v1.id, to_version_id=v2.id)
    assert refused.value.params == {"count": 1, "state": "submitted", "number": 2}
    assert [pinned(i.id) for i in started] == [("submitted", 1), ("draft", 1), ("draft", 1)]
    assert audit_rows(bundle.tenant_id, "workflow.migrate") == []


def test_migration_moves_every_record_with_history_and_one_audit_entry_each(running):
    bundle, v1, v2, started = running
    assert records_per_version(bundle.admin, key="maintenance_request") == {v1.id: 3}
    plan = migrate_instances(bundle.admin, from_version_id=v1.id, to_version_id=v2.id,
                             state_map={"submitted": "triage"})
    assert plan.total == 3 and records_per_version(bundle.admin, key="maintenance_request") == {v2.id: 3}
    assert [pinned(i.id) for i in started] == [("triage", 2), ("draft", 2), ("draft", 2)]
    history = [h.transition_id for h in instances.history(bundle.admin, instance_id=started[0].id)]
    assert history == ["submit", "@migration"]
    audit = audit_rows(bundle.tenant_id, "workflow.migrate")
    assert len(audit) == 3
    assert {(a.before["state"], a.after["state"], a.after["workflow_version"]) for a in audit} == {
        ("submitted", "triage", 2), ("draft", "draft", 2)}
    # the moved record goes on through the newer version
    requester_view = instances.get_instance(bundle.admin, instance_id=started[0].id)
    assert requester_view.state == "triage" and requester_view.version == 3


def test_bad_maps_and_targets_are_refused(running):
    bundle, v1, v2, _started = running
    with pytest.raises(ValidationFailed):
        plan_migration(bundle.admin, from_version_id=v1.id, to_version_id=v2.id, state_map={"submitted": "nowhere"})
    with pytest.raises(ValidationFailed):
        plan_migration(bundle.admin, from_version_id=v2.id, to_version_id=v1.id)
    other = published(bundle, "incident")
    with pytest.raises(ValidationFailed):
        plan_migration(bundle.admin, from_version_id=v1.id, to_version_id=other.id)


def test_only_designers_migrate(running):
    bundle, v1, v2, _started = running
    manager = ctx_for(add_person(bundle, "manager"))
    with pytest.raises(PermissionDenied):
        migrate_instances(manager, from_version_id=v1.id, to_version_id=v2.id, state_map={"submitted": "triage"})
