"""The sign-in page and the navigation through NiceGUI's simulated `User` (no browser).

`database` comes before `user` in every signature: the fixture runs main.py, which
reads the database URLs that `database` exports.
"""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from storage.postgres import DatabaseUrls
from tests import factories

# Signing in hashes a password and writes to the database in a worker thread: allow ~5 s.
SLOW = 50


async def sign_in(user: User, email: str, password: str = factories.PASSWORD) -> None:
    await user.open("/login")
    user.find(kind=ui.input, content="E-mail").type(email)
    user.find(kind=ui.input, content="Password").type(password)
    user.find(kind=ui.button, content="Sign in").click()


async def wait_for_navigation(user: User) -> None:
    """Signing in ends on a page with the navigation drawer (the links' text is in their items)."""
    await user.should_see(kind=ui.left_drawer, retries=SLOW)


async def test_login_page_renders(database: DatabaseUrls, user: User) -> None:
    await user.open("/login")
    await user.should_see("Sign in to Baton")
    await user.should_see(kind=ui.button, content="Sign in")


async def test_unauthenticated_visit_ends_on_the_login_page(database: DatabaseUrls, user: User) -> None:
    await user.open("/")
    await user.should_see("Sign in to Baton")
    await user.should_not_see(kind=ui.left_drawer)


async def test_signing_in_through_the_form_shows_the_navigation(database: DatabaseUrls, user: User) -> None:
    bundle = factories.new_tenant()
    await sign_in(user, bundle.admin_email)
    await wait_for_navigation(user)
    with user.scope(kind=ui.left_drawer):
        await user.should_see("Dashboard")
        await user.should_see("Admin")
    await user.should_not_see("Sign in to Baton")


async def test_requester_sees_only_dashboard_and_requests(database: DatabaseUrls, user: User) -> None:
    bundle = factories.new_tenant()
    email = factories.add_person(bundle, "requester")
    await sign_in(user, email)
    await wait_for_navigation(user)
    with user.scope(kind=ui.left_drawer):
        await user.should_see("Dashboard")
        await user.should_see("Requests")
        for hidden in ("Admin", "Audit", "Designer"):
            await user.should_not_see(hidden)
