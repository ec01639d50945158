"""Starting and stopping the web servers the browser tests drive (the console, component apps)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable

import httpx
import pytest

STARTUP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answering(url: str, process: subprocess.Popen[bytes], *, name: str, output: Callable[[], str],
                         timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Return once `url` answers 200; fail the test with `output()` if `process` exits or stays silent."""
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode} before answering {url}.\n{output()}", pytrace=False)
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return
            last_error = f"{url} answered {response.status_code}: {response.text}"
        except httpx.HTTPError as exc:
            last_error = repr(exc)
        time.sleep(0.2)
    stop(process)
    pytest.fail(f"{name} did not answer {url} within {timeout:.0f} s ({last_error}).\n{output()}",
                pytrace=False)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
