"""Row-level security isolates tenants for the application role, and fails closed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from domain.iam import roles, users, vendors
from storage import db
from storage.postgres import DatabaseUrls
from tests.factories import TenantBundle, add_person, new_tenant, owner_sql

TENANT_TABLES = ("memberships", "roles", "role_permissions", "membership_roles", "vendors", "audit_events")

# One INSERT per tenant table, for a row of tenant :t that would otherwise be valid.
INSERTS = {
    "memberships": "insert into memberships (tenant_id, id, user_id) values (:t, gen_random_uuid(), :user)",
    "roles": "insert into roles (tenant_id, id, key, name) values (:t, gen_random_uuid(), 'intruder', 'Intruder')",
    "role_permissions": "insert into role_permissions (tenant_id, role_id, permission) values (:t, :role, 'x:y')",
    "membership_roles": "insert into membership_roles (tenant_id, membership_id, role_id) values (:t, :m, :role)",
    "vendors": "insert into vendors (tenant_id, id, name) values (:t, gen_random_uuid(), 'Intruder Ltd')",
    "audit_events": "insert into audit_events (tenant_id, id, action, entity_type) "
                    "values (:t, gen_random_uuid(), 'x.forged', 'x')",
}


@pytest.fixture
def app_engine(database: DatabaseUrls) -> Iterator[Engine]:
    """A raw engine connecting as the application role (no use case in between)."""
    engine = create_engine(database.app, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def two_tenants(urls: DatabaseUrls) -> tuple[TenantBundle, TenantBundle]:
    """Tenants A and B, each with rows in every tenant table (through the use cases).

    Shared by this module's tests, which only read them or are refused when writing."""
    bundles = (new_tenant(), new_tenant())
    for bundle in bundles:
        vendor = vendors.save_vendor(bundle.admin, vendor_id=None, name="Sparkle", trades=["electrical"],
                                     status="active")
        add_person(bundle, "vendor", vendor_id=vendor.id)
        roles.create_role(bundle.admin, key="auditor", name="Auditor", permissions=["audit:read"])
    return bundles


def test_app_role_sees_only_the_current_tenant(app_engine: Engine, two_tenants) -> None:
    a, b = two_tenants
    with app_engine.begin() as conn:
        _as_tenant(conn, a.tenant_id)
        for table in TENANT_TABLES:
            seen = set(conn.execute(text(f"select tenant_id from {table}")).scalars())
            assert seen == {a.tenant_id}, table
        changed = conn.execute(text("update vendors set name = 'Hijacked' where tenant_id = :b"),
                               {"b": b.tenant_id}).rowcount
    assert changed == 0
    assert [v.name for v in vendors.list_vendors(b.admin)] == ["Sparkle"]


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_app_role_cannot_write_another_tenants_rows(app_engine: Engine, two_tenants, table: str) -> None:
    a, b = two_tenants
    params = {"t": b.tenant_id, **_refs(b)}
    with pytest.raises(DBAPIError, match="row-level security"), app_engine.begin() as conn:
        _as_tenant(conn, a.tenant_id)
        conn.execute(text(INSERTS[table]), params)


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_without_a_tenant_reads_return_nothing(app_engine: Engine, two_tenants, table: str) -> None:
    with app_engine.begin() as conn:
        assert conn.execute(text(f"select count(*) from {table}")).scalar() == 0
    with app_engine.begin() as conn:  # also after a transaction that did set one (SET LOCAL semantics)
        _as_tenant(conn, two_tenants[0].tenant_id)
    with app_engine.connect() as conn:
        assert conn.execute(text(f"select count(*) from {table}")).scalar() == 0


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_without_a_tenant_writes_are_refused(app_engine: Engine, two_tenants, table: str) -> None:
    b = two_tenants[1]
    with pytest.raises(DBAPIError, match="row-level security"), app_engine.begin() as conn:
        conn.execute(text(INSERTS[table]), {"t": b.tenant_id, **_refs(b)})


def test_every_tenant_table_is_forced_under_rls_and_indexed_by_tenant(database: DatabaseUrls) -> None:
    rows = owner_sql("""
        select c.relname, c.relrowsecurity, c.relforcerowsecurity, a.attnotnull,
               (select count(*) from pg_policy p where p.polrelid = c.oid) as policies,
               exists (select 1 from pg_index i where i.indrelid = c.oid and i.indkey[0] = a.attnum) as leading
        from pg_class c
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        order by c.relname
    """)
    assert set(TENANT_TABLES) <= {r.relname for r in rows}
    weak = [r for r in rows if not (r.relrowsecurity and r.relforcerowsecurity and r.attnotnull
                                    and r.policies >= 1 and r.leading)]
    assert weak == []


@pytest.mark.parametrize("tenant_id", [None, "00000000-0000-0000-0000-000000000001"])
def test_tenant_session_refuses_a_missing_tenant(database: DatabaseUrls, tenant_id: object) -> None:
    with pytest.raises(db.TenantContextMissing), db.tenant_session(tenant_id):  # type: ignore[arg-type]
        pass


def test_use_cases_in_one_tenant_never_show_the_other(two_tenants) -> None:
    a, b = two_tenants
    b_emails = {m.email for m in users.list_members(b.admin)}
    assert b_emails and not b_emails & {m.email for m in users.list_members(a.admin)}
    assert {v.tenant_id for v in vendors.list_vendors(a.admin)} == {a.tenant_id}


def _as_tenant(conn: Connection, tenant_id: uuid.UUID) -> None:
    conn.execute(text("select set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})


def _refs(bundle: TenantBundle) -> dict[str, object]:
    """Ids of real rows of `bundle` so only the policy (not a foreign key) can refuse the insert."""
    row = owner_sql("""
        select m.user_id as user, m.id as m, r.id as role
        from memberships m join roles r on r.tenant_id = m.tenant_id and r.key = 'auditor'
        where m.tenant_id = :t limit 1
    """, t=bundle.tenant_id)[0]
    return {"user": row.user, "m": row.m, "role": row.role}
