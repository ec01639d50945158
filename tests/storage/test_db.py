"""Tenant context is per transaction: a pooled connection never carries it into the next one."""

from __future__ import annotations

import time
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.exc import IntegrityError, ProgrammingError

from domain.iam import vendors
from domain.iam.models import Vendor
from storage import db
from tests.factories import new_tenant


def test_tenant_context_ends_with_its_transaction(database):
    bundle = new_tenant()
    vendors.save_vendor(bundle.admin, vendor_id=None, name="Scoped Vendor", trades=[], status="active")
    db.configure(database.app, pool_size=1)  # one connection: the next transaction reuses it
    try:
        with db.tenant_session(bundle.tenant_id) as session:
            assert session.execute(text("select count(*) from vendors")).scalar() == 1
        with db.global_session() as session:
            assert session.execute(text("select current_setting('app.tenant_id', true)")).scalar() in (None, "")
            assert session.execute(text("select count(*) from vendors")).scalar() == 0
    finally:
        db.configure(database.app)


def test_set_tenant_refuses_a_missing_tenant(database):
    with pytest.raises(db.TenantContextMissing), db.global_session() as session:
        db.set_tenant(session, None)  # type: ignore[arg-type]


def test_a_failed_transaction_writes_nothing(database):
    bundle = new_tenant()
    with pytest.raises(RuntimeError), db.tenant_session(bundle.tenant_id) as session:
        session.execute(text("insert into vendors (tenant_id, id, name) values (:t, gen_random_uuid(), 'Half')"),
                        {"t": bundle.tenant_id})
        raise RuntimeError("boom")
    assert [v.name for v in vendors.list_vendors(bundle.admin)] == []


# --- Pipelined: the hot path's transaction (perform) ------------------------------------

_VENDORS = Vendor.__table__
_VENDOR_NAMES = db.driver_sql(select(_VENDORS.c.name).where(_VENDORS.c.tenant_id == bindparam("t"))
                              .order_by(_VENDORS.c.name))


def _vendor(tenant_id, name):
    return insert(_VENDORS).values(tenant_id=tenant_id, id=uuid4(), name=name, trades=["plumbing"])


def test_pipelined_reads_in_scope_and_commits_queued_writes_together(database):
    bundle, other = new_tenant(), new_tenant()
    vendors.save_vendor(other.admin, vendor_id=None, name="Other Tenant's", trades=[], status="active")
    vendors.save_vendor(bundle.admin, vendor_id=None, name="Existing", trades=[], status="active")
    with db.tenant_pipeline(bundle.tenant_id, settings={"baton.perform": "on"}) as tx:
        names, setting = tx.lock_and_read([
            (_VENDOR_NAMES, {"t": bundle.tenant_id}),
            ("select current_setting('baton.perform', true) as value", {})])
        assert [row["name"] for row in names] == ["Existing"]  # RLS and the scope hold for driver SQL too
        assert setting == [{"value": "on"}]
        assert tx.execute(_vendor(bundle.tenant_id, "Queued")) is None
        # a read runs at once and does not see the queued write
        assert tx.scalar(select(func.count()).select_from(_VENDORS)) == 1
    listed = [v.name for v in vendors.list_vendors(bundle.admin)]
    assert sorted(listed) == ["Existing", "Queued"]
    assert [v.name for v in vendors.list_vendors(other.admin)] == ["Other Tenant's"]


def test_pipelined_failing_write_at_commit_rolls_back_the_whole_transaction(database):
    bundle = new_tenant()
    vendors.save_vendor(bundle.admin, vendor_id=None, name="Taken", trades=[], status="active")
    with pytest.raises(IntegrityError, match="duplicate key"):
        with db.tenant_pipeline(bundle.tenant_id) as tx:
            tx.lock_and_read([(_VENDOR_NAMES, {"t": bundle.tenant_id})])
            tx.execute(_vendor(bundle.tenant_id, "Fine"))
            tx.execute(_vendor(bundle.tenant_id, "Taken"))  # unique (tenant_id, name): refused at COMMIT
    assert [v.name for v in vendors.list_vendors(bundle.admin)] == ["Taken"]
    with db.tenant_pipeline(bundle.tenant_id) as tx:  # the pooled connection is usable again
        assert [r["name"] for r in tx.lock_and_read([(_VENDOR_NAMES, {"t": bundle.tenant_id})])[0]] == ["Taken"]


def test_pipelined_exception_discards_queued_writes(database):
    bundle = new_tenant()
    with pytest.raises(RuntimeError), db.tenant_pipeline(bundle.tenant_id) as tx:
        tx.execute(_vendor(bundle.tenant_id, "Never"))
        raise RuntimeError("refused after queuing")
    assert vendors.list_vendors(bundle.admin) == []


