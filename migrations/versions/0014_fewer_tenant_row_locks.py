"""Writers of one tenant no longer lock its `tenants` row for every history row and audit event.

A foreign key check takes a KEY SHARE lock on the referenced row, so every transition's
history row and audit event locked the tenant's row; concurrent transitions of one tenant
then shared it through multixacts, which PostgreSQL creates, extends and logs for each
new locker. Dropped:

- `workflow_history` and `workflow_sla_ledger` → `tenants`: redundant, both rows already
  reference their instance by (tenant_id, instance_id), and the instance its tenant
  (deleting a tenant still cascades through its instances).
- `audit_events` → `tenants`: the trail is append-only (its trigger refuses the DELETE a
  cascade would make), tenants are never deleted, and row-level security's WITH CHECK
  already holds each event to the tenant of the writing transaction.

`outbox` keeps its key: it references no instance.

Revision ID: 0014_fewer_tenant_row_locks
Revises: 0013_trigger_conditions
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014_fewer_tenant_row_locks"
down_revision: str | None = "0013_trigger_conditions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEYS = (("workflow_history", "workflow_history_tenant_id_fkey"),
         ("workflow_sla_ledger", "workflow_sla_ledger_tenant_id_fkey"),
         ("audit_events", "audit_events_tenant_id_fkey"))


def upgrade() -> None:
    for table, name in _KEYS:
        op.drop_constraint(name, table, type_="foreignkey")


def downgrade() -> None:
    for table, name in _KEYS:
        op.create_foreign_key(name, table, "tenants", ["tenant_id"], ["id"], ondelete="CASCADE")
