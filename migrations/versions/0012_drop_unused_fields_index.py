"""Drop the GIN index on `workflow_instances.fields`: row-level security keeps it unused.

`jsonb @>` is not leakproof, so under the tenant policy PostgreSQL never uses an index for
it (EXPLAIN as the application role: a sequential scan with the policy's filter); lists
filter custom fields through `workflow_field_values` since migration 0008. The index was
still maintained on every instance write, and a state change (never a HOT update: `state`
is indexed) extracted every key path of the record's fields into it.

Revision ID: 0012_drop_unused_fields_index
Revises: 0011_audit_sealed_after_commit
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012_drop_unused_fields_index"
down_revision: str | None = "0011_audit_sealed_after_commit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_workflow_instances_fields", table_name="workflow_instances")


def downgrade() -> None:
    op.create_index("ix_workflow_instances_fields", "workflow_instances", ["fields"],
                    postgresql_using="gin", postgresql_ops={"fields": "jsonb_path_ops"})