def test_pipelined_writes_without_a_first_read_are_still_tenant_scoped(database):
    bundle = new_tenant()
    with db.tenant_pipeline(bundle.tenant_id) as tx:
        tx.execute(_vendor(bundle.tenant_id, "Scoped"))
    assert [v.name for v in vendors.list_vendors(bundle.admin)] == ["Scoped"]
    with pytest.raises(ProgrammingError), db.tenant_pipeline(bundle.tenant_id) as tx:
        tx.execute(_vendor(new_tenant().tenant_id, "Elsewhere"))  # another tenant's id: RLS refuses it
    assert [v.name for v in vendors.list_vendors(bundle.admin)] == ["Scoped"]


def test_pipelined_refuses_misuse(database):
    bundle = new_tenant()
    with pytest.raises(db.TenantContextMissing), db.tenant_pipeline(None):  # type: ignore[arg-type]
        pass
    with pytest.raises(ValueError, match="transaction setting"), db.tenant_pipeline(
            bundle.tenant_id, settings={"baton.perform": "on', true), set_config('app.tenant_id', '"}):
        pass  # settings are written into the SQL: only names and words
    with db.tenant_pipeline(bundle.tenant_id) as tx:
        tx.lock_and_read([])
        with pytest.raises(RuntimeError, match="call it first"):
            tx.lock_and_read([])
        with pytest.raises(ValueError, match="cannot return rows"):
            tx.execute(_vendor(bundle.tenant_id, "Returning").returning(_VENDORS.c.id))


@pytest.fixture
def one_hot_connection(database):  # type: ignore[no-untyped-def]
    """One pooled `tenant_pipeline` connection, so the next transaction reuses it."""
    db.configure(database.app, pool_size=1)
    yield
    db.configure(database.app)


def test_pipelined_replaces_a_dead_pooled_connection_before_anything_is_written(one_hot_connection):
    from tests.factories import owner_sql

    bundle = new_tenant()
    vendors.save_vendor(bundle.admin, vendor_id=None, name="Survivor", trades=[], status="active")
    with db.tenant_pipeline(bundle.tenant_id) as tx:
        pid = tx.lock_and_read([("select pg_backend_pid() as pid", {})])[0][0]["pid"]
    owner_sql("select pg_terminate_backend(:p, 5000)", p=pid)  # as a restart or an idle timeout would
    with db.tenant_pipeline(bundle.tenant_id) as tx:
        names, now = tx.lock_and_read([(_VENDOR_NAMES, {"t": bundle.tenant_id}),
                                       ("select pg_backend_pid() as pid", {})])
        tx.execute(_vendor(bundle.tenant_id, "After the restart"))
    assert [row["name"] for row in names] == ["Survivor"]
    assert now[0]["pid"] != pid
    assert sorted(v.name for v in vendors.list_vendors(bundle.admin)) == ["After the restart", "Survivor"]


def test_pipelined_connection_lost_before_commit_writes_nothing_and_is_replaced(one_hot_connection):
    from sqlalchemy.exc import OperationalError

    from tests.factories import owner_sql

    bundle = new_tenant()
    with pytest.raises(OperationalError), db.tenant_pipeline(bundle.tenant_id) as tx:
        pid = tx.lock_and_read([("select pg_backend_pid() as pid", {})])[0][0]["pid"]
        owner_sql("select pg_terminate_backend(:p, 5000)", p=pid)  # the server goes away mid-transaction
        tx.execute(_vendor(bundle.tenant_id, "Lost"))
    with db.tenant_pipeline(bundle.tenant_id) as tx:
        [[row]] = tx.lock_and_read([("select pg_backend_pid() as pid", {})])
    assert row["pid"] != pid
    assert vendors.list_vendors(bundle.admin) == []


def test_pipelined_prepares_again_when_its_statements_were_deallocated(one_hot_connection):
    bundle = new_tenant()
    vendors.save_vendor(bundle.admin, vendor_id=None, name="Kept", trades=[], status="active")
    with db.tenant_pipeline(bundle.tenant_id) as tx:
        tx.lock_and_read([(_VENDOR_NAMES, {"t": bundle.tenant_id})])
        tx.execute(text("deallocate all"))  # as a pooler or an administrator might
    with db.tenant_pipeline(bundle.tenant_id) as tx:
        names, = tx.lock_and_read([(_VENDOR_NAMES, {"t": bundle.tenant_id})])
        tx.execute(_vendor(bundle.tenant_id, "Written after"))
    assert [row["name"] for row in names] == ["Kept"]
    assert sorted(v.name for v in vendors.list_vendors(bundle.admin)) == ["Kept", "Written after"]


