"""The audit trail: hash-chained, append-only, verifiable, filterable, exportable."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from domain.audit import service
from domain.audit.service import AuditFilter
from domain.errors import PermissionDenied
from domain.iam import users, vendors
from storage.postgres import DatabaseUrls
from tests.factories import TenantBundle, add_person, ctx_for, new_tenant, owner_sql

GENESIS = "0" * 64


@pytest.fixture
def busy(database: DatabaseUrls) -> TenantBundle:
    """A tenant with a few events besides its creation: a member, a vendor created and updated."""
    bundle = new_tenant()
    add_person(bundle, "viewer")
    vendor = vendors.save_vendor(bundle.admin, vendor_id=None, name="Acme Pipes", trades=["plumbing"],
                                 status="onboarding")
    vendors.save_vendor(bundle.admin, vendor_id=vendor.id, name="Acme Pipes", trades=["plumbing"], status="active")
    return bundle


def test_events_are_chained_per_tenant_just_after_they_commit_and_verify(busy: TenantBundle) -> None:
    written = owner_sql("select seq, prev_hash, hash, created_at from audit_events where tenant_id = :t",
                        t=busy.tenant_id)
    assert len(written) >= 5
    assert all((r.seq, r.prev_hash, r.hash) == (None, None, None) and r.created_at for r in written)  # stamped only
    status = _status(busy)  # verifying seals what is pending first
    rows = owner_sql("select seq, prev_hash, hash from audit_events where tenant_id = :t order by seq",
                     t=busy.tenant_id)
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert [r.prev_hash for r in rows] == [GENESIS, *(r.hash for r in rows[:-1])]
    assert len({r.hash for r in rows}) == len(rows)
    assert (status.ok, status.events) == (True, len(rows))


def test_a_writer_cannot_choose_its_place_in_the_chain(busy: TenantBundle, database: DatabaseUrls) -> None:
    engine = create_engine(database.app, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text("select set_config('app.tenant_id', :t, true)"), {"t": str(busy.tenant_id)})
            conn.execute(text("insert into audit_events (tenant_id, id, action, entity_type, seq, prev_hash, hash, "
                              "created_at) values (:t, gen_random_uuid(), 'x.forged', 'x', 1, :g, :g, "
                              "'2000-01-01')"), {"t": busy.tenant_id, "g": GENESIS})
    finally:
        engine.dispose()
    [forged] = owner_sql("select seq, hash, created_at from audit_events where tenant_id = :t and action = 'x.forged'",
                         t=busy.tenant_id)
    assert (forged.seq, forged.hash) == (None, None) and forged.created_at.year > 2000
    with pytest.raises(DBAPIError, match="append-only"):  # sealing by hand, outside the sealing function
        owner_sql("update audit_events set seq = 999, prev_hash = :g, hash = :g where tenant_id = :t "
                  "and hash is null", t=busy.tenant_id, g=GENESIS)
    assert _status(busy).ok


def test_sealing_every_tenant_is_safe_from_several_processes_at_once(database: DatabaseUrls) -> None:
    from concurrent.futures import ThreadPoolExecutor

    tenants = [new_tenant() for _ in range(3)]
    for bundle in tenants:
        for n in range(20):
            vendors.save_vendor(bundle.admin, vendor_id=None, name=f"Vendor {n}", trades=[], status="active")
    pending = len(owner_sql("select 1 from audit_events where hash is null"))
    with ThreadPoolExecutor(4) as pool:
        sealed = sum(pool.map(lambda _n: service.seal_all(), range(4)))
    assert sealed == pending >= 60
    assert service.seal_all() == 0
    assert owner_sql("select count(*) as n from audit_events where hash is null")[0].n == 0
    statuses = {s.tenant_id: s for s in service.verify_chains()}
    assert all(statuses[b.tenant_id].ok for b in tenants)


def test_an_event_committed_after_a_later_one_was_sealed_joins_the_end_of_the_chain(
        busy: TenantBundle, database: DatabaseUrls) -> None:
    from domain.audit.service import record
    from storage import db

    service.seal_all()
    slow = db.tenant_session(busy.tenant_id)
    session = slow.__enter__()  # a transaction writes its event first but commits last
    record(session, busy.admin, action="x.slow", entity_type="x")
    session.flush()
    vendors.save_vendor(busy.admin, vendor_id=None, name="Quick", trades=[], status="active")
    service.seal_all()
    slow.__exit__(None, None, None)
    events, _total = service.list_events(busy.admin, AuditFilter(), limit=3)  # reading seals the rest
    assert [e.action for e in events[:2]] == ["x.slow", "vendor.create"]  # newest in the chain first
    assert events[0].seq == events[1].seq + 1 and events[0].created_at < events[1].created_at
    assert _status(busy).ok


@pytest.mark.parametrize("statement", [
    "update audit_events set action = 'x.rewritten' where tenant_id = :t",
    "delete from audit_events where tenant_id = :t",
    "truncate audit_events",
], ids=["update", "delete", "truncate"])
def test_app_role_cannot_change_or_remove_events(busy: TenantBundle, database: DatabaseUrls, statement: str) -> None:
    engine = create_engine(database.app, poolclass=NullPool)
    try:
        with pytest.raises(DBAPIError, match="permission denied"), engine.begin() as conn:
            conn.execute(text("select set_config('app.tenant_id', :t, true)"), {"t": str(busy.tenant_id)})
            conn.execute(text(statement), {"t": busy.tenant_id})
    finally:
        engine.dispose()
    assert _status(busy).ok


@pytest.mark.parametrize("statement", [
    "update audit_events set after = '{\"forged\": true}' where tenant_id = :t and seq = 1",
    "delete from audit_events where tenant_id = :t and seq = 1",
], ids=["update", "delete"])
def test_even_the_owner_is_stopped_by_the_append_only_trigger(busy: TenantBundle, statement: str) -> None:
    service.seal_all()
    with pytest.raises(DBAPIError, match="append-only"):
        owner_sql(statement, t=busy.tenant_id)
    assert _status(busy).ok


def test_audit_verify_command_names_the_tampered_tenant(busy: TenantBundle, database: DatabaseUrls,
                                                        root: Path) -> None:
    """Tampering with triggers disabled breaks the chain for good: only ever check your own tenant's status."""
    intact = new_tenant()
    service.seal_all()
    owner = create_engine(database.owner, poolclass=NullPool)
    try:
        with owner.begin() as conn:
            conn.execute(text("set local session_replication_role = replica"))  # the owner disables triggers
            changed = conn.execute(text("update audit_events set after = '{\"name\": \"Innocent\"}' "
                                        "where tenant_id = :t and seq = 2"), {"t": busy.tenant_id}).rowcount
    finally:
        owner.dispose()
    assert changed == 1
    status = _status(busy)
    assert (status.ok, status.broken_at) == (False, 2)
    assert "altered" in status.reason

    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_CURRENT_TEST", "NICEGUI_USER_SIMULATION"}}
    env["BATON_DEV"] = "1"
    done = subprocess.run([str(root / ".venv/bin/python"), "main.py", "audit-verify"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert f"{busy.slug}: BROKEN at event 2: event 2 was altered after it was written" in lines
    assert any(line.startswith(f"{intact.slug}: ok (") for line in lines), done.stdout


def test_list_events_filters_by_actor_entity_action_and_time(busy: TenantBundle) -> None:
    manager_email = add_person(busy, "manager")
    manager = ctx_for(manager_email)
    vendors.save_vendor(manager, vendor_id=None, name="Manager's Vendor", trades=[], status="active")
    everything, total = service.list_events(busy.admin, AuditFilter(), limit=500)
    assert total == len(everything) == len(owner_sql("select 1 from audit_events where tenant_id = :t",
                                                     t=busy.tenant_id))
    assert [e.seq for e in everything] == sorted((e.seq for e in everything), reverse=True)  # newest first

    by_actor, n = service.list_events(busy.admin, AuditFilter(actor=manager_email.upper()))
    assert n == 2 and [e.action for e in by_actor] == ["vendor.create", "auth.login"]
    assert service.list_events(busy.admin, AuditFilter(actor="%"))[1] == 0  # wildcards are literal

    vendor_events, _ = service.list_events(busy.admin, AuditFilter(entity_type="vendor"))
    assert sorted(e.action for e in vendor_events) == ["vendor.create", "vendor.create", "vendor.update"]

    memberships, _ = service.list_events(busy.admin, AuditFilter(action="membership"))
    assert {e.action for e in memberships} == {"membership.create"}
    assert len(memberships) == 3  # the admin's, the viewer's, the manager's
    assert service.list_events(busy.admin, AuditFilter(action="member"))[1] == 0  # a prefix means a whole word

    oldest_first = sorted(everything, key=lambda e: e.seq)
    pivot = oldest_first[len(oldest_first) // 2]
    since, _ = service.list_events(busy.admin, AuditFilter(since=pivot.created_at), limit=500)
    until, _ = service.list_events(busy.admin, AuditFilter(until=pivot.created_at), limit=500)
    assert sorted(e.seq for e in since) == [e.seq for e in oldest_first if e.seq >= pivot.seq]
    assert sorted(e.seq for e in until) == [e.seq for e in oldest_first if e.seq < pivot.seq]


def test_export_csv_has_one_line_per_event_and_defuses_formulas(busy: TenantBundle) -> None:
    sneaky = replace(busy.admin, actor_label="=cmd|' /C calc'!A0")
    vendors.save_vendor(sneaky, vendor_id=None, name="@SUM(1+1)", trades=[], status="active")
    exported = service.export_csv(busy.admin, AuditFilter())
    rows = list(csv.reader(io.StringIO(exported)))
    assert tuple(rows[0]) == service.CSV_COLUMNS
    body = rows[1:]
    assert [int(r[0]) for r in body] == list(range(1, len(body) + 1))  # oldest first, every event
    assert len(body) == len(owner_sql("select 1 from audit_events where tenant_id = :t", t=busy.tenant_id))
    assert exported.count("\n") == len(rows)  # one physical line per event
    last = dict(zip(service.CSV_COLUMNS, body[-1], strict=True))
    assert last["actor"] == "'=cmd|' /C calc'!A0"
    assert last["action"] == "vendor.create"
    assert '"name": "@SUM(1+1)"' in last["after"]
    dangerous = [cell for row in body for cell in row if cell[:1] in ("=", "+", "-", "@")]
    assert dangerous == []

    only_vendors = list(csv.reader(io.StringIO(service.export_csv(busy.admin, AuditFilter(entity_type="vendor")))))
    assert {r[4] for r in only_vendors[1:]} == {"vendor"} and len(only_vendors) == 4


def test_reading_the_trail_needs_audit_read(busy: TenantBundle) -> None:
    viewer = ctx_for(add_person(busy, "viewer"))
    assert not viewer.can("audit:read")
    with pytest.raises(PermissionDenied):
        service.list_events(viewer, AuditFilter())
    with pytest.raises(PermissionDenied):
        service.export_csv(viewer, AuditFilter())
    with pytest.raises(PermissionDenied):
        service.distinct_values(viewer)
    assert users.list_members(viewer)  # the viewer is otherwise a working member


def _status(bundle: TenantBundle) -> service.ChainStatus:
    return next(s for s in service.verify_chains() if s.tenant_id == bundle.tenant_id)
