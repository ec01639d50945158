"""The process's scheduled jobs. Each job is idempotent and safe to run in every process."""

from __future__ import annotations

import logging
from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from nicegui import run

from domain.audit import service as audit
from domain.iam import auth
from domain.ops import metrics

log = logging.getLogger(__name__)
_state: dict[str, AsyncIOScheduler] = {}


SEAL_EVERY_SECONDS = 2


async def purge_sessions() -> None:
    """Close idle sessions and drop day-old throttle rows."""
    closed = await _run("purge_sessions", auth.purge_expired)
    if closed:
        log.info("closed idle sessions", extra={"count": closed})


async def seal_audit() -> None:
    """Chain the audit events committed since the last run, in every tenant (ADR 0012)."""
    await _run("seal_audit", audit.seal_all)


async def _run(job: str, work: Callable[[], int]) -> int:
    try:
        done = await run.io_bound(work)
    except Exception:  # one failed run is logged; the next tick tries again
        metrics.scheduler_runs.labels(job, "error").inc()
        log.exception("%s failed", job)
        return 0
    metrics.scheduler_runs.labels(job, "ok").inc()
    return done or 0


def start() -> None:
    scheduler = AsyncIOScheduler(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30})
    scheduler.add_job(purge_sessions, "interval", minutes=5, id="purge_sessions")
    scheduler.add_job(seal_audit, "interval", seconds=SEAL_EVERY_SECONDS, id="seal_audit")
    scheduler.start()
    _state["scheduler"] = scheduler


def stop() -> None:
    scheduler = _state.pop("scheduler", None)
    if scheduler is not None:
        scheduler.shutdown(wait=False)
