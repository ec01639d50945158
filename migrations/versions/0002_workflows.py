"""Workflows: definitions, versions, instances, history, SLA ledger, outbox, idempotency keys.

Revision ID: 0002_workflows
Revises: 0001_foundation
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0002_workflows"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("workflow_definitions", "workflow_versions", "workflow_instances", "workflow_history",
          "workflow_sla_ledger", "outbox", "idempotency_keys")
TS = sa.DateTime(timezone=True)


def _uuid() -> UUID:
    return UUID(as_uuid=True)


def _tenant() -> sa.Column:
    return sa.Column("tenant_id", _uuid(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False)


def _now(name: str) -> sa.Column:
    return sa.Column(name, TS, nullable=False, server_default=sa.text("now()"))


def upgrade() -> None:
    app_role = context.config.attributes.get("app_role", "baton_app")
    op.create_table(
        "workflow_definitions",
        _tenant(), sa.Column("id", _uuid(), nullable=False),
        sa.Column("key", sa.String(63), nullable=False),
        sa.Column("subject", sa.String(30), nullable=False),
        sa.Column("name", JSONB(), nullable=False),
        sa.Column("created_by", _uuid(), nullable=True), _now("created_at"),
        sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("tenant_id", "id"), sa.UniqueConstraint("tenant_id", "key"),
    )
    op.create_table(
        "workflow_versions",
        _tenant(), sa.Column("id", _uuid(), nullable=False),
        sa.Column("definition_id", _uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="draft"),
        sa.Column("document", JSONB(), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("author_id", _uuid(), nullable=True), _now("created_at"), _now("updated_at"),
        sa.Column("published_at", TS, nullable=True), sa.Column("published_by", _uuid(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "definition_id", "number"),
        sa.ForeignKeyConstraint(["tenant_id", "definition_id"], ["workflow_definitions.tenant_id",
                                                                 "workflow_definitions.id"], ondelete="CASCADE"),
        sa.CheckConstraint("status in ('draft', 'published', 'archived')", name="ck_workflow_versions_status"),
    )
    op.create_index("ux_workflow_versions_one_draft", "workflow_versions", ["tenant_id", "definition_id"],
                    unique=True, postgresql_where=sa.text("status = 'draft'"))
    op.create_table(
        "workflow_instances",
        _tenant(), sa.Column("id", _uuid(), nullable=False),
        sa.Column("definition_id", _uuid(), nullable=False),
        sa.Column("version_id", _uuid(), nullable=False),
        sa.Column("subject_type", sa.String(30), nullable=False),
        sa.Column("subject_id", _uuid(), nullable=False),
        sa.Column("state", sa.String(63), nullable=False), _now("state_entered_at"),
        sa.Column("creator_id", _uuid(), nullable=True),
        sa.Column("assignee_id", _uuid(), nullable=True),
        sa.Column("vendor_id", _uuid(), nullable=True),
        sa.Column("priority", sa.String(10), nullable=False, server_default="normal"),
        sa.Column("fields", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("version", sa.BigInteger(), nullable=False, server_default="1"),
        _now("created_at"), _now("updated_at"),
        sa.Column("updated_by", sa.String(320), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "subject_type", "subject_id"),
        sa.ForeignKeyConstraint(["tenant_id", "version_id"], ["workflow_versions.tenant_id", "workflow_versions.id"]),
        sa.CheckConstraint("priority in ('low', 'normal', 'high', 'urgent')", name="ck_workflow_instances_priority"),
    )
    op.create_index("ix_workflow_instances_board", "workflow_instances", ["tenant_id", "version_id", "state"])
    op.create_table(
        "workflow_history",
        _tenant(), sa.Column("id", _uuid(), nullable=False),
        sa.Column("instance_id", _uuid(), nullable=False),
        sa.Column("transition_id", sa.String(63), nullable=False),
        sa.Column("from_state", sa.String(63), nullable=False),
        sa.Column("to_state", sa.String(63), nullable=False),
        sa.Column("actor_id", _uuid(), nullable=True),
        sa.Column("actor_label", sa.String(320), nullable=False, server_default=""),
        sa.Column("inputs", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("comment", sa.Text(), nullable=True), _now("at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.ForeignKeyConstraint(["tenant_id", "instance_id"], ["workflow_instances.tenant_id",
                                                               "workflow_instances.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_workflow_history_instance", "workflow_history", ["tenant_id", "instance_id", "at"])
    op.create_table(
        "workflow_sla_ledger",
        _tenant(), sa.Column("id", _uuid(), nullable=False),
        sa.Column("instance_id", _uuid(), nullable=False),
        sa.Column("sla_key", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False), _now("at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.ForeignKeyConstraint(["tenant_id", "instance_id"], ["workflow_instances.tenant_id",
                                                               "workflow_instances.id"], ondelete="CASCADE"),
        sa.CheckConstraint("kind in ('start', 'pause', 'resume', 'stop')", name="ck_workflow_sla_ledger_kind"),
    )
    op.create_index("ix_workflow_sla_ledger_instance", "workflow_sla_ledger",
                    ["tenant_id", "instance_id", "sla_key", "at"])
    op.create_table(
        "outbox",
        _tenant(), sa.Column("id", _uuid(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("payload", JSONB(), nullable=False), _now("created_at"), _now("due_at"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("delivered_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_outbox_due", "outbox", ["tenant_id", "delivered_at", "due_at"])
    op.create_table(
        "idempotency_keys",
        _tenant(), sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("response", JSONB(), nullable=False), _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "key"),
    )
    op.execute(GUARDS)
    for table in TABLES:
        op.execute(f"alter table {table} enable row level security")
        op.execute(f"alter table {table} force row level security")
        op.execute(
            f"create policy tenant_isolation on {table} "
            "using (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) "
            "with check (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid))"
        )
    op.execute(f"grant select, insert, update, delete on {', '.join(TABLES)} to {app_role}")
    op.execute(f"revoke update, delete, truncate on workflow_history, workflow_sla_ledger from {app_role}")
    # Requesters and vendors now move requests (within what each workflow's roles allow).
    op.execute("insert into role_permissions (tenant_id, role_id, permission) "
               "select tenant_id, id, 'request:transition' from roles "
               "where is_system and key in ('requester', 'vendor') on conflict do nothing")


def downgrade() -> None:
    op.execute("delete from role_permissions rp using roles r where rp.tenant_id = r.tenant_id and "
               "rp.role_id = r.id and r.is_system and r.key in ('requester', 'vendor') "
               "and rp.permission = 'request:transition'")
    for table in reversed(TABLES):
        op.drop_table(table)
    for fn in ("baton_guard_published_version", "baton_guard_instance_state", "baton_append_only",
               "baton_notify_instance_change"):
        op.execute(f"drop function if exists {fn}()")


GUARDS = r"""
create function baton_guard_published_version() returns trigger language plpgsql as $$
begin
  if old.status <> 'draft' and (new.document is distinct from old.document
                                or new.number <> old.number or new.definition_id <> old.definition_id) then
    raise exception 'workflow version % is % and can no longer change', old.id, old.status
      using errcode = 'insufficient_privilege';
  end if;
  if old.status = 'archived' and new.status <> 'archived' then
    raise exception 'an archived workflow version stays archived' using errcode = 'insufficient_privilege';
  end if;
  return new;
end $$;
create trigger workflow_versions_frozen before update on workflow_versions
  for each row execute function baton_guard_published_version();

create function baton_guard_instance_state() returns trigger language plpgsql as $$
begin
  if new.state is distinct from old.state and coalesce(current_setting('baton.perform', true), '') <> 'on' then
    raise exception 'the state of a workflow instance changes only through perform()'
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end $$;
create trigger workflow_instances_state_guard before update on workflow_instances
  for each row execute function baton_guard_instance_state();

create function baton_notify_instance_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('baton_changes', json_build_object(
    'tenant', new.tenant_id, 'instance', new.id, 'subject_type', new.subject_type, 'subject', new.subject_id,
    'state', new.state, 'version', new.version)::text);
  return null;
end $$;
create trigger workflow_instances_notify after insert or update on workflow_instances
  for each row execute function baton_notify_instance_change();

create function baton_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger workflow_history_append_only before update or delete on workflow_history
  for each row execute function baton_append_only();
create trigger workflow_sla_ledger_append_only before update or delete on workflow_sla_ledger
  for each row execute function baton_append_only();
"""
