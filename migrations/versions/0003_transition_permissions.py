"""Moving projects, assets and vendors through workflows is its own permission.

Revision ID: 0003_transition_permissions
Revises: 0002_workflows
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_transition_permissions"
down_revision: str | None = "0002_workflows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# system role -> the new permissions it holds (the admin role holds every permission)
GRANTS = {
    "admin": ("project:transition", "asset:transition", "vendor:transition"),
    "manager": ("project:transition", "asset:transition", "vendor:transition"),
    "technician": ("asset:transition",),
}
# custom roles that could move records before (through :manage) keep that ability
CARRY_OVER = {"project:manage": "project:transition", "asset:manage": "asset:transition",
              "vendor:manage": "vendor:transition"}


def upgrade() -> None:
    for role, permissions in GRANTS.items():
        for permission in permissions:
            op.execute(
                "insert into role_permissions (tenant_id, role_id, permission) "
                f"select tenant_id, id, '{permission}' from roles where is_system and key = '{role}' "
                "on conflict do nothing")
    for old, new in CARRY_OVER.items():
        op.execute(
            "insert into role_permissions (tenant_id, role_id, permission) "
            f"select rp.tenant_id, rp.role_id, '{new}' from role_permissions rp join roles r "
            "on r.tenant_id = rp.tenant_id and r.id = rp.role_id "
            f"where not r.is_system and rp.permission = '{old}' on conflict do nothing")


def downgrade() -> None:
    op.execute("delete from role_permissions where permission in "
               "('project:transition', 'asset:transition', 'vendor:transition')")
