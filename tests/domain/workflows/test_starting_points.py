"""New workflows start blank, from a built-in template, or as a copy, always under a free key."""

from __future__ import annotations

import pytest

from domain.errors import NotFound, PermissionDenied
from domain.workflows import definitions
from domain.workflows.templates import starting_document
from engine.validate import validate_definition
from tests.factories import add_person, ctx_for, new_tenant, published


def test_a_template_starts_valid_under_its_own_key_or_a_free_one(database):  # type: ignore[no-untyped-def]
    bundle = new_tenant()
    fresh = starting_document(bundle.admin, template="incident")
    assert fresh["key"] == "incident" and validate_definition(fresh) == []
    published(bundle, "incident")
    again = starting_document(bundle.admin, template="incident")
    assert again["key"] == "incident_2" and again["states"] == fresh["states"]


def test_a_clone_copies_the_draft_when_there_is_one(database):  # type: ignore[no-untyped-def]
    bundle = new_tenant()
    version = published(bundle, "incident")
    draft = dict(version.document, description="Edited in a draft")
    definitions.save_draft(bundle.admin, document=draft)
    copy = starting_document(bundle.admin, clone="incident")
    assert copy["key"] == "incident_2" and copy["description"] == "Edited in a draft"
    assert definitions.list_versions(bundle.admin, key="incident")[0].document["key"] == "incident"


def test_unknown_sources_and_non_designers_are_refused(database):  # type: ignore[no-untyped-def]
    bundle = new_tenant()
    with pytest.raises(NotFound):
        starting_document(bundle.admin, template="no_such_template")
    with pytest.raises(NotFound):
        starting_document(bundle.admin, clone="nothing_here")
    with pytest.raises(PermissionDenied):
        starting_document(ctx_for(add_person(bundle, "manager")), template="incident")
