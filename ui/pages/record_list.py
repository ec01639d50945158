"""The list view of records: server-side paging and sorting, filters (custom fields and
relative dates included), bulk moves with a result per record, CSV export, saved views."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from nicegui import ui

from domain.errors import DomainError
from domain.records import fields as record_fields
from domain.records import kind_fields, listing
from domain.records import service as records
from domain.records import views as saved_views
from domain.records.listing import FieldFilter, ListQuery
from engine.model import FieldDef, label_text
from engine.values import zone
from ui.calls import io_bound
from ui.i18n import _, current_locale, error_text, fmt_datetime
from ui.session import Viewer
from ui.widgets import dialog_buttons, empty_state, labelled, show_error

PAGE_SIZE = 50
OPERATORS = {"eq": "=", "ne": "≠", "contains": "∋", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
PROGRESS_FROM = 20  # bulk moves over more records than this show a progress bar
# kind-specific built-in columns (after Due); sortable ones are stored as text that sorts right
KIND_COLUMNS = {"project": ("owner", "start_date"), "asset": ("operational_status",)}
SORTABLE_FIELDS = frozenset({"start_date", "operational_status"})  # ISO dates; "down" before "up"
STATUS = "operational_status"


class ListPage:
    def __init__(self, viewer: Viewer, kind: str, path: str, types: list[records.TypeView],
                 chosen: records.TypeView, choices: dict[str, dict[str, str]]) -> None:
        self.viewer, self.kind, self.path = viewer, kind, path
        self.types, self.chosen, self.choices = types, chosen, choices
        self.offset, self.sort, self.descending, self.page_size = 0, "reference", True, PAGE_SIZE
        self.rows: list[listing.ListRow] = []
        by_key = {f.key: f for f in kind_fields.KIND_FIELDS}
        self.extra: dict[str, FieldDef] = {  # the kind's own built-in columns this viewer may see
            key: by_key[key] for key in KIND_COLUMNS.get(kind, ())
            if viewer.ctx.vendor_id is None or by_key[key].visible_to_vendor}

    async def build(self) -> None:
        locale = current_locale()
        definition = await io_bound(lambda: records.workflow_of(self.viewer.ctx, kind=self.kind,
                                                                    workflow_key=self.chosen.workflow_key))
        self.custom = {f.key: f for f in definition.fields
                       if self.viewer.ctx.vendor_id is None or f.visible_to_vendor}
        states = {s.id: label_text(s.name, locale, s.id) for s in definition.states}
        with ui.row().classes("items-end gap-2 w-full"):
            self.text = ui.input(_("Filter")).props("dense clearable debounce=300").classes("w-44")
            self.states = ui.select(states, multiple=True, label=_("State")).props(
                "dense options-dense use-chips clearable").classes("w-56")
            self.priority = ui.select({"": _("Any priority"), **_priorities()}, value="", label=_("Priority")).props(
                "dense options-dense").classes("w-36")
            self.assignee = ui.select({"": _("Anyone"), "none": _("Unassigned"), **self.choices.get("user", {})},
                                      value="", label=_("Assignee")).props("dense options-dense").classes("w-40")
            self.created_from = ui.input(_("Created from"), placeholder="-7d").props("dense").classes("w-28")
            self.created_to = ui.input(_("Created to"), placeholder="today").props("dense").classes("w-28")
            self.due_to = ui.input(_("Due by"), placeholder="+7d").props("dense").classes("w-28")
            self.status: ui.select | None = None
            if STATUS in self.extra:
                self.status = ui.select({"": _("Any status"), **record_fields.option_labels(self.extra[STATUS], _)},
                                        value="", label=label_text(self.extra[STATUS].label, locale, STATUS)).props(
                    "dense options-dense").classes("w-40")
        with ui.row().classes("items-end gap-2 w-full"):
            field_names = {k: label_text(f.label, locale, k) for k, f in self.custom.items()}
            self.field = ui.select({"": _("Any field"), **field_names}, value="", label=_("Field")).props(
                "dense options-dense").classes("w-44")
            self.operator = ui.select(OPERATORS, value="eq", label=_("Operator")).props("dense").classes("w-24")
            self.value = ui.input(_("Value")).props("dense").classes("w-40")
            ui.button(_("Apply"), icon="filter_alt", on_click=self.apply).props("unelevated dense no-caps")
            ui.button(_("Clear"), on_click=self.clear).props("flat dense no-caps")
            ui.space()
            self.views = ui.select({}, label=_("Saved views"), on_change=self.load_view).props(
                "dense options-dense clearable").classes("w-48")
            ui.button(_("Save view"), icon="bookmark_add", on_click=self.save_view).props("flat dense no-caps")
            ui.button(_("Export CSV"), icon="download", on_click=self.export).props("flat dense no-caps")
        for element in (self.text, self.states, self.priority, self.assignee, *([self.status] if self.status else [])):
            element.on_value_change(self.apply)
        with ui.row().classes("items-center gap-2"):
            self.bulk = ui.button(_("Move selected"), icon="moving", on_click=self.bulk_move).props(
                "unelevated dense no-caps")
            self.bulk.disable()
            self.summary = ui.label().classes("text-caption text-grey-7")
        columns = [
            {"name": "reference", "label": _("Reference"), "field": "reference", "sortable": True, "align": "left"},
            {"name": "title", "label": _("Title"), "field": "title", "sortable": True, "align": "left"},
            {"name": "state", "label": _("State"), "field": "state", "sortable": True, "align": "left"},
            {"name": "priority", "label": _("Priority"), "field": "priority", "sortable": True, "align": "left"},
            {"name": "assignee", "label": _("Assignee"), "field": "assignee", "sortable": True, "align": "left"},
            {"name": "due_date", "label": _("Due"), "field": "due_date", "sortable": True, "align": "left"},
            *({"name": key, "label": label_text(f.label, locale, key), "field": key, "sortable": key in SORTABLE_FIELDS,
               "align": "left"} for key, f in self.extra.items()),
            {"name": "tags", "label": _("Tags"), "field": "tags", "align": "left"},
            {"name": "updated_at", "label": _("Updated"), "field": "updated_at", "sortable": True, "align": "left"},
        ]
        self.table = ui.table(columns=columns, rows=[], row_key="id", selection="multiple",
                              pagination={"rowsPerPage": PAGE_SIZE, "page": 1, "sortBy": "reference",
                                          "descending": True, "rowsNumber": 0}).props(
            "dense flat bordered binary-state-sort :rows-per-page-options=[25,50,100,200]").classes("w-full")
        labelled(self.table, _("Records"))
        self.table.on("request", self.on_request)
        self.table.on("rowClick", lambda e: ui.navigate.to(f"{self.path}/{e.args[1]['reference']}"))
        self.table.on_select(self.on_select)
        self.empty = ui.column().classes("w-full")
        await self.refresh_views()
        await self.reload()

    # --- query ----------------------------------------------------------------------------

    def query(self) -> ListQuery:
        filters: tuple[FieldFilter, ...] = ()
        if self.status is not None and self.status.value:
            filters = (FieldFilter(key=STATUS, op="eq", value=self.status.value),)
        if self.field.value and (self.value.value or "").strip():
            filters += (FieldFilter(key=self.field.value, op=self.operator.value, value=self.value.value.strip()),)
        return ListQuery(kind=self.kind, workflow_key=self.chosen.workflow_key, text=self.text.value or "",
                         states=tuple(self.states.value or ()), priorities=(self.priority.value,)
                         if self.priority.value else (), assignee=self.assignee.value or None,
                         created_from=(self.created_from.value or "").strip() or None,
                         created_to=(self.created_to.value or "").strip() or None,
                         due_to=(self.due_to.value or "").strip() or None, field_filters=filters,
                         sort=self.sort, descending=self.descending)

    def show_query(self, q: ListQuery) -> None:
        self.text.value = q.text
        self.states.value = list(q.states)
        self.priority.value = q.priorities[0] if q.priorities else ""
        self.assignee.value = q.assignee or ""
        self.created_from.value, self.created_to.value = q.created_from or "", q.created_to or ""
        self.due_to.value = q.due_to or ""
        if self.status is not None:
            self.status.value = next((str(f.value) for f in q.field_filters if f.key == STATUS and f.op == "eq"
                                      and f.value in kind_fields.STATUS_LABELS), "")
        first = next((f for f in q.field_filters if f.key in self.custom), None)
        self.field.value = first.key if first and first.key in self.custom else ""
        self.operator.value = first.op if first and first.op in OPERATORS else "eq"
        self.value.value = str(first.value or "") if first else ""
        self.sort, self.descending = q.sort, q.descending

    async def apply(self) -> None:
        self.offset = 0
        await self.reload()

    async def clear(self) -> None:
        self.show_query(ListQuery(kind=self.kind))
        await self.apply()

    async def reload(self) -> None:
        fields = {"text": self.text, "created_from": self.created_from, "created_to": self.created_to,
                  "due_to": self.due_to, "filter": self.value}
        try:
            page = await io_bound(lambda: listing.list_records(self.viewer.ctx, self.query(),
                                                                   offset=self.offset, limit=self.page_size))
        except DomainError as error:
            show_error(error, fields)
            return
        self.rows = page.rows
        people, vendors = self.choices.get("user", {}), self.choices.get("vendor", {})
        priorities = _priorities()
        locale, tz = current_locale(), zone(self.viewer.timezone)
        self.table.rows = [{
            "id": str(r.record_id), "reference": r.reference, "title": str(r.values.get("title", "")),
            "state": label_text(r.state_label, locale, r.state), "priority": priorities.get(r.priority, r.priority),
            "assignee": people.get(str(r.assignee_id), "") if r.assignee_id else "",
            "vendor": vendors.get(str(r.vendor_id), "") if r.vendor_id else "",
            "due_date": str(r.values.get("due_date", "")), "tags": ", ".join(r.tags),
            "updated_at": fmt_datetime(r.updated_at, self.viewer.timezone, "short"),
            **{key: record_fields.display(f, r.values.get(key), locale, translate=_, tz=tz, names=people)
               for key, f in self.extra.items()}} for r in page.rows]
        column = self.sort.removeprefix("field:")  # a sortable kind column shows its arrow too
        sort_by = column if column in SORTABLE_FIELDS or not self.sort.startswith("field:") else None
        self.table.pagination = {**self.table.pagination, "rowsNumber": page.total, "rowsPerPage": self.page_size,
                                 "page": self.offset // self.page_size + 1, "sortBy": sort_by,
                                 "descending": self.descending}
        self.summary.text = (_("More than {count} records; narrow the filters to page through them all.",
                               count=f"{page.total:,}") if page.more else _("{count} records", count=page.total))
        self.empty.clear()
        if page.total == 0:
            with self.empty:
                empty_state("search_off", _("Nothing matches"), _("Change or clear the filters to see records."))

    async def on_request(self, event: Any) -> None:
        pagination = (event.args or {}).get("pagination", {})
        rows_per_page = int(pagination.get("rowsPerPage") or PAGE_SIZE)
        self.page_size = rows_per_page if 0 < rows_per_page <= listing.PAGE_MAX else listing.PAGE_MAX
        self.offset = (int(pagination.get("page", 1)) - 1) * self.page_size
        sort_by = pagination.get("sortBy") or "reference"
        self.sort = sort_by if sort_by in listing.SORTS else (
            f"field:{sort_by}" if sort_by in SORTABLE_FIELDS and sort_by in self.extra else "reference")
        self.descending = bool(pagination.get("descending"))
        await self.reload()

    def on_select(self) -> None:
        count = len(self.table.selected)
        self.bulk.set_enabled(count > 0)
        self.bulk.text = _("Move {count} selected", count=count) if count else _("Move selected")

    # --- bulk -------------------------------------------------------------------------------

    async def bulk_move(self) -> None:
        ids = [UUID(row["id"]) for row in self.table.selected]
        options = await io_bound(lambda: listing.bulk_options(self.viewer.ctx, kind=self.kind, record_ids=ids))
        locale = current_locale()
        with ui.dialog() as dialog, ui.card().classes("w-[36rem] gap-2"):
            ui.label(_("Move {count} records", count=len(ids))).classes("text-h6")
            if not options:
                ui.label(_("No action is open on every selected record. Select records in the same state."))
                ui.button(_("Close"), on_click=dialog.close).props("flat")
                dialog.open()
                return
            choice = ui.select({o.transition_id: f"{label_text(o.label, locale, o.transition_id)}" for o in options},
                               value=options[0].transition_id, label=_("Action")).classes("w-full")
            comment = ui.textarea(_("Comment")).classes("w-full")
            progress = ui.linear_progress(value=0, show_value=False).classes("w-full")
            progress.set_visibility(False)
            results = ui.column().classes("w-full gap-0 max-h-80 overflow-auto")
            with ui.row().classes("justify-end w-full"):
                close = ui.button(_("Cancel"), on_click=dialog.close).props("flat")

                async def go() -> None:
                    start.disable()
                    needs_comment = next(o for o in options if o.transition_id == choice.value).requires_comment
                    if needs_comment and not (comment.value or "").strip():
                        ui.notify(_("A comment is required for this action."), type="warning")
                        start.enable()
                        return
                    progress.set_visibility(len(ids) > PROGRESS_FROM)
                    done = {"n": 0}

                    def tick(n: int, total: int) -> None:
                        done["n"] = n

                    timer = ui.timer(0.2, lambda: progress.set_value(done["n"] / max(1, len(ids))))
                    outcome = await io_bound(lambda: listing.bulk_transition(
                        self.viewer.ctx, kind=self.kind, record_ids=ids, transition_id=choice.value,
                        comment=(comment.value or "").strip() or None, progress=tick))
                    timer.cancel()
                    progress.set_value(1)
                    moved = sum(1 for r in outcome if r.done)
                    with results:
                        tally = _("{done} moved, {refused} refused", done=moved, refused=len(outcome) - moved)
                        ui.label(tally).classes("text-subtitle2")
                        with labelled(ui.element("ul").classes("w-full"), _("Results")):
                            for r in outcome:
                                with ui.element("li"):
                                    text = _("{ref}: done", ref=r.reference) if r.done else _(
                                        "{ref}: refused — {reason}", ref=r.reference or "?",
                                        reason=error_text(r.error) if r.error else "")
                                    ui.label(text).classes("text-positive" if r.done else "text-negative")
                    close.text = _("Close")
                    self.table.selected = []
                    self.on_select()
                    await self.reload()

                start = ui.button(_("Move"), on_click=go).props("unelevated")
        dialog.open()

    # --- export and views ----------------------------------------------------------------------

    async def export(self) -> None:
        headers = {"reference": _("Reference"), "type": _("Type"), "title": _("Title"), "state": _("State"),
                   "priority": _("Priority"), "assignee": _("Assignee"), "vendor": _("Vendor"), "tags": _("Tags"),
                   "created_at": _("Created"), "updated_at": _("Updated")}
        try:
            text = await io_bound(lambda: listing.export_csv(self.viewer.ctx, self.query(),
                                                                 locale=current_locale(), translate=_,
                                                                 headers=headers))
        except DomainError as error:
            ui.notify(error_text(error), type="warning")
            return
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        ui.download.content(text.encode("utf-8-sig"), f"{self.kind}s-{stamp}.csv", "text/csv")

    async def refresh_views(self) -> None:
        self.saved = await io_bound(lambda: saved_views.list_views(self.viewer.ctx, kind=self.kind))
        self.views.set_options({str(v.id): v.name + (" ★" if v.shared else "") for v in self.saved})

    async def load_view(self) -> None:
        view = next((v for v in self.saved if str(v.id) == self.views.value), None)
        if view is not None:
            self.show_query(view.query)
            await self.apply()

    async def save_view(self) -> None:
        with ui.dialog() as dialog, ui.card().classes("w-[24rem] gap-2"):
            ui.label(_("Save view")).classes("text-h6")
            name = ui.input(_("Name")).classes("w-full")
            shared = ui.checkbox(_("Share with everyone in this tenant"))
            if not self.viewer.can(records.EDIT[self.kind]):
                shared.disable()

            async def save() -> None:
                try:
                    await io_bound(lambda: saved_views.save_view(self.viewer.ctx, name=name.value or "",
                                                                 query=self.query(), shared=bool(shared.value)))
                except DomainError as error:
                    show_error(error, {"name": name})
                    return
                dialog.close()
                await self.refresh_views()
                ui.notify(_("View saved."), type="positive")

            dialog_buttons(dialog, _("Save"), save)
        dialog.open()


def _priorities() -> dict[str, str]:
    from ui.pages.records import priority_names

    return priority_names()
