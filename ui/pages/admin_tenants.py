"""Admin → Tenant settings, and Tenants for platform administrators."""

from __future__ import annotations

from uuid import UUID
from zoneinfo import available_timezones

from nicegui import ui

from domain.errors import DomainError
from domain.iam import tenants
from ui.calls import io_bound
from ui.i18n import LANGUAGE_NAMES, _, fmt_datetime
from ui.session import Viewer
from ui.widgets import clear_errors, labelled, show_error

TIMEZONES = sorted(available_timezones())


async def build_settings(viewer: Viewer) -> None:
    tenant = await io_bound(tenants.get_tenant, viewer.ctx)
    with ui.card().classes("w-full max-w-lg gap-2"):
        name = ui.input(_("Tenant name"), value=tenant.name).classes("w-full")
        ui.input(_("Address name"), value=tenant.slug).props("readonly").classes("w-full")
        timezone = ui.select(TIMEZONES, label=_("Time zone"), value=tenant.settings.get("timezone", "UTC"),
                             with_input=True).classes("w-full")
        locale = ui.select(LANGUAGE_NAMES, label=_("Default language"),
                           value=tenant.settings.get("default_locale", "en")).classes("w-full")
        calendar = _CalendarEditor(tenant.settings.get("calendar") or tenants.DEFAULT_CALENDAR)
        fields = {"name": name, "timezone": timezone, "default_locale": locale, "calendar": calendar.holidays}

        async def save() -> None:
            clear_errors(fields)
            try:
                await io_bound(lambda: tenants.update_tenant(
                    viewer.ctx, name=name.value or "", timezone=timezone.value or "",
                    default_locale=locale.value or "en", calendar=calendar.value()))
            except DomainError as exc:
                show_error(exc, fields)
                return
            ui.notify(_("Tenant settings saved."), type="positive")

        ui.button(_("Save settings"), on_click=save)


async def build_tenants(viewer: Viewer) -> None:
    await TenantAdmin(viewer).build()


