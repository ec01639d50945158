"""Lists of many records: the record's reference number on its instance (immutable, so the
copy never drifts), indexes for paging by reference, filtering by state and searching titles,
and a title lookup function that lets title search use its index under row-level security.

PostgreSQL does not use an index for a non-leakproof operator (`tsvector @@`, `jsonb @>`) on
a table with RLS. The function runs as its owner and filters on the same transaction setting
as the tenant policy (`app.tenant_id`; empty = no rows), returning matching instance ids.

Revision ID: 0007_list_indexes
Revises: 0006_vendor_records
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0007_list_indexes"
down_revision: str | None = "0006_vendor_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TITLE_SEARCH = "to_tsvector('simple', coalesce(fields->>'title', ''))"
TENANT = "nullif(current_setting('app.tenant_id', true), '')::uuid"
FUNCTIONS = f"""
create function baton_instances_with_title(kind text, words tsquery) returns setof uuid
language sql stable security definer rows 100 set search_path = public as $$
  select id from workflow_instances where tenant_id = {TENANT} and subject_type = kind
    and {TITLE_SEARCH} @@ words
$$;
"""


def upgrade() -> None:
    op.add_column("workflow_instances", sa.Column("record_number", sa.BigInteger(), nullable=True))
    op.execute("update workflow_instances i set record_number = r.number from records r "
               "where r.tenant_id = i.tenant_id and r.kind = i.subject_type and r.id = i.subject_id")
    op.create_index("ix_workflow_instances_list", "workflow_instances", ["tenant_id", "subject_type", "record_number"])
    op.create_index("ix_workflow_instances_state", "workflow_instances", ["tenant_id", "subject_type", "state"])
    op.execute(f"create index ix_workflow_instances_title on workflow_instances using gin ({TITLE_SEARCH})")
    app_role = context.config.attributes.get("app_role", "baton_app")
    op.execute(FUNCTIONS)
    for signature in ("baton_instances_with_title(text, tsquery)",):
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to {app_role}")


def downgrade() -> None:
    op.execute("drop function if exists baton_instances_with_title(text, tsquery)")
    op.drop_index("ix_workflow_instances_title", "workflow_instances")
    op.drop_index("ix_workflow_instances_state", "workflow_instances")
    op.drop_index("ix_workflow_instances_list", "workflow_instances")
    op.drop_column("workflow_instances", "record_number")
