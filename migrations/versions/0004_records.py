"""Records: buildings, records (requests, projects, assets) with per-tenant references,
record types bound to workflows, comments.

A record's field values (title, description, due date, building, asset and the
workflow's custom fields) live in its workflow instance's `fields`; the record row
holds what is not a workflow field: kind, type, reference number, tags.

Revision ID: 0004_records
Revises: 0003_transition_permissions
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision: str = "0004_records"
down_revision: str | None = "0003_transition_permissions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("buildings", "record_types", "record_counters", "records", "comments")
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
        "buildings",
        _tenant(), sa.Column("id", _uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("code", sa.String(30), nullable=False, server_default=""),
        sa.Column("address", sa.String(500), nullable=False, server_default=""),
        _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"), sa.UniqueConstraint("tenant_id", "name"),
    )
    op.create_table(
        "record_types",
        _tenant(), sa.Column("id", _uuid(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(63), nullable=False),
        sa.Column("name", JSONB(), nullable=False),
        sa.Column("workflow_key", sa.String(63), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"), sa.UniqueConstraint("tenant_id", "kind", "key"),
        sa.CheckConstraint("kind in ('request', 'project', 'asset', 'vendor')", name="ck_record_types_kind"),
    )
    op.create_table(
        "record_counters",
        _tenant(), sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("tenant_id", "kind"),
    )
    op.create_table(
        "records",
        _tenant(), sa.Column("id", _uuid(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("type_key", sa.String(63), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("tags", ARRAY(sa.String(60)), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("created_by", _uuid(), nullable=True), _now("created_at"), _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"), sa.UniqueConstraint("tenant_id", "kind", "number"),
        sa.CheckConstraint("kind in ('request', 'project', 'asset')", name="ck_records_kind"),
    )
    op.create_index("ix_records_tags", "records", ["tags"], postgresql_using="gin")
    op.create_index("ix_workflow_instances_fields", "workflow_instances", ["fields"],
                    postgresql_using="gin", postgresql_ops={"fields": "jsonb_path_ops"})
    op.create_table(
        "comments",
        _tenant(), sa.Column("id", _uuid(), nullable=False),
        sa.Column("subject_type", sa.String(30), nullable=False),
        sa.Column("subject_id", _uuid(), nullable=False),
        sa.Column("author_id", _uuid(), nullable=True),
        sa.Column("author_label", sa.String(320), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _now("created_at"), sa.Column("edited_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_comments_subject", "comments", ["tenant_id", "subject_type", "subject_id", "created_at"])
    for table in TABLES:
        op.execute(f"alter table {table} enable row level security")
        op.execute(f"alter table {table} force row level security")
        op.execute(
            f"create policy tenant_isolation on {table} "
            "using (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) "
            "with check (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid))"
        )
    op.execute(f"grant select, insert, update, delete on {', '.join(TABLES)} to {app_role}")
    op.execute(f"revoke delete on comments from {app_role}")  # comments are never deleted


def downgrade() -> None:
    op.drop_index("ix_workflow_instances_fields", "workflow_instances")
    for table in reversed(TABLES):
        op.drop_table(table)
