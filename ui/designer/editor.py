"""The visual workflow designer: toolbar above; palette | canvas | properties; problems below.

The document lives here, in Python (`DesignDocument`, with undo and redo); the canvas
(`FlowCanvas`) shows it and reports gestures. After every edit the canvas is redrawn
at once and the engine's validator runs shortly after (debounced), so problems, the
red badges on the canvas and the Publish button follow the drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nicegui import background_tasks, events, ui

from domain.errors import N_, DomainError
from domain.workflows import definitions
from domain.workflows.definitions import DefinitionRejected, VersionView
from engine.export import to_json, to_yaml
from engine.load import compile_definition
from engine.model import label_text
from engine.problems import DefinitionError, Problem
from engine.validate import validate_definition
from ui.calls import io_bound
from ui.components.flow_canvas import FlowCanvas
from ui.designer.document import ANY, ID, DesignDocument, DesignError
from ui.designer.drawing import sources, transition_of
from ui.designer.inputs import as_label
from ui.designer.panels import CATEGORIES, PropertiesPanel, design_error_text
from ui.designer.problems import named, where
from ui.designer.simulator import SimulatorPanel
from ui.designer.start import starting_document
from ui.designer.toolbar import Toolbar
from ui.designer.versions import open_versions
from ui.i18n import _, current_locale, error_text, reason_text
from ui.pages.designer import publish_version, show_problems
from ui.session import Viewer
from ui.shell import console_item_page
from ui.widgets import empty_state, labelled

NEW = "new-workflow"  # never a workflow key (keys have no hyphen)
LEAVE_GUARD = """
window.batonDesignerDirty = %s;
if (!window.batonDesignerGuard) {
  window.batonDesignerGuard = true;
  window.addEventListener('beforeunload', (e) => {
    if (window.batonDesignerDirty) { e.preventDefault(); e.returnValue = ''; }
  });
}
"""


def create() -> None:
    @console_item_page("/designer", N_("Designer"), allowed=lambda v: v.can(definitions.DESIGN))
    async def designer_editor(viewer: Viewer, ref: str) -> None:
        if ref == NEW:
            await Editor(viewer, await starting_document(viewer), None).build()
            return
        versions = await io_bound(lambda: definitions.list_versions(viewer.ctx, key=ref))
        if not versions:
            empty_state("search_off", _("No workflow with the key {key}.", key=ref),
                        _("Open the designer's list to see the workflows of this tenant."))
            return
        current = next((v for v in versions if v.status == "draft"), None) \
            or next((v for v in versions if v.status == "published"), versions[0])
        await Editor(viewer, current.document, current).build()


class Editor:
    def __init__(self, viewer: Viewer, document: dict[str, Any], version: VersionView | None) -> None:
        self.viewer = viewer
        self.doc = DesignDocument(document)
        self.version = version
        self.saved_once = version is not None
        self.problems: list[Problem] = validate_definition(self.doc.doc)
        self.selection: tuple[str, Any] = ("workflow", None)
        self.clipboard: dict[str, Any] | None = None
        self.roles: dict[str, str] = {}
        self.marks: dict[str, str] = {}  # the simulator's path: state:<id> | edge:<transition>@<source> -> mark
        self.panel = PropertiesPanel(self)
        self._generation = 0
        self._validating = False
        self._redraw = False  # the canvas waits for the validation under way
        self._guarded = False  # what the browser's leave guard was last told

    async def build(self) -> None:
        self.roles = await io_bound(lambda: definitions.role_names(self.viewer.ctx))
        with ui.column().classes("w-full gap-1 no-wrap").style("height: calc(100vh - 96px)"):
            self.toolbar = Toolbar(self)
            with ui.splitter(value=66, limits=(45, 85)).classes("w-full grow border rounded-borders") as split:
                labelled(split, _("Designer panes"))
                with split.before:
                    self.canvas = FlowCanvas(*self._graph(), labels=self._canvas_labels())
                    self.canvas.classes("w-full h-full")
                    for name, handler in (("add_node", self.on_add), ("connect", self.on_connect),
                                          ("move", self.on_move), ("layout", self.on_layout),
                                          ("select", self.on_select), ("delete", self.on_delete),
                                          ("undo", self.undo), ("redo", self.redo), ("copy", self.on_copy),
                                          ("paste", self.on_paste)):
                        self.canvas.on(name, handler)
                with split.after, ui.scroll_area().classes("w-full h-full"):
                    self.panel.show()
            self.problems_panel()
        ui.run_javascript(LEAVE_GUARD % "false")

    def status_text(self) -> str:
        if self.version is None:
            return _("New, not saved yet")
        if self.version.status == "draft":
            return _("Draft version {number}", number=self.version.number)
        return _("Version {number} ({status})", number=self.version.number, status=_(self.version.status))

    # --- problems -------------------------------------------------------------------

    @ui.refreshable_method
    def problems_panel(self) -> None:
        errors = [p for p in self.problems if p.severity == "error"]
        warnings, locale = len(self.problems) - len(errors), current_locale()
        with ui.column().classes("w-full gap-0 border rounded-borders").style(
                "height: 18vh; min-height: 110px").props('role="region"') as region:
            labelled(region, _("Problems"))
            ui.label(_("Problems: {errors} error(s), {warnings} warning(s)", errors=len(errors), warnings=warnings))\
                .classes("text-subtitle2 q-px-sm q-pt-xs")
            with ui.scroll_area().classes("w-full grow"), ui.list().props("dense separator").classes("w-full"):
                if not self.problems:
                    ui.item(_("No problems: this workflow can be published.")).classes("text-positive")
                for problem in sorted(self.problems, key=lambda p: p.severity != "error"):
                    with ui.item(on_click=lambda p=problem: self.reveal(p)).props("clickable"):
                        with ui.item_section().props("avatar"):
                            ui.icon("error" if problem.severity == "error" else "warning",
                                    color="negative" if problem.severity == "error" else "warning")
                        with ui.item_section():
                            ui.item_label(reason_text(named(problem, self.doc.doc, locale)))
                            ui.item_label(where(problem, self.doc.doc, locale)).props("caption")

    def reveal(self, problem: Problem) -> None:
        """Select the problem's element on the canvas and in the properties panel."""
        kind, _sep, ident = (problem.element or "").partition(":")
        if kind == "state" and self.doc.state(ident) is not None:
            self._select(("state", ident))
            self.canvas.select([ident])
        elif kind == "transition" and self.doc.transition(ident) is not None:
            self._select(("transition", ident))
            edges = [e["id"] for e in self._graph()[1] if transition_of(e["id"]) == ident]
            self.canvas.select(edges)
        else:
            self._select(("workflow", None))

    # --- canvas gestures -----------------------------------------------------------

    def on_add(self, e: events.GenericEventArguments) -> None:
        state_id = self.doc.add_state(category=e.args.get("category", "todo"), x=e.args["x"], y=e.args["y"],
                                      name=_("New state"))
        self.changed(select=("state", state_id))  # not selected on the canvas: that would re-centre the view

    def on_connect(self, e: events.GenericEventArguments) -> None:
        try:
            transition_id = self.doc.connect(source=e.args["source"], target=e.args["target"])
        except DesignError as exc:
            ui.notify(design_error_text(exc), type="warning")
            return
        self.changed(select=("transition", transition_id))

    def on_move(self, e: events.GenericEventArguments) -> None:
        self.doc.move(e.args.get("moves") or [])
        self.changed()  # the browser shows it already; the redraw keeps the element's props in step

    def on_layout(self, e: events.GenericEventArguments) -> None:
        self.doc.move(e.args.get("moves") or [])
        self.changed()  # the browser waits for the positions

    def on_select(self, e: events.GenericEventArguments) -> None:
        nodes, edges = list(e.args.get("nodes") or []), list(e.args.get("edges") or [])
        if len(nodes) + len(edges) > 1:
            self._select(("many", len(nodes) + len(edges)))
        elif nodes:
            self._select(("state", nodes[0]))
        elif edges:
            self._select(("transition", transition_of(edges[0])))
        else:
            self._select(("workflow", None))

    def on_delete(self, e: events.GenericEventArguments) -> None:
        self.doc.delete(nodes=e.args.get("nodes") or [], edges=e.args.get("edges") or [])
        self.changed(select=("workflow", None))

    def on_copy(self, e: events.GenericEventArguments) -> None:
        nodes = [n for n in e.args.get("nodes") or [] if n != ANY]
        if nodes:
            self.clipboard = self.doc.copy(nodes=nodes)
            ui.notify(_("Copied {count} state(s).", count=len(nodes)))

    def on_paste(self, e: events.GenericEventArguments) -> None:
        if not self.clipboard:
            return
        pasted = self.doc.paste(self.clipboard, x=e.args.get("x"), y=e.args.get("y"))
        self.changed(select=("many", len(pasted)) if len(pasted) > 1 else ("state", pasted[0]))

    def undo(self) -> None:
        if self.doc.undo():
            self.changed(select=self._still_selected())

    def redo(self) -> None:
        if self.doc.redo():
            self.changed(select=self._still_selected())

    # --- edits from the properties panel -------------------------------------------

    def edit(self, kind: str, ident: str, changes: dict[str, Any]) -> str | None:
        """Change a state's or transition's properties; roles given to a transition are declared
        in the workflow's roles too (in the same undo step)."""
        target = self.doc.state(ident) if kind == "state" else self.doc.transition(ident)
        with self.doc.edit() as doc:
            self.doc.update(target, changes)
            declared = [r for r in doc.get("roles") or [] if isinstance(r, str)]
            added = [r for r in changes.get("roles") or [] if r != "any" and r not in declared]
            if added:
                doc["roles"] = declared + added
        self.changed(panel=False)
        return None

    def edit_workflow(self, changes: dict[str, Any]) -> str | None:
        if "key" in changes and not ID.match(changes["key"] or ""):
            return _("A key starts with a lowercase letter and has only lowercase letters, digits and "
                     "underscores (at most 63).")
        self.doc.update(self.doc.doc, changes)
        self.changed(panel=False)
        return None

    def rename(self, kind: str, old: str, new: str) -> str | None:
        try:
            (self.doc.rename_state if kind == "state" else self.doc.rename_transition)(old, new)
        except DesignError as exc:
            return design_error_text(exc)
        self.changed(select=(kind, new))
        return None

    def set_initial(self, state_id: str) -> None:
        self.doc.set_initial(state_id)
        self.changed()

    def role_options(self) -> dict[str, str]:
        declared = [r for r in self.doc.doc.get("roles") or [] if isinstance(r, str)]
        return {**{key: f"{_(name)} ({key})" for key, name in self.roles.items()},  # system roles' names are msgids
                **{r: r for r in declared if r not in self.roles}}

    # --- save, publish, export ------------------------------------------------------

    async def save(self) -> bool:
        try:
            view = await io_bound(lambda: definitions.save_draft(self.viewer.ctx, document=self.doc.doc))
        except DefinitionRejected as exc:
            show_problems(exc.problems, title=_("The draft was not saved: it has problems"))
            return False
        except DomainError as exc:
            ui.notify(error_text(exc), type="negative")
            return False
        first = not self.saved_once
        self.version, self.saved_once = view, True
        self.doc.mark_saved()
        ui.notify(_("Draft version {number} saved.", number=view.number), type="positive")
        if first:
            ui.navigate.history.replace(f"/designer/{view.key}")
        self.changed(redraw=False)
        return True

    async def publish(self) -> None:
        if (self.doc.dirty or self.version is None or self.version.status != "draft") and not await self.save():
            return
        assert self.version is not None
        view = await publish_version(self.viewer, self.version.id)
        if view is None:
            return
        self.version = view
        ui.notify(_("Version {number} published.", number=view.number), type="positive")
        self.changed(redraw=False)

    def simulate(self) -> None:
        try:
            definition = compile_definition(self.doc.doc)
        except DefinitionError:
            ui.notify(_("Fix the errors first: the simulator runs the workflow as it would be published."),
                      type="warning")
            return
        SimulatorPanel(definition, on_path=self.show_path).open()

    def show_path(self, path: Sequence[str], current: str | None, taken: Sequence[tuple[str, str]] = ()) -> None:
        """Mark a simulated record's way on the canvas: the states of `path` "visited", `current` "current",
        and the edges of the transitions `taken` ((transition id, state it left) pairs) "visited": the edge
        drawn from that state, or from the "any state" node for a `from: "*"` transition. Nothing given (the
        simulator closed, or Clear highlights) clears the marks."""
        self.marks = {f"state:{state}": "visited" for state in path}
        for transition_id, source in taken:
            transition = self.doc.transition(transition_id)
            froms = sources(transition) if transition is not None else []
            drawn_from = ANY if source not in froms and ANY in froms else source
            self.marks[f"edge:{transition_id}@{drawn_from}"] = "visited"
        if current is not None:
            self.marks[f"state:{current}"] = "current"
        self.canvas.set_graph(*self._graph())
        self.toolbar.update()

    async def versions(self) -> None:
        """The versions dialog; a comparison there draws on a canvas of its own, not on this one."""
        await open_versions(self.viewer, str(self.doc.doc.get("key", "")), canvas_labels=self._canvas_labels())

    def export(self, fmt: str) -> None:
        text = to_yaml(self.doc.doc) if fmt == "yaml" else to_json(self.doc.doc)
        ui.download.content(text.encode("utf-8"), f"{self.doc.doc.get('key', 'workflow')}.{fmt}",
                            "application/yaml" if fmt == "yaml" else "application/json")

    # --- after every edit ----------------------------------------------------------

    def changed(self, *, select: tuple[str, Any] | None = None, panel: bool = True, redraw: bool = True) -> None:
        """After an edit: the panel now; the canvas, toolbar and problems once the document is
        validated, at once when idle, else right after the run under way (a burst of edits costs
        one more run, the newest edit wins, and the canvas is redrawn once, with fresh badges).
        `redraw=False`: the canvas is unchanged (a save, a publish)."""
        if select is not None:
            self.selection = select
        if panel or select is not None:
            self.panel.show.refresh()
        if self.doc.dirty != self._guarded:
            self._guarded = self.doc.dirty
            ui.run_javascript(LEAVE_GUARD % ("true" if self._guarded else "false"))
        self._generation += 1
        self._redraw = self._redraw or redraw
        if not self._validating:
            self._validating = True
            background_tasks.create(self._validate(), name="designer-validate")

    async def _validate(self) -> None:
        try:
            while True:
                generation = self._generation
                problems = await io_bound(validate_definition, self.doc.snapshot())
                if generation == self._generation:
                    break
        finally:
            self._validating = False
        fresh = problems != self.problems
        self.problems = problems
        if fresh or self._redraw:
            self._redraw = False
            self.canvas.set_graph(*self._graph())
        self.toolbar.update()  # with the canvas: the browser re-renders once, not twice
        if fresh:
            self.problems_panel.refresh()

    def _graph(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        locale = current_locale()
        nodes, edges = self.doc.graph(self.problems, label=lambda v, f: label_text(as_label(v), locale, f),
                                      any_state=_("Any state"))
        if self.marks:
            for node in nodes:
                node["mark"] = self.marks.get(f"state:{node['id']}")
            for edge in edges:
                edge["mark"] = self.marks.get(f"edge:{transition_of(edge['id'])}@{edge['source']}")
        return nodes, edges

    def _select(self, selection: tuple[str, Any]) -> None:
        if selection != self.selection:
            self.selection = selection
            self.panel.show.refresh()

    def _still_selected(self) -> tuple[str, Any]:
        kind, ident = self.selection
        exists = (kind == "state" and self.doc.state(ident) is not None) or \
                 (kind == "transition" and self.doc.transition(ident) is not None)
        return self.selection if exists else ("workflow", None)

    def _canvas_labels(self) -> dict[str, str]:
        return {**{f"category_{k}": _(v) for k, v in CATEGORIES.items()},
                "canvas": _("Workflow canvas"), "palette": _("States"), "palette_item": _("State: {category}"),
                "palette_hint": _("Drag a state onto the canvas, or press Enter on one."),
                "empty": _("Drag a first state here from the palette."),
                "initial": _("Initial state"), "terminal": _("Terminal state"), "sla": _("Has a time goal"),
                "errors": _("{n} error(s)"), "warnings": _("{n} warning(s)"),
                "added": _("Added"), "removed": _("Removed"), "changed": _("Changed"),
                "visited": _("Visited"), "current": _("Current state"),
                "edge": _("{label}: from {source} to {target}"),
                "node_help": _("Drag from the right handle to another state to draw a transition."),
                "edge_help": _("Select it to edit who may take it and when."),
                "minimap": _("Overview"), "zoom_in": _("Zoom in"), "zoom_out": _("Zoom out"),
                "fit_view": _("Fit to screen")}
