"""A record's history, as its detail page shows it: a move to a newer workflow version is an entry of its own."""

from __future__ import annotations

from nicegui.testing import User

from domain.records import service as records
from domain.workflows import definitions
from domain.workflows.migration import migrate_instances
from storage.postgres import DatabaseUrls
from tests import factories
from tests.ui.test_shell_user import SLOW, sign_in, wait_for_navigation
from ui.designer.document import DesignDocument


async def test_a_record_moved_to_a_newer_version_says_so_in_its_history(database: DatabaseUrls, user: User) -> None:
    bundle = factories.with_roles(factories.new_tenant(default_locale="es"), "director")
    first = factories.published(bundle)
    records.ensure_default_types(bundle.admin)
    requester = factories.ctx_for(factories.add_person(bundle, "requester"))
    created = records.create_record(requester, kind="request", type_key="maintenance",
                                    values={"title": "Leaking tap", "category": "plumbing"})
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
