"""Dashboard: the tenant at a glance and the latest activity."""

from __future__ import annotations

from nicegui import ui

from domain.audit.service import AuditFilter, list_events
from domain.errors import N_
from domain.iam.overview import tenant_overview
from ui.calls import io_bound
from ui.i18n import _, fmt_datetime, fmt_number
from ui.session import Viewer
from ui.shell import console_page


def create() -> None:
    @console_page("/", N_("Dashboard"))
    async def dashboard(viewer: Viewer) -> None:
        overview = await io_bound(tenant_overview, viewer.ctx)
        ui.label(_("Welcome, {name}. You work in {tenant} as {roles}.", name=viewer.info.name,
                   tenant=viewer.info.tenant.name, roles=", ".join(sorted(viewer.ctx.roles)) or "—"))
        cards = [(label, value) for label, value in (
            (_("Active members"), overview.active_members), (_("Vendors"), overview.vendors),
            (_("Roles"), overview.roles)) if value is not None]
        with ui.row().classes("gap-3"):
            for label, value in cards:
                with ui.card().classes("min-w-40").props('role="group"'):
                    ui.label(label).classes("text-caption text-grey-7")
                    ui.label(fmt_number(value)).classes("text-h5")
        if viewer.can("audit:read"):
            events, _total = await io_bound(list_events, viewer.ctx, AuditFilter(), limit=8)
            ui.label(_("Latest activity")).classes("text-subtitle1").props('role="heading" aria-level="2"')
            with ui.list().props("dense bordered separator").classes("w-full max-w-3xl"):
                for event in events:
                    with ui.item(), ui.item_section():
                        ui.item_label(f"{event.action} · {event.entity_type}")
                        ui.item_label(event.actor_label).props("caption")
                    with ui.item_section().props("side"):
                        ui.item_label(fmt_datetime(event.created_at, viewer.timezone, "short"))
