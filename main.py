#!/usr/bin/env python3
"""Baton: the command line and the composition root.

    python3 main.py [serve]      run the console (creates .venv and installs on first use)
    python3 main.py test [ARGS]  run the whole test suite (installs test tools and Chromium)
    python3 main.py migrate | demo | audit-verify | validate FILE... | messages

Importing this module has no side effects: NiceGUI's test fixture runs it as
`__main__` once per test, with NICEGUI_USER_SIMULATION set.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
CHROMIUM = Path("/usr/bin/chromium")


def main(argv: list[str]) -> int:
    command = argv[0] if argv and not argv[0].startswith("-") else "serve"
    args = argv[1:] if argv and not argv[0].startswith("-") else argv
    _bootstrap(extras="test" if command == "test" else "")
    if command == "test":
        return _run_tests(args)
    return _run_command(command, args)


def _bootstrap(*, extras: str) -> None:
    """Make sure .venv exists with this project's pinned dependencies; re-run inside it."""
    def digest(extra: str) -> str:
        return hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extra.encode()).hexdigest()

    wanted = digest(extras)
    stamp = VENV / f".baton-installed{'-' + extras if extras else ''}"
    inside = Path(sys.prefix).resolve() == VENV.resolve()
    if inside and stamp.exists() and stamp.read_text().strip() == wanted:
        return
    if not VENV_PYTHON.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not (stamp.exists() and stamp.read_text().strip() == wanted):
        target = f".[{extras}]" if extras else "."
        print(f"Installing Baton's dependencies ({target}) into .venv; the first time takes a minute or two ...",
              flush=True)
        subprocess.run([str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                        "-e", target], cwd=ROOT, check=True)
        stamp.write_text(wanted)
        if extras:  # the extras include the base install: `serve` need not reinstall
            (VENV / ".baton-installed").write_text(digest(""))
    if not inside:
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(ROOT / "main.py"), *sys.argv[1:]])


def _run_tests(args: list[str]) -> int:
    if not CHROMIUM.exists():
        if shutil.which("apt-get") and os.geteuid() == 0:
            print("Installing Debian's Chromium for the browser tests (apt-get install -y chromium) ...", flush=True)
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True,
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        else:
            print("The browser tests need Debian's Chromium at /usr/bin/chromium. Install it with\n"
                  "    sudo apt-get install -y chromium\nand run the tests again.", file=sys.stderr)
            return 2
    # The suite starts its own database; the developer's configuration must not leak into it.
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "PYTEST_CURRENT_TEST"}
           and (not k.startswith("BATON_") or k == "BATON_TEST_DATABASE_URL")}
    lint = subprocess.run([str(VENV / "bin" / "ruff"), "check", "."], cwd=ROOT, env=env)
    if lint.returncode:
        print("ruff found problems (above); fix them before the tests run.", file=sys.stderr)
        return lint.returncode
    types = subprocess.run([str(VENV / "bin" / "mypy")], cwd=ROOT, env=env)  # strict, on engine/ (pyproject)
    if types.returncode:
        print("mypy found type errors (above); fix them before the tests run.", file=sys.stderr)
        return types.returncode
    return subprocess.run([str(VENV_PYTHON), "-m", "pytest", *args], cwd=ROOT, env=env).returncode


# ---------------------------------------------------------------- commands (need the dependencies)


