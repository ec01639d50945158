"""Admin → Roles: system and custom roles and the permissions they grant."""

from __future__ import annotations

from uuid import UUID

from nicegui import ui

from domain.errors import DomainError
from domain.iam import roles as roles_uc
from domain.iam.permissions import LOCKED_ROLE_KEYS, PERMISSIONS
from ui.calls import io_bound
from ui.i18n import _
from ui.session import Viewer
from ui.widgets import clear_errors, labelled, show_error


async def build(viewer: Viewer) -> None:
    await RoleAdmin(viewer).build()


class RoleAdmin:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.roles: list[roles_uc.RoleView] = []

    async def build(self) -> None:
        ui.button(_("New role"), icon="add", on_click=lambda: self.edit(None))
        columns = [
            {"name": "name", "label": _("Role"), "field": "name", "sortable": True, "align": "left"},
            {"name": "key", "label": _("Key"), "field": "key", "align": "left"},
            {"name": "kind", "label": _("Kind"), "field": "kind", "align": "left"},
            {"name": "permissions", "label": _("Permissions"), "field": "permissions", "align": "left"},
            {"name": "members", "label": _("People"), "field": "members", "align": "right"},
        ]
        self.table = ui.table(columns=columns, rows=[], row_key="id").props(
            "dense flat bordered wrap-cells").classes("w-full max-w-5xl")
        labelled(self.table, _("Roles"))
        self.table.on("rowClick", lambda e: self.edit(UUID(e.args[1]["id"])))
        await self.reload()

    async def reload(self) -> None:
        self.roles = await io_bound(roles_uc.list_roles, self.viewer.ctx)
        self.table.rows = [{"id": str(r.id), "name": _(r.name) if r.is_system else r.name, "key": r.key,
                            "kind": _("System") if r.is_system else _("Custom"),
                            "permissions": ", ".join(r.permissions), "members": r.members} for r in self.roles]
        self.table.update()

    def edit(self, role_id: UUID | None) -> None:
        role = next((r for r in self.roles if r.id == role_id), None)
        with ui.dialog() as dialog, ui.card().classes("w-[36rem] gap-2"):
            ui.label(_("Edit role") if role else _("New role")).classes("text-h6")
            key = ui.input(_("Key (letters, digits, underscores)"), value=role.key if role else "").classes("w-full")
            if role:
                key.props("readonly")
            name = ui.input(_("Name"), value=(_(role.name) if role.is_system else role.name) if role else "").classes(
                "w-full")
            description = ui.input(_("Description"), value=(_(role.description) if role.is_system
                                                             else role.description) if role else "").classes("w-full")
            if role and role.is_system:
                name.props("readonly")
                description.props("readonly")
            ui.label(_("Permissions")).classes("text-subtitle2")
            locked = bool(role and role.key in LOCKED_ROLE_KEYS)
            checks: dict[str, ui.checkbox] = {}
            with ui.column().classes("gap-0 max-h-72 overflow-auto w-full"):
                for perm, meaning in PERMISSIONS.items():
                    box = ui.checkbox(f"{perm} — {_(meaning)}", value=bool(role and perm in role.permissions))
                    if locked:
                        box.disable()
                    checks[perm] = box
            fields = {"key": key, "name": name, "description": description}

            async def save() -> None:
                clear_errors(fields)
                chosen = [p for p, box in checks.items() if box.value]
                try:
                    if role:
                        await io_bound(lambda: roles_uc.update_role(
                            self.viewer.ctx, role_id=role.id, name=role.name if role.is_system else name.value or "",
                            description=role.description if role.is_system else description.value or "",
                            permissions=chosen))
                    else:
                        await io_bound(lambda: roles_uc.create_role(
                            self.viewer.ctx, key=key.value or "", name=name.value or "",
                            description=description.value or "", permissions=chosen))
                except DomainError as exc:
                    show_error(exc, fields)
                    return
                dialog.close()
                ui.notify(_("Role saved."), type="positive")
                await self.reload()

            async def delete() -> None:
                try:
                    await io_bound(roles_uc.delete_role, self.viewer.ctx, role_id=role.id)  # type: ignore[union-attr]
                except DomainError as exc:
                    show_error(exc)
                    return
                dialog.close()
                ui.notify(_("Role deleted."), type="positive")
                await self.reload()

            with ui.row().classes("w-full"):
                if role and not role.is_system:
                    ui.button(_("Delete role"), on_click=delete).props("flat color=negative")
                ui.space()
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
                if not locked:
                    ui.button(_("Save"), on_click=save)
        dialog.open()
