"""Where a new workflow starts: blank, a built-in template (`?template=KEY`) or a copy (`?clone=KEY`)."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from domain.errors import DomainError
from domain.workflows import definitions, templates
from ui.calls import io_bound
from ui.designer.inputs import as_label
from ui.i18n import _, current_locale, error_text
from ui.session import Viewer


async def starting_document(viewer: Viewer) -> dict[str, Any]:
    """Blank, or from `?template=KEY` (a built-in) or `?clone=KEY` (a workflow of the tenant)."""
    query = ui.context.client.request.query_params if ui.context.client.request else {}
    template, clone = query.get("template"), query.get("clone")
    if template or clone:
        try:
            document = await io_bound(lambda: templates.starting_document(viewer.ctx, template=template,
                                                                              clone=clone))
        except DomainError as exc:
            ui.notify(error_text(exc), type="negative")
        else:
            if clone:
                name = as_label(document.get("name")) or {}
                document["name"] = {k: _("{name} (copy)", name=v) for k, v in name.items()}
            return document
    taken = {d.key for d in await io_bound(definitions.list_definitions, viewer.ctx)}
    return blank(taken)


def blank(taken: set[str]) -> dict[str, Any]:
    """An empty workflow with a key no other workflow of the tenant has."""
    key, number = "new_workflow", 1
    while key in taken:
        number += 1
        key = f"new_workflow_{number}"
    return {"format": "baton/workflow@1", "key": key, "name": {current_locale(): _("New workflow")},
            "subject": "request", "roles": [], "states": [], "transitions": []}
