"""Every benchmark script starts: its imports resolve and it parses its arguments (`--help`).

The benchmarks do not run in CI (they take minutes and want a quiet machine); this keeps a
refactoring elsewhere from breaking one unnoticed until someone needs its figures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(p.name for p in (ROOT / "bench").glob("*.py") if "__main__" in p.read_text(encoding="utf-8"))


def test_the_benchmarks_are_found() -> None:
    assert {"board.py", "designer.py", "list.py", "transitions.py"} <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_starts(script: str) -> None:
    done = subprocess.run([sys.executable, f"bench/{script}", "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout
