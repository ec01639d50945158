"""A guarded write aborts its transaction when its row changed; every change to an
instance moves its version on.

`perform` may write an instance it already knows (as this process last wrote it) without
reading and locking it first: its UPDATE then also requires the version it knows, and
the statement ends by passing the number of rows that UPDATE changed to this function,
which raises serialization_failure (40001) unless it is exactly one. The transaction is
then aborted, nothing it wrote is kept, and `perform` takes the locking path (ADR 0014).

That path trusts the version: a row at the version `perform` wrote is the row it wrote.
Every writer moves `version` on already; the trigger `workflow_instances_version_moves`
makes it so for any other (a script, a console session): an UPDATE that changes what the
engine reads (workflow version, subject, state, creator, assignee, vendor, priority,
fields) and leaves `version` where it was gets `version + 1`.

Revision ID: 0015_guarded_writes
Revises: 0014_fewer_tenant_row_locks
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import context, op

revision: str = "0015_guarded_writes"
down_revision: str | None = "0014_fewer_tenant_row_locks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = """
create function baton_expect_row(changed bigint) returns void language plpgsql as $$
begin
    if changed is distinct from 1 then
        raise exception 'the row changed since it was read (% rows matched)', coalesce(changed, 0)
            using errcode = 'serialization_failure';
    end if;
end
$$;
"""


_READ = "version_id, subject_type, subject_id, state, creator_id, assignee_id, vendor_id, priority, fields"
_VERSION_MOVES = f"""
create function baton_instance_version_moves() returns trigger language plpgsql as $$
begin
    new.version := old.version + 1;
    return new;
end
$$;
create trigger workflow_instances_version_moves before update on workflow_instances for each row
    when (new.version <= old.version
          and ({", ".join(f"new.{c.strip()}" for c in _READ.split(","))})
              is distinct from ({", ".join(f"old.{c.strip()}" for c in _READ.split(","))}))
    execute function baton_instance_version_moves();
"""


def upgrade() -> None:
    app_role = context.config.attributes.get("app_role", "baton_app")
    op.execute(_FUNCTION)
    op.execute("revoke all on function baton_expect_row(bigint) from public")
    op.execute(f"grant execute on function baton_expect_row(bigint) to {app_role}")
    op.execute(_VERSION_MOVES)


def downgrade() -> None:
    op.execute("drop trigger workflow_instances_version_moves on workflow_instances")
    op.execute("drop function baton_instance_version_moves()")
    op.execute("drop function baton_expect_row(bigint)")
