"""Foundation: tenants, users, memberships, roles, vendors, sessions, audit chain, RLS.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0001_foundation"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("memberships", "roles", "role_permissions", "membership_roles", "vendors", "audit_events")
GLOBAL_TABLES = ("tenants", "users", "login_attempts", "user_sessions")
PLATFORM_TENANT_ID = "00000000-0000-0000-0000-000000000001"

TS = sa.DateTime(timezone=True)


def _uuid() -> UUID:
    return UUID(as_uuid=True)


def _tenant_fk() -> sa.Column:
    return sa.Column("tenant_id", _uuid(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    app_role = context.config.attributes.get("app_role", "baton_app")
    op.create_table(
        "tenants",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(63), nullable=False, unique=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("is_platform", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("settings", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.CheckConstraint("status in ('active', 'suspended')", name="ck_tenants_status"),
    )
    op.create_table(
        "users",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("kind", sa.String(20), nullable=False, server_default="staff"),
        sa.Column("locale", sa.String(10), nullable=True),
        sa.Column("theme", sa.String(10), nullable=False, server_default="auto"),
        sa.Column("password_hash", sa.String(512), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("is_platform_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.Column("password_changed_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.Column("last_login_at", TS, nullable=True),
        sa.CheckConstraint("email = lower(email)", name="ck_users_email_lower"),
        sa.CheckConstraint("status in ('active', 'disabled')", name="ck_users_status"),
        sa.CheckConstraint("kind in ('staff', 'vendor')", name="ck_users_kind"),
        sa.CheckConstraint("theme in ('light', 'dark', 'auto')", name="ck_users_theme"),
    )
    op.create_table(
        "vendors",
        _tenant_fk(),
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("trades", JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("created_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "name"),
        sa.CheckConstraint("status in ('onboarding', 'active', 'suspended')", name="ck_vendors_status"),
    )
    op.create_table(
        "memberships",
        _tenant_fk(),
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("user_id", _uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("vendor_id", _uuid(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("created_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "user_id"),
        sa.ForeignKeyConstraint(["tenant_id", "vendor_id"], ["vendors.tenant_id", "vendors.id"], ondelete="RESTRICT"),
        sa.CheckConstraint("status in ('active', 'disabled')", name="ck_memberships_status"),
    )
    op.create_index("ix_memberships_user", "memberships", ["user_id"])
    op.create_table(
        "roles",
        _tenant_fk(),
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("key", sa.String(63), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.String(500), nullable=False, server_default=""),
        sa.Column("is_system", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "key"),
        sa.CheckConstraint("key ~ '^[a-z][a-z0-9_]{0,62}$'", name="ck_roles_key"),
    )
    op.create_table(
        "role_permissions",
        _tenant_fk(),
        sa.Column("role_id", _uuid(), nullable=False),
        sa.Column("permission", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "role_id", "permission"),
        sa.ForeignKeyConstraint(["tenant_id", "role_id"], ["roles.tenant_id", "roles.id"], ondelete="CASCADE"),
        sa.CheckConstraint("permission ~ '^[a-z_]+:[a-z_]+$'", name="ck_role_permissions_format"),
    )
    op.create_table(
        "membership_roles",
        _tenant_fk(),
        sa.Column("membership_id", _uuid(), nullable=False),
        sa.Column("role_id", _uuid(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "membership_id", "role_id"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "membership_id"], ["memberships.tenant_id", "memberships.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["tenant_id", "role_id"], ["roles.tenant_id", "roles.id"], ondelete="CASCADE"),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=sa.text("now()")),
    )
    op.create_index("ix_login_attempts_email_time", "login_attempts", ["email", "created_at"])
    op.create_index("ix_login_attempts_ip_time", "login_attempts", ["ip", "created_at"])
    op.create_table(
        "user_sessions",
        sa.Column("id", _uuid(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", _uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("current_tenant_id", _uuid(), sa.ForeignKey("tenants.id", ondelete="SET NULL"), nullable=True),
        sa.Column("ip", sa.String(64), nullable=False, server_default=""),
        sa.Column("created_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.Column("last_seen_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.Column("ended_at", TS, nullable=True),
    )
    op.create_index("ix_user_sessions_user", "user_sessions", ["user_id"])
    op.create_table(
        "audit_events",
        _tenant_fk(),
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", _uuid(), nullable=True),
        sa.Column("actor_label", sa.String(320), nullable=False, server_default=""),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("entity_type", sa.String(60), nullable=False),
        sa.Column("entity_id", sa.String(100), nullable=False, server_default=""),
        sa.Column("before", JSONB(), nullable=True),
        sa.Column("after", JSONB(), nullable=True),
        sa.Column("ip", sa.String(64), nullable=False, server_default=""),
        sa.Column("created_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "seq"),
    )
    op.create_index("ix_audit_events_tenant_time", "audit_events", ["tenant_id", "created_at"])
    op.create_index("ix_audit_events_tenant_entity", "audit_events", ["tenant_id", "entity_type", "entity_id"])

    op.execute(AUDIT_FUNCTIONS)
    op.execute(
        "create trigger audit_events_chain before insert on audit_events "
        "for each row execute function baton_audit_chain()"
    )
    op.execute(
        "create trigger audit_events_append_only before update or delete on audit_events "
        "for each row execute function baton_audit_reject_change()"
    )
    op.execute(
        "create trigger audit_events_no_truncate before truncate on audit_events "
        "for each statement execute function baton_audit_reject_change()"
    )

    for table in TENANT_TABLES:
        op.execute(f"alter table {table} enable row level security")
        op.execute(f"alter table {table} force row level security")
        op.execute(
            f"create policy tenant_isolation on {table} "
            "using (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) "
            "with check (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid))"
        )
    # A signed-in user may see their own memberships in every tenant (login, tenant switcher).
    op.execute(
        "create policy own_memberships on memberships for select "
        "using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))"
    )

    op.execute(
        f"do $$ begin if not exists (select from pg_roles where rolname = '{app_role}') then "
        f"create role {app_role} nologin nosuperuser nocreatedb nocreaterole nobypassrls; end if; end $$"
    )
    op.execute(f"grant usage on schema public to {app_role}")
    tables = ", ".join((*GLOBAL_TABLES, *TENANT_TABLES))
    op.execute(f"grant select, insert, update, delete on {tables} to {app_role}")
    op.execute(f"revoke update, delete, truncate on audit_events from {app_role}")
    op.execute(f"revoke update, delete on tenants from {app_role}")
    op.execute(f"grant update (name, status, settings) on tenants to {app_role}")

    op.execute(
        "insert into tenants (id, name, slug, status, is_platform, settings) values "
        f"('{PLATFORM_TENANT_ID}', 'Platform', 'platform', 'active', true, "
        """'{"timezone": "UTC", "default_locale": "en"}'::jsonb)"""
    )


def downgrade() -> None:
    app_role = context.config.attributes.get("app_role", "baton_app")
    for table in reversed(("tenants", "users", "vendors", "memberships", "roles", "role_permissions",
                           "membership_roles", "login_attempts", "user_sessions", "audit_events")):
        op.drop_table(table)
    op.execute("drop function if exists baton_audit_chain()")
    op.execute("drop function if exists baton_audit_reject_change()")
    op.execute(f"revoke usage on schema public from {app_role}")


AUDIT_FUNCTIONS = r"""
create function baton_audit_reject_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end $$;

create function baton_audit_chain() returns trigger language plpgsql as $$
declare
  last_seq bigint;
  last_hash text;
begin
  perform pg_advisory_xact_lock(hashtextextended('baton.audit:' || new.tenant_id::text, 0));
  select seq, hash into last_seq, last_hash from audit_events
    where tenant_id = new.tenant_id order by seq desc limit 1;
  new.seq := coalesce(last_seq, 0) + 1;
  new.prev_hash := coalesce(last_hash, repeat('0', 64));
  new.created_at := clock_timestamp();
  new.hash := encode(sha256(convert_to(concat_ws(chr(31),
      new.prev_hash, new.seq::text, new.tenant_id::text, new.id::text,
      coalesce(new.actor_id::text, ''), new.actor_label, new.action, new.entity_type, new.entity_id,
      coalesce(new.before::text, 'null'), coalesce(new.after::text, 'null'), new.ip,
      to_char(new.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')), 'UTF8')), 'hex');
  return new;
end $$;
"""