def _run_command(command: str, args: list[str]) -> int:
    import argparse

    from pydantic import ValidationError

    from storage.settings import Settings

    parser = argparse.ArgumentParser(prog="python3 main.py", description="Baton workflow console")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="run the console (default)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs in this process")
    sub.add_parser("migrate", help="upgrade the database schema to the newest revision")
    sub.add_parser("demo", help="load the demo tenants and people (idempotent)")
    sub.add_parser("audit-verify", help="check every tenant's audit hash chain; exit 1 on a break")
    sub.add_parser("messages", help="extract translatable strings and update the en/es/fr catalogs")
    validate = sub.add_parser("validate", help="check workflow definition files (YAML or JSON)")
    validate.add_argument("files", nargs="+", metavar="FILE")
    create_admin = sub.add_parser("create-admin", help="create or promote a platform administrator")
    create_admin.add_argument("email")
    create_admin.add_argument("name")
    opts = parser.parse_args([command, *args])
    try:
        settings = Settings.from_env()
    except ValidationError as exc:
        for error in exc.errors():
            print(f"Configuration error: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    if opts.command == "validate":
        return _validate_files(opts.files)
    if opts.command == "messages":
        from locales.catalogs import update_catalogs

        return update_catalogs()
    from storage.postgres import DatabaseUnavailable

    try:
        if opts.command == "serve":
            return _serve(settings, host=opts.host, port=opts.port, scheduler=not opts.no_scheduler)
        _database(settings, migrate=opts.command in {"migrate", "demo", "create-admin"})
        if opts.command == "migrate":
            print("Database schema is up to date.")
            return 0
        if opts.command == "demo":
            _load_demo(settings)
            return 0
        if opts.command == "create-admin":
            return _create_admin(opts.email, opts.name)
        return _audit_verify()
    except DatabaseUnavailable as exc:
        print(f"Database error: {exc}", file=sys.stderr)
        return 2


def _database(settings, *, migrate: bool):  # type: ignore[no-untyped-def]
    """Open (or start) the database, migrate if asked, configure the app engine."""
    from storage import db
    from storage import migrate as migrations
    from storage.postgres import open_database

    urls = open_database(settings)
    if migrate:
        migrations.upgrade(urls)
    db.configure(urls.app)
    return urls


def _load_demo(settings, *, records: bool = True) -> bool:  # type: ignore[no-untyped-def]
    from domain import demo

    if not demo.needs_demo():
        print("The demo tenant is already loaded.")
        return False
    logins = demo.load_demo(records=records)
    print("Demo tenant loaded. Sign in with (password for all: " + demo.DEMO_PASSWORD + "):")
    for login in logins:
        print(f"    {login.email:<28} {login.role}")
    return True


def _demo_records_in_background() -> None:
    """Fill the demo tenant's boards once the console listens (they appear live as they load)."""
    import threading

    from nicegui import app

    def load() -> None:
        from domain import demo

        created = demo.load_records()
        if created:
            print(f"Demo records loaded: {created} (boards updated live).", flush=True)

    app.on_startup(lambda: threading.Thread(target=load, name="baton-demo-records", daemon=True).start())


def _validate_files(files: list[str]) -> int:
    """`FILE:PATH: severity code: message` per problem; 1 when any file has an error."""
    from engine.problems import has_errors
    from engine.validate import validate_definition

    failed = False
    for name in files:
        path = Path(name)
        if not path.is_file():
            print(f"{name}: error file: no such file", file=sys.stderr)
            failed = True
            continue
        problems = validate_definition(path.read_bytes())
        for problem in problems:
            print(f"{name}:{problem.path or '/'}: {problem.severity} {problem.code}: {problem.message}")
        failed = failed or has_errors(problems)
    return 1 if failed else 0


def _create_admin(email: str, name: str) -> int:
    import getpass

    from domain.errors import DomainError
    from domain.iam.platform import ensure_platform_admin

    password = os.environ.get("BATON_ADMIN_PASSWORD") or ""
    if not password and sys.stdin.isatty():
        password = getpass.getpass("Password for a new account (ignored when the user exists): ")
    try:
        created = ensure_platform_admin(email=email, name=name, password=password)
    except DomainError as exc:
        print(f"Refused: {exc}", file=sys.stderr)
        return 1
    print(f"{email} is {'now' if created else 'already a user and now'} a platform administrator.")
    return 0


def _audit_verify() -> int:
    from domain.audit.service import verify_chains

    broken = 0
    for status in verify_chains():
        if status.ok:
            print(f"{status.slug}: ok ({status.events} events)")
        else:
            broken += 1
            print(f"{status.slug}: BROKEN at event {status.broken_at}: {status.reason}")
    return 1 if broken else 0


def _serve(settings, *, host: str | None, port: int | None, scheduler: bool) -> int:  # type: ignore[no-untyped-def]
    # NiceGUI reads its storage path at import: keep per-browser storage beside the data.
    os.environ.setdefault("NICEGUI_STORAGE_PATH", str((settings.data_dir / "nicegui").resolve()))
    from nicegui import app, ui

    from domain import demo

    _database(settings, migrate=True)
    first_run = settings.load_demo if settings.load_demo is not None else settings.dev_mode
    if first_run and demo.needs_demo():
        _load_demo(settings, records=False)  # people and workflows now; records once the console is up
    elif first_run:
        print("Demo logins (password for all: " + demo.DEMO_PASSWORD + "): "
              + ", ".join(login.email for login in demo.DEMO_LOGINS))
    if first_run:
        _demo_records_in_background()
    host, port = host or settings.host, port or settings.port
    build_app(settings, scheduler=scheduler)
    app.on_startup(_freeze_startup_objects)
    print(f"Baton console: http://{'localhost' if host in {'127.0.0.1', '0.0.0.0'} else host}:{port}/", flush=True)
    ui.run(host=host, port=port, title="Baton", reload=False, show=False, storage_secret=settings.secret,
           favicon=str(ROOT / "ui" / "static" / "favicon.svg"), uvicorn_logging_level=settings.log_level.lower(),
           show_welcome_message=False, reconnect_timeout=10, log_config=None)
    return 0


def _freeze_startup_objects() -> None:
    """Move what start-up loaded (modules, pages, caches: ~250,000 objects that live as long as the
    process) out of the garbage collector's full collections, which otherwise walk them all and
    pause a request for 140-250 ms now and then (measured with bench/board.py)."""
    gc.collect()
    gc.freeze()


def build_app(settings, *, scheduler: bool, live_updates: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Wire settings, logging, authentication policy, pages, API and scheduler into NiceGUI's app."""
    from nicegui import app

    import api
    import ui as console
    from domain.iam import auth
    from domain.ops import logs

    logs.configure(settings.log_level)
    auth.configure(auth.AuthPolicy(
        max_failures=settings.login_max_failures, window_minutes=settings.login_window_minutes,
        ip_max_failures=settings.login_ip_max_failures, idle_minutes=settings.session_idle_minutes))
    console.register(default_locale=settings.default_locale, allowed_origins=settings.allowed_origins,
                     live_updates=live_updates)
    api.register(app)
    if scheduler:
        from scheduler import jobs

        app.on_startup(jobs.start)
        app.on_shutdown(jobs.stop)


def _simulated() -> None:
    """Entry point when NiceGUI's `User` fixture runs this file (the database is already migrated)."""
    from nicegui import ui

    from storage.settings import Settings

    settings = Settings.from_env()
    _database(settings, migrate=False)
    build_app(settings, scheduler=False, live_updates=False)  # no LISTEN thread per simulated test
    ui.run(storage_secret=settings.secret)


if __name__ in {"__main__", "__mp_main__"}:
    if os.environ.get("NICEGUI_USER_SIMULATION"):
        _simulated()
    else:
        sys.exit(main(sys.argv[1:]))
