"""The console frame: header (tenant switcher, search, language, theme, user menu) and navigation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from domain.errors import N_, DomainError
from domain.iam import auth, users
from ui.calls import io_bound
from ui.i18n import LANGUAGE_NAMES, _, apply_page_language, error_text
from ui.session import (
    ACTIVITY_CHECK_S,
    ACTIVITY_SCRIPT,
    TOKEN,
    Viewer,
    check_still_signed_in,
    client_ip,
    viewer_or_redirect,
)
from ui.widgets import forbidden, labelled


@dataclass(frozen=True, slots=True)
class NavItem:
    path: str
    label: str  # msgid
    icon: str
    visible: Callable[[Viewer], bool]


def _admin_visible(v: Viewer) -> bool:
    return v.info.is_platform_admin or any(v.can(p) for p in ("user:manage", "role:manage", "tenant:manage"))


NAV = (
    NavItem("/", N_("Dashboard"), "space_dashboard", lambda v: True),
    NavItem("/requests", N_("Requests"), "assignment", lambda v: v.can("request:read")),
    NavItem("/projects", N_("Projects"), "account_tree", lambda v: v.can("project:read")),
    NavItem("/assets", N_("Assets"), "domain", lambda v: v.can("asset:read")),
    NavItem("/vendors", N_("Vendors"), "handyman", lambda v: v.can("vendor:read") or v.ctx.vendor_id is not None),
    NavItem("/designer", N_("Designer"), "schema", lambda v: v.can("workflow:design")),
    NavItem("/admin", N_("Admin"), "admin_panel_settings", _admin_visible),
    NavItem("/audit", N_("Audit"), "policy", lambda v: v.can("audit:read")),
)

THEMES = {"light": False, "dark": True, "auto": None}


PageBuilder = Callable[[Viewer], Awaitable[None]]


def console_page(path: str, title: str, *, allowed: Callable[[Viewer], bool] | None = None,
                 allow_password_change: bool = False) -> Callable[[PageBuilder], PageBuilder]:
    """Register a signed-in page: session check, frame, and access check in one place.

    `title` is a msgid. Access defaults to the navigation entry's rule for `path`, so a
    page is reachable exactly when its link is shown; refused people see why.
    """
    rule = allowed or next((item.visible for item in NAV if item.path == path), lambda v: True)

    def register(build: PageBuilder) -> PageBuilder:
        @ui.page(path)
        async def page() -> RedirectResponse | None:
            viewer = await viewer_or_redirect(allow_password_change=allow_password_change)
            if isinstance(viewer, RedirectResponse):
                return viewer
            with frame(viewer, _(title), active=path):
                if rule(viewer):
                    await build(viewer)
                else:
                    forbidden()
            return None

        return build

    return register


ItemPageBuilder = Callable[[Viewer, str], Awaitable[None]]


def console_item_page(section: str, title: str, *, allowed: Callable[[Viewer], bool]
                      ) -> Callable[[ItemPageBuilder], ItemPageBuilder]:
    """`console_page` for one item of a section: `{section}/{ref}` (navigation shows `section` active)."""

    def register(build: ItemPageBuilder) -> ItemPageBuilder:
        @ui.page(section + "/{ref}")
        async def page(ref: str) -> RedirectResponse | None:
            viewer = await viewer_or_redirect()
            if isinstance(viewer, RedirectResponse):
                return viewer
            with frame(viewer, _(title), active=section):
                if allowed(viewer):
                    await build(viewer, ref)
                else:
                    forbidden()
            return None

        return build

    return register


@contextmanager
def frame(viewer: Viewer, title: str, *, active: str) -> Iterator[None]:
    """Build the header and navigation; the `with` body fills the main column."""
    theme = app.storage.user.get("theme", viewer.info.theme)
    apply_page_language()
    dark = ui.dark_mode(THEMES.get(theme))
    ui.page_title(f"{title} · Baton")
    ui.query(".nicegui-content").classes("p-0")
    _header(viewer, dark)
    with ui.left_drawer(value=True, bordered=True).props("width=210 breakpoint=700").classes("p-0"):
        with labelled(ui.element("nav"), _("Main navigation")).classes("w-full"), \
                ui.list().props("dense").classes("w-full"):
            for item in NAV:
                if item.visible(viewer):
                    _nav_link(item, active == item.path)
    ui.add_body_html(ACTIVITY_SCRIPT)
    ui.timer(ACTIVITY_CHECK_S, check_still_signed_in)
    with ui.column().classes("w-full p-4 gap-3"):
        ui.label(title).classes("text-h6").props('role="heading" aria-level="1"')
        yield


def _nav_link(item: NavItem, active: bool) -> None:
    with ui.link(target=item.path).classes("w-full no-underline text-inherit") as link:
        link.props(f'aria-current="{"page" if active else "false"}"')
        with ui.item().props(f"clickable dense {'active' if active else ''}").classes("w-full"):
            with ui.item_section().props("avatar"):
                ui.icon(item.icon, size="sm")
            ui.item_section(_(item.label))


def _header(viewer: Viewer, dark: ui.dark_mode) -> None:
    with ui.header(bordered=True).classes("items-center gap-3 py-1 px-3").props("dense"):
        ui.label("Baton").classes("text-subtitle1 text-weight-bold")
        _tenant_switcher(viewer)
        if viewer.can("user:read"):
            _search_box(viewer)
        ui.space()
        language = ui.select(LANGUAGE_NAMES, value=app.storage.user.get("locale") or "en",
                             on_change=lambda e: set_locale(viewer, e.value))
        labelled(language.props('dense options-dense borderless dark'), _("Language")).classes("w-28")
        theme_names = {"light": _("Light"), "dark": _("Dark"), "auto": _("Automatic")}
        theme = ui.select(theme_names, value=app.storage.user.get("theme", viewer.info.theme),
                          on_change=lambda e: _set_theme(viewer, dark, e.value))
        labelled(theme.props('dense options-dense borderless dark'), _("Theme")).classes("w-28")
        with ui.button(viewer.info.name, icon="account_circle").props("flat dense no-caps color=white"):
            with ui.menu():
                ui.menu_item(_("Account and password"), on_click=lambda: ui.navigate.to("/account")).props(
                    'role="menuitem"')
                ui.separator()
                ui.menu_item(_("Sign out"), on_click=_sign_out).props('role="menuitem"')


def _tenant_switcher(viewer: Viewer) -> None:
    tenants = {str(t.id): t.name for t in viewer.info.tenants}
    if len(tenants) == 1:
        ui.label(viewer.info.tenant.name).classes("text-caption")
        return

    async def switch(e: object) -> None:
        value = getattr(e, "value", None)
        if not value or value == str(viewer.info.tenant_id):
            return
        from uuid import UUID

        try:
            await io_bound(auth.switch_tenant, app.storage.user.get(TOKEN, ""), UUID(value), ip=client_ip())
        except DomainError as exc:
            ui.notify(error_text(exc), type="negative")
            return
        ui.navigate.to("/")

    select = ui.select(tenants, value=str(viewer.info.tenant_id), on_change=switch)
    labelled(select.props('dense options-dense borderless dark'), _("Tenant")).classes("w-48")


def _search_box(viewer: Viewer) -> None:
    results = ui.menu().props("no-focus no-parent-event fit")

    async def search(e: object) -> None:
        query = str(getattr(e, "value", "") or "")
        found = await io_bound(users.search_members, viewer.ctx, query)
        results.clear()
        with results:
            if not found and len(query.strip()) >= 2:
                ui.menu_item(_("No people match “{query}”.", query=query)).props("disable")
            for member in found:
                ui.menu_item(f"{member.name} · {member.email}", on_click=lambda m=member: _show_person(m)).props(
                    'role="menuitem"')
        if len(query.strip()) >= 2:
            results.open()
        else:
            results.close()

    box = ui.input(placeholder=_("Search people (Ctrl+K)"), on_change=search).props(
        "dense standout dark clearable debounce=250").classes("w-72")
    labelled(box, _("Search"))
    with box.add_slot("prepend"):
        ui.icon("search")
    results.move(box)
    ui.keyboard(lambda e: box.run_method("focus") if e.key == "k" and e.modifiers.ctrl and e.action.keydown
                else None, ignore=[])


def _show_person(member: users.Member) -> None:
    with ui.dialog() as dialog, ui.card().classes("min-w-80"):
        ui.label(member.name).classes("text-h6")
        ui.label(member.email)
        ui.label(_("Roles: {roles}", roles=", ".join(member.roles)))
        if member.vendor_name:
            ui.label(_("Vendor: {vendor}", vendor=member.vendor_name))
        ui.label(_("Active") if member.status == "active" else _("Disabled"))
        ui.button(_("Close"), on_click=dialog.close).props("flat")
    dialog.open()


async def set_locale(viewer: Viewer, locale: str) -> None:
    """Persist the reader's language and show the page again in it."""
    if locale == app.storage.user.get("locale"):
        return
    app.storage.user["locale"] = locale
    await io_bound(users.set_preferences, viewer.ctx, locale=locale)
    ui.navigate.reload()


async def _set_theme(viewer: Viewer, dark: ui.dark_mode, theme: str) -> None:
    app.storage.user["theme"] = theme
    dark.value = THEMES.get(theme)
    await io_bound(users.set_preferences, viewer.ctx, theme=theme)


async def _sign_out() -> None:
    token = app.storage.user.pop(TOKEN, None)
    if token:
        await io_bound(auth.logout, token, ip=client_ip())
    ui.navigate.to("/login")
