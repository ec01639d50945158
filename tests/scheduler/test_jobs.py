"""The scheduler's jobs: the session purge closes idle sessions and old throttle rows, and
nothing else; the audit sealing chains what was committed since its last run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from domain.errors import InvalidCredentials
from domain.iam import auth, vendors
from scheduler import jobs
from tests.factories import PASSWORD, new_tenant, owner_sql


async def test_purge_job_closes_only_idle_sessions(database):
    bundle = new_tenant()
    idle_token, _ = auth.login(email=bundle.admin_email, password=PASSWORD, ip="10.9.0.1")
    fresh_token, _ = auth.login(email=bundle.admin_email, password=PASSWORD, ip="10.9.0.1")
    owner = create_engine(database.owner)
    with owner.begin() as conn:
        conn.execute(text("update user_sessions set last_seen_at = now() - interval '2 hours' "
                          "where token_hash = encode(sha256(convert_to(:t, 'UTF8')), 'hex')"), {"t": idle_token})
    owner.dispose()
    await jobs.purge_sessions()
    assert not auth.is_active(idle_token)
    assert auth.is_active(fresh_token)


def test_purge_drops_day_old_throttle_rows(database):
    bundle = new_tenant()
    ip = "10.9.0.2"
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            auth.login(email=bundle.admin_email, password="wrong password here", ip=ip)
    auth.purge_expired(now=datetime.now(UTC) + timedelta(days=2))
    owner = create_engine(database.owner)
    with owner.connect() as conn:
        left = conn.execute(text("select count(*) from login_attempts where ip = :ip"), {"ip": ip}).scalar()
    owner.dispose()
    assert left == 0


async def test_sealing_job_chains_every_tenants_new_events(database):
    tenants = [new_tenant() for _ in range(2)]
    for bundle in tenants:
        vendors.save_vendor(bundle.admin, vendor_id=None, name="Sealed Later", trades=[], status="active")
    await jobs.seal_audit()
    for bundle in tenants:
        rows = owner_sql("select seq, hash from audit_events where tenant_id = :t order by seq", t=bundle.tenant_id)
        assert [r.seq for r in rows] == list(range(1, len(rows) + 1)) and all(r.hash for r in rows)


async def test_scheduler_starts_and_stops_on_the_running_loop():
    jobs.start()
    try:
        assert jobs._state["scheduler"].get_job("purge_sessions") is not None
        sealing = jobs._state["scheduler"].get_job("seal_audit")
        assert sealing.trigger.interval.total_seconds() == jobs.SEAL_EVERY_SECONDS
    finally:
        jobs.stop()
    assert "scheduler" not in jobs._state
