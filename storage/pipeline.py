"""`Pipelined`: one tenant-scoped transaction for hot paths, in as few round trips and as
little client work as its statements allow (ADR 0006, ADR 0009).

A round trip costs both processes CPU, and the audit chain's per-tenant lock is held
until COMMIT arrives, so:

- `lock_and_read(queries)` sends BEGIN, the tenant scope and the queries together and
  returns each query's rows: one round trip. The connection comes from a pool without
  pre-ping; if it turns out to be dead here (nothing has been written yet), it is
  discarded with the rest of its pool and the round trip is made again on a new one.
- `execute(statement, parameters)` queues INSERT/UPDATE/DELETE statements without
  RETURNING; anything else runs at once through SQLAlchemy, so reads never see queued
  writes.
- `commit()` sends the queued writes and COMMIT together: one round trip. Each queued
  Core statement is compiled once to the driver's SQL (kept per statement object and
  parameter names) and its parameters go through the same bind processors SQLAlchemy
  would use; a statement needing SQLAlchemy's execution context (a Python-side column
  default) is executed by SQLAlchemy instead. Consecutive one-row writes to different
  tables go as one statement of data-modifying WITH clauses. Driver errors come out as
  SQLAlchemy's exception types, as they would from `Session.execute`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from sqlalchemy import Connection, Engine, Executable, TextClause, text
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.exc import DBAPIError

_DIALECT = psycopg_dialect()
_FORMS_MAX = 512  # compiled writes kept (per statement object and parameter names)


class Pipelined:
    def __init__(self, engine: Engine, tenant_id: UUID, settings: Mapping[str, str] | None) -> None:
        self._engine = engine
        self._connection: Connection = engine.connect()
        self._scope_sql, self._scope_params = scope_statement(tenant_id, settings)
        self._scoped = False
        self._queued: list[tuple[Executable, Any]] = []

    @property
    def _driver(self) -> Any:
        return self._connection.connection.driver_connection

    def lock_and_read(self, queries: Sequence[tuple[str, Mapping[str, Any]]]) -> list[list[dict[str, Any]]]:
        """BEGIN, the scope and `queries` (driver SQL with %(name)s parameters) in one round trip."""
        if self._scoped:
            raise RuntimeError("lock_and_read opens the transaction: call it first, once")
        try:
            return self._lock_and_read(queries)
        except psycopg.OperationalError:
            if not self._driver.closed and not self._driver.broken:
                raise
        # The pooled connection was dead (a server restart, an idle timeout): nothing was
        # written, so drop it and every connection pooled with it, and try once more.
        self._connection.invalidate()
        self._connection.close()
        self._engine.dispose(close=False)
        self._connection = self._engine.connect()
        return self._lock_and_read(queries)

    def _lock_and_read(self, queries: Sequence[tuple[str, Mapping[str, Any]]]) -> list[list[dict[str, Any]]]:
        self._connection.begin()  # SQLAlchemy's bookkeeping only; the driver sends BEGIN below
        driver = self._driver
        with driver.pipeline(), driver.cursor(row_factory=dict_row) as scope:
            scope.execute(self._scope_sql, self._scope_params)
            cursors = []
            for sql, params in queries:
                cursor = driver.cursor(row_factory=dict_row)
                cursor.execute(sql, params)
                cursors.append(cursor)
        self._scoped = True
        try:
            return [cursor.fetchall() for cursor in cursors]
        finally:
            for cursor in cursors:
                cursor.close()

    def execute(self, statement: Executable, parameters: Any = None) -> Any:
        """Queue a write (returns None); run anything else at once (returns its Result)."""
        if getattr(statement, "is_dml", False):
            if getattr(statement, "_returning", ()):
                raise ValueError("a queued write cannot return rows")
            self._queued.append((statement, parameters))
            return None
        return self._reads().execute(statement, parameters)

    def scalars(self, statement: Executable, parameters: Any = None) -> Any:
        return self._reads().scalars(statement, parameters)

    def scalar(self, statement: Executable, parameters: Any = None) -> Any:
        return self._reads().scalar(statement, parameters)

    def _reads(self) -> Connection:
        if not self._scoped:  # no lock_and_read: scope the transaction the ordinary way
            self._connection.execute(text(self._scope_sql % _AS_BOUND), self._scope_params)
            self._scoped = True
        return self._connection

    def commit(self) -> None:
        queued, self._queued = self._queued, []
        if not queued:
            self._connection.commit()
            return
        self._reads()  # writes without lock_and_read still need the tenant scope first
        driver = self._driver
        try:
            with driver.pipeline(), driver.cursor() as cursor:
                self._send(cursor, queued)
                self._connection.commit()
        except psycopg.Error as exc:  # in pipeline mode, possibly an earlier statement's: no SQL named
            driver.rollback()
            raise DBAPIError.instance(None, None, exc, psycopg.Error) from exc
        except BaseException:
            # SQLAlchemy counts a failed COMMIT as the end of its transaction and would pool
            # the connection still in the failed one: roll back on the driver itself.
            driver.rollback()
            raise

    def close(self) -> None:
        """Give the connection back (rolling back what was not committed)."""
        self._queued = []
        self._connection.close()

    def _send(self, cursor: Any, queued: list[tuple[Executable, Any]]) -> None:
        """Queue the writes on the driver: consecutive one-row writes to different tables as
        one statement (data-modifying WITH clauses: one parse, bind and execute instead of
        several), a many-row write with executemany, one needing SQLAlchemy through it."""
        group: list[tuple[Executable, _Form, Mapping[str, Any]]] = []
        for statement, parameters in queued:
            rows = parameters if isinstance(parameters, list) else [parameters or {}]
            form = _driver_form(statement, rows[0].keys())
            if form is None or len(rows) > 1:
                _send_group(cursor, group)
                group = []
                if form is None:  # needs SQLAlchemy's execution context
                    self._connection.execute(statement, parameters)
                else:
                    cursor.executemany(form.sql, [form.bind(row) for row in rows])
                continue
            if any(_table(other) is _table(statement) for other, _form, _row in group):
                _send_group(cursor, group)  # one table once per statement: its rows stay in order
                group = []
            group.append((statement, form, rows[0]))
        _send_group(cursor, group)


class _Form:
    """A write as driver SQL and the function turning its parameters into the driver's."""

    __slots__ = ("bind", "sql")

    def __init__(self, sql: str, bind: Callable[[Mapping[str, Any]], dict[str, Any]]) -> None:
        self.sql, self.bind = sql, bind


