"""Health: can this process reach its database as the application role?"""

from __future__ import annotations

import time

from sqlalchemy import text

from domain.ops.metrics import db_up
from storage import db


def check() -> dict[str, object]:
    """Return {"status": "ok"|"error", "database": ..., "latency_ms": ...}; never raises."""
    started = time.perf_counter()
    try:
        with db.global_session() as session:
            session.execute(text("select 1"))
    except Exception as exc:  # health must report, not raise: any driver error means "down"
        db_up.set(0)
        return {"status": "error", "database": "unreachable", "detail": type(exc).__name__}
    db_up.set(1)
    return {"status": "ok", "database": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
