"""Opening the designer's editor in NiceGUI's `User` for the designer's page tests."""

from __future__ import annotations

from typing import Any

from nicegui.testing import User

from domain.workflows import definitions
from tests import factories
from tests.factories import TenantBundle
from tests.ui.test_shell_user import SLOW, sign_in, wait_for_navigation
from ui.components.flow_canvas import FlowCanvas


async def open_designer(user: User, document: dict[str, Any]) -> TenantBundle:
    """A fresh tenant holding `document` as a draft, its admin signed in on the designer's editor."""
    bundle = factories.new_tenant()
    definitions.save_draft(bundle.admin, document=document)
    await sign_in(user, bundle.admin_email)
    await wait_for_navigation(user)
    await user.open(f"/designer/{document['key']}")
    await user.should_see(kind=FlowCanvas, retries=SLOW)
    return bundle
