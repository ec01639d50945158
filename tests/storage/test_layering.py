"""Dependencies point down: engine/ imports nothing of ours or of the web/database stack;
ui/, api/ and scheduler/ reach the database only through domain/; nothing calls create_all."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

FORBIDDEN_FOR_ENGINE = ("nicegui", "fastapi", "starlette", "sqlalchemy", "sqlmodel", "psycopg", "apscheduler",
                        "storage", "domain", "ui", "api", "scheduler")
FORBIDDEN_FOR_UPPER_LAYERS = frozenset({"storage", "sqlalchemy", "sqlmodel", "psycopg"})
SKIP_DIRS = frozenset({".venv", "tests", "var", "node_modules", "build", "dist", "__pycache__"})

_ENGINE_PROBE = """
import json, pkgutil, sys
import engine
for info in pkgutil.walk_packages(engine.__path__, "engine."):
    __import__(info.name)
print(json.dumps(sorted(sys.modules)))
"""


def test_engine_imports_no_web_database_scheduler_or_app_module(root: Path) -> None:
    done = subprocess.run([sys.executable, "-c", _ENGINE_PROBE], cwd=root, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert "engine" in loaded
    leaked = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN_FOR_ENGINE)
    assert leaked == []


def test_ui_api_and_scheduler_do_not_import_storage_or_sql(root: Path) -> None:
    files = [p for layer in ("ui", "api", "scheduler") for p in sorted((root / layer).rglob("*.py"))]
    assert files, "nothing scanned: the layer directories moved?"
    violations = [
        f"{path.relative_to(root)}:{line}: {name}"
        for path in files
        for line, name in _imports(path)
        if name.split(".")[0] in FORBIDDEN_FOR_UPPER_LAYERS
    ]
    assert violations == []


def test_the_application_never_calls_create_all(root: Path) -> None:
    sources = [p for p in root.rglob("*.py")
               if not SKIP_DIRS.intersection(p.relative_to(root).parts[:-1])
               and not p.relative_to(root).parts[0].startswith(".")]
    assert any(p.name == "main.py" for p in sources)
    offenders = [str(p.relative_to(root)) for p in sources if "create_all(" in p.read_text(encoding="utf-8")]
    assert offenders == []


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import statement in `path`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found
