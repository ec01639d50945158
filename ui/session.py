"""Who is looking at the page: the signed-in session, its context, and access checks."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from domain.context import Ctx
from domain.errors import SessionExpired
from domain.iam import auth
from domain.iam.tenants import get_tenant
from domain.ops import logs
from ui.calls import io_bound

TOKEN = "token"


@dataclass(frozen=True, slots=True, kw_only=True)
class Viewer:
    info: auth.SessionInfo
    ctx: Ctx
    timezone: str

    def can(self, permission: str) -> bool:
        return self.ctx.can(permission)


def client_ip() -> str:
    try:
        request = ui.context.client.request
    except (RuntimeError, AttributeError):
        return ""
    return request.client.host if request is not None and request.client else ""


async def viewer_or_redirect(*, allow_password_change: bool = False) -> Viewer | RedirectResponse:
    """Resume this browser's session; a RedirectResponse to /login (or /account) otherwise."""
    token = app.storage.user.get(TOKEN)
    if not token:
        return RedirectResponse("/login")
    try:
        info = await io_bound(auth.resume, token)
        ctx = await io_bound(auth.context_for, info, ip=client_ip())
        tenant = await io_bound(get_tenant, ctx)
    except SessionExpired as exc:
        app.storage.user.pop(TOKEN, None)
        app.storage.user["flash"] = exc.msgid
        app.storage.user["flash_params"] = exc.params
        return RedirectResponse("/login")
    if info.locale:
        app.storage.user["locale"] = info.locale
    elif not app.storage.user.get("locale"):
        app.storage.user["locale"] = str(tenant.settings.get("default_locale", "en"))
    app.storage.user["theme"] = info.theme
    if info.must_change_password and not allow_password_change:
        return RedirectResponse("/account")
    logs.tenant.set(tenant.slug)
    logs.user.set(info.email)
    return Viewer(info=info, ctx=ctx, timezone=str(tenant.settings.get("timezone", "UTC")))


# Marks the time of the person's last click or key press on the page (constant code, no user data).
ACTIVITY_SCRIPT = """<script>
for (const kind of ["pointerdown", "keydown"]) {
  document.addEventListener(kind, () => { window.batonLastActivity = Date.now(); }, true);
}
</script>"""
ACTIVITY_CHECK_S = 60


async def check_still_signed_in() -> None:
    """Timer callback: count recent clicks and key presses as activity (work inside one
    page keeps the session alive), and leave the page once the session has ended
    (idle timeout, sign-out elsewhere, password reset)."""
    token = app.storage.user.get(TOKEN)
    idle_ms = None
    try:
        idle_ms = await ui.run_javascript("Date.now() - (window.batonLastActivity || 0)", timeout=5)
    except TimeoutError:
        pass  # the browser did not answer in time: judge the session without its activity
    recent = isinstance(idle_ms, int | float) and idle_ms < (ACTIVITY_CHECK_S + 5) * 1000
    if not token or not await io_bound(auth.touch if recent else auth.is_active, token):
        app.storage.user.pop(TOKEN, None)
        ui.navigate.to("/login")
