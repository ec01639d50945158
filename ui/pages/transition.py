"""The transition dialog: asks for the fields a move requires and a comment, validates them
like a form save, then runs the move (boards and detail pages share it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from nicegui import ui

from domain.errors import ValidationFailed
from domain.records import service as records
from engine.model import Definition, label_text
from engine.runtime import ActionOption
from ui.calls import io_bound
from ui.forms import FieldForm
from ui.i18n import _, current_locale
from ui.session import Viewer
from ui.widgets import dialog_buttons, mark_error

Mover = Callable[[dict[str, Any], "str | None"], Awaitable[bool]]


def open_transition_dialog(viewer: Viewer, *, reference: str, record_id: UUID, option: ActionOption,
                           definition: Definition, choices: dict[str, dict[str, str]], move: Mover,
                           on_dismiss: Callable[[], None] | None = None) -> None:
    """`move(inputs, comment)` runs the transition and says whether it went through;
    `on_dismiss` runs when the dialog closes without a successful move (cancel, Esc, refusal)."""
    fields = tuple(f for key in option.missing_fields if (f := definition.field(key)) is not None)
    label = label_text(option.label, current_locale(), option.transition_id)
    done = {"ok": False}
    with ui.dialog() as dialog, ui.card().classes("w-[32rem] gap-2"):
        ui.label(f"{reference} · {label}").classes("text-h6")
        form = FieldForm(fields, choices=choices, locale=current_locale(), tz=viewer.timezone,
                         required=option.missing_fields)
        comment = ui.textarea(_("Comment") + (" *" if option.requires_comment else "")).classes("w-full")

        async def confirm() -> None:
            if option.requires_comment and not (comment.value or "").strip():
                mark_error(comment, _("A comment is required for this action."))
                return
            try:
                inputs = await io_bound(lambda: records.transition_inputs(
                    viewer.ctx, record_id=record_id, to_state=option.to, raw=form.values()))
            except ValidationFailed as error:
                form.show_errors(error)
                return
            done["ok"] = await move(inputs, comment.value or None)
            dialog.close()

        dialog_buttons(dialog, label, confirm)
    if on_dismiss is not None:
        dialog.on("hide", lambda: None if done["ok"] else on_dismiss())
    dialog.open()
