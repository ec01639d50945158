"""Harden the title lookup function: its search path ends with pg_temp.

`baton_instances_with_title` (migration 0007) runs as its owner with `search_path = public`;
PostgreSQL then searches the caller's temporary schema first, so a temporary table named
`workflow_instances` would shadow the real one inside the function. Harmless today (it can
only return ids the caller's own queries then read under RLS), but a security-definer
function should never resolve names in a schema its caller controls: listing `pg_temp`
last makes it searched last.

Revision ID: 0009_title_search_path
Revises: 0008_list_pages
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009_title_search_path"
down_revision: str | None = "0008_list_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("alter function baton_instances_with_title(text, tsquery) set search_path = public, pg_temp")


def downgrade() -> None:
    op.execute("alter function baton_instances_with_title(text, tsquery) set search_path = public")
