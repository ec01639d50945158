"""Schema changes through Alembic only, run as the database owner."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from storage.postgres import DatabaseUrls

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(owner_url: str, app_role: str = "baton_app") -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = owner_url
    cfg.attributes["app_role"] = app_role
    return cfg


def upgrade(urls: DatabaseUrls, revision: str = "head") -> None:
    """Migrate to `revision`, then make sure the application role can log in."""
    command.upgrade(alembic_config(urls.owner, urls.app_role), revision)
    ensure_app_role_login(urls)


def downgrade(urls: DatabaseUrls, revision: str = "base") -> None:
    command.downgrade(alembic_config(urls.owner, urls.app_role), revision)


def current_revision(owner_url: str) -> str | None:
    engine = create_engine(owner_url)
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("select to_regclass('public.alembic_version')")).scalar()
            if not exists:
                return None
            return conn.execute(text("select version_num from alembic_version")).scalar()
    finally:
        engine.dispose()


def ensure_app_role_login(urls: DatabaseUrls) -> None:
    """The app role (created by the first revision) may log in, with its password if any."""
    engine = create_engine(urls.owner)
    role = urls.app_role
    try:
        with engine.begin() as conn:
            quoted = conn.dialect.identifier_preparer.quote(role)
            if urls.app_password:
                literal = conn.execute(text("select quote_literal(:p)"), {"p": urls.app_password}).scalar()
                conn.execute(text(f"alter role {quoted} login password {literal}"))
            else:
                conn.execute(text(f"alter role {quoted} login"))
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision in migrations/ (what `upgrade` brings a database to)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    if head is None:
        raise RuntimeError("migrations/ holds no revision")
    return head
