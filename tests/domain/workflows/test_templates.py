"""Every built-in template publishes into a fresh tenant, bringing the roles it needs."""

from __future__ import annotations

from domain.iam import roles as roles_uc
from domain.workflows import definitions, templates
from tests.factories import new_tenant


def test_all_templates_publish_and_create_their_missing_roles(database):
    bundle = new_tenant()
    keys = templates.template_keys()
    assert keys == ["asset_lifecycle", "change_request", "incident", "maintenance_request", "project",
                    "vendor_onboarding"]
    for key in keys:
        version = templates.publish_template(bundle.admin, key=key)
        assert (version.status, version.problems) == ("published", ())
        assert definitions.list_versions(bundle.admin, key=key)[0].id == version.id
    roles = {r.key: r for r in roles_uc.list_roles(bundle.admin)}
    assert {"director", "change_board", "finance", "incident_manager"} <= set(roles)
    assert not roles["change_board"].is_system
    assert set(roles["change_board"].permissions) == {"request:read", "request:transition"}
    assert set(roles["asset_manager"].permissions) == {"asset:read", "asset:transition"}
