"""The explicit context every use case takes: who acts, in which tenant, with which rights."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from domain.errors import N_, PermissionDenied


@dataclass(frozen=True, slots=True, kw_only=True)
class Ctx:
    tenant_id: UUID
    user_id: UUID | None
    actor_label: str
    roles: frozenset[str] = field(default_factory=frozenset)
    permissions: frozenset[str] = field(default_factory=frozenset)
    vendor_id: UUID | None = None
    is_platform_admin: bool = False
    ip: str = ""

    def can(self, permission: str) -> bool:
        """Deny by default: only permissions granted through a role count."""
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise PermissionDenied(N_("You do not have the permission {permission} in this tenant."),
                                   permission=permission)


def system_ctx(tenant_id: UUID, label: str = "system") -> Ctx:
    """Context for work the platform does itself (demo data, tenant set-up): audited as `label`."""
    return Ctx(tenant_id=tenant_id, user_id=None, actor_label=label)
