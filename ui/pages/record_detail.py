"""One record: its fields, the actions this person may take (disabled ones say why), the
timeline of transitions, changes and comments, and the new-record dialog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID, uuid4

from nicegui import ui

from domain.errors import DomainError, ValidationFailed
from domain.records import comments, kind_fields
from domain.records import fields as record_fields
from domain.records import service as records
from domain.workflows.perform import MIGRATION, TransitionRefused, perform
from engine.model import Definition, label_text
from engine.runtime import ActionOption
from engine.values import zone
from ui import live
from ui.calls import io_bound
from ui.forms import FieldForm
from ui.i18n import _, current_locale, error_text, fmt_datetime, reason_text
from ui.pages.records import PAGES, VENDOR_PAGE, KindPage, _needs_inputs_only
from ui.pages.transition import open_transition_dialog
from ui.session import Viewer
from ui.shell import console_item_page
from ui.widgets import dialog_buttons, empty_state, labelled, show_error

SECTIONS = {"REQ": "/requests", "PRJ": "/projects", "AST": "/assets", "VEN": "/vendors"}  # reference prefix -> pages
CATEGORY_COLOURS = {"todo": "grey-7", "in_progress": "primary", "waiting": "orange-8", "done": "positive",
                    "cancelled": "grey-5"}


def create() -> None:
    for spec in (*PAGES, VENDOR_PAGE):
        _register(spec)


def _register(spec: KindPage) -> None:
    @console_item_page(spec.path, spec.title, allowed=lambda viewer: viewer.can(records.READ[spec.kind]))
    async def page(viewer: Viewer, ref: str) -> None:
        await DetailPage(viewer, spec, ref).build()


class DetailPage:
    def __init__(self, viewer: Viewer, spec: KindPage, ref: str) -> None:
        self.viewer, self.spec, self.ref = viewer, spec, ref
        self.detail: records.Detail | None = None

    async def build(self) -> None:
        self.body = ui.column().classes("w-full gap-3")
        await self.render()
        unsubscribe = live.subscribe(self.viewer.ctx.tenant_id, self.on_change)
        ui.context.client.on_delete(unsubscribe)

    async def render(self) -> None:
        # read first, then clear and build with no await in between: a live update arriving while
        # a save re-renders must replace the page, not add a second copy of it
        try:
            detail = await io_bound(records.get_detail, self.viewer.ctx, reference=self.ref)
            entries = await io_bound(comments.timeline, self.viewer.ctx, record_id=detail.record.id)
            choices = await io_bound(records.choices, self.viewer.ctx)
        except DomainError as error:
            self.body.clear()
            with self.body:
                empty_state("search_off", _("Record not found"), error_text(error))
            return
        self.body.clear()
        self.detail, self.choices = detail, choices
        detail, rec = self.detail, self.detail.record
        locale = current_locale()
        state = detail.definition.state(rec.state) if rec.state in {s.id for s in detail.definition.states} else None
        with self.body:
            with ui.row().classes("items-center gap-3 w-full"):
                board = self.spec.path + ("?view=board" if self.spec.kind == "vendor" else "")
                ui.link(_("Back to the board"), board).classes("text-caption")
                ui.label(rec.reference).classes("text-mono text-grey-7")
                ui.label(str(rec.values.get("title", ""))).classes("text-h6")
                ui.badge(label_text(state.name, locale, rec.state) if state else rec.state,
                         color=CATEGORY_COLOURS.get(state.category if state else "todo", "grey-7"))
                self._status()
            with labelled(ui.row().classes("items-center gap-2"), _("Actions")):
                for option in detail.actions:
                    self._action_button(option)
                if not detail.actions:
                    ui.label(_("No actions are open to you in this state.")).classes("text-caption text-grey-7")
            with ui.row().classes("w-full gap-6 items-start no-wrap"):
                with ui.column().classes("w-1/2 gap-2"):
                    self._fields()
                with ui.column().classes("w-1/2 gap-2"):
                    self._timeline(entries)

    def _status(self) -> None:
        """An asset's operational status beside its lifecycle state (the two are independent),
        with the one-click change to the other status for those who may edit."""
        assert self.detail is not None
        detail, rec = self.detail, self.detail.record
        if not any(f.key == "operational_status" for f in detail.fields):
            return
        status = rec.values.get("operational_status")
        if status in kind_fields.STATUS_LABELS:
            ui.badge(_(kind_fields.STATUS_LABELS[status]), color="negative" if status == "down" else "positive")
        if detail.can_edit:
            to = "up" if status == "down" else "down"
            ui.button(_("Mark as up") if to == "up" else _("Mark as down"),
                      icon="play_circle" if to == "up" else "report",
                      on_click=lambda: self.set_status(to)).props("outline dense no-caps")

    async def set_status(self, status: str) -> None:
        assert self.detail is not None
        rec = self.detail.record
        try:
            await io_bound(lambda: records.update_record(self.viewer.ctx, record_id=rec.id,
                                                             expected_version=rec.version,
                                                             values={"operational_status": status}))
        except DomainError as error:
            ui.notify(error_text(error), type="warning", multi_line=True)
        await self.render()

    def _action_button(self, option: ActionOption) -> None:
        label = label_text(option.label, current_locale(), option.transition_id)
        if option.enabled or _needs_inputs_only(option):
            ui.button(label, on_click=lambda o=option: self.act(o)).props("unelevated dense no-caps")
            return
        reason = reason_text(option.reason) if option.reason else _("Not available now.")
        with ui.element("span").props('tabindex="0"') as holder:
            holder.props["title"] = reason  # set as data, never parsed: the reason may quote tenant labels
            button = ui.button(label).props("disable outline dense no-caps")
            button.props["aria-description"] = reason
            ui.tooltip(reason)

    def _fields(self) -> None:
        assert self.detail is not None
        detail, rec = self.detail, self.detail.record
        locale = current_locale()
        ui.label(_("Details")).classes("text-subtitle1")
        with ui.grid(columns=2).classes("gap-x-4 gap-y-1 w-full"):
            for f in detail.fields:
                value = rec.values.get(f.key)
                if value in (None, "", []):
                    continue
                ui.label(label_text(f.label, locale, f.key)).classes("text-caption text-grey-7")
                linked = detail.related.get(f.key)
                if linked and linked.split("-")[0] in SECTIONS:
                    ui.link(self._show(f, value), f"{SECTIONS[linked.split('-')[0]]}/{linked}").classes("text-body2")
                else:
                    ui.label(self._show(f, value)).classes("text-body2")
            shown = {f.key for f in detail.fields}
            if "assignee" not in shown or not rec.assignee_id:
                people = self.choices.get("user", {})
                ui.label(_("Assignee")).classes("text-caption text-grey-7")
                ui.label(people.get(str(rec.assignee_id), _("Unassigned")) if rec.assignee_id else _("Unassigned"))
            if rec.vendor_id and "vendor" not in shown:
                ui.label(_("Vendor")).classes("text-caption text-grey-7")
                ui.label(self.choices.get("vendor", {}).get(str(rec.vendor_id), ""))
            ui.label(_("Tags")).classes("text-caption text-grey-7")
            ui.label(", ".join(rec.tags) or "—")
        if detail.can_edit:
            ui.button(_("Edit"), icon="edit", on_click=self.edit).props("flat dense")

    def _show(self, field: Any, value: Any) -> str:
        names = {k: v for group in self.choices.values() for k, v in group.items()}
        return record_fields.display(field, value, current_locale(), translate=_, tz=zone(self.viewer.timezone),
                                     names=names)

    def _timeline(self, entries: list[comments.TimelineEntry]) -> None:
        assert self.detail is not None
        versions = (self.detail.definition, *self.detail.earlier)  # an id's label from the newest that has it
        locale = current_locale()
        fields = {f.key: f for f in self.detail.fields}
        ui.label(_("History")).classes("text-subtitle1")
        with labelled(ui.column().classes("gap-1 w-full"), _("History")):
            for entry in reversed(entries):
                when = fmt_datetime(entry.at, self.viewer.timezone, "short")
                who = self.choices.get("user", {}).get(str(entry.data.get("actor_id")), entry.actor)
                with ui.card().props("flat bordered").classes("w-full q-pa-sm"):
                    if entry.kind == "created":
                        ui.label(_("Created · {when}", when=when)).classes("text-caption")
                    elif entry.kind == "transition":
                        name = transition_name(versions, entry.data["transition"], locale)
                        if entry.data["transition"] == MIGRATION:  # a designer moved it to a newer version
                            name = _("Moved to version {number}", number=entry.data["inputs"].get("version", "?"))
                        ui.label(_("{who} · {action} → {state} · {when}", who=who, action=name,
                                   state=state_name(versions, entry.data["to"], locale), when=when))\
                            .classes("text-caption")
                        if entry.data.get("comment"):
                            ui.label(entry.data["comment"]).classes("text-body2")
                    elif entry.kind == "change":
                        ui.label(_("{who} changed · {when}", who=who, when=when)).classes("text-caption")
                        for change in entry.data["changes"]:
                            f = fields.get(change["field"])
                            name = label_text(f.label, locale, change["field"]) if f else change["field"]
                            before = self._show(f, change["before"]) if f else str(change["before"] or "")
                            after = self._show(f, change["after"]) if f else str(change["after"] or "")
                            ui.label(f"{name}: {before or '—'} → {after or '—'}").classes("text-body2")
                    else:
                        edited = _(" (edited)") if entry.data.get("edited_at") else ""
                        ui.label(_("{who} commented · {when}", who=who, when=when) + edited).classes(
                            "text-caption")
                        ui.label(entry.data["body"]).classes("text-body2 whitespace-pre-wrap")
                        if entry.data.get("editable"):
                            ui.button(_("Edit comment"), on_click=lambda e=entry: self.edit_comment(e)).props(
                                "flat dense size=sm no-caps")
        comment = ui.textarea(_("Add a comment")).props("dense autogrow").classes("w-full")

        async def post() -> None:
            try:
                await io_bound(comments.add_comment, self.viewer.ctx, record_id=self.detail.record.id,
                                   body=comment.value or "")
            except DomainError as error:
                show_error(error, {"body": comment})
                return
            await self.render()

        ui.button(_("Comment"), icon="send", on_click=post).props("unelevated dense no-caps")

    async def edit_comment(self, entry: comments.TimelineEntry) -> None:
        with ui.dialog() as dialog, ui.card().classes("w-[28rem]"):
            body = ui.textarea(_("Comment"), value=entry.data["body"]).classes("w-full")

            async def save() -> None:
                try:
                    await io_bound(comments.edit_comment, self.viewer.ctx, comment_id=UUID(entry.data["id"]),
                                       body=body.value or "")
                except DomainError as error:
                    show_error(error, {"body": body})
                    return
                dialog.close()
                await self.render()

            dialog_buttons(dialog, _("Save"), save)
        dialog.open()

    async def edit(self) -> None:
        assert self.detail is not None
        detail = self.detail
        with ui.dialog() as dialog, ui.card().classes("w-[36rem] gap-2"):
            ui.label(_("Edit {ref}", ref=detail.record.reference)).classes("text-h6")
            form = FieldForm(detail.fields, values=detail.record.values, choices=self.choices,
                             locale=current_locale(), tz=self.viewer.timezone)
            tags = await tag_picker(self.viewer, detail.record.kind, list(detail.record.tags))

            async def save() -> None:
                form.clear_errors()
                try:
                    await io_bound(lambda: records.update_record(
                        self.viewer.ctx, record_id=detail.record.id, expected_version=detail.record.version,
                        values=form.values(), tags=list(tags.value or [])))
                except ValidationFailed as error:
                    form.show_errors(error)
                    return
                except DomainError as error:
                    ui.notify(error_text(error), type="warning", multi_line=True)
                    return
                dialog.close()
                await self.render()

            dialog_buttons(dialog, _("Save"), save)
        dialog.open()

    async def act(self, option: ActionOption) -> None:
        assert self.detail is not None
        rec = self.detail.record
        if option.missing_fields or option.requires_comment:
            open_transition_dialog(self.viewer, reference=rec.reference, record_id=rec.id, option=option,
                                   definition=self.detail.definition, choices=self.choices,
                                   move=lambda inputs, comment: self._perform(option, inputs, comment))
        else:
            await self._perform(option, {}, None)

    async def _perform(self, option: ActionOption, inputs: dict[str, Any], comment: str | None) -> bool:
        assert self.detail is not None
        rec = self.detail.record
        try:
            await io_bound(lambda: perform(ctx=self.viewer.ctx, instance_id=rec.instance_id,
                                               transition_id=option.transition_id, expected_version=rec.version,
                                               inputs=inputs or None, comment=comment,
                                               idempotency_key=f"ui-{uuid4()}"))
        except TransitionRefused as refused:
            ui.notify(reason_text(refused.reason), type="warning", multi_line=True)
            return False
        except DomainError as error:
            ui.notify(error_text(error), type="warning", multi_line=True)
            await self.render()
            return False
        await self.render()
        return True

    def on_change(self, payload: dict[str, Any]) -> None:
        if self.detail is None:
            return
        if payload.get("tenant") == "*" or str(payload.get("instance")) == str(self.detail.record.instance_id):
            from ui.pages.records import background

            background(self.render())


async def tag_picker(viewer: Viewer, kind: str, value: list[str]) -> ui.select:
    """Tags with autocomplete: the kind's tags in use, most used first; new ones may be typed."""
    suggestions = await io_bound(lambda: records.tag_suggestions(viewer.ctx, kind=kind, limit=200))
    picker = ui.select(list(dict.fromkeys([*value, *suggestions])), value=value, label=_("Tags"), multiple=True,
                       new_value_mode="add-unique", with_input=True).props("use-chips dense").classes("w-full")
    return picker