class TenantAdmin:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    async def build(self) -> None:
        ui.button(_("New tenant"), icon="add_business", on_click=self.create)
        columns = [
            {"name": "name", "label": _("Name"), "field": "name", "sortable": True, "align": "left"},
            {"name": "slug", "label": _("Address name"), "field": "slug", "align": "left"},
            {"name": "status", "label": _("Status"), "field": "status", "align": "left"},
            {"name": "created", "label": _("Created"), "field": "created", "align": "left"},
        ]
        self.table = ui.table(columns=columns, rows=[], row_key="id").props(
            "dense flat bordered").classes("w-full max-w-4xl")
        labelled(self.table, _("Tenants"))
        self.table.on("rowClick", lambda e: self.toggle(e.args[1]))
        await self.reload()

    async def reload(self) -> None:
        rows = await io_bound(tenants.list_tenants, self.viewer.ctx)
        self.table.rows = [{"id": str(t.id), "name": t.name, "slug": t.slug, "platform": t.is_platform,
                            "status": _("Active") if t.status == "active" else _("Suspended"), "raw": t.status,
                            "created": fmt_datetime(t.created_at, self.viewer.timezone, "short")} for t in rows]
        self.table.update()

    async def toggle(self, row: dict[str, object]) -> None:
        if row.get("platform"):
            return
        target = "suspended" if row["raw"] == "active" else "active"
        question = (_("Suspend {name}? Its people can no longer sign in to it.", name=row["name"])
                    if target == "suspended" else _("Reactivate {name}?", name=row["name"]))
        with ui.dialog() as confirm, ui.card():
            ui.label(question)
            with ui.row().classes("w-full justify-end"):
                ui.button(_("Cancel"), on_click=lambda: confirm.submit(False)).props("flat")
                ui.button(_("Suspend") if target == "suspended" else _("Reactivate"),
                          on_click=lambda: confirm.submit(True))
        if not await confirm:
            return
        try:
            await io_bound(tenants.set_tenant_status, self.viewer.ctx, UUID(str(row["id"])), target)
        except DomainError as exc:
            show_error(exc)
            return
        await self.reload()

    def create(self) -> None:
        with ui.dialog() as dialog, ui.card().classes("w-[30rem] gap-2"):
            ui.label(_("New tenant")).classes("text-h6")
            name = ui.input(_("Tenant name")).classes("w-full")
            slug = ui.input(_("Address name (lower-case letters, digits, hyphens)")).classes("w-full")
            timezone = ui.select(TIMEZONES, label=_("Time zone"), value="UTC", with_input=True).classes("w-full")
            locale = ui.select(LANGUAGE_NAMES, label=_("Default language"), value="en").classes("w-full")
            admin_email = ui.input(_("First administrator's e-mail")).classes("w-full")
            admin_name = ui.input(_("First administrator's name")).classes("w-full")
            admin_password = ui.input(_("First administrator's password (if new)"), password=True,
                                      password_toggle_button=True).props("autocomplete=new-password").classes(
                "w-full")
            fields = {"name": name, "slug": slug, "timezone": timezone, "default_locale": locale,
                      "admin_email": admin_email, "admin_name": admin_name, "admin_password": admin_password}

            async def save() -> None:
                clear_errors(fields)
                new = tenants.NewTenant(name=name.value or "", slug=slug.value or "", timezone=timezone.value or "",
                                        default_locale=locale.value or "en", admin_email=admin_email.value or "",
                                        admin_name=admin_name.value or "", admin_password=admin_password.value or "")
                try:
                    await io_bound(tenants.create_tenant, self.viewer.ctx, new)
                except DomainError as exc:
                    show_error(exc, fields)
                    return
                dialog.close()
                ui.notify(_("Tenant created."), type="positive")
                await self.reload()

            with ui.row().classes("w-full justify-end"):
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
                ui.button(_("Create tenant"), on_click=save)
        dialog.open()


def weekday_names() -> dict[str, str]:
    return {"mon": _("Monday"), "tue": _("Tuesday"), "wed": _("Wednesday"), "thu": _("Thursday"),
            "fri": _("Friday"), "sat": _("Saturday"), "sun": _("Sunday")}


class _CalendarEditor:
    """Working hours per weekday (one span a day) and holiday dates, for SLA clocks."""

    def __init__(self, calendar: dict[str, object]) -> None:
        weekly = calendar.get("weekly") or {}
        assert isinstance(weekly, dict)
        self.rows: dict[str, tuple[ui.checkbox, ui.input, ui.input]] = {}
        ui.label(_("Working calendar")).classes("text-subtitle2 pt-2")
        with ui.grid(columns=3).classes("items-center gap-x-3 gap-y-0"):
            for day, label in weekday_names().items():
                spans = weekly.get(day) or []
                start, end = (spans[0] if spans else ["08:00", "18:00"])
                works = ui.checkbox(label, value=bool(spans))
                start_in = labelled(ui.input(_("From"), value=start).props("dense type=time"),
                                    _("{day}: from", day=label))
                end_in = labelled(ui.input(_("To"), value=end).props("dense type=time"), _("{day}: to", day=label))
                start_in.bind_enabled_from(works, "value")
                end_in.bind_enabled_from(works, "value")
                self.rows[day] = (works, start_in, end_in)
        holidays = calendar.get("holidays") or []
        self.holidays = ui.input_chips(_("Holidays (YYYY-MM-DD)"), value=list(holidays) if isinstance(holidays, list)
                                       else [], new_value_mode="add-unique").classes("w-full")

    def value(self) -> dict[str, object]:
        weekly = {day: [[start.value or "", end.value or ""]]
                  for day, (works, start, end) in self.rows.items() if works.value}
        return {"weekly": weekly, "holidays": list(self.holidays.value or [])}
