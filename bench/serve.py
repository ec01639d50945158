"""A real console for the browser benchmarks: `main.py serve` on a scratch database, and Chromium.

Used by bench/board.py and bench/designer.py (as tests/e2e/conftest.py does for the tests).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

from storage.postgres import DatabaseUrls

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-2026"  # every account the benchmarks create
CHROMIUM_CANDIDATES = (Path("/usr/lib/chromium/chromium"), Path("/usr/bin/chromium"))  # as tests/e2e/conftest.py
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def sign_in(page: Any, email: str) -> None:
    """Sign `email` in through the login page, as a person does; returns on the dashboard."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()


def chromium() -> str:
    """Debian's Chromium (Playwright never downloads a browser here)."""
    return next((str(p) for p in CHROMIUM_CANDIDATES if p.exists()), str(CHROMIUM_CANDIDATES[-1]))


class Server:
    """`main.py serve --no-scheduler` on a free port against the bench database (as tests/e2e/conftest.py)."""

    def __init__(self, urls: DatabaseUrls, tmp: Path) -> None:
        import socket

        import httpx

        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}  # else NiceGUI thinks it is a test
        env.update({"DATABASE_URL": urls.owner, "BATON_APP_DATABASE_URL": urls.app, "BATON_DEV": "1",
                    "BATON_LOAD_DEMO": "0", "BATON_DATA_DIR": str(tmp), "BATON_LOGIN_IP_MAX_FAILURES": "1000",
                    "NICEGUI_STORAGE_PATH": str(tmp / "nicegui"), "PYTHONUNBUFFERED": "1"})
        self.err_path = tmp / "server-stderr.log"
        with (tmp / "server-stdout.log").open("wb") as stdout, self.err_path.open("wb") as stderr:
            self.process = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "python"), "main.py", "serve", "--port", str(port), "--no-scheduler"],
                cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the server did not answer /healthz within 60 s:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.err_path.read_text("utf-8", "replace").splitlines()[-40:])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
