"""`perform` announces its change after COMMIT; the trigger announces every other write.

PostgreSQL serialises the commits of all transactions that sent a NOTIFY, holding a
cluster-wide lock through the WAL flush, so the trigger's NOTIFY made concurrent
transitions commit one at a time. `perform` now sets `baton.announce = after_commit`
and sends the same payload with `pg_notify` right after its COMMIT, in the same round
trip (ADR 0011); the trigger skips those writes and still announces every other one.

Revision ID: 0010_announce_after_commit
Revises: 0009_title_search_path
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010_announce_after_commit"
down_revision: str | None = "0009_title_search_path"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BODY = r"""
create or replace function baton_notify_instance_change() returns trigger language plpgsql as $$
begin
  {skip}perform pg_notify('baton_changes', json_build_object(
    'tenant', new.tenant_id, 'instance', new.id, 'subject_type', new.subject_type, 'subject', new.subject_id,
    'state', new.state, 'version', new.version)::text);
  return null;
end $$;
"""
_SKIP = """if current_setting('baton.announce', true) = 'after_commit' then
    return null;  -- perform() announces this change itself, after its COMMIT
  end if;
  """


def upgrade() -> None:
    op.execute(_BODY.replace("{skip}", _SKIP))


def downgrade() -> None:
    op.execute(_BODY.replace("{skip}", ""))
