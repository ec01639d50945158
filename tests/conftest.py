"""Test fixtures: one embedded PostgreSQL per run, migrated once; fresh tenants per test.

The server and its database live in a temporary directory; `DATABASE_URL` (the
owner's URL of the test database) is exported so that NiceGUI's `User` fixture and
server subprocesses started by the browser tests connect to the same database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import db, migrate
from storage.postgres import DatabaseUrls, open_database
from storage.settings import Settings

TEST_DB = "baton_test"


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> DatabaseUrls:
    """The embedded server for this run (or BATON_TEST_DATABASE_URL's server)."""
    external = os.environ.get("BATON_TEST_DATABASE_URL")
    env = {"BATON_DATA_DIR": str(tmp_path_factory.mktemp("pg")), "BATON_DEV": "1"}
    if external:
        env["DATABASE_URL"] = external
    return open_database(Settings.from_env(env))


@pytest.fixture(scope="session")
def urls(pg_server: DatabaseUrls) -> Iterator[DatabaseUrls]:
    """A fresh, migrated database `baton_test`; DATABASE_URL points at it for the whole run."""
    admin = create_engine(pg_server.owner, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"drop database if exists {TEST_DB} with (force)"))
        conn.execute(text(f"create database {TEST_DB}"))
    admin.dispose()
    owner = make_url(pg_server.owner).set(database=TEST_DB).render_as_string(hide_password=False)
    app = make_url(pg_server.app).set(database=TEST_DB).render_as_string(hide_password=False)
    test_urls = DatabaseUrls(owner=owner, app=app, app_role=pg_server.app_role, app_password=pg_server.app_password)
    migrate.upgrade(test_urls)
    os.environ["DATABASE_URL"] = owner
    os.environ["BATON_APP_DATABASE_URL"] = app
    os.environ["BATON_DEV"] = "1"
    os.environ["BATON_LOAD_DEMO"] = "0"
    db.configure(app)
    yield test_urls
    db.dispose()


@pytest.fixture
def database(urls: DatabaseUrls) -> DatabaseUrls:
    """Request this in any test that touches the database."""
    return urls


@pytest.fixture(scope="session")
def root() -> Path:
    return Path(__file__).resolve().parent.parent
