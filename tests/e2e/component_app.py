"""A tiny NiceGUI app in a subprocess, for testing one component in Chromium without a database."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 30.0


@contextmanager
def served(work: Path, source: str) -> Iterator[str]:
    """Run `source` (an app that calls `ui.run(port=int(sys.argv[1]), ...)`) on a free port; yields its
    address and stops it afterwards. A start-up failure fails the test with the app's output."""
    script = work / "app.py"
    script.write_text(source, "utf-8")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}  # else NiceGUI thinks it is a test
    env.update({"PYTHONPATH": str(ROOT), "NICEGUI_STORAGE_PATH": str(work / "nicegui"), "PYTHONUNBUFFERED": "1"})
    log = work / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), str(script), str(port)],
                                   cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The app exited with {process.returncode}:\n{log.read_text('utf-8', 'replace')}",
                        pytrace=False)
        try:
            if httpx.get(base, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    process.wait()
    pytest.fail(f"The app did not answer within {STARTUP_TIMEOUT_S:.0f} s:\n{log.read_text('utf-8', 'replace')}",
                pytrace=False)
