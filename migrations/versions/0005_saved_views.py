"""Saved list views: per person, optionally shared with the tenant.

Revision ID: 0005_saved_views
Revises: 0004_records
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0005_saved_views"
down_revision: str | None = "0004_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    app_role = context.config.attributes.get("app_role", "baton_app")
    op.create_table(
        "saved_views",
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("owner_id", UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("query", JSONB(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "owner_id", "kind", "name"),
    )
    op.execute("alter table saved_views enable row level security")
    op.execute("alter table saved_views force row level security")
    op.execute(
        "create policy tenant_isolation on saved_views "
        "using (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) "
        "with check (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid))"
    )
    op.execute(f"grant select, insert, update, delete on saved_views to {app_role}")


def downgrade() -> None:
    op.drop_table("saved_views")
