"""The worker processes of bench/transitions.py, the audit sealing it does meanwhile, and
what a run measured (transitions, wall time, statements, client and server CPU)."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple

import transition_methods  # bench/, beside this module
from sqlalchemy import event
from sqlalchemy.engine import make_url

from storage import db

SEAL_EVERY = 0.5  # seconds between runs of the audit sealing job (the console's: scheduler.jobs, 2 s)


class Workers:
    """Long-lived worker processes (so warm-up also warms each process's caches)."""

    def __init__(self, count: int, app_url: str, people: dict[str, Any], pgdata: Path) -> None:
        ctx = mp.get_context("spawn")
        self.count, self.pgdata = count, pgdata
        self.barrier = ctx.Barrier(count)
        self.results: Any = ctx.Queue()
        self.inboxes = [ctx.Queue() for _ in range(count)]
        self.procs = [ctx.Process(target=_worker, args=(n, app_url, people, self.barrier, inbox, self.results))
                      for n, inbox in enumerate(self.inboxes)]
        for proc in self.procs:
            proc.start()

    def run(self, method: str, jobs: list[tuple[str, int, int]], *, count_statements: bool = False
            ) -> Run:
        """Run `jobs`; for Baton and raw SQL, whose audit events are chained after commit
        (ADR 0012), seal them meanwhile as the sealing job would, and count the run as
        finished when the last one is sealed."""
        server_cpu = _server_cpu(self.pgdata)
        sealer = _Sealer() if method in ("baton", "raw") else None
        for n, inbox in enumerate(self.inboxes):
            inbox.put((method, jobs[n::self.count], count_statements and n == 0))
        results = [self.results.get(timeout=600) for _ in self.procs]
        sealed = sealer.finish() if sealer else (0.0, 0.0)
        server_cpu = _server_cpu(self.pgdata) - server_cpu
        failed = [r for r in results if isinstance(r, str)]
        if failed:
            raise SystemExit(f"a worker failed:\n{failed[0]}")
        return _summarise(results, server_cpu, sealed)

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for proc in self.procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()


class _Sealer:
    """The audit sealing job (`domain.audit.service.seal_all`), every SEAL_EVERY seconds in a
    thread of this process, then once more for what is left when the workers are done."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._cpu = 0.0
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        from domain.audit.service import seal_all

        started = time.thread_time()
        while not self._stop.wait(SEAL_EVERY):
            seal_all()
        while seal_all():
            pass
        self._cpu = time.thread_time() - started

    def finish(self) -> tuple[float, float]:
        """(when the last event was sealed, CPU seconds the sealing took here)."""
        self._stop.set()
        self._thread.join()
        return time.perf_counter(), self._cpu


class Run(NamedTuple):
    transitions: int
    seconds: float  # wall time from the first worker's start to the last one's finish
    statements: int  # counted in worker 0 only
    pings: int
    round_trips: int
    performs: int
    client_cpu: float  # seconds of CPU, all workers and the audit sealing
    server_cpu: float  # seconds of CPU, every process of the PostgreSQL server


def _summarise(results: list[tuple[Any, ...]], server_cpu: float, sealed: tuple[float, float]) -> Run:
    start = min(r[1] for r in results)
    end = max(max(r[2] for r in results), sealed[0])
    return Run(sum(r[3] for r in results), end - start, *(sum(r[i] for r in results) for i in range(4, 8)),
               sum(r[8] for r in results) + sealed[1], server_cpu)


def _server_cpu(pgdata: Path) -> float:
    """CPU seconds used so far by the server: the postmaster, its children running now, and
    (in the postmaster's children times) those that have ended, such as autovacuum workers."""
    postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == postmaster:
            ticks += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        elif ppid == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _worker(n: int, app_url: str, people: dict[str, Any], barrier: Any, inbox: Any, results: Any) -> None:
    import traceback

    import psycopg

    from storage import pipeline

    class CountingCursor(psycopg.Cursor[Any]):
        """Counts every statement SQLAlchemy sends on the engines' connections (pool pre-pings apart)."""

        counting = False
        statements = pings = round_trips = 0

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            if CountingCursor.counting:
                CountingCursor.round_trips += 1
                if query in (";", "SELECT 1"):  # the pool's pre-ping
                    CountingCursor.pings += 1
                else:
                    CountingCursor.statements += 1
            return super().execute(query, params, **kwargs)

    def counting_round_trips(statements: list[str]) -> None:
        """Counts each statement of `storage.pipeline.Pipelined`'s round trips (BEGIN, COMMIT and
        the one-off Parses apart)."""
        if CountingCursor.counting:
            CountingCursor.round_trips += 1
            CountingCursor.statements += len(statements)

    db.configure(app_url, pool_size=2)  # engines are per process
    for engine in db.engines():
        event.listen(engine, "connect", lambda dbapi, _record: setattr(dbapi, "cursor_factory", CountingCursor))
    pipeline.round_trip_observer = counting_round_trips
    url = make_url(app_url)
    host = url.query.get("host")
    conn = psycopg.connect(dbname=url.database or "postgres", user=url.username, password=url.password or None,
                           host=host[0] if isinstance(host, tuple) else host, autocommit=True)
    runners = {"baton": transition_methods.run_baton, "raw": transition_methods.run_raw,
               "spiff": transition_methods.run_spiff}
    while (task := inbox.get()) is not None:
        method, jobs, count = task
        try:
            CountingCursor.statements = CountingCursor.pings = CountingCursor.round_trips = 0
            CountingCursor.counting = count
            barrier.wait()
            started, cpu = time.perf_counter(), time.process_time()
            done = runners[method](jobs, people, conn)
            finished, cpu = time.perf_counter(), time.process_time() - cpu
            CountingCursor.counting = False
            results.put((n, started, finished, done, CountingCursor.statements, CountingCursor.pings,
                         CountingCursor.round_trips, done if count else 0, cpu))
        except Exception:
            results.put(traceback.format_exc())
    conn.close()
    db.dispose()
