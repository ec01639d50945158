"""The permission catalogue (`resource:action`) and the system roles' grants."""

from __future__ import annotations

from domain.errors import N_

# permission -> what it lets a person do (a msgid, translated in the console)
PERMISSIONS: dict[str, str] = {
    "tenant:manage": N_("Change the tenant's name, time zone, locale and calendar"),
    "user:read": N_("See the tenant's users"),
    "user:manage": N_("Invite users, change their roles, disable them, reset passwords"),
    "role:manage": N_("Create and edit roles and their permissions"),
    "vendor:read": N_("See vendors"),
    "vendor:manage": N_("Create and edit vendors"),
    "vendor:transition": N_("Move vendors through their onboarding workflow"),
    "audit:read": N_("Read and export the audit trail"),
    "workflow:design": N_("Design and publish workflows"),
    "request:read": N_("See requests"),
    "request:create": N_("Create requests"),
    "request:update": N_("Edit requests"),
    "request:transition": N_("Move requests through their workflow"),
    "project:read": N_("See projects"),
    "project:manage": N_("Create and edit projects"),
    "project:transition": N_("Move projects through their workflow"),
    "asset:read": N_("See buildings and assets"),
    "asset:manage": N_("Create and edit buildings and assets"),
    "asset:transition": N_("Move buildings and assets through their workflow"),
}

SYSTEM_ROLES: dict[str, tuple[str, str, frozenset[str]]] = {
    # key: (name msgid, description msgid, permissions)
    "admin": (N_("Administrator"), N_("Everything in this tenant"), frozenset(PERMISSIONS)),
    "manager": (
        N_("Manager"),
        N_("Runs requests, projects, assets and vendors"),
        frozenset({
            "user:read", "vendor:read", "vendor:manage", "vendor:transition", "audit:read", "request:read",
            "request:create", "request:update", "request:transition", "project:read", "project:manage",
            "project:transition", "asset:read", "asset:manage", "asset:transition",
        }),
    ),
    "dispatcher": (
        N_("Dispatcher"),
        N_("Triages requests and assigns work"),
        frozenset({"user:read", "vendor:read", "request:read", "request:create", "request:update",
                   "request:transition", "asset:read"}),
    ),
    "technician": (
        N_("Technician"),
        N_("Works on assigned requests"),
        frozenset({"request:read", "request:transition", "asset:read", "asset:transition"}),
    ),
    # Requesters and vendors move requests only where the workflow's roles let them
    # (submit and confirm their own; start and finish assigned work).
    "requester": (N_("Requester"), N_("Reports and follows requests"),
                  frozenset({"request:read", "request:create", "request:transition"})),
    "vendor": (N_("Vendor"), N_("Sees only work assigned to their vendor"),
               frozenset({"request:read", "request:transition", "vendor:transition"})),
    "viewer": (
        N_("Viewer"),
        N_("Reads everything, changes nothing"),
        frozenset({"user:read", "vendor:read", "request:read", "project:read", "asset:read"}),
    ),
}

# Changing these would lock every administrator out of their own tenant.
LOCKED_ROLE_KEYS = frozenset({"admin"})
