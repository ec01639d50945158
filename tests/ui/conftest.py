"""Fixtures for the `User` tests: keep the console's log set-up from outliving the run."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from domain.ops.logs import JsonFormatter


@pytest.fixture(scope="session", autouse=True)
def _drop_console_log_handler() -> Iterator[None]:
    """Remove the JSON stderr handler that main.py's `build_app` installs on the root logger.

    It is bound to pytest's captured stderr, which is closed when the run ends; left in
    place, the embedded PostgreSQL's exit hook logs into the closed file and prints
    "--- Logging error ---" tracebacks after every run.
    """
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler.formatter, JsonFormatter):
            root.removeHandler(handler)
