"""Admin: users, roles, tenant settings, and (for platform administrators) tenants."""

from __future__ import annotations

from nicegui import ui

from domain.errors import N_
from ui.i18n import _
from ui.pages import admin_records, admin_roles, admin_tenants, admin_users
from ui.session import Viewer
from ui.shell import console_page


def create() -> None:
    @console_page("/admin", N_("Admin"))
    async def admin_page(viewer: Viewer) -> None:
        sections = []
        if viewer.can("user:manage"):
            sections.append(("users", _("Users"), admin_users.build))
        if viewer.can("role:manage"):
            sections.append(("roles", _("Roles"), admin_roles.build))
        if viewer.can("tenant:manage"):
            sections.append(("tenant", _("Tenant settings"), admin_tenants.build_settings))
        if viewer.can("workflow:design"):
            sections.append(("types", _("Record types"), admin_records.build_types))
        if viewer.can("asset:manage"):
            sections.append(("buildings", _("Buildings"), admin_records.build_buildings))
        if viewer.info.is_platform_admin:
            sections.append(("tenants", _("Tenants"), admin_tenants.build_tenants))
        names = [key for key, _label, _build in sections]
        requested = ui.context.client.request.query_params.get("tab", "")
        selected = requested if requested in names else names[0]
        with ui.tabs(value=selected).props("dense align=left no-caps") as tabs:
            for key, label, _build in sections:
                ui.tab(key, label)
        panels: dict[str, ui.tab_panel] = {}
        built: set[str] = set()
        builders = {key: build for key, _label, build in sections}

        async def show(key: str) -> None:
            """Build a section the first time it is opened (each one queries the database)."""
            if key in built:
                return
            built.add(key)
            with panels[key]:
                await builders[key](viewer)

        with ui.tab_panels(tabs, value=selected, on_change=lambda e: show(e.value)).classes("w-full"):
            for key, _label, _build in sections:
                panels[key] = ui.tab_panel(key).classes("p-0 pt-2")
        await show(selected)
