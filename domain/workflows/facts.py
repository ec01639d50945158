"""What the engine sees of an instance and of the person acting (loaded before evaluation)."""

from __future__ import annotations

from typing import Any

from domain.context import Ctx
from domain.workflows.models import WorkflowInstance
from engine.conditions import Actor, Facts


def actor_of(ctx: Ctx) -> Actor:
    return Actor(user_id=str(ctx.user_id) if ctx.user_id else None, roles=ctx.roles,
                 vendor_id=str(ctx.vendor_id) if ctx.vendor_id else None)


def facts_of(instance: WorkflowInstance, timezone: str = "UTC") -> Facts:
    """Custom fields plus the built-in ones the instance carries (priority, people, vendor)."""
    fields: dict[str, Any] = dict(instance.fields or {})
    fields["priority"] = instance.priority
    fields["assignee"] = str(instance.assignee_id) if instance.assignee_id else None
    fields["vendor"] = str(instance.vendor_id) if instance.vendor_id else None
    fields.setdefault("requester", str(instance.creator_id) if instance.creator_id else None)
    return Facts(fields=fields, creator_id=str(instance.creator_id) if instance.creator_id else None,
                 assignee_id=str(instance.assignee_id) if instance.assignee_id else None,
                 vendor_id=str(instance.vendor_id) if instance.vendor_id else None, timezone=timezone)
