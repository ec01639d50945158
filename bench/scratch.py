"""A throwaway database for a benchmark: embedded PostgreSQL in a temporary directory,
migrated, the application engine configured; stopped (before its directory goes) and
deleted afterwards."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storage import db, migrate
from storage.postgres import DatabaseUrls, open_database, stop_embedded
from storage.settings import Settings


@contextmanager
def scratch_database() -> Iterator[tuple[DatabaseUrls, Path]]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({"BATON_DATA_DIR": tmp, "BATON_DEV": "1"})
        urls = open_database(settings)
        try:
            migrate.upgrade(urls)
            db.configure(urls.app)
            yield urls, Path(tmp)
        finally:
            db.dispose()
            stop_embedded(settings)  # before the directory goes (else it lingers until it notices)
