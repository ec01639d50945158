"""Browser journeys: the real console as a subprocess, driven by Debian's Chromium.

The server shares the test run's database (the `urls` fixture exports its URLs), so
tests seed their tenants through use cases in this process and then sign in through
the browser. Never run `playwright install`: Debian's Chromium is used instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from storage.postgres import DatabaseUrls

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_CANDIDATES = (Path("/usr/lib/chromium/chromium"), Path("/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_TIMEOUT_S = 60.0
# Quasar's select, dialogs and socket round-trips: generous, but far below pytest's patience.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch arguments, pointed at Debian's Chromium."""
    executable = next((str(p) for p in CHROMIUM_CANDIDATES if p.exists()), str(CHROMIUM_CANDIDATES[-1]))
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def server(urls: DatabaseUrls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`main.py serve` on a free port against the test database; yields its base URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env["BATON_LOGIN_IP_MAX_FAILURES"] = "1000"  # every browser sign-in comes from 127.0.0.1
    env["NICEGUI_STORAGE_PATH"] = str(tmp_path_factory.mktemp("nicegui-storage"))  # not the developer's .nicegui/
    env["PYTHONUNBUFFERED"] = "1"
    stdout = tempfile.TemporaryFile()
    stderr = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "main.py", "serve", "--port", str(port), "--no-scheduler"],
        cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, process, stdout, stderr)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.returncode not in (0, -15):
            print(f"The Baton server exited with {process.returncode}:\n{_read(stderr)}", file=sys.stderr)
        stdout.close()
        stderr.close()


@pytest.fixture
def page(page: Page) -> Page:
    """pytest-playwright's page, with a default timeout that suits a server doing Argon2 hashes."""
    page.set_default_timeout(10_000)
    return page


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_healthy(base: str, process: subprocess.Popen[bytes], stdout: Any, stderr: Any) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The Baton server exited with {process.returncode} before answering /healthz.\n"
                        f"stdout:\n{_read(stdout)}\nstderr:\n{_read(stderr)}", pytrace=False)
        try:
            response = httpx.get(f"{base}/healthz", timeout=2)
            if response.status_code == 200:
                return
            last_error = f"/healthz answered {response.status_code}: {response.text}"
        except httpx.HTTPError as exc:
            last_error = repr(exc)
        time.sleep(0.2)
    process.kill()
    process.wait()
    pytest.fail(f"The Baton server did not answer /healthz within {STARTUP_TIMEOUT_S:.0f} s ({last_error}).\n"
                f"stdout:\n{_read(stdout)}\nstderr:\n{_read(stderr)}", pytrace=False)


def _read(stream: Any) -> str:
    stream.seek(0)
    return bytes(stream.read()).decode("utf-8", "replace")
