"""Browser journeys: the real console as a subprocess, driven by Debian's Chromium.

The server shares the test run's database (the `urls` fixture exports its URLs), so
tests seed their tenants through use cases in this process and then sign in through
the browser. Never run `playwright install`: Debian's Chromium is used instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from storage.postgres import DatabaseUrls
from tests.e2e.processes import free_port, stop, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_CANDIDATES = (Path("/usr/lib/chromium/chromium"), Path("/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_TIMEOUT_S = 60.0
TIMEOUT_MS = 10_000  # Quasar menus, dialogs and socket round-trips; Argon2 on sign-in
SERVER_LOG = pytest.StashKey[Path]()
LOG_TAIL_LINES = 80

expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last, whatever the order of the command line.

    pytest-playwright's session-scoped sync API keeps an event loop running in the main
    thread until the run ends; any async test after it (the `User` tests in tests/ui)
    fails with "Runner.run() cannot be called from a running event loop".
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Attach the end of the server's stderr to every failed browser test."""
    report = yield
    log = item.config.stash.get(SERVER_LOG, None)
    if report.failed and item.get_closest_marker("e2e") and log is not None and log.exists():
        lines = log.read_text("utf-8", "replace").splitlines()[-LOG_TAIL_LINES:]
        report.sections.append(("Baton server stderr (last lines)", "\n".join(lines)))
    return report


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch arguments, pointed at Debian's Chromium."""
    executable = next((str(p) for p in CHROMIUM_CANDIDATES if p.exists()), str(CHROMIUM_CANDIDATES[-1]))
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def server(urls: DatabaseUrls, tmp_path_factory: pytest.TempPathFactory,
           pytestconfig: pytest.Config) -> Iterator[str]:
    """`main.py serve` on a free port against the test database; yields its base URL."""
    port = free_port()
    work = tmp_path_factory.mktemp("server")
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}  # else NiceGUI thinks it is a test
    env["BATON_LOGIN_IP_MAX_FAILURES"] = "1000"  # every browser sign-in comes from 127.0.0.1
    env["NICEGUI_STORAGE_PATH"] = str(work / "nicegui")  # not the developer's .nicegui/
    env["PYTHONUNBUFFERED"] = "1"
    out_path, err_path = work / "stdout.log", work / "stderr.log"
    pytestconfig.stash[SERVER_LOG] = err_path
    with out_path.open("wb") as stdout, err_path.open("wb") as stderr:
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "python"), "main.py", "serve", "--port", str(port), "--no-scheduler"],
            cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/healthz", process, name="The Baton server",
                             output=lambda: f"stdout:\n{_read(out_path)}\nstderr:\n{_read(err_path)}",
                             timeout=STARTUP_TIMEOUT_S)
        yield base
    finally:
        stop(process)
        if process.returncode not in (0, -15):
            print(f"The Baton server exited with {process.returncode}; stderr:\n{_read(err_path)}", file=sys.stderr)


@pytest.fixture(scope="session")
def base_url(server: str) -> str:
    """The server's address, so `page.goto("/login")` works.

    Overriding pytest-playwright's own `base_url` also avoids its fixture defined as an
    instance method, whose PytestRemovedIn10Warning the filter in pyproject.toml misses
    (the warning names `base_url` on its second line and `.` stops at the newline).
    """
    return server


@pytest.fixture
def page(page: Page) -> Page:
    """pytest-playwright's page (a fresh browser context per test), with the suite's timeout."""
    page.set_default_timeout(TIMEOUT_MS)
    return page


def _read(path: Path) -> str:
    return path.read_text("utf-8", "replace") if path.exists() else ""
