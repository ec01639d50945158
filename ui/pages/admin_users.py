"""Admin → Users: members of the tenant, their roles, vendor links and passwords."""

from __future__ import annotations

from uuid import UUID

from nicegui import ui

from domain.errors import DomainError
from domain.iam import roles as roles_uc
from domain.iam import users, vendors
from ui.calls import io_bound
from ui.i18n import _
from ui.session import Viewer
from ui.widgets import clear_errors, labelled, show_error


async def build(viewer: Viewer) -> None:
    await UserAdmin(viewer).build()


class UserAdmin:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.members: list[users.Member] = []

    async def build(self) -> None:
        with ui.row().classes("items-center gap-2"):
            self.search = ui.input(_("Filter by name or e-mail"), on_change=self.reload).props(
                "dense clearable debounce=250")
            ui.button(_("New user"), icon="person_add", on_click=lambda: self.edit(None))
        columns = [
            {"name": "name", "label": _("Name"), "field": "name", "sortable": True, "align": "left"},
            {"name": "email", "label": _("E-mail"), "field": "email", "sortable": True, "align": "left"},
            {"name": "roles", "label": _("Roles"), "field": "roles", "align": "left"},
            {"name": "vendor", "label": _("Vendor"), "field": "vendor", "align": "left"},
            {"name": "status", "label": _("Status"), "field": "status", "sortable": True, "align": "left"},
        ]
        self.table = ui.table(columns=columns, rows=[], row_key="id", pagination=25).props(
            "dense flat bordered").classes("w-full max-w-5xl")
        labelled(self.table, _("Users"))
        self.table.on("rowClick", lambda e: self.edit(UUID(e.args[1]["id"])))
        await self.reload()

    async def reload(self) -> None:
        self.members = await io_bound(users.list_members, self.viewer.ctx, search=self.search.value or "")
        self.table.rows = [{"id": str(m.user_id), "name": m.name, "email": m.email, "roles": ", ".join(m.roles),
                            "vendor": m.vendor_name or "",
                            "status": _("Active") if m.status == "active" else _("Disabled")}
                           for m in self.members]
        self.table.update()

    async def edit(self, user_id: UUID | None) -> None:
        member = next((m for m in self.members if m.user_id == user_id), None)
        role_views = await io_bound(roles_uc.list_roles, self.viewer.ctx)
        role_options = {r.key: _(r.name) if r.is_system else r.name for r in role_views}
        vendor_rows = await io_bound(vendors.list_vendors, self.viewer.ctx)
        vendor_options = {"": _("None (staff)")} | {str(v.id): v.name for v in vendor_rows}
        with ui.dialog() as dialog, ui.card().classes("w-[30rem] gap-2"):
            ui.label(_("Edit user") if member else _("New user")).classes("text-h6")
            email = ui.input(_("E-mail"), value=member.email if member else "").classes("w-full")
            if member:
                email.props("readonly")
            name = ui.input(_("Name"), value=member.name if member else "").classes("w-full")
            vendor = ui.select(vendor_options, label=_("Vendor (for vendor users)"),
                               value=str(member.vendor_id) if member and member.vendor_id else "").classes("w-full")
            roles = ui.select(role_options, label=_("Roles"), multiple=True,
                              value=list(member.roles) if member else []).props("use-chips").classes("w-full")
            password = None
            if not member:
                password = ui.input(_("Initial password (the person changes it at first sign-in)"),
                                    password=True, password_toggle_button=True).props(
                    "autocomplete=new-password").classes("w-full")
            status = ui.select({"active": _("Active"), "disabled": _("Disabled")}, label=_("Status"),
                               value=member.status if member else "active").classes("w-full")
            if not member:
                status.set_visibility(False)
            fields = {"email": email, "name": name, "roles": roles, "vendor": vendor, "status": status}
            if password is not None:
                fields["password"] = password

            async def save() -> None:
                clear_errors(fields)
                vendor_id = UUID(vendor.value) if vendor.value else None
                try:
                    if member:
                        await io_bound(lambda: users.update_member(
                            self.viewer.ctx, user_id=member.user_id, name=name.value or "",
                            roles=list(roles.value or []), status=status.value, vendor_id=vendor_id))
                    else:
                        await io_bound(lambda: users.add_member(
                            self.viewer.ctx, email=email.value or "", name=name.value or "",
                            roles=list(roles.value or []), password=password.value if password else "",
                            vendor_id=vendor_id))
                except DomainError as exc:
                    show_error(exc, fields)
                    return
                dialog.close()
                ui.notify(_("User saved."), type="positive")
                await self.reload()

            with ui.row().classes("w-full justify-end"):
                if member:
                    ui.button(_("Reset password"), on_click=lambda: self.reset(member, dialog)).props("flat")
                ui.space()
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
                ui.button(_("Save"), on_click=save)
        dialog.open()

    async def reset(self, member: users.Member, parent: ui.dialog) -> None:
        with ui.dialog() as confirm, ui.card():
            ui.label(_("Give {name} a new temporary password? Their open sessions end.", name=member.name))
            with ui.row().classes("w-full justify-end"):
                ui.button(_("Cancel"), on_click=lambda: confirm.submit(False)).props("flat")
                ui.button(_("Reset password"), on_click=lambda: confirm.submit(True)).props("color=negative")
        if not await confirm:
            return
        try:
            temporary = await io_bound(users.reset_password, self.viewer.ctx, user_id=member.user_id)
        except DomainError as exc:
            show_error(exc)
            return
        parent.close()
        with ui.dialog() as shown, ui.card().classes("gap-2"):
            ui.label(_("Temporary password for {name}", name=member.name)).classes("text-h6")
            ui.label(_("Give it to them in person; it is shown only once. They must change it at sign-in."))
            ui.input(_("Temporary password"), value=temporary).props("readonly").classes("w-full font-mono")
            ui.button(_("Done"), on_click=shown.close)
        shown.open()
