"""Account: change one's own password; language and theme."""

from __future__ import annotations

from nicegui import app, ui

from domain.errors import N_, DomainError
from domain.iam import users
from ui.calls import io_bound
from ui.i18n import LANGUAGE_NAMES, _
from ui.session import Viewer
from ui.shell import console_page, set_locale
from ui.widgets import clear_errors, mark_error, show_error


def create() -> None:
    @console_page("/account", N_("Account and password"), allowed=lambda viewer: True, allow_password_change=True)
    async def account(viewer: Viewer) -> None:
        if viewer.info.must_change_password:
            ui.label(_("Choose a new password before you continue.")).classes("text-warning").props(
                'role="alert"')
        with ui.card().classes("w-full max-w-md gap-2"):
            ui.label(_("Change password")).classes("text-subtitle1").props('role="heading" aria-level="2"')
            current = ui.input(_("Current password"), password=True).props(
                "autocomplete=current-password").classes("w-full")
            new = ui.input(_("New password"), password=True).props("autocomplete=new-password").classes(
                "w-full")
            repeat = ui.input(_("Repeat the new password"), password=True).props(
                "autocomplete=new-password").classes("w-full")
            fields = {"current": current, "new": new, "repeat": repeat}

            async def change() -> None:
                clear_errors(fields)
                if new.value != repeat.value:
                    mark_error(repeat, _("The two new passwords differ."))
                    return
                try:
                    await io_bound(lambda: users.change_own_password(
                        viewer.ctx, current=current.value or "", new=new.value or "",
                        keep_session_id=viewer.info.session_id))
                except DomainError as exc:
                    show_error(exc, {"current": current, "new": new})
                    return
                for field in fields.values():
                    field.value = ""
                ui.notify(_("Your password was changed."), type="positive")
                if viewer.info.must_change_password:
                    ui.navigate.to("/")

            ui.button(_("Change password"), on_click=change)
        with ui.card().classes("w-full max-w-md gap-2"):
            ui.label(_("Preferences")).classes("text-subtitle1").props('role="heading" aria-level="2"')
            ui.label(viewer.info.email).classes("text-caption")
            ui.select(LANGUAGE_NAMES, label=_("Language"), value=app.storage.user.get("locale") or "en",
                      on_change=lambda e: set_locale(viewer, e.value)).classes("w-60")
