"""Definitions as versioned data: drafts, publishing, immutability, import and export."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from domain.errors import Conflict, PermissionDenied
from domain.workflows import definitions
from domain.workflows.definitions import DefinitionRejected
from tests.factories import TEMPLATES_DIR, add_person, audit_actions, ctx_for, new_tenant, owner_sql, published

TEMPLATE = (TEMPLATES_DIR / "maintenance_request.yaml").read_text()


def test_publish_freezes_a_version_and_is_audited(database):
    bundle = new_tenant()
    version = published(bundle)
    assert (version.status, version.number, version.problems) == ("published", 1, ())
    assert {"workflow.create", "workflow.draft_create", "workflow.publish"} <= set(audit_actions(bundle.tenant_id))
    with pytest.raises(DBAPIError, match="can no longer change"):
        owner_sql("update workflow_versions set document = '{}'::jsonb where id = :v", v=version.id)


def test_a_draft_with_semantic_errors_is_saved_but_cannot_be_published(database):
    bundle = new_tenant()
    broken = TEMPLATE.replace("initial_state: draft", "initial_state: nowhere")
    draft = definitions.save_draft(bundle.admin, document=broken)
    assert draft.status == "draft"
    assert "unknown_state" in {p.code for p in draft.problems}
    with pytest.raises(DefinitionRejected) as refused:
        definitions.publish(bundle.admin, version_id=draft.id)
    assert "unknown_state" in {p.code for p in refused.value.problems}
    assert definitions.get_version(bundle.admin, version_id=draft.id).status == "draft"


@pytest.mark.parametrize("source", [b"key: [unclosed", "- a list", TEMPLATE.replace("subject: request",
                                                                                      "subject: spaceship")])
def test_a_broken_file_changes_nothing(database, source):
    bundle = new_tenant()
    before = audit_actions(bundle.tenant_id)
    with pytest.raises(DefinitionRejected) as refused:
        definitions.import_definition(bundle.admin, source=source)
    assert refused.value.problems
    assert owner_sql("select count(*) from workflow_definitions where tenant_id = :t", t=bundle.tenant_id)[0][0] == 0
    assert audit_actions(bundle.tenant_id) == before


def test_export_import_export_is_identical(database):
    bundle = new_tenant()
    first = published(bundle)
    for fmt in ("yaml", "json"):
        name, text = definitions.export(bundle.admin, version_id=first.id, fmt=fmt)
        assert name == f"maintenance_request-v1.{fmt}"
        again = definitions.import_definition(bundle.admin, source=text)
        assert again.number == 2 and again.status == "draft"
        assert definitions.export(bundle.admin, version_id=again.id, fmt=fmt)[1] == text


def test_one_draft_at_a_time_and_versions_count_up(database):
    bundle = new_tenant()
    first = published(bundle)
    draft = definitions.save_draft(bundle.admin, document=TEMPLATE.replace("goal: 5d", "goal: 4d"))
    same = definitions.save_draft(bundle.admin, document=TEMPLATE.replace("goal: 5d", "goal: 3d"))
    assert draft.id == same.id and same.number == 2
    assert [v.number for v in definitions.list_versions(bundle.admin, key="maintenance_request")] == [2, 1]
    with pytest.raises(Conflict):
        definitions.publish(bundle.admin, version_id=first.id)
    assert definitions.archive(bundle.admin, version_id=first.id).status == "archived"


def test_designing_needs_the_permission(database):
    bundle = new_tenant()
    manager = ctx_for(add_person(bundle, "manager"))
    with pytest.raises(PermissionDenied):
        definitions.save_draft(manager, document=TEMPLATE)
