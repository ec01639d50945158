"""Instance triggers run their function only when there is something to do.

The state guard ran a PL/pgSQL function on every instance update to find that the state
had not changed or that `perform` was writing; the notify trigger ran one to find that
`perform` announces the change itself (migration 0010). Their WHEN conditions now say
so, evaluated without entering PL/pgSQL; the functions are unchanged.

Revision ID: 0013_trigger_conditions
Revises: 0012_drop_unused_fields_index
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013_trigger_conditions"
down_revision: str | None = "0012_drop_unused_fields_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GUARD = ("create trigger workflow_instances_state_guard before update on workflow_instances for each row {when}"
          "execute function baton_guard_instance_state()")
_GUARD_WHEN = ("when (new.state is distinct from old.state "
               "and coalesce(current_setting('baton.perform', true), '') <> 'on') ")
_NOTIFY = ("create trigger workflow_instances_notify after insert or update on workflow_instances for each row "
           "{when}execute function baton_notify_instance_change()")
_NOTIFY_WHEN = "when (current_setting('baton.announce', true) is distinct from 'after_commit') "


def upgrade() -> None:
    op.execute("drop trigger workflow_instances_state_guard on workflow_instances")
    op.execute(_GUARD.format(when=_GUARD_WHEN))
    op.execute("drop trigger workflow_instances_notify on workflow_instances")
    op.execute(_NOTIFY.format(when=_NOTIFY_WHEN))


def downgrade() -> None:
    op.execute("drop trigger workflow_instances_state_guard on workflow_instances")
    op.execute(_GUARD.format(when=""))
    op.execute("drop trigger workflow_instances_notify on workflow_instances")
    op.execute(_NOTIFY.format(when=""))
