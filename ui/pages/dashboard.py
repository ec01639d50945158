"""Dashboard: the tenant at a glance and the latest activity."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import run, ui

from domain.audit.service import AuditFilter, list_events
from domain.iam.overview import tenant_overview
from ui.i18n import _, fmt_datetime, fmt_number
from ui.session import viewer_or_redirect
from ui.shell import frame


def create() -> None:
    @ui.page("/")
    async def dashboard() -> RedirectResponse | None:
        viewer = await viewer_or_redirect()
        if isinstance(viewer, RedirectResponse):
            return viewer
        overview = await run.io_bound(tenant_overview, viewer.ctx)
        events = []
        if viewer.can("audit:read"):
            events, _total = await run.io_bound(list_events, viewer.ctx, AuditFilter(), limit=8)
        with frame(viewer, _("Dashboard"), active="/"):
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
                ui.label(_("Latest activity")).classes("text-subtitle1").props('role="heading" aria-level="2"')
                with ui.list().props("dense bordered separator").classes("w-full max-w-3xl"):
                    for event in events:
                        with ui.item():
                            with ui.item_section():
                                ui.item_label(f"{event.action} · {event.entity_type}")
                                ui.item_label(event.actor_label).props("caption")
                            with ui.item_section().props("side"):
                                ui.item_label(fmt_datetime(event.created_at, viewer.timezone, "short"))
        return None
