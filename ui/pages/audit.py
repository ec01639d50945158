"""Audit: the tenant's trail with filters, paging and CSV export."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from nicegui import ui

from domain.audit.service import AuditFilter, distinct_values, export_csv, list_events
from domain.errors import N_
from ui.calls import io_bound
from ui.i18n import _, fmt_datetime, fmt_number
from ui.session import Viewer
from ui.shell import console_page
from ui.widgets import labelled

PAGE = 50


def create() -> None:
    @console_page("/audit", N_("Audit"))
    async def audit_page(viewer: Viewer) -> None:
        await AuditView(viewer).build()


class AuditView:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.offset = 0

    async def build(self) -> None:
        actions, kinds = await io_bound(distinct_values, self.viewer.ctx)
        with ui.row().classes("items-end gap-2"):
            self.actor = ui.input(_("Actor")).props("dense clearable debounce=300").on_value_change(self.first)
            self.entity = ui.select({"": _("All")} | {k: k for k in kinds}, label=_("Entity"), value="",
                                    on_change=self.first).props("dense").classes("w-40")
            self.action = ui.select({"": _("All")} | {a: a for a in actions}, label=_("Action"), value="",
                                    on_change=self.first).props("dense").classes("w-52")
            self.since = ui.input(_("From")).props("dense type=date stack-label").on_value_change(self.first)
            self.until = ui.input(_("To")).props("dense type=date stack-label").on_value_change(self.first)
            ui.button(_("Export CSV"), icon="download", on_click=self.export).props("outline")
        columns = [
            {"name": "seq", "label": "#", "field": "seq", "align": "right"},
            {"name": "time", "label": _("Time"), "field": "time", "align": "left"},
            {"name": "actor", "label": _("Actor"), "field": "actor", "align": "left"},
            {"name": "action", "label": _("Action"), "field": "action", "align": "left"},
            {"name": "entity", "label": _("Entity"), "field": "entity", "align": "left"},
            {"name": "change", "label": _("Change"), "field": "change", "align": "left",
             "style": "max-width: 28rem; white-space: normal; overflow-wrap: anywhere"},
            {"name": "ip", "label": _("Address"), "field": "ip", "align": "left"},
        ]
        self.table = ui.table(columns=columns, rows=[], row_key="seq", pagination=0).props(
            "dense flat bordered hide-bottom").classes("w-full")
        labelled(self.table, _("Audit events"))
        with ui.row().classes("items-center gap-2"):
            self.prev = ui.button(_("Previous"), icon="chevron_left", on_click=self.previous_page).props("flat dense")
            self.position = ui.label("")
            self.next = ui.button(_("Next"), icon="chevron_right", on_click=self.next_page).props("flat dense")
        await self.reload()

    def filters(self) -> AuditFilter:
        tz = ZoneInfo(self.viewer.timezone)
        since = _day(self.since.value, tz)
        until = _day(self.until.value, tz)
        return AuditFilter(actor=self.actor.value or "", entity_type=self.entity.value or "",
                           action=self.action.value or "", since=since,
                           until=until + timedelta(days=1) if until else None)

    async def first(self) -> None:
        self.offset = 0
        await self.reload()

    async def previous_page(self) -> None:
        self.offset = max(0, self.offset - PAGE)
        await self.reload()

    async def next_page(self) -> None:
        self.offset += PAGE
        await self.reload()

    async def reload(self) -> None:
        events, total = await io_bound(lambda: list_events(self.viewer.ctx, self.filters(), limit=PAGE,
                                                               offset=self.offset))
        self.table.rows = [{
            "seq": e.seq, "time": fmt_datetime(e.created_at, self.viewer.timezone, "medium"),
            "actor": e.actor_label, "action": e.action, "entity": f"{e.entity_type} {e.entity_id}".strip(),
            "change": _change(e.before, e.after), "ip": e.ip,
        } for e in events]
        self.table.update()
        first = self.offset + 1 if total else 0
        last = min(self.offset + PAGE, total)
        self.position.text = _("{first}–{last} of {total}", first=fmt_number(first), last=fmt_number(last),
                               total=fmt_number(total))
        self.prev.set_enabled(self.offset > 0)
        self.next.set_enabled(last < total)

    async def export(self) -> None:
        text = await io_bound(export_csv, self.viewer.ctx, self.filters())
        ui.download.content(text.encode("utf-8"), "audit.csv", "text/csv")


def _day(value: str | None, tz: ZoneInfo) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tz)
    except ValueError:
        return None


def _change(before: dict[str, object] | None, after: dict[str, object] | None) -> str:
    parts = []
    if before is not None:
        parts.append("− " + json.dumps(before, ensure_ascii=False, sort_keys=True))
    if after is not None:
        parts.append("+ " + json.dumps(after, ensure_ascii=False, sort_keys=True))
    return "  ".join(parts)
