"""Tenant context is per transaction: a pooled connection never carries it into the next one."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from domain.iam import vendors
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
