"""Sign-in page."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from domain.errors import DomainError, LoginThrottled
from domain.iam import auth
from domain.ops import metrics
from ui.calls import io_bound
from ui.i18n import LANGUAGE_NAMES, _, apply_page_language, error_text
from ui.session import TOKEN, client_ip
from ui.widgets import labelled


def create() -> None:
    @ui.page("/login")
    async def login_page() -> RedirectResponse | None:
        if app.storage.user.get(TOKEN) and await io_bound(auth.is_active, app.storage.user[TOKEN]):
            return RedirectResponse("/")
        ui.dark_mode({"light": False, "dark": True}.get(app.storage.user.get("theme", "auto")))
        apply_page_language()
        ui.page_title(_("Sign in") + " · Baton")
        flash = app.storage.user.pop("flash", None)
        flash_params = app.storage.user.pop("flash_params", {}) or {}
        with ui.card().classes("absolute-center w-96 gap-3").props('role="main"'):
            with ui.row().classes("w-full items-center"):
                ui.label(_("Sign in to Baton")).classes("text-h6").props('role="heading" aria-level="1"')
                ui.space()
                labelled(ui.select(LANGUAGE_NAMES, value=app.storage.user.get("locale") or "en",
                                   on_change=lambda e: _set_locale(e.value)).props("dense options-dense borderless"),
                         _("Language"))
            if flash:
                ui.label(_(flash, **flash_params)).classes("text-warning").props('role="status"')
            email = ui.input(_("E-mail")).props("autocomplete=username autofocus").classes("w-full")
            password = ui.input(_("Password"), password=True, password_toggle_button=True).props(
                "autocomplete=current-password").classes("w-full")
            error = ui.label("").classes("text-negative").props('role="alert"')
            error.set_visibility(False)

            async def submit() -> None:
                button.props("loading")
                try:
                    token, info = await io_bound(
                        auth.login, email=email.value or "", password=password.value or "", ip=client_ip())
                except DomainError as exc:
                    metrics.logins.labels("throttled" if isinstance(exc, LoginThrottled) else "failed").inc()
                    error.text = error_text(exc)
                    error.set_visibility(True)
                    password.value = ""
                    return
                finally:
                    button.props(remove="loading")
                metrics.logins.labels("success").inc()
                app.storage.user[TOKEN] = token
                if info.locale:
                    app.storage.user["locale"] = info.locale
                app.storage.user["theme"] = info.theme
                ui.navigate.to("/account" if info.must_change_password else "/")

            password.on("keydown.enter", submit)
            email.on("keydown.enter", lambda: password.run_method("focus"))
            button = ui.button(_("Sign in"), on_click=submit).classes("w-full")
        return None


def _set_locale(locale: str) -> None:
    app.storage.user["locale"] = locale
    ui.navigate.reload()
