"""Small building blocks shared by pages (no domain knowledge)."""

from __future__ import annotations

from collections.abc import Mapping

from nicegui import ui

from domain.errors import DomainError
from ui.i18n import _, error_text, field_errors


def empty_state(icon: str, title: str, text: str) -> None:
    """What a page shows when it has nothing yet: what it is for and how to start."""
    with ui.column().classes("items-center w-full py-12 gap-2 text-center") as box:
        box.props('role="status"')
        ui.icon(icon, size="xl").classes("text-grey-6")
        ui.label(title).classes("text-subtitle1")
        ui.label(text).classes("text-body2 text-grey-7 max-w-xl")


def show_error(error: DomainError, fields: Mapping[str, ui.element] | None = None) -> None:
    """Put each field's message at its field, and the overall refusal in a notification."""
    per_field = field_errors(error)
    shown = False
    for name, element in (fields or {}).items():
        message = per_field.get(name)
        if hasattr(element, "props"):
            if message:
                element.props(f'error error-message="{_escape_attr(message)}"')
                shown = True
            else:
                element.props(remove="error error-message")
    ui.notify(error_text(error) if not shown else _("Please correct the highlighted fields."), type="negative",
              position="top")


def clear_errors(fields: Mapping[str, ui.element]) -> None:
    for element in fields.values():
        element.props(remove="error error-message")


def forbidden() -> None:
    empty_state("block", _("You do not have access to this page."),
                _("Ask an administrator of this tenant for the permission you need."))


def _escape_attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;")
