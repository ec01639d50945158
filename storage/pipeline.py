"""`Pipelined`: one tenant-scoped transaction for hot paths, in two round trips and as
little work on either side as its statements allow (ADR 0006, ADR 0009, ADR 0015).

Each round trip is one batch of libpq's pipeline mode (`storage.wire`): the statements
go as the extended protocol's Bind/Execute of statements prepared on that connection
(Parse, sent ahead of their first use), their parameters out of band in text format,
dumped by psycopg's `Transformer`, then one Sync. The server parses and plans each
statement once per connection, nothing is quoted into SQL text, and the client pays one
send and one read of results per round trip, without psycopg's cursor or pipeline
machinery. The connection is in autocommit mode; `Pipelined` sends BEGIN and COMMIT
itself.

- `lock_and_read(queries)` sends BEGIN, the tenant scope and the queries together and
  returns each query's rows: one round trip. The connection is the last one a
  `Pipelined` gave back (`storage.idle`, ADR 0016), else one from a pool without
  pre-ping; if it turns out to be dead here (nothing has been written yet), it is
  discarded with the rest of its pool and the round trip is made again on a new one.
- `execute(statement, parameters)` queues INSERT/UPDATE/DELETE statements without
  RETURNING; anything else runs at once through SQLAlchemy, so reads never see queued
  writes.
- `execute(..., guard=True)` queues a one-row write that must change exactly one row: if
  it changes none (its WHERE no longer matches), the transaction aborts and `commit()`
  raises `StaleRow`, with nothing written (`perform`'s one-round-trip path, ADR 0014).
- `announce(channel, payload)` sends a NOTIFY right after COMMIT, in the same round trip
  (its own implicit transaction, so the transaction commits without PostgreSQL's
  cluster-wide NOTIFY lock held through its WAL flush: ADR 0011); nothing is announced
  if COMMIT fails.
- `commit()` sends the queued writes and COMMIT together: one round trip. The writes go
  as driver SQL, consecutive rows to different tables combined into one statement
  (`storage.driver_sql`); one needing SQLAlchemy's execution context (a Python-side
  column default) is executed by SQLAlchemy instead. Driver errors come out as
  SQLAlchemy's exception types, as they would from `Session.execute`.
- `close()` rolls back whatever is still open: the pool does not reset connections, and
  one that cannot be rolled back, or has died, is discarded rather than pooled.

A prepared statement takes its parameters' types from where they are used (a column, a
comparison with one): a parameter PostgreSQL cannot type there (`select %(x)s`) needs a
cast in the SQL. `round_trip_observer`, when set, sees each round trip's statements
(the tests and benchmarks count them there).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Engine, Executable, TextClause, text
from sqlalchemy.exc import DBAPIError

from storage.driver_sql import grouped_writes
from storage.idle import drop_idle, keep, take
from storage.wire import Prepared, on_server, prepared, send_batch

_BEGIN, _COMMIT = "BEGIN", "COMMIT"
_STALE = "40001"  # serialization_failure, raised by baton_expect_row (migration 0015)


class StaleRow(Exception):
    """A guarded write found its row changed (or gone): the transaction was rolled back."""


round_trip_observer: Callable[[list[str]], None] | None = None  # sees each round trip's statements (BEGIN,
# COMMIT and the Parse of new statements apart): the tests and benchmarks count them here


class Pipelined:
    def __init__(self, engine: Engine, tenant_id: UUID, settings: Mapping[str, str] | None) -> None:
        scope_sql, self._scope_params = scope_statement(tenant_id, settings)
        self._scope = prepared(scope_sql)
        self._engine = engine
        self._pooled: Any = take(engine)  # the engine is in autocommit mode
        self._connection: Connection | None = None  # SQLAlchemy's, on the same connection, once needed
        self._open = False  # BEGIN and the scope sent
        self._queued: list[tuple[Executable, Any]] = []
        self._guarded: int | None = None  # the index in _queued of the guarded write
        self._announcements: list[tuple[Prepared, dict[str, str]]] = []

    @property
    def _driver(self) -> Any:
        return self._pooled.driver_connection

    def lock_and_read(self, queries: Sequence[tuple[str, Mapping[str, Any]]]) -> list[list[dict[str, Any]]]:
        """BEGIN, the scope and `queries` (driver SQL with %(name)s parameters) in one round trip."""
        if self._open:
            raise RuntimeError("lock_and_read opens the transaction: call it first, once")
        calls = [(prepared(sql), params) for sql, params in queries]
        try:
            return self._lock_and_read(calls)
        except DBAPIError as exc:
            if isinstance(exc.orig, psycopg.errors.InvalidSqlStatementName):
                pass  # someone deallocated this connection's statements: they are forgotten, prepare again
            elif not isinstance(exc.orig, psycopg.OperationalError) or not self._dead():
                raise
            else:
                # The pooled connection was dead (a server restart, an idle timeout): nothing was
                # written, so drop it and every connection pooled with it, and try once more.
                self._discard()
                self._give_back()
                drop_idle(self._engine)
                self._engine.dispose(close=False)
                self._pooled = take(self._engine)
        return self._lock_and_read(calls)

    def _lock_and_read(self, calls: list[tuple[Prepared, Mapping[str, Any]]]) -> list[list[dict[str, Any]]]:
        results = self._round_trip([*self._opening(), *calls], rows_after=2)
        self._open = True
        return results

    def _opening(self) -> list[str | tuple[Prepared, Any]]:
        """BEGIN and the tenant scope (two results: `lock_and_read` skips them)."""
        return [_BEGIN, (self._scope, self._scope_params)]

    def execute(self, statement: Executable, parameters: Any = None, *, guard: bool = False) -> Any:
        """Queue a write (returns None); run anything else at once (returns its Result).
        A queued write's parameters are read at commit: leave them unchanged until then.
        A write is compiled once per statement object: build it once (at module level)
        and pass its values as `parameters`, not with `.values(...)` at every call.
        With `guard`, the write (one row) must change exactly one row, else `commit()`
        raises `StaleRow` and nothing is written; one guarded write per transaction."""
        if getattr(statement, "is_dml", False):
            if getattr(statement, "_returning", ()):
                raise ValueError("a queued write cannot return rows")
            if guard:
                if self._guarded is not None or isinstance(parameters, list):
                    raise ValueError("one guarded write of one row per transaction")
                self._guarded = len(self._queued)
            self._queued.append((statement, parameters))
            return None
        if guard:
            raise ValueError("only a write can be guarded")
        return self._reads().execute(statement, parameters)

    def announce(self, channel: str, payload: str) -> None:
        """NOTIFY `channel` with `payload` once the transaction has committed."""
        self._announcements.append((_NOTIFY, {"channel": channel, "payload": payload}))

    def scalars(self, statement: Executable, parameters: Any = None) -> Any:
        return self._reads().scalars(statement, parameters)

    def scalar(self, statement: Executable, parameters: Any = None) -> Any:
        return self._reads().scalar(statement, parameters)

    def _reads(self) -> Connection:
        if not self._open:  # no lock_and_read: open and scope the transaction first
            self._round_trip(self._opening())
            self._open = True
        if self._connection is None:
            self._connection = Connection(self._engine, self._pooled)
        return self._connection

    def commit(self) -> None:
        queued, self._queued = self._queued, []
        guarded, self._guarded = self._guarded, None
        try:
            self._commit(queued, guarded)
        except DBAPIError as exc:
            if guarded is not None and getattr(exc.orig, "sqlstate", None) == _STALE:
                raise StaleRow(str(exc.orig)) from exc
            raise

    def _commit(self, queued: list[tuple[Executable, Any]], guarded: int | None) -> None:
        calls: list[str | tuple[Prepared, Any]] = []
        if queued and not self._open:  # writes without lock_and_read still need the tenant scope first
            calls += self._opening()
            self._open = True
        for statement, parameters in grouped_writes(queued, guarded):
            if isinstance(statement, str):
                calls.append((prepared(statement), parameters))
                continue
            if calls:  # it needs SQLAlchemy's execution context: what comes before it goes first
                self._round_trip(calls)
                calls = []
            self._reads().execute(statement, parameters)  # on failure, close() rolls back
        if self._open:
            self._round_trip([*calls, _COMMIT, *self._announcements])
            self._open = False
        self._announcements = []

    def close(self) -> None:
        """Give the connection back (rolling back what was not committed)."""
        self._queued, self._announcements, self._guarded = [], [], None
        try:
            self._rollback()  # the pool does not reset its connections: nothing may stay open
            if self._dead():
                self._discard()
        except psycopg.Error:
            self._discard()
        finally:
            self._give_back()

    def _give_back(self) -> None:
        if self._connection is not None:
            self._connection.close()  # closes the pooled connection it wraps: back to the pool
            self._connection = None
        elif self._pooled.is_valid and not self._dead():
            keep(self._engine, self._pooled)
        else:
            self._pooled.close()

    def _round_trip(self, calls: Sequence[str | tuple[Prepared, Any]], *, rows_after: int | None = None
                    ) -> list[Any]:
        """Send `calls` (BEGIN/COMMIT, or prepared statements with their parameters) as one
        pipeline batch, preparing first what this connection has not; with `rows_after`,
        return the rows of each call from that one on (None for a statement without rows)."""
        driver = self._driver
        known = on_server.setdefault(driver, set())
        new = list({call[0].name: call[0] for call in calls
                    if not isinstance(call, str) and call[0].name not in known}.values())
        if round_trip_observer is not None:
            round_trip_observer([call[0].sql for call in calls if not isinstance(call, str)])
        try:
            results = send_batch(driver, new, calls, rows_after)
        except psycopg.Error as exc:
            # A batch stops at its first failing statement: Parses after a failed one never
            # ran. Roll back and forget this connection's statements; the next use prepares again.
            on_server.pop(driver, None)
            try:
                self._rollback()
                if not self._dead():
                    driver.execute("DEALLOCATE ALL")
            except psycopg.Error:
                self._discard()
            raise DBAPIError.instance(None, None, exc, psycopg.Error) from exc
        known.update(statement.name for statement in new)
        return results

    def _rollback(self) -> None:
        self._open = False
        if self._dead():
            return
        driver = self._driver
        if driver.pgconn.transaction_status != TransactionStatus.IDLE:
            driver.rollback()

    def _discard(self) -> None:
        """Close the connection for good: the pool opens a new one at the next checkout."""
        if self._driver is not None:  # else SQLAlchemy has already
            self._pooled.invalidate()

    def _dead(self) -> bool:
        driver = self._driver  # None once SQLAlchemy has invalidated it (a read or a fallback write saw it die)
        return driver is None or bool(driver.closed or driver.broken)


_SETTING = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")  # a name; a value is a word
_WORD = re.compile(r"[A-Za-z0-9_.:-]*")


def scope_statement(tenant_id: UUID, settings: Mapping[str, str] | None) -> tuple[str, dict[str, str]]:
    """The set_config call (driver SQL, a %(t)s parameter) for the tenant and `settings`:
    the settings are the code's own names and words, written into the SQL (so one
    statement text per set of settings, and one parameter to bind)."""
    return _scope_sql(tuple((settings or {}).items())), {"t": str(tenant_id)}


@functools.lru_cache(maxsize=64)
def _scope_sql(settings: tuple[tuple[str, str], ...]) -> str:
    for key, value in settings:
        if not (_SETTING.fullmatch(key) and _WORD.fullmatch(value)):
            raise ValueError(f"a transaction setting is a lower-case name and a word: {key!r} = {value!r}")
    calls = "".join(f", set_config('{key}', '{value}', true)" for key, value in settings)
    return f"select set_config('app.tenant_id', %(t)s, true){calls}"


def scope_clause(tenant_id: UUID, settings: Mapping[str, str] | None) -> tuple[TextClause, dict[str, str]]:
    """The same set_config call as a SQLAlchemy text clause (:name parameters)."""
    sql, params = scope_statement(tenant_id, settings)
    return text(sql % _AS_BOUND), params


class _Bound(dict[str, str]):
    """`sql % _AS_BOUND` turns the driver's %(name)s parameters into SQLAlchemy's :name."""

    def __missing__(self, key: str) -> str:
        return f":{key}"


_AS_BOUND = _Bound()


# The announcement's own transaction writes nothing but its commit record (NOTIFY assigns it
# a transaction id): it need not wait for the WAL flush, which it would do holding
# PostgreSQL's cluster-wide NOTIFY lock (ADR 0011).
_NOTIFY = prepared("select set_config('synchronous_commit', 'off', true), pg_notify(%(channel)s, %(payload)s)")
