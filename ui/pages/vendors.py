"""Vendors: the tenant's contractors (vendor users see only their own)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from nicegui import ui

from domain.errors import N_, DomainError
from domain.iam import vendors
from domain.iam.models import Vendor
from domain.records import service as records
from ui.calls import io_bound
from ui.i18n import _
from ui.session import Viewer
from ui.shell import console_page
from ui.widgets import clear_errors, empty_state, labelled, show_error


def onboard(ctx: Any, vendor_id: UUID) -> None:
    """Start the vendor's onboarding record when the tenant has the vendor workflow (else nothing)."""
    if any(t.key == "vendor" for t in records.list_types(ctx, "vendor")):
        records.enroll_vendor(ctx, vendor_id=vendor_id)


def status_names() -> dict[str, str]:
    return {"onboarding": _("Onboarding"), "active": _("Active"), "suspended": _("Suspended")}


def create() -> None:
    @console_page("/vendors", N_("Vendors"))
    async def vendors_page(viewer: Viewer) -> None:
        request = ui.context.client.request
        params = request.query_params if request else {}
        if params.get("view") in ("board", "list") and viewer.can("vendor:read"):
            from ui.pages.records import VENDOR_PAGE, BoardPage

            await BoardPage(viewer, VENDOR_PAGE, params.get("type", ""), list_view=params["view"] == "list").build()
            return
        await VendorList(viewer).build()


class VendorList:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.rows: list[Vendor] = []

    async def build(self) -> None:
        if self.viewer.can("vendor:read"):
            labelled(ui.toggle({"table": _("Directory"), "board": _("Board"), "list": _("List")}, value="table",
                               on_change=lambda e: ui.navigate.to(f"/vendors?view={e.value}")).props(
                "dense no-caps"), _("View"))
        with ui.row().classes("items-center gap-2"):
            self.search = ui.input(_("Filter by name"), on_change=self.reload).props("dense clearable debounce=250")
            if self.viewer.can("vendor:manage"):
                ui.button(_("New vendor"), icon="add", on_click=lambda: self.edit(None))
        columns = [
            {"name": "name", "label": _("Name"), "field": "name", "sortable": True, "align": "left"},
            {"name": "trades", "label": _("Trades"), "field": "trades", "align": "left"},
            {"name": "status", "label": _("Status"), "field": "status", "sortable": True, "align": "left"},
            {"name": "email", "label": _("E-mail"), "field": "email", "align": "left"},
            {"name": "phone", "label": _("Phone"), "field": "phone", "align": "left"},
        ]
        self.table = ui.table(columns=columns, rows=[], row_key="id").props("dense flat bordered").classes(
            "w-full max-w-5xl")
        if self.viewer.can("vendor:manage"):
            self.table.on("rowClick", lambda e: self.edit(UUID(e.args[1]["id"])))
            labelled(self.table, _("Vendors"))
        self.empty = ui.column().classes("w-full")
        await self.reload()

    async def reload(self) -> None:
        self.rows = await io_bound(vendors.list_vendors, self.viewer.ctx, search=self.search.value or "")
        names = status_names()
        self.table.rows = [{"id": str(v.id), "name": v.name, "trades": ", ".join(v.trades),
                            "status": names.get(v.status, v.status), "email": v.email or "", "phone": v.phone or ""}
                           for v in self.rows]
        self.table.update()
        self.empty.clear()
        if not self.rows:
            with self.empty:
                empty_state("handyman", _("No vendors yet"), _("Add the contractors who work for this tenant."))

    def edit(self, vendor_id: UUID | None) -> None:
        vendor = next((v for v in self.rows if v.id == vendor_id), None)
        with ui.dialog() as dialog, ui.card().classes("w-[28rem] gap-2"):
            ui.label(_("Edit vendor") if vendor else _("New vendor")).classes("text-h6")
            name = ui.input(_("Name"), value=vendor.name if vendor else "").classes("w-full")
            trades = ui.input_chips(_("Trades"), value=list(vendor.trades) if vendor else [],
                                    new_value_mode="add-unique").classes("w-full")
            status = ui.select(status_names(), label=_("Status"),
                               value=vendor.status if vendor else "onboarding").classes("w-full")
            email = ui.input(_("E-mail"), value=(vendor.email or "") if vendor else "").classes("w-full")
            phone = ui.input(_("Phone"), value=(vendor.phone or "") if vendor else "").classes("w-full")
            fields = {"name": name, "trades": trades, "status": status, "email": email, "phone": phone}

            async def save() -> None:
                clear_errors(fields)
                try:
                    saved = await io_bound(lambda: vendors.save_vendor(
                        self.viewer.ctx, vendor_id=vendor_id, name=name.value or "", trades=list(trades.value or []),
                        status=status.value, email=email.value or "", phone=phone.value or ""))
                except DomainError as exc:
                    show_error(exc, fields)
                    return
                if vendor_id is None:  # a new vendor starts onboarding where the workflow is published
                    await io_bound(onboard, self.viewer.ctx, saved.id)
                dialog.close()
                ui.notify(_("Vendor saved."), type="positive")
                await self.reload()

            with ui.row().classes("w-full justify-end"):
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
                ui.button(_("Save"), on_click=save)
        dialog.open()