async def new_record_dialog(viewer: Viewer, kind: str, types: list[records.TypeView], type_key: str,
                            choices: dict[str, dict[str, str]], *, on_created: Callable[[str], Any]) -> None:
    locale = current_locale()
    with ui.dialog() as dialog, ui.card().classes("w-[36rem] gap-2"):
        ui.label(_("New record")).classes("text-h6")
        type_select = ui.select({t.key: label_text(t.name, locale, t.key) for t in types}, value=type_key,
                                label=_("Type")).classes("w-full")
        holder = ui.column().classes("w-full gap-1")
        state: dict[str, Any] = {}

        async def show_form() -> None:
            holder.clear()
            try:
                _definition, fields = await io_bound(records.form_for, viewer.ctx, kind=kind,
                                                         type_key=type_select.value)
            except DomainError as error:
                with holder:
                    ui.label(error_text(error)).classes("text-negative")
                return
            with holder:
                state["form"] = FieldForm(fields, values=kind_fields.with_defaults(fields, {}), choices=choices,
                                          locale=locale, tz=viewer.timezone)
                state["tags"] = await tag_picker(viewer, kind, [])

        type_select.on_value_change(show_form)
        await show_form()

        async def create_it() -> None:
            form: FieldForm | None = state.get("form")
            if form is None:
                return
            form.clear_errors()
            try:
                view = await io_bound(lambda: records.create_record(
                    viewer.ctx, kind=kind, type_key=type_select.value, values=form.values(),
                    tags=list(state["tags"].value or [])))
            except ValidationFailed as error:
                form.show_errors(error)
                return
            except DomainError as error:
                ui.notify(error_text(error), type="warning", multi_line=True)
                return
            dialog.close()
            ui.notify(_("{ref} created.", ref=view.reference), type="positive")
            on_created(view.reference)

        dialog_buttons(dialog, _("Create"), create_it)
    dialog.open()


def state_name(versions: Sequence[Definition], state_id: str, locale: str) -> str:
    """A state's name from the newest version that has it (a record moved to a newer version keeps
    history in states the newer one may have dropped); the id when none has."""
    for definition in versions:
        if definition.has_state(state_id):
            return label_text(definition.state(state_id).name, locale, state_id)
    return state_id


def transition_name(versions: Sequence[Definition], transition_id: str, locale: str) -> str:
    for definition in versions:
        transition = definition.transition(transition_id)
        if transition is not None:
            return label_text(transition.label, locale, transition_id)
    return transition_id
