"""A tiny NiceGUI app in a subprocess, for testing one component in Chromium without a database."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.processes import free_port, stop, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def served(work: Path, source: str) -> Iterator[str]:
    """Run `source` (an app that calls `ui.run(port=int(sys.argv[1]), ...)`) on a free port; yields its
    address and stops it afterwards. A start-up failure fails the test with the app's output."""
    script = work / "app.py"
    script.write_text(source, "utf-8")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}  # else NiceGUI thinks it is a test
    env.update({"PYTHONPATH": str(ROOT), "NICEGUI_STORAGE_PATH": str(work / "nicegui"), "PYTHONUNBUFFERED": "1"})
    log = work / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), str(script), str(port)],
                                   cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base, process, name="The app", output=lambda: log.read_text("utf-8", "replace"))
        yield base
    finally:
        stop(process)
