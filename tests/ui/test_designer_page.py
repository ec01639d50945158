"""The designer page lists the tenant's workflows, exports them, and imports only sound files."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from domain.workflows import definitions, templates
from storage.postgres import DatabaseUrls
from tests import factories
from tests.ui.test_shell_user import SLOW, sign_in, wait_for_navigation


async def upload(user: User, name: str, data: bytes) -> None:
    from nicegui.elements.upload_files import SmallFileUpload

    element = next(iter(user.find(kind=ui.upload).elements))
    await element.handle_uploads([SmallFileUpload(name=name, content_type="application/yaml", _data=data)])


async def test_designer_lists_exports_and_imports(database: DatabaseUrls, user: User) -> None:
    bundle = factories.new_tenant()
    templates.publish_template(bundle.admin, key="incident")
    await sign_in(user, bundle.admin_email)
    await wait_for_navigation(user)
    await user.open("/designer")
    await user.should_see("Incident", retries=SLOW)
    await user.should_see("Version 1 published", retries=SLOW)

    user.find(kind=ui.button, content="Export YAML").click()
    exported = await user.download.next(timeout=5)
    assert exported.text.startswith("format: baton/workflow@1\nkey: incident\n")

    await upload(user, "broken.yaml", b"format: baton/workflow@1\nkey: Broken\n")
    await user.should_see("Nothing was imported: the file has problems", retries=SLOW)
    assert [d.key for d in definitions.list_definitions(bundle.admin)] == ["incident"]

    changed = exported.text.replace("key: incident", "key: incident_copy")
    await upload(user, "copy.yaml", changed.encode())
    await user.should_see("Imported incident_copy as draft version 1.", retries=SLOW)
    keys = {d.key: d for d in definitions.list_definitions(bundle.admin)}
    assert keys["incident_copy"].draft is not None and keys["incident_copy"].published is None
