"""Queued Core writes as the driver's SQL, compiled once, and combined (ADR 0009).

Each write statement is compiled once to psycopg's SQL (%(name)s parameters; kept per
statement object and parameter names), and its parameters go through the same bind
processors SQLAlchemy would use, scalar column defaults included. A statement needing
SQLAlchemy's execution context (a Python-side default it must compute) is left to
SQLAlchemy. Consecutive rows written to different tables become one statement of
data-modifying WITH clauses: one parse, bind and execute instead of several.

A guarded write (one row, `grouped_writes(..., guarded=index)`) must change exactly one
row: its statement returns a row per row changed, and its group ends with
`SELECT baton_expect_row(<rows changed>)`, which aborts the transaction with
serialization_failure (40001) otherwise (migration 0015, ADR 0014).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect

_DIALECT = psycopg_dialect()
_FORMS_MAX = 512  # compiled writes kept (per statement object and parameter names)
PLACEHOLDER = re.compile(r"%\(([^)]+)\)s")  # a parameter of the driver's SQL


def grouped_writes(queued: list[tuple[Executable, Any]], guarded: int | None = None
                   ) -> Iterable[tuple[str | Executable, Any]]:
    """The queued writes as (driver SQL, driver parameters): consecutive rows written to
    different tables as one statement (a many-row write's rows one by one), a write
    needing SQLAlchemy's execution context as (the statement, its parameters). The write
    at index `guarded` must change exactly one row, else the transaction aborts."""
    group: list[tuple[Executable, _Form, Mapping[str, Any]]] = []
    for index, (statement, parameters) in enumerate(queued):
        rows = parameters if isinstance(parameters, list) else [parameters or {}]
        forms = [_driver_form(statement, row.keys()) for row in rows]
        if index == guarded:
            if len(forms) != 1 or forms[0] is None:
                raise ValueError("a guarded write is one row written as driver SQL")
            forms = [forms[0].guarding()]
        if None in forms:
            yield from _grouped(group)
            group = []
            yield statement, parameters
            continue
        for form, row in zip(forms, rows, strict=True):
            if any(_table(other) is _table(statement) for other, _form, _row in group):
                yield from _grouped(group)  # one table once per statement: its rows stay in order
                group = []
            group.append((statement, form, row))  # type: ignore[arg-type]
    yield from _grouped(group)


def driver_sql(statement: Executable) -> str:
    """A Core statement as the driver's SQL (%(name)s parameters), for `Pipelined.lock_and_read`."""
    return str(statement.compile(dialect=_DIALECT))


class _Form:
    """A write as driver SQL and the function turning its parameters into the driver's;
    `guard`: it returns its changed rows, which must be exactly one."""

    __slots__ = ("_guarding", "bind", "guard", "sql")

    def __init__(self, sql: str, bind: Callable[[Mapping[str, Any]], dict[str, Any]], guard: bool = False) -> None:
        self.sql, self.bind, self.guard = sql, bind, guard
        self._guarding: _Form | None = None

    def guarding(self) -> _Form:
        """This write returning a row per row it changes (a guarded write), made once."""
        if self._guarding is None:
            self._guarding = _Form(f"{self.sql} RETURNING 1", self.bind, guard=True)
        return self._guarding


def _table(statement: Executable) -> Any:
    return getattr(statement, "table", None)


def _grouped(group: list[tuple[Executable, _Form, Mapping[str, Any]]]) -> Iterable[tuple[str, Any]]:
    if len(group) == 1 and not group[0][1].guard:
        _statement, form, row = group[0]
        yield form.sql, form.bind(row)
    elif group:
        combined = _combined(tuple(form for _statement, form, _row in group))
        yield combined.sql, combined.bind(tuple(row for _statement, _form, row in group))


_combinations: dict[tuple[int, ...], tuple[tuple[_Form, ...], _Form]] = {}


def _combined(forms: tuple[_Form, ...]) -> _Form:
    """`WITH w0 AS (write 0), … write n` with each write's parameters renamed `w<i>_<name>`;
    with a guarded write `i`, every write is a WITH clause and the statement is
    `SELECT baton_expect_row((SELECT count(*) FROM w<i>))`."""
    key = tuple(id(form) for form in forms)
    found = _combinations.get(key)
    if found is not None and found[0] == forms:
        return found[1]
    renamed = [PLACEHOLDER.sub(lambda m, i=i: f"%(w{i}_{m.group(1)})s", form.sql) for i, form in enumerate(forms)]
    guards = [i for i, form in enumerate(forms) if form.guard]
    if guards:
        sql = ("WITH " + ", ".join(f"w{i} AS ({part})" for i, part in enumerate(renamed))
               + f" SELECT baton_expect_row((SELECT count(*) FROM w{guards[0]}))")
    else:
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