def _table(statement: Executable) -> Any:
    return getattr(statement, "table", None)


def _send_group(cursor: Any, group: list[tuple[Executable, _Form, Mapping[str, Any]]]) -> None:
    if len(group) == 1:
        _statement, form, row = group[0]
        cursor.execute(form.sql, form.bind(row))
    elif group:
        forms = tuple(form for _statement, form, _row in group)
        combined = _combined(forms)
        cursor.execute(combined.sql, combined.bind(tuple(row for _statement, _form, row in group)))


_PLACEHOLDER = re.compile(r"%\(([^)]+)\)s")
_combinations: dict[tuple[int, ...], tuple[tuple[_Form, ...], _Form]] = {}


def _combined(forms: tuple[_Form, ...]) -> _Form:
    """`WITH w0 AS (write 0), … write n` with each write's parameters renamed `w<i>_<name>`."""
    key = tuple(id(form) for form in forms)
    found = _combinations.get(key)
    if found is not None and found[0] == forms:
        return found[1]
    renamed = [_PLACEHOLDER.sub(lambda m, i=i: f"%(w{i}_{m.group(1)})s", form.sql) for i, form in enumerate(forms)]
    sql = "WITH " + ", ".join(f"w{i} AS ({part})" for i, part in enumerate(renamed[:-1])) + " " + renamed[-1]
    binds = tuple(form.bind for form in forms)

    def bind(rows: tuple[Mapping[str, Any], ...]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for i, (one, row) in enumerate(zip(binds, rows, strict=True)):
            values.update({f"w{i}_{name}": value for name, value in one(row).items()})
        return values

    if len(_combinations) >= _FORMS_MAX:
        _combinations.clear()
    form = _Form(sql, bind)  # type: ignore[arg-type]
    _combinations[key] = (forms, form)  # the forms are kept, so their ids are not reused meanwhile
    return form


_forms: dict[tuple[int, tuple[str, ...]], tuple[Executable, _Form | None]] = {}


def _driver_form(statement: Executable, keys: Any) -> _Form | None:
    """(driver SQL, parameters → driver parameters) of a write, compiled once; None when the
    statement needs SQLAlchemy's execution context (a Python-side default to compute)."""
    names = tuple(keys)
    key = (id(statement), names)
    found = _forms.get(key)
    if found is not None and found[0] is statement:
        return found[1]
    form = _compile(statement, names)
    if len(_forms) >= _FORMS_MAX:
        _forms.clear()
    _forms[key] = (statement, form)  # the statement is kept, so its id is not reused meanwhile
    return form


def _compile(statement: Executable, names: tuple[str, ...]) -> _Form | None:
    compiled: Any = statement.compile(dialect=_DIALECT, column_keys=list(names))
    defaults = {}
    for column in (*compiled.insert_prefetch, *compiled.update_prefetch):
        default = column.default if column in compiled.insert_prefetch else column.onupdate
        if default is None or not default.is_scalar:
            return None
        defaults[column.key] = default.arg
    processors = dict(compiled._bind_processors)
    construct = compiled.construct_params

    def bind(row: Mapping[str, Any]) -> dict[str, Any]:
        values = construct(row)
        for name, value in defaults.items():
            if name not in row:
                values[name] = value
        for name, process in processors.items():
            if name in values:
                values[name] = process(values[name])
        return values

    return _Form(compiled.string, bind)


def scope_statement(tenant_id: UUID, settings: Mapping[str, str] | None) -> tuple[str, dict[str, str]]:
    """The set_config call (driver SQL, %(name)s parameters) for the tenant and `settings`."""
    extra = dict(settings or {})
    calls = "".join(f", set_config(%(k{i})s, %(v{i})s, true)" for i in range(len(extra)))
    params: dict[str, str] = {"t": str(tenant_id)}
    for i, (key, value) in enumerate(extra.items()):
        params[f"k{i}"], params[f"v{i}"] = key, value
    return f"select set_config('app.tenant_id', %(t)s, true){calls}", params


def scope_clause(tenant_id: UUID, settings: Mapping[str, str] | None) -> tuple[TextClause, dict[str, str]]:
    """The same set_config call as a SQLAlchemy text clause (:name parameters)."""
    sql, params = scope_statement(tenant_id, settings)
    return text(sql % _AS_BOUND), params


def driver_sql(statement: Executable) -> str:
    """A Core statement as the driver's SQL (%(name)s parameters), for `Pipelined.lock_and_read`."""
    return str(statement.compile(dialect=_DIALECT))


class _Bound(dict[str, str]):
    """`sql % _AS_BOUND` turns the driver's %(name)s parameters into SQLAlchemy's :name."""

    def __missing__(self, key: str) -> str:
        return f":{key}"


_AS_BOUND = _Bound()
