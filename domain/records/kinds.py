"""Record kinds (requests, projects, assets, vendors): references, permissions, built-in
fields, and who sees which records.

Who sees what (deny by default):

- staff who may edit a kind (`request:update`, `project:manage`, `asset:manage`) see
  every record of it;
- vendor accounts see only records assigned to their vendor, and only the fields the
  workflow marks `visible_to_vendor`;
- everyone else with read permission sees the records they created or are assigned, and
  the projects they own (`owner`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_

from domain.context import Ctx
from domain.errors import N_, NotFound
from domain.workflows.models import WorkflowInstance

PREFIX = {"request": "REQ", "project": "PRJ", "asset": "AST", "vendor": "VEN"}
KINDS = tuple(PREFIX)
READ = {"request": "request:read", "project": "project:read", "asset": "asset:read", "vendor": "vendor:read"}
CREATE = {"request": "request:create", "project": "project:manage", "asset": "asset:manage",
          "vendor": "vendor:manage"}
EDIT = {"request": "request:update", "project": "project:manage", "asset": "asset:manage", "vendor": "vendor:manage"}
# built-in fields each kind's form shows before the workflow's own (engine.builtins and kind_fields)
BUILTINS = {"request": ("title", "description", "priority", "due_date", "building", "asset", "assignee", "vendor"),
            "project": ("title", "description", "priority", "owner", "start_date", "due_date", "building",
                        "assignee"),
            "asset": ("title", "description", "operational_status", "building", "assignee", "vendor"),
            "vendor": ("title", "description", "assignee")}
# built-ins stored in instance columns rather than in `fields`
COLUMN_FIELDS = ("priority", "assignee", "vendor")


def require_read(ctx: Ctx, kind: str) -> None:
    """Reading a kind needs its read permission; a vendor account may always read its own vendor record."""
    if not (kind_or_404(kind) == "vendor" and ctx.vendor_id is not None):
        ctx.require(READ[kind])


def visible_clause(ctx: Ctx, kind: str) -> Any:
    """The WHERE clause limiting `workflow_instances` of `kind` to what the viewer may see."""
    inst = WorkflowInstance.__table__.c
    base = and_(inst.tenant_id == ctx.tenant_id, inst.subject_type == kind)
    if ctx.vendor_id is not None:
        return and_(base, inst.vendor_id == ctx.vendor_id)
    if ctx.can(EDIT[kind]):
        return base
    return and_(base, mine_clause(ctx, kind))


def mine_clause(ctx: Ctx, kind: str) -> Any:
    """The viewer's own records of `kind`: created by them, assigned to them or, for kinds with
    an `owner` (projects), owned by them. What a person without staff rights sees, and "Mine"."""
    inst = WorkflowInstance.__table__.c
    mine = [inst.creator_id == ctx.user_id, inst.assignee_id == ctx.user_id]
    if ctx.user_id is not None and "owner" in BUILTINS[kind]:
        mine.append(inst.fields["owner"].astext == str(ctx.user_id))
    return or_(*mine)


def reference(kind: str, number: int) -> str:
    return f"{PREFIX[kind]}-{number}"


def kind_or_404(kind: str) -> str:
    if kind not in PREFIX:
        raise NotFound(N_("There is no record kind {kind}."), kind=kind)
    return kind


def transition_permission(kind: str) -> str:
    return f"{kind}:transition"
