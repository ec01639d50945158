"""The migrations upgrade and downgrade a populated database, and leave the app role unprivileged.

Runs on its own database (created and dropped here), never on the shared `baton_test`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storage import migrate
from storage.postgres import DatabaseUrls

WORKFLOW_TABLES = ("workflow_definitions", "workflow_versions", "workflow_instances", "workflow_history",
                   "workflow_sla_ledger", "outbox", "idempotency_keys", "workflow_field_values")
RECORD_TABLES = ("buildings", "record_types", "record_counters", "records", "comments", "saved_views",
                 "board_settings")
APP_TABLES = frozenset({"tenants", "users", "memberships", "roles", "role_permissions", "membership_roles",
                        "vendors", "audit_events", "login_attempts", "user_sessions", *WORKFLOW_TABLES,
                        *RECORD_TABLES})
TENANT_TABLES = ("memberships", "roles", "role_permissions", "membership_roles", "vendors", "audit_events",
                 *WORKFLOW_TABLES, *RECORD_TABLES)
HEAD = migrate.head_revision()
AUDIT_TRIGGERS = frozenset({"audit_events_stamp", "audit_events_seal_only", "audit_events_append_only",
                            "audit_events_no_truncate"})


@pytest.fixture
def scratch(pg_server: DatabaseUrls) -> Iterator[DatabaseUrls]:
    """A brand-new, empty database on the test server; dropped afterwards."""
    name = f"baton_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_server.owner, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f"create database {name}"))

    def on(url: str) -> str:
        return make_url(url).set(database=name).render_as_string(hide_password=False)

    try:
        yield DatabaseUrls(owner=on(pg_server.owner), app=on(pg_server.app), app_role=pg_server.app_role,
                           app_password=pg_server.app_password)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"drop database if exists {name} with (force)"))
        admin.dispose()


def test_upgrade_downgrade_upgrade_on_populated_database(scratch: DatabaseUrls) -> None:
    migrate.upgrade(scratch)
    assert migrate.current_revision(scratch.owner) == HEAD
    owner = create_engine(scratch.owner, poolclass=NullPool)
    try:
        with owner.begin() as conn:
            _populate(conn)
        with owner.connect() as conn:
            assert sorted(t for t in APP_TABLES if _count(conn, t) == 0) == []

        migrate.downgrade(scratch, "base")
        with owner.connect() as conn:
            assert _tables(conn) - {"alembic_version"} == set()
            assert _functions(conn) == set()
        assert migrate.current_revision(scratch.owner) is None

        migrate.upgrade(scratch)
        with owner.connect() as conn:
            assert _tables(conn) - {"alembic_version"} == APP_TABLES
            policies = {(r.tablename, r.policyname) for r in conn.execute(text(
                "select tablename, policyname from pg_policies where schemaname = 'public'"))}
            assert {(t, "tenant_isolation") for t in TENANT_TABLES} | {("memberships", "own_memberships")} == policies
            secured = {r.relname for r in conn.execute(text(
                "select relname from pg_class where relrowsecurity and relforcerowsecurity "
                "and relnamespace = 'public'::regnamespace"))}
            assert secured == set(TENANT_TABLES)
            triggers = {r.tgname for r in conn.execute(text(
                "select tgname from pg_trigger where tgrelid = 'audit_events'::regclass and not tgisinternal"))}
            assert triggers == AUDIT_TRIGGERS
            assert conn.execute(text("select slug from tenants where is_platform")).scalars().all() == ["platform"]
    finally:
        owner.dispose()


def test_app_role_logs_in_unprivileged_and_owns_nothing(scratch: DatabaseUrls) -> None:
    migrate.upgrade(scratch)
    app = create_engine(scratch.app, poolclass=NullPool)
    try:
        with app.connect() as conn:
            me = conn.execute(text(
                "select current_user as who, r.rolsuper, r.rolbypassrls, r.rolcanlogin "
                "from pg_roles r where r.rolname = current_user")).one()
            owned = conn.execute(text("select count(*) from pg_tables where tableowner = current_user")).scalar()
            visible = conn.execute(text("select count(*) from tenants")).scalar()
    finally:
        app.dispose()
    assert me.who == scratch.app_role
    assert (me.rolsuper, me.rolbypassrls, me.rolcanlogin) == (False, False, True)
    assert owned == 0
    assert visible == 1  # the platform tenant, readable through the grants


def _populate(conn: Connection) -> None:
    """One row in every table, written as the owner (the audit stamp trigger still runs)."""
    ids = {k: str(uuid.uuid4()) for k in ("t", "u", "v", "m", "r", "s", "d", "w", "i", "b", "c")}
    conn.execute(text("select set_config('app.tenant_id', :t, true)"), ids)
    for sql in (
        "insert into tenants (id, name, slug) values (:t, 'Migrated', 'migrated')",
        "insert into users (id, email, name, password_hash) values (:u, 'm@example.test', 'M', 'x')",
        "insert into vendors (tenant_id, id, name) values (:t, :v, 'Vendor')",
        "insert into memberships (tenant_id, id, user_id, vendor_id) values (:t, :m, :u, :v)",
        "insert into roles (tenant_id, id, key, name) values (:t, :r, 'vendor', 'Vendor')",
        "insert into role_permissions (tenant_id, role_id, permission) values (:t, :r, 'request:read')",
        "insert into membership_roles (tenant_id, membership_id, role_id) values (:t, :m, :r)",
        "insert into audit_events (tenant_id, id, action, entity_type) values (:t, gen_random_uuid(), 'x.y', 'z')",
        "insert into login_attempts (id, email, ip, succeeded) values (gen_random_uuid(), 'm@example.test', "
        "'10.0.0.1', true)",
        "insert into user_sessions (id, token_hash, user_id, current_tenant_id) values (:s, 'h', :u, :t)",
        "insert into workflow_definitions (tenant_id, id, key, subject, name) values (:t, :d, 'w', 'request', '{}')",
        "insert into workflow_versions (tenant_id, id, definition_id, number, status, document, checksum) "
        "values (:t, :w, :d, 1, 'published', '{}', 'c')",
        "insert into workflow_instances (tenant_id, id, definition_id, version_id, subject_type, subject_id, state, "
        "fields) values (:t, :i, :d, :w, 'request', gen_random_uuid(), 'draft', '{\"category\": \"plumbing\"}')",
        "insert into workflow_history (tenant_id, id, instance_id, transition_id, from_state, to_state) "
        "values (:t, gen_random_uuid(), :i, 'go', 'draft', 'done')",
        "insert into workflow_sla_ledger (tenant_id, id, instance_id, sla_key, kind) "
        "values (:t, gen_random_uuid(), :i, 'resolution', 'start')",
        "insert into outbox (tenant_id, id, kind, payload) values (:t, gen_random_uuid(), 'notify', '{}')",
        "insert into idempotency_keys (tenant_id, key, request_hash, response) values (:t, 'k', 'h', '{}')",
        "insert into buildings (tenant_id, id, name) values (:t, :b, 'HQ')",
        "insert into record_types (tenant_id, id, kind, key, name, workflow_key) "
        "values (:t, gen_random_uuid(), 'request', 'maintenance', '{}', 'maintenance_request')",
        "insert into record_counters (tenant_id, kind, last) values (:t, 'request', 1)",
        "insert into records (tenant_id, id, kind, type_key, number) values (:t, :c, 'request', 'maintenance', 1)",
        "insert into comments (tenant_id, id, subject_type, subject_id, author_label, body) "
        "values (:t, gen_random_uuid(), 'request', :c, 'M', 'Hello')",
        "insert into saved_views (tenant_id, id, owner_id, kind, name, query) "
        "values (:t, gen_random_uuid(), :u, 'request', 'Mine', '{}')",
        "insert into board_settings (tenant_id, kind, workflow_key, wip) values (:t, 'request', 'w', '{}')",
    ):
        conn.execute(text(sql), ids)


def _count(conn: Connection, table: str) -> int:
    return int(conn.execute(text(f"select count(*) from {table}")).scalar() or 0)


def _tables(conn: Connection) -> set[str]:
    return set(conn.execute(text("select tablename from pg_tables where schemaname = 'public'")).scalars())


def _functions(conn: Connection) -> set[str]:
    return set(conn.execute(text(
        "select proname from pg_proc where pronamespace = 'public'::regnamespace and proname like 'baton_%'"
    )).scalars())


def test_transition_permissions_reach_existing_roles(scratch: DatabaseUrls) -> None:
    migrate.upgrade(scratch, "0002_workflows")
    owner = create_engine(scratch.owner, poolclass=NullPool)
    ids = {"t": str(uuid.uuid4()), "m": str(uuid.uuid4()), "c": str(uuid.uuid4()), "v": str(uuid.uuid4())}
    try:
        with owner.begin() as conn:
            conn.execute(text("insert into tenants (id, name, slug) values (:t, 'Old', 'old')"), ids)
            conn.execute(text("insert into roles (tenant_id, id, key, name, is_system) values "
                              "(:t, :m, 'manager', 'Manager', true), (:t, :c, 'site_lead', 'Site lead', false), "
                              "(:t, :v, 'viewer', 'Viewer', true)"), ids)
            conn.execute(text("insert into role_permissions (tenant_id, role_id, permission) values "
                              "(:t, :c, 'project:manage'), (:t, :v, 'project:read')"), ids)
        migrate.upgrade(scratch)
        with owner.connect() as conn:
            granted = {(r.key, r.permission) for r in conn.execute(text(
                "select r.key, rp.permission from role_permissions rp join roles r on r.id = rp.role_id "
                "where rp.permission like :p"), {"p": "%:transition"})}
    finally:
        owner.dispose()
    assert granted == {("manager", "project:transition"), ("manager", "asset:transition"),
                       ("manager", "vendor:transition"), ("site_lead", "project:transition")}