def test_pipelined_gives_its_connection_back_outside_any_transaction(one_hot_connection):
    bundle = new_tenant()
    with pytest.raises(RuntimeError), db.tenant_pipeline(bundle.tenant_id, settings={"baton.perform": "on"}) as tx:
        tx.lock_and_read([(_VENDOR_NAMES, {"t": bundle.tenant_id})])
        raise RuntimeError("refused after the locking read")  # as a conflict or a refusal would
    with db.tenant_pipeline(bundle.tenant_id) as tx:  # the same pooled connection
        [setting] = tx.lock_and_read([("select current_setting('baton.perform', true) as value, "
                                       "txid_current_if_assigned() as xid", {})])
    assert setting == [{"value": "", "xid": None}]  # a new transaction, without the last one's settings


def test_pipelined_writes_to_several_tables_commit_or_fail_together(database):
    from domain.audit.service import record
    from tests.factories import audit_rows

    bundle = new_tenant()
    vendors.save_vendor(bundle.admin, vendor_id=None, name="Taken", trades=[], status="active")
    events = len(audit_rows(bundle.tenant_id, "test.pipelined"))
    with db.tenant_pipeline(bundle.tenant_id) as tx:  # vendor + audit event: one statement, both written
        tx.execute(_vendor(bundle.tenant_id, "Together"))
        record(tx, bundle.admin, action="test.pipelined", entity_type="vendor", after={"name": "Together"})
    assert len(audit_rows(bundle.tenant_id, "test.pipelined")) == events + 1
    with pytest.raises(IntegrityError, match="duplicate key"), db.tenant_pipeline(bundle.tenant_id) as tx:
        record(tx, bundle.admin, action="test.pipelined", entity_type="vendor", after={"name": "Taken"})
        tx.execute(_vendor(bundle.tenant_id, "Taken"))  # refused: the audit event goes with it
    assert len(audit_rows(bundle.tenant_id, "test.pipelined")) == events + 1
    assert sorted(v.name for v in vendors.list_vendors(bundle.admin)) == ["Taken", "Together"]


def test_pipelined_fills_column_defaults_as_sqlalchemy_would(database):
    from datetime import UTC, datetime

    from sqlalchemy import Column, MetaData, String, Table, Uuid
    from sqlalchemy.dialects.postgresql import JSONB

    bundle = new_tenant()
    # the same table seen with a Python-side default: SQLAlchemy's own execution computes it
    computed = Table("vendors", MetaData(), Column("tenant_id", Uuid), Column("id", Uuid),
                     Column("name", String, default=lambda: "Named by default"), Column("trades", JSONB))
    with db.tenant_pipeline(bundle.tenant_id) as tx:
        tx.execute(insert(computed), {"tenant_id": bundle.tenant_id, "id": uuid4(), "trades": []})
        tx.execute(insert(_VENDORS), {"tenant_id": bundle.tenant_id, "id": uuid4(), "name": "Scalar defaults",
                                      "created_at": datetime.now(UTC)})  # status: the column's scalar default
    listed = {v.name: v for v in vendors.list_vendors(bundle.admin)}
    assert sorted(listed) == ["Named by default", "Scalar defaults"]
    assert listed["Scalar defaults"].status == Vendor.__table__.c.status.default.arg  # the model's default


def test_a_guarded_write_commits_only_when_it_changes_its_row(database):
    from sqlalchemy import update

    from storage.pipeline import StaleRow

    bundle = new_tenant()
    kept = vendors.save_vendor(bundle.admin, vendor_id=None, name="Guarded", trades=[], status="active")
    renamed = update(_VENDORS).where(_VENDORS.c.tenant_id == bindparam("t"), _VENDORS.c.id == bindparam("i"),
                                     _VENDORS.c.name == bindparam("was"))
    with pytest.raises(StaleRow), db.tenant_pipeline(bundle.tenant_id) as tx:  # the row no longer matches
        tx.execute(_vendor(bundle.tenant_id, "Written with it"))
        tx.execute(renamed, {"t": bundle.tenant_id, "i": kept.id, "was": "Someone else's name", "name": "Lost"},
                   guard=True)
        tx.execute(_vendor(bundle.tenant_id, "Written after it"))
    assert [v.name for v in vendors.list_vendors(bundle.admin)] == ["Guarded"]  # nothing of it was kept
    with db.tenant_pipeline(bundle.tenant_id) as tx:  # it matches: everything commits (one statement alone too)
        tx.execute(renamed, {"t": bundle.tenant_id, "i": kept.id, "was": "Guarded", "name": "Renamed"}, guard=True)
    with db.tenant_pipeline(bundle.tenant_id) as tx:
        tx.execute(_vendor(bundle.tenant_id, "Beside it"))
        tx.execute(renamed, {"t": bundle.tenant_id, "i": kept.id, "was": "Renamed", "name": "Renamed again"},
                   guard=True)
    assert sorted(v.name for v in vendors.list_vendors(bundle.admin)) == ["Beside it", "Renamed again"]
    with pytest.raises(ValueError, match="one guarded write"), db.tenant_pipeline(bundle.tenant_id) as tx:
        tx.execute(renamed, {"t": bundle.tenant_id, "i": kept.id, "was": "x", "name": "y"}, guard=True)
        tx.execute(renamed, {"t": bundle.tenant_id, "i": kept.id, "was": "x", "name": "z"}, guard=True)


