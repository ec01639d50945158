"""Engines and transactions.

Every transaction on tenant data goes through `tenant_session(tenant_id)`, which
sets `app.tenant_id` with `set_config(..., true)` (the same as `SET LOCAL`), so the
row-level security policies see the tenant for exactly that transaction. Without it
the policies match no row: reads return nothing and writes are refused.

Use cases own the transaction: they open one of these context managers, call
storage helpers that only flush, and the block commits on exit (rolls back on error).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from sqlalchemy import Connection, Engine, Executable, create_engine, text
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlmodel import Session

_state: dict[str, Engine] = {}


class TenantContextMissing(RuntimeError):
    """A tenant-scoped transaction was opened without a tenant."""


def configure(app_url: str, *, pool_size: int = 10) -> Engine:
    """Create the process's application engine (connects as the non-owner app role)."""
    dispose()
    engine = create_engine(app_url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True, pool_recycle=1800)
    _state["app"] = engine
    return engine


def engine() -> Engine:
    try:
        return _state["app"]
    except KeyError:
        raise RuntimeError("storage.db.configure() has not been called in this process") from None


def dispose() -> None:
    old = _state.pop("app", None)
    if old is not None:
        old.dispose()


@contextmanager
def tenant_session(tenant_id: UUID, *, settings: Mapping[str, str] | None = None) -> Iterator[Session]:
    """One transaction scoped to `tenant_id`; commits on success, rolls back on error.

    `settings` are further transaction-local settings (such as `baton.perform`), set in
    the same statement as the tenant.
    """
    if not isinstance(tenant_id, UUID):
        raise TenantContextMissing("a tenant-scoped transaction needs a tenant id")
    with _session() as session:
        _scope(session, tenant_id, settings)
        yield session


@contextmanager
def tenant_pipeline(tenant_id: UUID, *, settings: Mapping[str, str] | None = None) -> Iterator[Pipelined]:
    """A tenant-scoped transaction for hot paths, in as few round trips as its work allows.

    See `Pipelined`. Commits on leaving the block (the queued writes and COMMIT in one
    round trip); an exception discards the queued writes and rolls back.
    """
    if not isinstance(tenant_id, UUID):
        raise TenantContextMissing("a tenant-scoped transaction needs a tenant id")
    with engine().connect() as connection:
        pipelined = Pipelined(connection, tenant_id, settings)
        yield pipelined
        pipelined.commit()


class Pipelined:
    """One transaction on a Core connection that talks to PostgreSQL in psycopg's
    pipeline mode where it can (a round trip costs both processes CPU, and the audit
    chain's per-tenant lock is held until COMMIT arrives).

    - `lock_and_read(queries)` sends BEGIN, the tenant scope and the queries together
      and returns each query's rows: one round trip.
    - `execute(statement, parameters)` queues INSERT/UPDATE/DELETE statements without
      RETURNING; anything else runs at once, so reads never see queued writes.
    - `commit()` sends the queued writes and COMMIT together: one round trip.

    Statements are SQLAlchemy Core constructs (column names, JSON and UUID handling come
    from the models), except the first round trip's, which are SQL text for the driver.
    """

    def __init__(self, connection: Connection, tenant_id: UUID, settings: Mapping[str, str] | None) -> None:
        self._connection = connection
        self._driver: Any = connection.connection.driver_connection
        self._scope_sql, self._scope_params = _scope_statement(tenant_id, settings)
        self._scoped = False
        self._queued: list[tuple[Executable, Any]] = []

    def lock_and_read(self, queries: Sequence[tuple[str, Mapping[str, Any]]]) -> list[list[dict[str, Any]]]:
        """BEGIN, the scope and `queries` (driver SQL with %(name)s parameters) in one round trip."""
        if self._scoped:
            raise RuntimeError("lock_and_read opens the transaction: call it first, once")
        self._connection.begin()  # SQLAlchemy's bookkeeping only; the driver sends BEGIN below
        with self._driver.pipeline(), self._driver.cursor(row_factory=dict_row) as scope:
            scope.execute(self._scope_sql, self._scope_params)
            cursors = []
            for sql, params in queries:
                cursor = self._driver.cursor(row_factory=dict_row)
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
            self._connection.execute(text(self._scope_sql % _NAMED), self._scope_params)
            self._scoped = True
        return self._connection

    def commit(self) -> None:
        queued, self._queued = self._queued, []
        if not queued:
            self._connection.commit()
            return
        self._reads()  # writes without lock_and_read still need the tenant scope first
        try:
            with self._driver.pipeline():
                for statement, parameters in queued:
                    self._connection.execute(statement, parameters)
                self._connection.commit()
        except BaseException:
            # SQLAlchemy counts a failed COMMIT as the end of its transaction and would pool
            # the connection still in the failed one: roll back on the driver itself.
            self._driver.rollback()
            raise


def _scope(target: Session | Connection, tenant_id: UUID, settings: Mapping[str, str] | None) -> None:
    """Set the tenant (and further transaction-local settings) in one statement."""
    sql, params = _scope_statement(tenant_id, settings)
    target.execute(text(sql % _NAMED), params)


def driver_sql(statement: Executable) -> str:
    """A Core statement as the driver's SQL (%(name)s parameters), for `Pipelined.lock_and_read`."""
    return str(statement.compile(dialect=psycopg_dialect()))


class _Named(dict[str, str]):
    """`sql % _NAMED` turns the driver's %(name)s parameters into SQLAlchemy's :name."""

    def __missing__(self, key: str) -> str:
        return f":{key}"


_NAMED = _Named()


def _scope_statement(tenant_id: UUID, settings: Mapping[str, str] | None) -> tuple[str, dict[str, str]]:
    """The set_config call (driver SQL, %(name)s parameters) for the tenant and `settings`."""
    extra = dict(settings or {})
    calls = "".join(f", set_config(%(k{i})s, %(v{i})s, true)" for i in range(len(extra)))
    params: dict[str, str] = {"t": str(tenant_id)}
    for i, (key, value) in enumerate(extra.items()):
        params[f"k{i}"], params[f"v{i}"] = key, value
    return f"select set_config('app.tenant_id', %(t)s, true){calls}", params


def set_tenant(session: Session, tenant_id: UUID) -> None:
    """Point the open transaction at another tenant (a change spanning two tenants' rows
    that must commit atomically, such as creating a tenant and auditing it on the platform)."""
    if not isinstance(tenant_id, UUID):
        raise TenantContextMissing("a tenant-scoped transaction needs a tenant id")
    session.execute(text("select set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})


def see_own_memberships(session: Session, user_id: UUID) -> None:
    """Let the open transaction see `user_id`'s memberships in every tenant (and only
    those): the `own_memberships` policy. For checks that span a person's tenants."""
    session.execute(text("select set_config('app.user_id', :u, true)"), {"u": str(user_id)})


@contextmanager
def global_session(*, user_id: UUID | None = None) -> Iterator[Session]:
    """One transaction on the tables that belong to no tenant (users, tenants, sessions).

    With `user_id`, the memberships policy also shows that user's own memberships in
    every tenant (how login and the tenant switcher find them); no other tenant row is visible.
    """
    with _session() as session:
        if user_id is not None:
            see_own_memberships(session, user_id)
        yield session


@contextmanager
def _session() -> Iterator[Session]:
    session = Session(engine(), expire_on_commit=False)
    try:
        with session.begin():
            yield session
    finally:
        session.close()
