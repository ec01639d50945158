"""One `Pipelined` round trip on the wire: a batch in libpq's pipeline mode (ADR 0015).

Statements are prepared once per connection and process (`prepared`: one name per SQL
text); a batch sends the Parse of those the connection does not hold yet, then BEGIN,
Bind/Execute of each statement with its parameters out of band (text format, dumped by
the connection's psycopg `Transformer`), COMMIT, and one Sync, and reads the results back
to the Sync.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.adapt import PyFormat, Transformer
from psycopg.generators import fetch, send
from psycopg.pq import ExecStatus

from storage.driver_sql import PLACEHOLDER

_PREPARED_MAX = 512  # prepared forms kept (per SQL text)
_ROWS, _FAILED, _SYNC = ExecStatus.TUPLES_OK, ExecStatus.FATAL_ERROR, ExecStatus.PIPELINE_SYNC
_TEXT = PyFormat.TEXT  # parameters in text format: the server's input functions take them whatever the
# prepared statement's parameter type (an int for an int4 or a numeric), as a literal would be


def send_batch(driver: Any, new: list[Prepared], calls: Sequence[str | tuple[Prepared, Any]],
               rows_after: int | None) -> list[Any]:
    """One pipeline batch on `driver` (a psycopg connection, idle): Parse `new`, then each
    call, then Sync; raises the first statement error once the batch has been read to its
    end. Parameters are dumped before anything is sent, so a value that cannot be sent
    changes nothing. The connection leaves pipeline mode again, or is closed (and then
    discarded by the caller)."""
    adapters = _transformers.get(driver)
    if adapters is None:
        adapters = _transformers[driver] = Transformer(driver)  # the connection's dumpers and loaders
    batch: list[tuple[bool, bytes, Any]] = []  # (prepared, statement, parameters)
    for call in calls:
        if isinstance(call, str):
            batch.append((False, call.encode(), None))
            continue
        statement, parameters = call
        values = [parameters[name] for name in statement.order]
        dumped = adapters.dump_sequence(values, statement.formats) if values else None
        batch.append((True, statement.name_bytes, dumped))
    pgconn = driver.pgconn
    pgconn.enter_pipeline_mode()
    try:
        for statement in new:
            pgconn.send_prepare(statement.name_bytes, statement.body)
        for is_prepared, command, values in batch:
            if is_prepared:
                pgconn.send_query_prepared(command, values)
            else:
                pgconn.send_query_params(command, None)
        pgconn.pipeline_sync()
        driver.wait(send(pgconn))
        results: list[Any] = []
        error: psycopg.Error | None = None
        skip, index = len(new), 0  # the Parses' results, then the calls'
        while True:
            result = driver.wait(fetch(pgconn)) if pgconn.is_busy() else pgconn.get_result()
            if result is None:  # the end of one statement's results
                continue
            status = result.status
            if status == _SYNC:
                break
            if status == _FAILED and error is None:
                error = psycopg.errors.error_from_result(result, encoding=driver.info.encoding)
            if skip:
                skip -= 1
            else:
                if rows_after is not None and index >= rows_after and error is None:
                    results.append(_rows(adapters, result) if status == _ROWS else None)
                index += 1
    finally:
        try:
            pgconn.exit_pipeline_mode()
        except psycopg.Error:
            pgconn.finish()  # interrupted mid-batch: its state is unknown, so the connection is closed
    if error is not None:
        raise error
    return results


def _rows(adapters: Any, result: Any) -> list[dict[str, Any]]:
    adapters.set_pgresult(result)
    names = [result.fname(i).decode() for i in range(result.nfields)]
    return [dict(zip(names, row, strict=True)) for row in adapters.load_rows(0, result.ntuples, tuple)]


class Prepared:
    """`sql` (driver SQL) as a statement prepared per connection under `name`: `body` is
    its text with $n parameters, bound from the named parameters in `order`."""

    __slots__ = ("body", "formats", "name", "name_bytes", "order", "sql")

    def __init__(self, sql: str, name: str, body: str, order: tuple[str, ...]) -> None:
        self.sql, self.name, self.order = sql, name, order
        self.name_bytes, self.body, self.formats = name.encode(), body.encode(), [_TEXT] * len(order)


on_server: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()  # connection → names it holds
_transformers: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()  # connection → adapters
_prepared: dict[str, Prepared] = {}  # driver SQL → its prepared form
_names = itertools.count(1)


def prepared(sql: str) -> Prepared:
    """The prepared form of `sql` (driver SQL, %(name)s parameters): one name per text per process."""
    found = _prepared.get(sql)
    if found is not None:
        return found
    order: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in order:
            order.append(match.group(1))
        return f"${order.index(match.group(1)) + 1}"

    body = PLACEHOLDER.sub(number, sql)
    name = f"baton_{next(_names)}"
    found = Prepared(sql, name, body, tuple(order))
    if len(_prepared) >= _PREPARED_MAX:
        _prepared.clear()  # names are never reused: a statement cleared here is prepared again under a new one
    _prepared[sql] = found
    return found


