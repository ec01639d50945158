"""A record's history, as its detail page shows it: a move to a newer workflow version is an entry of its own."""

from __future__ import annotations

from typing import Any

from nicegui.testing import User

from domain.records import service as records
from domain.workflows import definitions
from domain.workflows.migration import migrate_instances
from storage.postgres import DatabaseUrls
from tests import factories
from tests.ui.test_shell_user import SLOW, sign_in, wait_for_navigation
from ui.designer.document import DesignDocument


async def test_a_record_moved_to_a_newer_version_says_so_in_its_history(database: DatabaseUrls, user: User) -> None:
    bundle, first, _requester, created = _a_request("Leaking tap")
    newer = DesignDocument(first.document)
    newer.update(newer.state("draft"), {"name": {"en": "New request", "es": "Solicitud nueva"}})
    second = definitions.publish(bundle.admin,
                                 version_id=definitions.save_draft(bundle.admin, document=newer.doc).id)
    migrate_instances(bundle.admin, from_version_id=first.id, to_version_id=second.id)

    await sign_in(user, bundle.admin_email)
    await wait_for_navigation(user)
    await user.open(f"/requests/{created.reference}")
    await user.should_see("Leaking tap", retries=SLOW)
    await user.should_see("Movido a la versión 2 → Solicitud nueva", retries=SLOW)  # the admin reads Spanish
    await user.should_not_see("@migration")


async def test_history_names_states_and_transitions_the_newer_version_dropped(database: DatabaseUrls,
                                                                               user: User) -> None:
    from domain.workflows.perform import perform

    bundle, first, requester, created = _a_request("Broken window")
    detail = records.get_detail(requester, record_id=created.id)
    perform(ctx=requester, instance_id=detail.record.instance_id, transition_id="submit",
            expected_version=detail.record.version)
    newer = DesignDocument(first.document)
    newer.rename_state("submitted", "sent")  # version 2 has no "submitted" any more
    newer.rename_transition("submit", "send")
    second = definitions.publish(bundle.admin,
                                 version_id=definitions.save_draft(bundle.admin, document=newer.doc).id)
    migrate_instances(bundle.admin, from_version_id=first.id, to_version_id=second.id,
                      state_map={"submitted": "sent"})

    await sign_in(user, bundle.admin_email)
    await wait_for_navigation(user)
    await user.open(f"/requests/{created.reference}")
    await user.should_see("Broken window", retries=SLOW)
    await user.should_see("Movido a la versión 2 → Enviada", retries=SLOW)  # the new state keeps the old name
    await user.should_see("Enviar → Enviada", retries=SLOW)  # the step taken on version 1, named from version 1
    await user.should_not_see("→ submitted")


def _a_request(title: str) -> tuple[Any, Any, Any, Any]:
    """A Spanish-speaking tenant with the maintenance workflow published and one request in draft."""
    bundle = factories.with_roles(factories.new_tenant(default_locale="es"), "director")
    first = factories.published(bundle)
    records.ensure_default_types(bundle.admin)
    requester = factories.ctx_for(factories.add_person(bundle, "requester"))
    created = records.create_record(requester, kind="request", type_key="maintenance",
                                    values={"title": title, "category": "plumbing"})
    return bundle, first, requester, created
