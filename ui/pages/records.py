"""Boards of requests, projects and assets: one kanban per workflow, with the moves each
person may make lighting up, transition dialogs, filters, swimlanes and live updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from nicegui import ui

from domain.errors import N_, DomainError
from domain.records import board as boards
from domain.records import service as records
from domain.records.board import Card
from domain.workflows.perform import TransitionRefused, perform
from engine.model import PRIORITIES, label_text
from engine.runtime import ActionOption
from ui import live
from ui.calls import io_bound
from ui.components.kanban import KanbanBoard
from ui.i18n import _, current_locale, error_text, reason_text
from ui.pages.transition import open_transition_dialog
from ui.session import Viewer
from ui.shell import console_page
from ui.widgets import dialog_buttons, empty_state, labelled, show_error


@dataclass(frozen=True, slots=True)
class KindPage:
    kind: str
    path: str
    title: str  # msgid
    icon: str
    new_label: str  # msgid
    empty_title: str  # msgid
    empty_text: str  # msgid


PAGES = (
    KindPage("request", "/requests", N_("Requests"), "assignment", N_("New request"), N_("No request types yet"),
             N_("Publish a request workflow (maintenance, change or incident) in the Designer to start.")),
    KindPage("project", "/projects", N_("Projects"), "account_tree", N_("New project"), N_("No project workflow yet"),
             N_("Publish the project workflow in the Designer to start.")),
    KindPage("asset", "/assets", N_("Assets"), "domain", N_("New asset"), N_("No asset workflow yet"),
             N_("Publish the asset lifecycle workflow in the Designer to start.")),
)
# vendors: the Vendors page shows this board and list (`?view=board`, `?view=list`)
VENDOR_PAGE = KindPage("vendor", "/vendors", N_("Vendors"), "handyman", N_("New vendor"),
                       N_("No vendor onboarding workflow yet"),
                       N_("Publish the vendor onboarding workflow in the Designer to start."))
PRIORITY_NAMES = {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"), "urgent": N_("Urgent")}
# the board's column group headers (engine.model.CATEGORIES; the same words as the designer's)
CATEGORY_NAMES = {"todo": N_("To do"), "in_progress": N_("In progress"), "waiting": N_("Waiting"),
                  "done": N_("Done"), "cancelled": N_("Cancelled")}


def priority_names() -> dict[str, str]:
    return {key: _(PRIORITY_NAMES[key]) for key in PRIORITIES}


def create() -> None:
    for spec in PAGES:
        _register(spec)


def _register(spec: KindPage) -> None:
    @console_page(spec.path, spec.title, allowed=lambda viewer: viewer.can(records.READ[spec.kind]))
    async def page(viewer: Viewer) -> None:
        request = ui.context.client.request
        params = request.query_params if request else {}
        await BoardPage(viewer, spec, params.get("type", ""), list_view=params.get("view") == "list").build()


class BoardPage:
    def __init__(self, viewer: Viewer, spec: KindPage, type_key: str, *, list_view: bool = False) -> None:
        self.viewer, self.spec, self.list_view = viewer, spec, list_view
        self.type_key = type_key
        self.types: list[records.TypeView] = []
        self.board: KanbanBoard | None = None
        self.data: boards.Board | None = None
        self.cards: dict[str, Card] = {}
        self.pending: set[UUID] = set()
        self.refreshing = False
        self.priority_labels = priority_names()
        self.down_label = _("Down")
        self.moves: dict[int, tuple[tuple[ActionOption, ...], list[str], dict[str, str]]] = {}
        self.now = datetime.now(UTC)

    async def build(self) -> None:
        self.types = await io_bound(records.list_types, self.viewer.ctx, self.spec.kind)
        if not self.types:
            empty_state(self.spec.icon, _(self.spec.empty_title), _(self.spec.empty_text))
            return
        workflows = {t.workflow_key: t for t in self.types}
        chosen = next((t for t in self.types if t.key == self.type_key), self.types[0])
        self.workflow_key = chosen.workflow_key
        locale = current_locale()
        choices = await io_bound(records.choices, self.viewer.ctx)
        self.choices = choices
        view = "list" if self.list_view else "board"
        with ui.row().classes("items-center gap-2 w-full"):
            views = {"board": _("Board"), "list": _("List")}
            if self.spec.kind == "vendor":
                views = {"table": _("Directory"), **views}
            labelled(ui.toggle(views, value=view, on_change=lambda e: ui.navigate.to(
                f"{self.spec.path}?type={chosen.key}&view={e.value}")).props("dense no-caps"), _("View"))
            if len(workflows) > 1 or len(self.types) > 1:
                options = {t.key: label_text(t.name, locale) for t in self.types}
                labelled(ui.toggle(options, value=chosen.key, on_change=lambda e: ui.navigate.to(
                    f"{self.spec.path}?type={e.value}&view={view}")).props("dense no-caps"), _("Type"))
            if self.list_view:
                ui.space()
                if self.viewer.can(records.CREATE[self.spec.kind]):
                    ui.button(_(self.spec.new_label), icon="add", on_click=self.new_record).props("unelevated")
        if self.list_view:
            from ui.pages.record_list import ListPage

            self.type_key = chosen.key
            await ListPage(self.viewer, self.spec.kind, self.spec.path, self.types, chosen, choices).build()
            return
        with ui.row().classes("items-center gap-2 w-full"):
            self.search = ui.input(_("Filter"), on_change=self.apply_filter).props(
                "dense clearable debounce=150").classes("w-48")
            self.assignee = ui.select({"": _("Anyone"), **choices.get("user", {})}, value="", label=_("Assignee"),
                                      on_change=self.apply_filter).props("dense options-dense").classes("w-40")
            self.priority = ui.select({"": _("Any priority"), **priority_names()}, value="", label=_("Priority"),
                                      on_change=self.apply_filter).props("dense options-dense").classes("w-36")
            self.vendor = ui.select({"": _("Any vendor"), **choices.get("vendor", {})}, value="", label=_("Vendor"),
                                    on_change=self.apply_filter).props("dense options-dense").classes("w-40")
            self.tag = ui.select({"": _("Any tag")}, value="", label=_("Tag"), on_change=self.apply_filter).props(
                "dense options-dense").classes("w-32")
            self.mine = ui.switch(_("Mine"), on_change=self.apply_filter).props("dense")
            self.lanes = ui.select({"": _("No swimlanes"), "assignee": _("Swimlanes by assignee"),
                                    "priority": _("Swimlanes by priority"), "vendor": _("Swimlanes by vendor")},
                                   value="", label=_("Swimlanes"), on_change=self.set_lanes).props(
                "dense options-dense").classes("w-48")
            ui.space()
            if self.viewer.can(records.EDIT[self.spec.kind]):
                tune = ui.button(icon="tune", on_click=self.board_settings).props("flat dense")
                tune.tooltip(_("Board settings"))
                tune.props["aria-label"] = _("Board settings")
            if self.viewer.can(records.CREATE[self.spec.kind]):
                ui.button(_(self.spec.new_label), icon="add", on_click=self.new_record).props("unelevated")
        self.note = ui.label().classes("text-caption text-grey-7")
        self.container = ui.element("div").classes("w-full")
        await self.load()
        unsubscribe = live.subscribe(self.viewer.ctx.tenant_id, self.on_change)
        ui.context.client.on_delete(unsubscribe)

    # --- data ---------------------------------------------------------------------

    async def load(self) -> None:
        self.data = await io_bound(boards.board, self.viewer.ctx, kind=self.spec.kind,
                                       workflow_key=self.workflow_key)
        self.moves, self.now = {}, datetime.now(UTC)
        self.cards = {str(c.instance_id): c for c in self.data.cards}
        self.container.clear()
        with self.container:
            self.board = KanbanBoard(self._columns(), [self._card(c) for c in self.data.cards],
                                     labels=self._labels(), lane_by=self.lanes.value or None,
                                     categories={key: _(name) for key, name in CATEGORY_NAMES.items()})
            self.board.classes("w-full")
            self.board.on("move", self.on_move)
            self.board.on("open", self.on_open)
            self.board.on("refused", self.on_refused)
        tags = sorted({t for c in self.data.cards for t in c.tags})
        self.tag.set_options({"": _("Any tag"), **{t: t for t in tags}}, value=self.tag.value or "")
        self.note.text = _("Showing the first {count} records; use the list to see them all.",
                           count=boards.CARD_LIMIT) if self.data.truncated else ""
        self.apply_filter()

    def _columns(self) -> list[dict[str, Any]]:
        assert self.data is not None
        locale = current_locale()
        return [{"id": c.id, "label": label_text(c.label, locale, c.id), "category": c.category,
                 "wip": self.data.wip.get(c.id)} for c in self.data.columns]

    def _card(self, card: Card) -> dict[str, Any]:
        targets, blocked = self._moves(card.options)
        assignee_id = str(card.assignee_id) if card.assignee_id else None
        vendor_id = str(card.vendor_id) if card.vendor_id else None
        assignee = self.choices.get("user", {}).get(assignee_id) if assignee_id else None
        days = max(0, (self.now - card.state_entered_at).days)
        return {"id": str(card.instance_id), "record": str(card.record_id), "ref": card.reference,
                "title": card.title, "state": card.state, "version": card.version, "priority": card.priority,
                "priority_label": self.priority_labels.get(card.priority, card.priority),
                "assignee": assignee, "assignee_id": assignee_id,
                "initials": _initials(assignee) if assignee else None,
                "vendor": self.choices.get("vendor", {}).get(vendor_id) if vendor_id and self.spec.kind != "vendor"
                else None,
                "vendor_id": vendor_id, "tags": list(card.tags), "days": days, "targets": targets,
                "blocked": blocked, "flag": self.down_label if card.down else None}

    def _moves(self, options: tuple[ActionOption, ...]) -> tuple[list[str], dict[str, str]]:
        """Drop targets and blocked columns with their reasons; cards deciding alike share `options`
        (domain.records.board), so each distinct tuple is worked out once."""
        cached = self.moves.get(id(options))
        if cached is not None and cached[0] is options:
            return cached[1], cached[2]
        targets = [o.to for o in options if o.enabled or _needs_inputs_only(o)]
        blocked = {o.to: reason_text(o.reason) for o in options
                   if not (o.enabled or _needs_inputs_only(o)) and o.reason is not None and o.to not in targets}
        self.moves[id(options)] = (options, targets, blocked)  # holding `options` keeps its id from being reused
        return targets, blocked

    def _labels(self) -> dict[str, str]:
        return {"board": _("Board"), "empty": _("No cards"), "over_wip": _("Over the WIP limit"),
                "days": _("{n} d"), "drop_here": _("Drop here"),
                "not_allowed": _("You cannot move this card here"), "move_to": _("Move to"),
                "unassigned": _("Unassigned"), "no_vendor": _("No vendor"), "lane_none": _("None"),
                "group_columns": _("Columns: {n}")}

    # --- filters --------------------------------------------------------------------

    def apply_filter(self) -> None:
        if self.board is None:
            return
        self.board.set_filter({"text": self.search.value or "", "assignee": self.assignee.value or None,
                               "priority": self.priority.value or None, "tag": self.tag.value or None,
                               "vendor": self.vendor.value or None,
                               "mine": str(self.viewer.ctx.user_id) if self.mine.value else None})

    def set_lanes(self) -> None:
        if self.board is not None:
            self.board.set_lanes(self.lanes.value or None)

    # --- moves ------------------------------------------------------------------------

    async def on_move(self, event: Any) -> None:
        args = event.args if isinstance(event.args, dict) else {}
        card = self.cards.get(str(args.get("id")))
        if card is None or self.board is None:
            return
        option = next((o for o in card.options if o.to == args.get("to") and (o.enabled or _needs_inputs_only(o))),
                      None)
        if option is None:
            self.board.snap_back(str(card.instance_id))
            ui.notify(_("You cannot move this card there."), type="warning")
            return
        if option.missing_fields or option.requires_comment:
            await self.transition_dialog(card, option)
        else:
            await self.run_transition(card, option, {}, None)

    async def run_transition(self, card: Card, option: ActionOption, inputs: dict[str, Any],
                             comment: str | None) -> bool:
        assert self.board is not None
        try:
            await io_bound(lambda: perform(ctx=self.viewer.ctx, instance_id=card.instance_id,
                                               transition_id=option.transition_id, expected_version=card.version,
                                               inputs=inputs or None, comment=comment,
                                               idempotency_key=f"ui-{uuid4()}"))
        except TransitionRefused as refused:
            self.board.snap_back(str(card.instance_id))
            ui.notify(reason_text(refused.reason), type="warning", multi_line=True)
            await self.refresh([card.instance_id])
            return False
        except DomainError as error:
            self.board.snap_back(str(card.instance_id))
            ui.notify(error_text(error), type="warning", multi_line=True)
            await self.refresh([card.instance_id])
            return False
        await self.refresh([card.instance_id])
        return True

    async def transition_dialog(self, card: Card, option: ActionOption) -> None:
        assert self.data is not None

        def dismissed() -> None:
            if self.board is not None:
                self.board.snap_back(str(card.instance_id))

        open_transition_dialog(self.viewer, reference=card.reference, record_id=card.record_id, option=option,
                               definition=self.data.definition, choices=self.choices,
                               move=lambda inputs, comment: self.run_transition(card, option, inputs, comment),
                               on_dismiss=dismissed)

    def on_open(self, event: Any) -> None:
        card = self.cards.get(str((event.args or {}).get("id")))
        if card is not None:
            ui.navigate.to(f"{self.spec.path}/{card.reference}")

    def on_refused(self, event: Any) -> None:
        card = self.cards.get(str((event.args or {}).get("id")))
        to = (event.args or {}).get("to")
        option = next((o for o in card.options if o.to == to), None) if card else None
        if option is not None and option.reason is not None:
            ui.notify(reason_text(option.reason), type="warning", multi_line=True)
        else:
            ui.notify(_("You cannot move this card there."), type="warning")

    # --- live updates -------------------------------------------------------------------

    def on_change(self, payload: dict[str, Any]) -> None:
        if payload.get("tenant") == "*":
            self.pending.add(UUID(int=0))
        elif payload.get("subject_type") == self.spec.kind and payload.get("instance"):
            self.pending.add(UUID(str(payload["instance"])))
        else:
            return
        if not self.refreshing:  # the first change goes at once; those arriving meanwhile go together next
            self.refreshing = True
            background(self._refresh_pending())

    async def _refresh_pending(self) -> None:
        try:
            while self.pending:
                ids, self.pending = self.pending, set()
                await self.refresh(ids)
        finally:
            self.refreshing = False

    async def refresh(self, instance_ids: Any) -> None:
        ids = set(instance_ids)
        if self.board is None:
            return
        if UUID(int=0) in ids:
            await self.load()
            return
        cards, gone = await io_bound(boards.cards_for, self.viewer.ctx, kind=self.spec.kind,
                                         workflow_key=self.workflow_key, instance_ids=ids)
        for card in cards:
            self.cards[str(card.instance_id)] = card
        for instance_id in gone:
            self.cards.pop(str(instance_id), None)
        if cards:
            self.board.upsert_cards([self._card(c) for c in cards])
        if gone:
            self.board.remove_cards([str(i) for i in gone])

    # --- settings -----------------------------------------------------------------------

    def board_settings(self) -> None:
        assert self.data is not None
        locale = current_locale()
        with ui.dialog() as dialog, ui.card().classes("w-[28rem] gap-1"):
            ui.label(_("Board settings")).classes("text-h6")
            ui.label(_("Work-in-progress limit per column: the column turns amber above it.")).classes(
                "text-caption text-grey-7")
            inputs = {c.id: ui.input(label_text(c.label, locale, c.id), value=str(self.data.wip.get(c.id, "")))
                      .props("dense inputmode=numeric").classes("w-full") for c in self.data.columns}

            async def save() -> None:
                try:
                    await io_bound(lambda: boards.set_wip_limits(
                        self.viewer.ctx, kind=self.spec.kind, workflow_key=self.workflow_key,
                        limits={k: (i.value or "").strip() for k, i in inputs.items()}))
                except DomainError as error:
                    show_error(error, inputs)
                    return
                dialog.close()
                await self.load()

            dialog_buttons(dialog, _("Save"), save)
        dialog.open()

    # --- new record ---------------------------------------------------------------------

    async def new_record(self) -> None:
        from ui.pages.record_detail import new_record_dialog

        await new_record_dialog(self.viewer, self.spec.kind, self.types, self.type_key or self.types[0].key,
                                self.choices, on_created=lambda ref: ui.navigate.to(f"{self.spec.path}/{ref}"))


def _needs_inputs_only(option: ActionOption) -> bool:
    """Not enabled only because fields are missing: the transition dialog asks for them."""
    return bool(option.missing_fields) and all(r.msgid == "{field} is required to {action}." for r in option.reasons)


def _initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper()


def background(coro: Any) -> None:
    from nicegui import background_tasks

    background_tasks.create(coro)