def test_pipelined_sends_values_apart_from_the_sql_and_reads_them_back_unchanged(database):
    bundle = new_tenant()
    tricky = ["O'Brien \\ Sons", "'); delete from vendors; --", "$1 %s %(t)s", "Ünïcødé ☃ façade", "tab\tnew\nline"]
    with db.tenant_pipeline(bundle.tenant_id) as tx:
        for name in tricky:
            tx.execute(_vendor(bundle.tenant_id, name))
    with db.tenant_pipeline(bundle.tenant_id) as tx:
        names, echoed = tx.lock_and_read([
            (_VENDOR_NAMES, {"t": bundle.tenant_id}),
            ("select cast(%(n)s as integer) as n, cast(%(d)s as numeric) as d, cast(%(u)s as uuid) as u,"
             " cast(%(s)s as text) as s, cast(%(none)s as text) as none", {
                 "n": 42, "d": Decimal("12.50"), "u": bundle.tenant_id, "s": tricky[1], "none": None})])
    assert sorted(row["name"] for row in names) == sorted(tricky)
    assert echoed == [{"n": 42, "d": Decimal("12.50"), "u": bundle.tenant_id, "s": tricky[1], "none": None}]


def test_pipelined_value_that_cannot_be_sent_changes_nothing(one_hot_connection):
    from sqlalchemy.exc import DataError

    bundle = new_tenant()
    with pytest.raises(DataError, match="NUL"), db.tenant_pipeline(bundle.tenant_id) as tx:
        tx.lock_and_read([(_VENDOR_NAMES, {"t": bundle.tenant_id})])
        tx.execute(_vendor(bundle.tenant_id, "Sent"))
        tx.execute(_vendor(bundle.tenant_id, "Not\x00sent"))  # PostgreSQL text holds no NUL
    assert vendors.list_vendors(bundle.admin) == []
    with db.tenant_pipeline(bundle.tenant_id) as tx:  # the pooled connection works on
        tx.execute(_vendor(bundle.tenant_id, "Afterwards"))
    assert [v.name for v in vendors.list_vendors(bundle.admin)] == ["Afterwards"]


def _backend_pid(tenant_id):  # type: ignore[no-untyped-def]
    with db.tenant_pipeline(tenant_id) as tx:
        return tx.lock_and_read([("select pg_backend_pid() as pid", {})])[0][0]["pid"]


def test_pipelined_keeps_its_connection_for_the_next_one_until_the_recycling_age(database, monkeypatch):
    from storage import idle

    bundle = new_tenant()
    hot = db.engines()[1]
    first = _backend_pid(bundle.tenant_id)
    assert _backend_pid(bundle.tenant_id) == first  # kept out of the pool for the next transaction
    assert hot.pool.checkedout() == 1
    with db.tenant_pipeline(bundle.tenant_id) as tx:  # used through SQLAlchemy: back to the pool after
        assert tx.scalar(text("select pg_backend_pid()")) == first
    assert hot.pool.checkedout() == 0
    monkeypatch.setattr(idle, "RECYCLE_SECONDS", -1)  # every connection past its age: given back
    _backend_pid(bundle.tenant_id)
    assert hot.pool.checkedout() == 0


def test_reconfiguring_closes_the_connections_pipelined_kept(database):
    from tests.factories import owner_sql

    bundle = new_tenant()
    pid = _backend_pid(bundle.tenant_id)
    db.configure(database.app)
    def alive() -> bool:
        return bool(owner_sql("select count(*) from pg_stat_activity where pid = :p", p=pid)[0][0])

    deadline = time.monotonic() + 5  # the server ends the backend once it sees the connection closed
    while alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive()
    assert _backend_pid(bundle.tenant_id) != pid
