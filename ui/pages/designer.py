"""Designer: the tenant's workflows, their versions, import and export.

This page lists what is published, validates and publishes drafts, and moves
definitions in and out as files; each workflow opens in the visual editor
(`ui.designer.editor`, `/designer/{key}`), and "New workflow" starts one from nothing.
"""

from __future__ import annotations

from uuid import UUID

from nicegui import events, ui

from domain.errors import N_, DomainError
from domain.workflows import definitions, templates
from domain.workflows.definitions import DefinitionRejected, DefinitionSummary, VersionView
from engine.model import label_text
from engine.problems import Problem
from ui.calls import io_bound
from ui.i18n import _, current_locale, error_text, fmt_datetime
from ui.session import Viewer
from ui.shell import console_page
from ui.widgets import empty_state, labelled

MAX_UPLOAD = 2_000_000
TEMPLATE_NAMES = {"asset_lifecycle": N_("Asset lifecycle"), "change_request": N_("Change request"),
                  "incident": N_("Incident"), "maintenance_request": N_("Maintenance request"),
                  "project": N_("Project"), "vendor_onboarding": N_("Vendor onboarding")}
SUBJECTS = {"request": N_("Requests"), "project": N_("Projects"), "asset": N_("Assets"), "vendor": N_("Vendors"),
            "contract": N_("Contracts"), "scope_change": N_("Scope changes"), "task": N_("Tasks"),
            "milestone": N_("Milestones")}


def create() -> None:
    @console_page("/designer", N_("Designer"))
    async def designer_page(viewer: Viewer) -> None:
        await WorkflowList(viewer).build()


class WorkflowList:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.items: list[DefinitionSummary] = []

    async def build(self) -> None:
        with ui.row().classes("items-center gap-2"):
            ui.button(_("New workflow"), icon="add", on_click=lambda: ui.navigate.to("/designer/new-workflow")
                      ).props("dense no-caps")
            with ui.button(_("From a template"), icon="library_add").props("flat dense no-caps"), ui.menu():
                for key in templates.template_keys():
                    ui.menu_item(_(TEMPLATE_NAMES.get(key, key)),
                                 on_click=lambda k=key: ui.navigate.to(f"/designer/new-workflow?template={k}"))
            upload = ui.upload(label=_("Import a workflow (YAML or JSON)"), auto_upload=True, max_file_size=MAX_UPLOAD,
                               on_upload=self.imported, on_rejected=lambda: ui.notify(
                                   _("The file is larger than {limit} kB.", limit=MAX_UPLOAD // 1000),
                                   type="negative")).props('accept=".yaml,.yml,.json" flat bordered dense')
            labelled(upload, _("Import a workflow (YAML or JSON)"))
        self.list = ui.column().classes("w-full gap-2")
        await self.reload()

    async def reload(self) -> None:
        self.items = await io_bound(definitions.list_definitions, self.viewer.ctx)
        self.list.clear()
        with self.list:
            if not self.items:
                empty_state("schema", _("No workflows yet"),
                            _("Import a workflow definition to start; it is saved as a draft you can publish."))
                return
            for item in self.items:
                self._card(item)

    def _card(self, item: DefinitionSummary) -> None:
        locale = current_locale()
        with ui.card().classes("w-full max-w-4xl").props('role="group"'):
            with ui.row().classes("w-full items-center gap-3"):
                ui.label(label_text(item.name, locale, item.key)).classes("text-subtitle1")
                ui.label(item.key).classes("text-caption text-grey-7")
                ui.badge(_(SUBJECTS.get(item.subject, item.subject))).props("outline")
                ui.space()
                current = item.published or item.draft
                ui.button(_("Open in designer"), icon="edit",
                          on_click=lambda key=item.key: ui.navigate.to(f"/designer/{key}")).props("flat dense no-caps")
                ui.button(_("Clone"), icon="content_copy",
                          on_click=lambda key=item.key: ui.navigate.to(f"/designer/new-workflow?clone={key}")
                          ).props("flat dense no-caps")
                if current is not None:
                    ui.button(_("Export YAML"), icon="download",
                              on_click=lambda v=current: self.export(v.id, "yaml")).props("flat dense no-caps")
                    ui.button(_("Export JSON"), icon="download",
                              on_click=lambda v=current: self.export(v.id, "json")).props("flat dense no-caps")
            if item.published is not None:
                ui.label(_("Version {number} published {when}", number=item.published.number,
                           when=fmt_datetime(item.published.published_at, self.viewer.timezone, "short")))
            if item.draft is not None:
                errors = [p for p in item.draft.problems if p.severity == "error"]
                with ui.row().classes("items-center gap-2"):
                    ui.label(_("Draft version {number}", number=item.draft.number))
                    if errors:
                        ui.button(_("Problems: {count}", count=len(errors)), icon="error",
                                  on_click=lambda d=item.draft: show_problems(d.problems)).props(
                            "flat dense no-caps color=negative")
                    publish = ui.button(_("Publish"), on_click=lambda d=item.draft: self.publish(d.id))
                    if errors:
                        publish.disable()
                        publish.tooltip(_("Fix the problems before publishing."))

    async def publish(self, version_id: UUID) -> None:
        if await publish_version(self.viewer, version_id) is not None:
            ui.notify(_("Published."), type="positive")
            await self.reload()

    async def export(self, version_id: object, fmt: str) -> None:
        name, text = await io_bound(lambda: definitions.export(self.viewer.ctx, version_id=version_id,  # type: ignore[arg-type]
                                                                   fmt=fmt))
        ui.download.content(text.encode("utf-8"), name, "application/json" if fmt == "json" else "application/yaml")

    async def imported(self, event: events.UploadEventArguments) -> None:
        data = await event.file.read()
        try:
            version = await io_bound(lambda: definitions.import_definition(self.viewer.ctx, source=data))
        except DefinitionRejected as exc:
            show_problems(exc.problems, title=_("Nothing was imported: the file has problems"))
            return
        except DomainError as exc:
            ui.notify(error_text(exc), type="negative")
            return
        ui.notify(_("Imported {key} as draft version {number}.", key=version.key, number=version.number),
                  type="positive")
        await self.reload()


async def publish_version(viewer: Viewer, version_id: UUID) -> VersionView | None:
    """Publish a draft; None (with its problems or the refusal shown) when it was not published."""
    try:
        return await io_bound(lambda: definitions.publish(viewer.ctx, version_id=version_id))
    except DefinitionRejected as exc:
        show_problems(exc.problems)
    except DomainError as exc:
        ui.notify(error_text(exc), type="negative")
    return None


def show_problems(problems: tuple[Problem, ...] | list[Problem], *, title: str | None = None) -> None:
    """The problems of a definition, each with where it is and what to do."""
    with ui.dialog() as dialog, ui.card().classes("w-[44rem] max-w-full gap-2"):
        ui.label(title or _("Problems")).classes("text-h6")
        rows = [{"severity": _("Error") if p.severity == "error" else _("Warning"), "where": p.path or "/",
                 "message": _(p.msgid, **p.params)} for p in problems]
        table = ui.table(columns=[
            {"name": "severity", "label": _("Severity"), "field": "severity", "align": "left"},
            {"name": "where", "label": _("Where"), "field": "where", "align": "left"},
            {"name": "message", "label": _("Problem"), "field": "message", "align": "left",
             "style": "white-space: normal"},
        ], rows=rows, row_key="where").props("dense flat bordered wrap-cells").classes("w-full")
        labelled(table, _("Problems"))
        ui.button(_("Close"), on_click=dialog.close).props("flat")
    dialog.open()
