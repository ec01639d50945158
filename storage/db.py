"""Engines and transactions.

Every transaction on tenant data goes through `tenant_session(tenant_id)`, which
sets `app.tenant_id` with `set_config(..., true)` (the same as `SET LOCAL`), so the
row-level security policies see the tenant for exactly that transaction. Without it
the policies match no row: reads return nothing and writes are refused.

Use cases own the transaction: they open one of these context managers, call
storage helpers that only flush, and the block commits on exit (rolls back on error).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from uuid import UUID

from sqlalchemy import Connection, Engine, create_engine, text
from sqlmodel import Session

from storage.driver_sql import driver_sql
from storage.idle import RECYCLE_SECONDS, drop_idle
from storage.pipeline import Pipelined, scope_clause

__all__ = ["Pipelined", "driver_sql"]  # re-exported: hot paths import them from here

_state: dict[str, Engine] = {}


class TenantContextMissing(RuntimeError):
    """A tenant-scoped transaction was opened without a tenant."""


def configure(app_url: str, *, pool_size: int = 10) -> Engine:
    """Create the process's application engine (connects as the non-owner app role)."""
    dispose()
    engine = create_engine(app_url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True, pool_recycle=1800)
    _state["app"] = engine
    # `tenant_pipeline`'s own pool: no pre-ping round trip (Pipelined reconnects itself),
    # autocommit at the driver and no reset on return (Pipelined sends BEGIN and COMMIT or
    # ROLLBACK itself), and none of psycopg's own prepared statements (its rollback would
    # DEALLOCATE ALL, Pipelined's too)
    _state["hot"] = create_engine(app_url, pool_size=min(pool_size, 4), max_overflow=20, pool_recycle=RECYCLE_SECONDS,
                                  isolation_level="AUTOCOMMIT", pool_reset_on_return=None,
                                  connect_args={"prepare_threshold": None})
    return engine


def engine() -> Engine:
    try:
        return _state["app"]
    except KeyError:
        raise RuntimeError("storage.db.configure() has not been called in this process") from None


def engines() -> tuple[Engine, ...]:
    """Every engine of the process (the application's and `tenant_pipeline`'s)."""
    engine()
    return _state["app"], _state["hot"]


def dispose() -> None:
    for name in ("app", "hot"):
        old = _state.pop(name, None)
        if old is not None:
            drop_idle(old)  # the connections `tenant_pipeline` keeps out of the pool
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

    See `storage.pipeline.Pipelined`. Commits on leaving the block (the queued writes and
    COMMIT in one round trip); an exception discards the queued writes and rolls back.
    """
    if not isinstance(tenant_id, UUID):
        raise TenantContextMissing("a tenant-scoped transaction needs a tenant id")
    engine()
    pipelined = Pipelined(_state["hot"], tenant_id, settings)
    try:
        yield pipelined
        pipelined.commit()
    finally:
        pipelined.close()


def _scope(target: Session | Connection, tenant_id: UUID, settings: Mapping[str, str] | None) -> None:
    """Set the tenant (and further transaction-local settings) in one statement."""
    clause, params = scope_clause(tenant_id, settings)
    target.execute(clause, params)


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
