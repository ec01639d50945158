"""The console: pages and components. Calls domain use cases only (through run.io_bound)."""

from __future__ import annotations

from pathlib import Path

from nicegui import app, core

from ui import i18n

STATIC = Path(__file__).resolve().parent / "static"


def register(*, default_locale: str, allowed_origins: list[str], live_updates: bool = True) -> None:
    """Register every page, the static files and the socket Origin check; with `live_updates`,
    this process listens for committed changes and pushes them to open pages."""
    from ui import live
    from ui.designer import editor
    from ui.pages import account, admin, audit, dashboard, designer, login, record_detail, records, vendors

    i18n.set_default_locale(default_locale)
    _reject_foreign_origins(allowed_origins)
    if "/static" not in {getattr(r, "path", "") for r in app.routes}:
        app.add_static_files("/static", STATIC)
    for page in (login, dashboard, records, record_detail, vendors, designer, editor, admin, audit, account):
        page.create()
    if live_updates:
        live.register()


def _reject_foreign_origins(extra: list[str]) -> None:
    """socket.io accepts any Origin by default: accept only this app's own (and configured ones)."""
    allowed_extra = {o.rstrip("/") for o in extra}

    def allowed(origin: str | None, environ: dict[str, str]) -> bool:
        if not origin:
            return True  # not a browser: no cross-site risk
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("HTTP_X_FORWARDED_PROTO", environ.get("wsgi.url_scheme", "http")).split(",")[0]
        own = {f"{scheme}://{host}", f"http://{host}", f"https://{host}"}
        return origin.rstrip("/") in own or origin.rstrip("/") in allowed_extra

    core.sio.eio.cors_allowed_origins = allowed
