"""What the versions dialog draws when two versions are compared: the newer one, marked.

The newer document's nodes and edges (`drawing.graph`, at its own saved layout) carry the
diff's marks, "added" or "changed". What the older version drew and the newer one does not
is added as a ghost, marked "removed":

- a removed state, at its place in the older layout, moved down clear of every other node
  where it would overlap one (both layouts share one coordinate space, so spots collide);
- every edge of a removed transition, as the older drawing had it (id `transition` or
  `transition@source`), ending at the ghost of a removed state where it did;
- an edge a kept transition no longer draws (it lost a source or changed its target), with
  the id `transition@source~target`: a live id can never be that (ids have no `~`);
- the "any state" node (`*`) when only a ghost edge still leaves from it.

A ghost keeps its id from the older drawing otherwise: a state or transition the newer
version lacks has no namesake among the live elements. Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from engine.diff import ADDED, CHANGED, REMOVED, Change
from ui.designer.drawing import ANY, graph, transition_of

NODE_WIDTH, NODE_HEIGHT = 184, 64  # a node as the canvas draws it (flow units; the height is the usual one)
CLEARANCE = 16  # the least gap between two nodes' boxes
STEP_Y = NODE_HEIGHT + 2 * CLEARANCE  # how far a ghost moves down, each time it still overlaps a node

Node = dict[str, Any]
Edge = dict[str, Any]


def comparison_graph(older: Mapping[str, Any], newer: Mapping[str, Any], changes: Iterable[Change], *,
                     label: Callable[[Any, str], str], any_state: str) -> tuple[list[Node], list[Edge]]:
    """Nodes and edges of `newer` with the marks of `changes` (`diff_definitions(older, newer)`),
    followed by the ghosts of what `older` had and `newer` lacks, for a read-only canvas.

    `label(value, fallback)` turns a label map into text for the viewer; `any_state` names the `*` node.
    Ids are unique among nodes and among edges, and every edge ends at a node."""
    marks = {c.element: c.change for c in changes if c.change in (ADDED, CHANGED)}
    nodes, edges = graph(newer, [], label=label, any_state=any_state)
    old_nodes, old_edges = graph(older, [], label=label, any_state=any_state)
    old_ids = {node["id"] for node in old_nodes}
    for node in nodes:
        if node["id"] == ANY:
            node["mark"] = None if ANY in old_ids else ADDED
        else:
            node["mark"] = marks.get(f"state:{node['id']}")
    for edge in edges:
        edge["mark"] = marks.get(f"transition:{transition_of(edge['id'])}")

    live_ids = {node["id"] for node in nodes}
    drawn = {(transition_of(e["id"]), e["source"], e["target"]) for e in edges}
    kept_transitions = {transition_of(e["id"]) for e in edges} | _transition_ids(newer)
    ghost_edges = []
    for edge in old_edges:
        tid = transition_of(edge["id"])
        if (tid, edge["source"], edge["target"]) in drawn:
            continue
        ident = f"{tid}@{edge['source']}~{edge['target']}" if tid in kept_transitions else edge["id"]
        ghost_edges.append({**edge, "id": ident, "mark": REMOVED, "errors": 0, "warnings": 0})
    needed = {end for edge in ghost_edges for end in (edge["source"], edge["target"])}
    ghost_nodes = [{**node, "mark": REMOVED, "errors": 0, "warnings": 0} for node in old_nodes
                   if node["id"] not in live_ids and (node["id"] != ANY or ANY in needed)]
    _clear_of_others(ghost_nodes, nodes)
    return nodes + ghost_nodes, edges + ghost_edges


def _transition_ids(doc: Mapping[str, Any]) -> set[str]:
    return {t["id"] for t in doc.get("transitions") or [] if isinstance(t, Mapping) and isinstance(t.get("id"), str)}


def _clear_of_others(ghosts: list[Node], live: list[Node]) -> None:
    """Move each ghost down (in place) until its box keeps `CLEARANCE` from every node placed before it."""
    placed = [(float(node["x"]), float(node["y"])) for node in live]
    for ghost in ghosts:
        x, y = float(ghost["x"]), float(ghost["y"])
        while any(_overlaps(x, y, other) for other in placed):
            y += STEP_Y
        ghost["x"], ghost["y"] = x, y
        placed.append((x, y))


def _overlaps(x: float, y: float, other: tuple[float, float]) -> bool:
    return abs(x - other[0]) < NODE_WIDTH + CLEARANCE and abs(y - other[1]) < NODE_HEIGHT + CLEARANCE
