"""Vendors move through their onboarding workflow as records of kind `vendor` (the record's
id is the vendor's id); board settings (WIP limits per column) per kind and workflow.

Revision ID: 0006_vendor_records
Revises: 0005_saved_views
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0006_vendor_records"
down_revision: str | None = "0005_saved_views"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    app_role = context.config.attributes.get("app_role", "baton_app")
    op.create_table(
        "board_settings",
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("workflow_key", sa.String(63), nullable=False),
        sa.Column("wip", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.PrimaryKeyConstraint("tenant_id", "kind", "workflow_key"),
    )
    op.execute("alter table board_settings enable row level security")
    op.execute("alter table board_settings force row level security")
    op.execute(
        "create policy tenant_isolation on board_settings "
        "using (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) "
        "with check (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid))"
    )
    op.execute(f"grant select, insert, update, delete on board_settings to {app_role}")
    op.drop_constraint("ck_records_kind", "records", type_="check")
    op.create_check_constraint("ck_records_kind", "records", "kind in ('request', 'project', 'asset', 'vendor')")
    # vendor accounts move their own onboarding record (submit documents, withdraw) as the workflow allows
    op.execute("insert into role_permissions (tenant_id, role_id, permission) "
                "select tenant_id, id, 'vendor:transition' from roles where is_system and key = 'vendor' "
                "on conflict do nothing")


def downgrade() -> None:
    op.execute("delete from role_permissions rp using roles r where rp.tenant_id = r.tenant_id and "
               "rp.role_id = r.id and r.is_system and r.key = 'vendor' and rp.permission = 'vendor:transition'")
    op.execute("delete from records where kind = 'vendor'")
    op.drop_table("board_settings")
    op.drop_constraint("ck_records_kind", "records", type_="check")
    op.create_check_constraint("ck_records_kind", "records", "kind in ('request', 'project', 'asset')")
