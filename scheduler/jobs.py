"""The process's scheduled jobs. Each job is idempotent and safe to run in every process."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from nicegui import run

from domain.iam import auth
from domain.ops import metrics

log = logging.getLogger(__name__)
_state: dict[str, AsyncIOScheduler] = {}


async def purge_sessions() -> None:
    """Close idle sessions and drop day-old throttle rows."""
    try:
        closed = await run.io_bound(auth.purge_expired)
    except Exception:  # one failed run is logged; the next tick tries again
        metrics.scheduler_runs.labels("purge_sessions", "error").inc()
        log.exception("purge_sessions failed")
        return
    metrics.scheduler_runs.labels("purge_sessions", "ok").inc()
    if closed:
        log.info("closed idle sessions", extra={"count": closed})


def start() -> None:
    scheduler = AsyncIOScheduler(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30})
    scheduler.add_job(purge_sessions, "interval", minutes=5, id="purge_sessions")
    scheduler.start()
    _state["scheduler"] = scheduler


def stop() -> None:
    scheduler = _state.pop("scheduler", None)
    if scheduler is not None:
        scheduler.shutdown(wait=False)
