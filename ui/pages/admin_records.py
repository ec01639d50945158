"""Admin sections for records: the types people create (bound to workflows) and buildings."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from nicegui import ui

from domain.errors import DomainError
from domain.records import setup
from domain.workflows import definitions
from engine.model import label_text
from ui.calls import io_bound
from ui.i18n import _, current_locale
from ui.session import Viewer
from ui.widgets import clear_errors, dialog_buttons, labelled, show_error


def kind_names() -> dict[str, str]:
    return {"request": _("Requests"), "project": _("Projects"), "asset": _("Assets"), "vendor": _("Vendors")}


async def build_types(viewer: Viewer) -> None:
    ui.label(_("Each type is bound to a published workflow; new records of the type start on its newest "
               "version.")).classes("text-caption text-grey-7")
    table = ui.table(columns=[
        {"name": "kind", "label": _("Kind"), "field": "kind", "align": "left"},
        {"name": "key", "label": _("Key"), "field": "key", "align": "left"},
        {"name": "name", "label": _("Name"), "field": "name", "align": "left"},
        {"name": "workflow", "label": _("Workflow"), "field": "workflow", "align": "left"},
        {"name": "active", "label": _("In use"), "field": "active", "align": "left"},
    ], rows=[], row_key="id").props("dense flat bordered").classes("w-full max-w-4xl")
    labelled(table, _("Record types"))
    rows: list[setup.TypeRow] = []

    async def reload() -> None:
        nonlocal rows
        rows = await io_bound(setup.all_types, viewer.ctx)
        names = kind_names()
        table.rows = [{"id": f"{r.kind}:{r.key}", "kind": names.get(r.kind, r.kind), "key": r.key,
                       "name": label_text(r.name, current_locale(), r.key), "workflow": r.workflow_key,
                       "active": _("Yes") if r.active else _("No")} for r in rows]
        table.update()

    async def edit(existing: setup.TypeRow | None) -> None:
        workflows = await io_bound(definitions.list_definitions, viewer.ctx)
        published = {d.key: d for d in workflows if d.published is not None}
        with ui.dialog() as dialog, ui.card().classes("w-[28rem] gap-2"):
            ui.label(_("Edit type") if existing else _("New type")).classes("text-h6")
            kind = ui.select(kind_names(), value=existing.kind if existing else "request", label=_("Kind")).classes(
                "w-full")
            key = ui.input(_("Key"), value=existing.key if existing else "").classes("w-full")
            if existing:
                kind.disable()
                key.disable()
            name = ui.input(_("Name"), value=label_text(existing.name, current_locale(), "") if existing else "")
            name.classes("w-full")
            workflow = ui.select({k: f"{label_text(d.name, current_locale(), k)} ({k})" for k, d in published.items()},
                                 value=existing.workflow_key if existing else None, label=_("Workflow")).classes(
                "w-full")
            active = ui.checkbox(_("In use"), value=existing.active if existing else True)
            fields: dict[str, Any] = {"kind": kind, "key": key, "name": name, "workflow_key": workflow}

            async def save() -> None:
                clear_errors(fields)
                try:
                    await io_bound(lambda: setup.save_type(
                        viewer.ctx, kind=kind.value, key=(key.value or "").strip(), name=name.value or "",
                        workflow_key=workflow.value or "", active=bool(active.value)))
                except DomainError as error:
                    show_error(error, fields)
                    return
                dialog.close()
                await reload()

            dialog_buttons(dialog, _("Save"), save)
        dialog.open()

    table.on("rowClick", lambda e: edit(next((r for r in rows if f"{r.kind}:{r.key}" == e.args[1]["id"]), None)))
    ui.button(_("New type"), icon="add", on_click=lambda: edit(None)).props("unelevated dense no-caps")
    await reload()


async def build_buildings(viewer: Viewer) -> None:
    table = ui.table(columns=[
        {"name": "name", "label": _("Name"), "field": "name", "align": "left"},
        {"name": "code", "label": _("Code"), "field": "code", "align": "left"},
        {"name": "address", "label": _("Address"), "field": "address", "align": "left"},
    ], rows=[], row_key="id").props("dense flat bordered").classes("w-full max-w-4xl")
    labelled(table, _("Buildings"))

    async def reload() -> None:
        found = await io_bound(setup.list_buildings, viewer.ctx)
        table.rows = [{"id": str(b.id), "name": b.name, "code": b.code, "address": b.address} for b in found]
        table.update()

    def edit(row: dict[str, Any] | None) -> None:
        with ui.dialog() as dialog, ui.card().classes("w-[28rem] gap-2"):
            ui.label(_("Edit building") if row else _("New building")).classes("text-h6")
            name = ui.input(_("Name"), value=row["name"] if row else "").classes("w-full")
            code = ui.input(_("Code"), value=row["code"] if row else "").classes("w-full")
            address = ui.input(_("Address"), value=row["address"] if row else "").classes("w-full")
            fields: dict[str, Any] = {"name": name, "code": code, "address": address}

            async def save() -> None:
                clear_errors(fields)
                try:
                    await io_bound(lambda: setup.save_building(
                        viewer.ctx, building_id=UUID(row["id"]) if row else None, name=name.value or "",
                        code=code.value or "", address=address.value or ""))
                except DomainError as error:
                    show_error(error, fields)
                    return
                dialog.close()
                await reload()

            dialog_buttons(dialog, _("Save"), save)
        dialog.open()

    table.on("rowClick", lambda e: edit(e.args[1]))
    ui.button(_("New building"), icon="add", on_click=lambda: edit(None)).props("unelevated dense no-caps")
    await reload()
