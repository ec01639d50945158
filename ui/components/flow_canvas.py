"""The designer's canvas: states and transitions drawn by Vue Flow in one custom Vue component (flow_canvas.js).

The component knows nothing of workflows or the database. It shows nodes (states) and edges
(transitions) given as data, a palette of state categories to drag in, a background grid, a minimap
and zoom controls, and reports what the person did. It adds, connects, deletes and keeps nothing on
its own: every edit is an event, and the owner of the document answers with `set_graph`. Only while
a node is dragged does the browser hold a position the server has not sent.

Events (receive them with `canvas.on(name, handler)`; `e.args` is the payload):

- `"add_node"` {"category", "x", "y"}: a palette item was dropped on the canvas, or its button pressed
  (Enter, Space or a click: then at the viewport's centre). x, y are the new node's position in flow
  coordinates (its top left corner), chosen so that the node is centred where it was dropped.
- `"connect"`  {"source", "target"}: a drag from a node's source handle (right) ended on a target handle (left).
- `"move"`     {"moves": [{"id", "x", "y"}, ...]}: once per drag, when it stops, with every node it moved
  (rounded positions); also once per arrow key press that moved the selected nodes.
- `"select"`   {"nodes": [ids], "edges": [ids]}: the selection changed (debounced; also after `select()`).
- `"delete"`   {"nodes": [ids], "edges": [ids]}: Delete or Backspace with a selection. Nothing is removed here.
- `"undo"`, `"redo"` {}: Ctrl+Z; Ctrl+Y or Ctrl+Shift+Z (Cmd on macOS).
- `"copy"`     {"nodes", "edges"}: Ctrl+C with a selection. `"paste"` {"x", "y"}: Ctrl+V, at the pointer if it
  is over the canvas, else at the viewport's centre (flow coordinates).
- `"layout"`   {"moves": [...]}: the positions `auto_layout()` computed; nothing moves until the server sets them.

A click selects a node or an edge; Shift-, Ctrl- or Cmd-click adds to the selection; Shift-drag on the
empty canvas draws a box that selects the nodes inside and the edges with both ends inside. Dragging a
selected node moves the whole selection; dragging the empty canvas pans, the wheel zooms. Keyboard
shortcuts act only while focus is inside the component (its palette, canvas, a node or an edge), never
while someone types elsewhere on the page.

With `readonly=True` the canvas only shows: no palette, nodes can be neither dragged nor connected, and
no key edits anything (Vue Flow's arrow keys move no node either; Tab, Enter and Escape still focus
and select); panning, zooming,
the minimap, `fit()` and `select()` work as ever. Clicks still select and `"select"` is still reported,
which changes nothing; `"layout"` answers `auto_layout()`; no other event is ever sent.

Marks (`mark`) are drawn in colour and in words: a node shows its mark's label and its accessible name
ends with it in brackets ("Review (Changed)"), as an edge's does. A version comparison uses "added",
"changed" and "removed" ("removed" ones are ghosts: dashed outline, faded, the label struck through);
the simulator uses "visited" (the states and transitions a pretend record passed through: a blue
outline or line) and "current" (the state it is in now: a thicker outline with a halo). Their colours
are `MARK_COLOURS` (light theme) and `MARK_COLOURS_DARK` (dark), sent to the browser with the element, so a
legend drawn elsewhere can use the same; lines, outlines, arrowheads and badges follow the theme as it changes.

`set_graph` updates the browser with one message and keeps the element's props in step without
resending them, so a reconnecting client draws the present; neither it nor any other call moves the
viewport (only the first graph is fitted to the view). Anything that sends the whole element again
(`update()`, `.props()`) redraws the graph from the props, viewport kept.

Vue Flow 1.48 and its style sheet are vendored in vendor/vue-flow/dist (see its README.md), served by
NiceGUI as the ES module `baton-vue-flow`; nothing is fetched from elsewhere. The canvas is as tall as
the CSS variable `--flow-canvas-height` (default 100% of its parent, at least `--flow-canvas-min-height`,
360px); its own styles come with flow_canvas.js (one <style> per page), dark mode follows Quasar's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from nicegui import ui

CATEGORIES: tuple[str, ...] = ("todo", "in_progress", "waiting", "done", "cancelled")
# Each mark's colour: outlines, lines, arrowheads, and the background of its badge (MARK_TEXT on it). In the
# light theme each keeps at least 3:1 against the canvas and a node (#f7f8fa, #ffffff) and 4.5:1 against its
# white badge text; visited and current are indigo and deep blue, apart from the lighter blue of a selection;
# "changed" is amber 700. The dark theme's (Quasar's body--dark) are lighter tints of the same hues, at least
# 3:1 against the dark canvas and node (#16181d, #2a2f38) and 4.5:1 against their dark badge text.
# tests/ui/test_mark_contrast.py measures every pair.
MARK_COLOURS: Mapping[str, str] = MappingProxyType({
    "added": "#2e7d32", "removed": "#c62828", "changed": "#b45309", "visited": "#3949ab", "current": "#0d47a1",
})
MARK_COLOURS_DARK: Mapping[str, str] = MappingProxyType({
    "added": "#66bb6a", "removed": "#ff8a80", "changed": "#ffa726", "visited": "#9fa8da", "current": "#82b1ff",
})
MARK_TEXT: Mapping[str, str] = MappingProxyType({"light": "#ffffff", "dark": "#16181d"})  # a badge's text, per theme
MARKS: frozenset[str | None] = frozenset({None, *MARK_COLOURS})
LABEL_KEYS: tuple[str, ...] = (
    "canvas", "palette", "palette_item", "palette_hint", "empty",
    *(f"category_{category}" for category in CATEGORIES),
    "initial", "terminal", "sla", "errors", "warnings", *MARK_COLOURS,
    "edge", "node_help", "edge_help", "minimap", "zoom_in", "zoom_out", "fit_view",
)


class FlowCanvas(ui.element, component="flow_canvas.js", esm={"baton-vue-flow": "vendor/vue-flow/dist"}):
    """Nodes and edges on a pannable, zoomable canvas, with a palette to add states.

    :param nodes: `{"id", "label", "category", "initial", "terminal", "sla", "errors", "warnings", "x", "y",
        "mark"}` dicts; `category` is one of `CATEGORIES`, `mark` None or a key of `MARK_COLOURS`: "added",
        "removed", "changed" (version comparisons), "visited" or "current" (the simulator). Only id, label and
        category are required; the flags default to False, the counts and the position to 0, the mark to None.
    :param edges: `{"id", "source", "target", "label", "errors", "warnings", "mark"}` dicts; source and target
        are node ids (equal for a self-loop; several edges may join the same two nodes).
    :param labels: translated texts, keys `LABEL_KEYS`: `palette_item` may hold `{category}`, `errors` and
        `warnings` `{n}`, `edge` `{label}`, `{source}` and `{target}` (the node labels);
        `category_<category>` name the categories, and each mark is named by its own key (`added`, `removed`,
        `changed`, `visited`, `current`): the word on the node or edge and in its accessible name.
    :param readonly: only show the graph (see the module's docstring); fixed for the element's life.
    :raises ValueError: on a missing label, an unknown category or mark, a repeated id, or an edge whose
        source or target is not a node.
    """

    def __init__(self, nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]], *,
                 labels: Mapping[str, str], readonly: bool = False) -> None:
        super().__init__()
        missing = [key for key in LABEL_KEYS if key not in labels]
        if missing:
            raise ValueError(f"FlowCanvas labels lack: {', '.join(missing)}")
        checked_nodes, checked_edges = _checked_graph(nodes, edges)
        with self._props.suspend_updates():
            self._props["labels"] = dict(labels)
            self._props["readonly"] = bool(readonly)
            self._props["colours"] = {"light": dict(MARK_COLOURS), "dark": dict(MARK_COLOURS_DARK),
                                      "text": dict(MARK_TEXT)}
            # tuples are not wrapped in observable collections, and no update() is sent
            self._props["nodes"] = checked_nodes
            self._props["edges"] = checked_edges

    @property
    def readonly(self) -> bool:
        return bool(self._props["readonly"])

    @property
    def nodes(self) -> tuple[dict[str, Any], ...]:
        """The nodes as the browser last received them (normalised; not to be edited)."""
        return tuple(self._props["nodes"])

    @property
    def edges(self) -> tuple[dict[str, Any], ...]:
        return tuple(self._props["edges"])

    def set_graph(self, nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]]) -> None:
        """Replace every node and edge. The viewport stays; so does the selection of ids that still exist.

        :raises ValueError: as the constructor does; nothing is sent then.
        """
        checked_nodes, checked_edges = _checked_graph(nodes, edges)
        with self._props.suspend_updates():
            self._props["nodes"] = checked_nodes
            self._props["edges"] = checked_edges
        self.run_method("set_graph", checked_nodes, checked_edges)

    def select(self, ids: Iterable[str]) -> None:
        """Select the nodes and edges with these ids (only them) and centre the view on them, zoom kept.

        A node and an edge sharing an id are both selected; no id clears the selection. The browser answers
        with a `select` event when the selection changed.
        """
        self.run_method("select", [str(item) for item in ids])

    def fit(self) -> None:
        """Zoom and pan so that every node is in view (never zoomed in beyond 100%)."""
        self.run_method("fit")

    def auto_layout(self) -> None:
        """Compute a left-to-right layered layout (dagre) and report it as a `layout` event.

        The positions depend only on the nodes, the edges and the nodes' rendered sizes (the same graph
        gives the same positions); no node moves until the server sets them with `set_graph`.
        """
        self.run_method("auto_layout")


def _checked_graph(nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]]) \
        -> tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]:
    checked_nodes = tuple(_checked_node(node) for node in nodes)
    node_ids = _unique_ids(checked_nodes, "node")
    checked_edges = tuple(_checked_edge(edge) for edge in edges)
    _unique_ids(checked_edges, "edge")
    for edge in checked_edges:
        for end in ("source", "target"):
            if edge[end] not in node_ids:
                raise ValueError(f"Flow edge {edge['id']!r} has a {end} {edge[end]!r} that is no node")
    return checked_nodes, checked_edges


def _checked_node(node: Mapping[str, Any]) -> dict[str, Any]:
    node_id = str(node["id"])
    if node.get("category") not in CATEGORIES:
        raise ValueError(f"Flow node {node_id!r} has an unknown category {node.get('category')!r}")
    return {"id": node_id, "label": str(node["label"]), "category": node["category"],
            "initial": bool(node.get("initial", False)), "terminal": bool(node.get("terminal", False)),
            "sla": bool(node.get("sla", False)), "errors": _count(node, "errors"), "warnings": _count(node, "warnings"),
            "x": _coordinate(node, "x"), "y": _coordinate(node, "y"), "mark": _mark(node, node_id)}


def _checked_edge(edge: Mapping[str, Any]) -> dict[str, Any]:
    edge_id = str(edge["id"])
    return {"id": edge_id, "source": str(edge["source"]), "target": str(edge["target"]),
            "label": str(edge.get("label") or ""), "errors": _count(edge, "errors"),
            "warnings": _count(edge, "warnings"), "mark": _mark(edge, edge_id)}


def _unique_ids(items: Sequence[Mapping[str, Any]], kind: str) -> set[str]:
    seen: set[str] = set()
    for item in items:
        if item["id"] in seen:
            raise ValueError(f"Flow {kind} id {item['id']!r} appears twice")
        seen.add(item["id"])
    return seen


def _count(item: Mapping[str, Any], key: str) -> int:
    return max(0, int(item.get(key) or 0))


def _coordinate(item: Mapping[str, Any], key: str) -> float:
    value = float(item.get(key) or 0.0)
    if not math.isfinite(value):
        raise ValueError(f"Flow node {item['id']!r} has a position {key}={value!r} that is not a finite number")
    return value


def _mark(item: Mapping[str, Any], item_id: str) -> str | None:
    mark = item.get("mark")
    if mark not in MARKS:
        raise ValueError(f"Flow element {item_id!r} has an unknown mark {mark!r}")
    return None if mark is None else str(mark)
