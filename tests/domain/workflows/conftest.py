"""A published maintenance workflow with a requester, a manager and one draft request."""

from __future__ import annotations

import uuid

import pytest

from domain.workflows import instances
from tests.factories import add_person, ctx_for, new_tenant, published, with_roles


@pytest.fixture
def flow(database):  # type: ignore[no-untyped-def]
    bundle = with_roles(new_tenant(), "director")
    published(bundle)
    requester = ctx_for(add_person(bundle, "requester"))
    manager = ctx_for(add_person(bundle, "manager"))
    instance = instances.start_instance(requester, workflow_key="maintenance_request", subject_type="request",
                                        subject_id=uuid.uuid4(),
                                        fields={"title": "Leaking tap", "category": "plumbing"})
    return bundle, requester, manager, instance
