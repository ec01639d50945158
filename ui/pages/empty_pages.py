"""Pages whose records arrive with later work: they exist, check access and say how to start."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import N_
from ui.i18n import _
from ui.session import Viewer
from ui.shell import console_page
from ui.widgets import empty_state


@dataclass(frozen=True, slots=True)
class EmptyPage:
    path: str
    title: str  # msgid
    permission: str
    icon: str
    empty_title: str  # msgid
    empty_text: str  # msgid


PAGES = (
    EmptyPage("/requests", N_("Requests"), "request:read", "assignment", N_("No requests yet"),
              N_("Maintenance, change and incident requests raised in this tenant will be listed here, each "
                 "with where it stands in its workflow.")),
    EmptyPage("/projects", N_("Projects"), "project:read", "account_tree", N_("No projects yet"),
              N_("Projects with their contracts, scope, tasks and milestones will be listed here.")),
    EmptyPage("/assets", N_("Assets"), "asset:read", "domain", N_("No buildings or assets yet"),
              N_("Buildings and the assets in them will be listed here.")),
)


def create() -> None:
    for spec in PAGES:
        _register(spec)


def _register(spec: EmptyPage) -> None:
    @console_page(spec.path, spec.title, allowed=lambda viewer: viewer.can(spec.permission))
    async def page(viewer: Viewer) -> None:
        empty_state(spec.icon, _(spec.empty_title), _(spec.empty_text))
