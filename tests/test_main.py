"""The command line as an operator uses it: first start on an empty database, the
embedded server's life cycle, and the administrator bootstrap."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.postgres import DatabaseUrls

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k != "PYTEST_CURRENT_TEST" and k != "DATABASE_URL" and not k.startswith("BATON_")}
    env.update(extra)
    return env


@pytest.fixture
def empty_database(pg_server: DatabaseUrls, urls: DatabaseUrls) -> Iterator[str]:
    """The owner URL of a brand-new, unmigrated database on the test server."""
    name = f"baton_cli_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_server.owner, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"create database {name}"))
    yield make_url(pg_server.owner).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"drop database if exists {name} with (force)"))
    admin.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_first_start_migrates_loads_the_demo_and_prints_url_and_logins(empty_database: str, tmp_path: Path) -> None:
    port = _free_port()
    env = _env(DATABASE_URL=empty_database, BATON_DEV="1", BATON_DATA_DIR=str(tmp_path),
               NICEGUI_STORAGE_PATH=str(tmp_path / "nicegui"))
    server = subprocess.Popen([PYTHON, "main.py", "serve", "--port", str(port), "--no-scheduler"], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        printed = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = server.stdout.readline()  # type: ignore[union-attr]
            printed.append(line)
            if line.startswith("Baton console:") or not line:
                break
        output = "".join(printed)
        assert f"Baton console: http://localhost:{port}/" in output
        assert "admin@acme.example" in output and "vendor@sparkle.example" in output
        assert "baton-demo-2026" in output
        assert _wait_for(f"http://127.0.0.1:{port}/login") == 200
        while time.monotonic() < deadline + 90:  # the demo's records load while the console is already up
            line = server.stdout.readline()  # type: ignore[union-attr]
            if line.startswith("Demo records loaded:") or not line:
                break
        assert line.startswith("Demo records loaded:"), line
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert not (tmp_path / "pgdata").exists(), "with DATABASE_URL set, no embedded server may start"
    engine = create_engine(empty_database)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from tenants where slug = 'acme'")).scalar() == 1
        assert conn.execute(text("select count(*) from records")).scalar() > 200
        assert conn.execute(text("select version_num from alembic_version")).scalar() == migrate.head_revision()
    engine.dispose()


def test_embedded_server_lives_in_the_data_dir_is_reused_and_stops(tmp_path: Path) -> None:
    env = _env(BATON_DATA_DIR=str(tmp_path))
    first = subprocess.run([PYTHON, "main.py", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
    assert first.returncode == 0, first.stderr
    assert "Database schema is up to date." in first.stdout
    assert (tmp_path / "pgdata" / "PG_VERSION").exists()
    assert not _postgres_running_on(tmp_path / "pgdata"), "the server must stop when the command exits"
    second = subprocess.run([PYTHON, "main.py", "audit-verify"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert second.returncode == 0, second.stderr
    assert "platform: ok" in second.stdout
    assert not _postgres_running_on(tmp_path / "pgdata")


def test_create_admin_makes_a_platform_administrator(empty_database: str, tmp_path: Path) -> None:
    env = _env(DATABASE_URL=empty_database, BATON_DEV="1", BATON_ADMIN_PASSWORD="a-long-admin-password-1")
    done = subprocess.run([PYTHON, "main.py", "create-admin", "root@example.test", "Root Admin"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "root@example.test is now a platform administrator." in done.stdout
    weak = subprocess.run([PYTHON, "main.py", "create-admin", "weak@example.test", "Weak"], cwd=ROOT,
                          env={**env, "BATON_ADMIN_PASSWORD": "short"}, capture_output=True, text=True, timeout=120)
    assert weak.returncode == 1
    assert "Refused: Use at least 12 characters." in weak.stderr
    assert "Traceback" not in weak.stderr
    engine = create_engine(empty_database)
    with engine.connect() as conn:
        admins = conn.execute(text("select email from users where is_platform_admin")).scalars().all()
    engine.dispose()
    assert admins == ["root@example.test"]


def _postgres_running_on(pgdata: Path) -> bool:
    found = subprocess.run(["pgrep", "-f", f"postgres -D {pgdata}"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def _wait_for(url: str, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, timeout=5).status_code
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_validate_prints_each_problem_and_exits_by_severity(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: baton/workflow@1\nkey: Bad\n")
    template = ROOT / "domain" / "workflows" / "templates" / "incident.yaml"
    clean = subprocess.run([PYTHON, "main.py", "validate", str(template)], cwd=ROOT, env=_env(),
                           capture_output=True, text=True, timeout=60)
    assert (clean.returncode, clean.stdout) == (0, "")
    broken = subprocess.run([PYTHON, "main.py", "validate", str(bad), str(tmp_path / "missing.yaml")], cwd=ROOT,
                            env=_env(), capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1
    assert f"{bad}:/: error schema: Add the required property “subject”." in broken.stdout.splitlines()
    assert f"{bad}:/key: error schema:" in broken.stdout
    assert "missing.yaml: error file: no such file" in broken.stderr
    assert "Traceback" not in broken.stderr
