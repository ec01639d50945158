"""The designer's versions dialog: every version, a comparison of two, and moving records to a newer one.

A comparison lists what was added, removed and changed, and draws the newer version on a
read-only canvas of its own (the drawing being edited is left alone): added states and
transitions in green, changed ones in amber, and removed ones as faded, dashed ghosts where
the older version had them; every mark is in words too, and a legend names them. Migrating
shows, for each state that holds records, where they would go (by id unless chosen
otherwise), how many move, and refuses while any would land in a state the newer version lacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nicegui import ui

from domain.errors import N_, DomainError
from domain.workflows import definitions, migration
from domain.workflows.definitions import VersionView
from domain.workflows.migration import MigrationPlan
from engine.diff import Change, diff_definitions
from engine.model import label_text
from ui.calls import io_bound
from ui.components.flow_canvas import MARK_COLOURS, MARK_COLOURS_DARK, FlowCanvas
from ui.designer.comparison import comparison_graph
from ui.designer.inputs import as_label
from ui.i18n import _, current_locale, error_text, fmt_datetime, fmt_number
from ui.session import Viewer
from ui.widgets import dialog_buttons, labelled, mark_error

STATUS = {"draft": N_("Draft"), "published": N_("Published"), "archived": N_("Archived")}
KIND = {"workflow": N_("Workflow"), "state": N_("State"), "transition": N_("Transition"), "field": N_("Field"),
        "sla": N_("SLA")}
CHANGE = {"added": N_("added"), "removed": N_("removed"), "changed": N_("changed")}
# the legend's samples (mark, outline, opacity), drawn as the canvas draws each mark, in its MARK_COLOURS (or
# MARK_COLOURS_DARK while the page is dark: Tailwind's dark variant follows Quasar's body--dark, live)
LEGEND = (("added", "solid", 1.0), ("changed", "solid", 1.0), ("removed", "dashed", 0.7))


async def open_versions(viewer: Viewer, key: str, *, canvas_labels: Mapping[str, str]) -> None:
    """The versions of workflow `key`, newest first, with Compare and Move records.

    `canvas_labels`: the texts a `FlowCanvas` needs (the comparison's canvas names itself)."""
    versions = await io_bound(lambda: definitions.list_versions(viewer.ctx, key=key))
    counts = await io_bound(lambda: migration.records_per_version(viewer.ctx, key=key))
    with ui.dialog() as dialog, ui.card().classes("gap-2 no-wrap").style(
            "width: 92vw; max-width: 92vw; height: 88vh; max-height: 88vh"):
        ui.label(_("Versions of {key}", key=key)).classes("text-h6")
        if not versions:
            ui.label(_("Nothing saved yet: save a draft first.")).classes("text-body2")
        rows = [{"id": str(v.id), "number": v.number, "status": _(STATUS.get(v.status, v.status)),
                 "when": fmt_datetime(v.published_at or v.created_at, viewer.timezone, "short"),
                 "records": fmt_number(counts.get(v.id, 0))} for v in versions]
        table = ui.table(columns=[
            {"name": "number", "label": _("Version"), "field": "number", "align": "left"},
            {"name": "status", "label": _("Status"), "field": "status", "align": "left"},
            {"name": "when", "label": _("Published or created"), "field": "when", "align": "left"},
            {"name": "records", "label": _("Records"), "field": "records", "align": "right"},
        ], rows=rows, row_key="id").props("dense flat bordered").classes("w-full").style("max-height: 24vh")
        labelled(table, _("Versions"))
        by_number = {v.number: v for v in versions}
        options = {v.number: _("Version {number} ({status})", number=v.number, status=_(STATUS.get(v.status, v.status)))
                   for v in versions}
        with ui.row().classes("w-full items-end gap-2"):
            older = ui.select(options, label=_("Older"), value=versions[-1].number if versions else None)\
                .props("dense outlined").classes("min-w-[12rem]")
            newer = ui.select(options, label=_("Newer"), value=versions[0].number if versions else None)\
                .props("dense outlined").classes("min-w-[12rem]")

            def compare() -> None:
                if older.value is not None and newer.value is not None:
                    show_comparison(result, by_number[older.value], by_number[newer.value], canvas_labels)

            ui.button(_("Compare"), icon="difference", on_click=compare).props("flat dense no-caps")

            async def move() -> None:
                if older.value is not None and newer.value is not None:
                    await open_migration(viewer, by_number[older.value], by_number[newer.value])

            ui.button(_("Move records…"), icon="move_down", on_click=move).props("flat dense no-caps")
        result = ui.row().classes("w-full grow no-wrap gap-2 items-stretch min-h-0")
        with result:
            ui.label(_("Choose two versions and compare them: the newer one is drawn with what changed."))\
                .classes("text-body2 text-grey-7")
        with ui.row().classes("w-full justify-end"):
            ui.button(_("Close"), on_click=dialog.close).props("flat")
    dialog.open()


def show_comparison(box: ui.row, older: VersionView, newer: VersionView, canvas_labels: Mapping[str, str]) -> None:
    """Replace what `box` shows with the differences from `older` to `newer`: listed on the left, and
    drawn on the right on a read-only canvas of `newer` with its marks, ghosts and a legend."""
    changes = diff_definitions(older.document, newer.document)
    locale = current_locale()
    nodes, edges = comparison_graph(older.document, newer.document, changes,
                                    label=lambda v, f: label_text(as_label(v), locale, f), any_state=_("Any state"))
    box.clear()
    with box:
        with ui.scroll_area().classes("h-full").style("width: 24rem; min-width: 16rem; flex: none"):
            show_changes(ui.column().classes("w-full gap-1"), changes)
        with ui.column().classes("h-full grow gap-1 no-wrap min-w-0"):
            ui.label(_("Version {new}, with what changed since version {old}; what it removed is shown faded, "
                       "where version {old} had it.", new=newer.number, old=older.number))\
                .classes("text-body2")
            _legend(canvas_labels)
            title = _("Version {new} compared with version {old}", new=newer.number, old=older.number)
            with ui.element("div").classes("w-full grow min-h-0"):
                FlowCanvas(nodes, edges, labels={**canvas_labels, "canvas": title}, readonly=True)\
                    .classes("w-full h-full")


def _legend(canvas_labels: Mapping[str, str]) -> None:
    with ui.row().classes("items-center gap-4 text-caption").props('role="list"') as legend:
        labelled(legend, _("Legend"))
        for mark, line, opacity in LEGEND:
            with ui.row().classes("items-center gap-1 no-wrap").props('role="listitem"'):
                ui.element("span").classes(
                    f"inline-block rounded-borders border-[{MARK_COLOURS[mark]}] "
                    f"dark:border-[{MARK_COLOURS_DARK[mark]}]").style(
                    f"width: 22px; height: 14px; border-width: 2px; border-style: {line}; opacity: {opacity}")\
                    .props('aria-hidden="true"')
                ui.label(canvas_labels[mark])


def show_changes(box: ui.column, changes: list[Change]) -> None:
    box.clear()
    with box:
        if not changes:
            ui.label(_("The two versions are the same.")).classes("text-body2")
            return
        with ui.list().props("dense bordered separator").classes("w-full") as items:
            labelled(items, _("Differences"))
            for change in changes:
                text = _("{kind} {key}: {change}", kind=_(KIND[change.kind]), key=change.key,
                         change=_(CHANGE[change.change]))
                if change.attributes:
                    text += " (" + ", ".join(change.attributes) + ")"
                ui.item(text)


async def open_migration(viewer: Viewer, source: VersionView, target: VersionView) -> None:
    """Choose where each state's records go, see the counts, and move them (or be told why not)."""
    locale = current_locale()
    target_states = {s["id"]: label_text(as_label(s.get("name")), locale, s["id"])
                     for s in target.document.get("states", []) if isinstance(s, dict) and "id" in s}
    chosen: dict[str, str] = {}
    try:
        plan = await io_bound(lambda: migration.plan_migration(viewer.ctx, from_version_id=source.id,
                                                                   to_version_id=target.id))
    except DomainError as exc:
        ui.notify(error_text(exc), type="negative")
        return
    with ui.dialog() as dialog, ui.card().classes("w-[40rem] max-w-full gap-2"):
        ui.label(_("Move records from version {old} to version {new}", old=source.number, new=target.number))\
            .classes("text-h6")
        body = ui.column().classes("w-full gap-1")
        summary = ui.label().classes("text-body2")

        async def refresh() -> None:
            nonlocal plan
            try:
                plan = await io_bound(lambda: migration.plan_migration(
                    viewer.ctx, from_version_id=source.id, to_version_id=target.id, state_map=chosen))
            except DomainError as exc:
                ui.notify(error_text(exc), type="negative")
                return
            draw()

        def draw() -> None:
            body.clear()
            with body:
                if not plan.moves:
                    ui.label(_("No record uses version {number}.", number=source.number))
                for move in plan.moves:
                    with ui.row().classes("w-full items-center gap-2 no-wrap"):
                        ui.label(_("{count} in {state}", count=fmt_number(move.count), state=move.from_state))\
                            .classes("min-w-[12rem]")
                        pick = ui.select(target_states, value=move.to_state, label=_("Move to"),
                                         on_change=lambda e, s=move.from_state: _choose(s, e.value))
                        pick.props("dense outlined").classes("min-w-[14rem]")
                        if move.to_state is None:
                            mark_error(pick, _("Version {number} has no such state.", number=target.number))
            summary.text = _summary(plan)
            confirm.set_enabled(bool(plan.moves) and not plan.stranded)

        def _choose(state: str, value: Any) -> None:
            if value:
                chosen[state] = value
            else:
                chosen.pop(state, None)
            ui.timer(0, refresh, once=True)

        async def run_migration() -> None:
            try:
                done = await io_bound(lambda: migration.migrate_instances(
                    viewer.ctx, from_version_id=source.id, to_version_id=target.id, state_map=chosen))
            except DomainError as exc:
                ui.notify(error_text(exc), type="negative")
                await refresh()
                return
            dialog.close()
            ui.notify(_("{count} record(s) moved to version {number}.", count=fmt_number(done.total),
                        number=done.to_number), type="positive")

        confirm = dialog_buttons(dialog, _("Move records"), run_migration)
        draw()
    dialog.open()


def _summary(plan: MigrationPlan) -> str:
    if plan.stranded:
        return _("{count} record(s) have no state in version {number}: choose one for them.",
                 count=fmt_number(sum(m.count for m in plan.stranded)), number=plan.to_number)
    return _("{count} record(s) will move to version {number}; each move is audited.",
             count=fmt_number(plan.total), number=plan.to_number)
