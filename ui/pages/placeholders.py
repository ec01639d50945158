"""Pages whose records arrive with later work: they exist, check access and say how to start."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.errors import N_
from ui.i18n import _
from ui.session import viewer_or_redirect
from ui.shell import frame
from ui.widgets import empty_state, forbidden


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
              N_("Maintenance, change and incident requests will be listed here once a request workflow is "
                 "published for this tenant.")),
    EmptyPage("/projects", N_("Projects"), "project:read", "account_tree", N_("No projects yet"),
              N_("Projects with their contracts, scope, tasks and milestones will be listed here.")),
    EmptyPage("/assets", N_("Assets"), "asset:read", "domain", N_("No buildings or assets yet"),
              N_("Buildings and the assets in them will be listed here.")),
    EmptyPage("/designer", N_("Designer"), "workflow:design", "schema", N_("No workflows yet"),
              N_("Workflows drawn for this tenant will be listed here, ready to edit and publish.")),
)


def create() -> None:
    for spec in PAGES:
        _register(spec)


def _register(spec: EmptyPage) -> None:
    @ui.page(spec.path)
    async def page() -> RedirectResponse | None:
        viewer = await viewer_or_redirect()
        if isinstance(viewer, RedirectResponse):
            return viewer
        with frame(viewer, _(spec.title), active=spec.path):
            if not viewer.can(spec.permission):
                forbidden()
            else:
                empty_state(spec.icon, _(spec.empty_title), _(spec.empty_text))
        return None
