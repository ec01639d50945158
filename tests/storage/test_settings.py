"""Settings refuse placeholder secrets outside development; the CLI says so without a traceback."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError

from storage.settings import Settings

EXTERNAL = "postgresql://baton@db.example.invalid:5432/baton"
LONG_SECRET = "k3J9-wq2xZ_7vLp0RtYb8nM4cE6hS1dA5fG"  # 35 characters
SETTINGS_VARIABLES = ("DATABASE_URL", "BATON_APP_DATABASE_URL", "BATON_SECRET", "BATON_DEV", "BATON_DATA_DIR",
                      "BATON_APP_DB_ROLE", "BATON_APP_DB_PASSWORD", "BATON_LOAD_DEMO")


@pytest.fixture(autouse=True)
def bare_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session fixtures export DATABASE_URL and BATON_DEV=1; none of these tests may depend on them."""
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("env", [
    {"DATABASE_URL": EXTERNAL},
    {"DATABASE_URL": EXTERNAL, "BATON_SECRET": "changethis"},
    {"DATABASE_URL": EXTERNAL, "BATON_SECRET": "short-but-not-a-placeholder"},
    {"BATON_DEV": "0"},  # embedded, but production mode declared explicitly
], ids=["unset", "changethis", "short", "embedded-not-dev"])
def test_production_refuses_placeholder_or_short_secret(env: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings.from_env(env)
    assert "BATON_SECRET" in str(caught.value)


def test_dev_flag_accepts_placeholder_secret_with_external_database() -> None:
    settings = Settings.from_env({"DATABASE_URL": EXTERNAL, "BATON_SECRET": "changethis", "BATON_DEV": "1"})
    assert settings.dev_mode is True
    assert settings.database_url == EXTERNAL


def test_long_secret_accepted_in_production() -> None:
    settings = Settings.from_env({"DATABASE_URL": EXTERNAL, "BATON_SECRET": LONG_SECRET})
    assert settings.dev_mode is False
    assert settings.secret == LONG_SECRET
    assert not settings.embedded


def test_embedded_database_defaults_to_development_mode() -> None:
    settings = Settings.from_env({})
    assert settings.embedded
    assert settings.dev_mode is True


def test_from_env_reads_only_the_mapping_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mapping is the whole environment: nothing may leak in from os.environ."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://leaked@elsewhere.invalid/other")
    monkeypatch.setenv("BATON_DEV", "1")
    assert Settings.from_env({}).database_url is None
    with pytest.raises(ValidationError, match="BATON_SECRET"):
        Settings.from_env({"DATABASE_URL": EXTERNAL})  # production: the process's BATON_DEV must not count


def test_migrate_command_reports_configuration_error_without_traceback(root: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in {"BATON_SECRET", "BATON_DEV", "BATON_APP_DATABASE_URL", "PYTEST_CURRENT_TEST",
                        "NICEGUI_USER_SIMULATION"}}
    env["DATABASE_URL"] = EXTERNAL
    done = subprocess.run([str(root / ".venv/bin/python"), "main.py", "migrate"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert any(line.startswith("Configuration error:") and "BATON_SECRET" in line for line in lines), done.stderr
    assert "Traceback" not in done.stderr
