"""What the designer's canvas shows of a workflow document: nodes, edges, positions.

Plain functions over the document dict (`baton/workflow@1`); `DesignDocument` calls them.
A transition whose `from` is a list is drawn as one edge per source state (edge id
`transition@source`); `from: "*"` is drawn from the "any state" node (`*`). States with no
saved position get a layered default: breadth-first rank from the initial state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine.problems import Problem

ANY = "*"
GRID_X, GRID_Y = 280, 130  # fallback layout for states the document has no position for
RANKS_PER_BAND, BAND_GAP = 4, 60  # the fallback wraps after this many ranks, into a band this far below


def transition_of(edge_id: str) -> str:
    """The transition an edge draws: `approve`, `approve@submitted` (one of several sources) and
    `approve@submitted~done` (a comparison's ghost of a former edge) → `approve`."""
    return edge_id.split("@", 1)[0]


def sources(transition: Mapping[str, Any]) -> list[str]:
    """The states a transition leaves from (`*` included as such)."""
    source = transition.get("from")
    if isinstance(source, list):
        return [s for s in source if isinstance(s, str)]
    return [source] if isinstance(source, str) else []


def positions(doc: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """Every state's position (and the `*` node's when used); missing ones get a layered default.

    The default: breadth-first rank from the initial state, left to right, wrapped after
    `RANKS_PER_BAND` ranks into a band below (as text wraps), so a long workflow opens
    readable in a canvas of ordinary width rather than as one long, tiny row."""
    layout = doc.get("layout")
    saved = layout.get("nodes") if isinstance(layout, Mapping) else None
    stored: Mapping[str, Any] = saved if isinstance(saved, Mapping) else {}  # no layout: all by default
    ranks = _ranks(doc)
    after_last = max(ranks.values(), default=0) + 1
    result: dict[str, dict[str, float]] = {}
    slots: dict[str, tuple[int, int]] = {}  # state -> (rank, row within its rank)
    rows: dict[int, int] = {}
    for state in _items(doc, "states"):
        sid = state.get("id")
        if not isinstance(sid, str):
            continue
        if sid in stored:
            result[sid] = {"x": float(stored[sid]["x"]), "y": float(stored[sid]["y"])}
            continue
        rank = ranks.get(sid, after_last)
        slots[sid] = (rank, rows.get(rank, 0))
        rows[rank] = rows.get(rank, 0) + 1
    tops, bottom = _band_tops(rows)
    for sid, (rank, row) in slots.items():
        band, column = divmod(rank, RANKS_PER_BAND)
        result[sid] = {"x": float(column * GRID_X), "y": float(tops[band] + row * GRID_Y)}
    if any(t.get("from") == ANY for t in _items(doc, "transitions")):
        default = {"x": -GRID_X, "y": float(bottom)}
        result[ANY] = {"x": float(stored[ANY]["x"]), "y": float(stored[ANY]["y"])} if ANY in stored else default
    return result


def _band_tops(rows: Mapping[int, int]) -> tuple[dict[int, float], float]:
    """Each band's top (a band is as tall as its tallest rank) and the bottom of the last one."""
    tallest: dict[int, int] = {}
    for rank, count in rows.items():
        band = rank // RANKS_PER_BAND
        tallest[band] = max(tallest.get(band, 0), count)
    tops, top = {}, 0.0
    for band in range(max(tallest, default=-1) + 1):
        tops[band] = top
        top += tallest.get(band, 0) * GRID_Y + BAND_GAP
    return tops, top


def graph(doc: Mapping[str, Any], problems: Sequence[Problem], *, label: Callable[[Any, str], str],
          any_state: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Nodes and edges for the canvas, with each element's error and warning counts.

    `label(value, fallback)` turns a label map into text for the viewer."""
    counts = _counts(problems)
    placed = positions(doc)
    initial, sla_states = doc.get("initial_state"), _sla_states(doc)
    nodes = []
    for state in _items(doc, "states"):
        sid = state.get("id")
        if not isinstance(sid, str) or sid not in placed:
            continue
        errors, warnings = counts.get(f"state:{sid}", (0, 0))
        nodes.append({"id": sid, "label": label(state.get("name"), sid),
                      "category": state.get("category", "todo"), "initial": sid == initial,
                      "terminal": bool(state.get("terminal")), "sla": sid in sla_states,
                      "errors": errors, "warnings": warnings, "mark": None, **placed[sid]})
    if ANY in placed:
        nodes.append({"id": ANY, "label": any_state, "category": "todo", "initial": False, "terminal": False,
                      "sla": False, "errors": 0, "warnings": 0, "mark": None, **placed[ANY]})
    edges = []
    for transition in _items(doc, "transitions"):
        tid = transition.get("id")
        if not isinstance(tid, str):
            continue
        errors, warnings = counts.get(f"transition:{tid}", (0, 0))
        froms = sources(transition)
        for source in froms:
            if source not in placed or transition.get("to") not in placed:
                continue
            edges.append({"id": tid if len(froms) == 1 else f"{tid}@{source}", "source": source,
                          "target": transition["to"], "label": label(transition.get("label"), tid),
                          "errors": errors, "warnings": warnings, "mark": None})
    return nodes, edges


def _items(doc: Mapping[str, Any], section: str) -> list[dict[str, Any]]:
    return [item for item in doc.get(section) or [] if isinstance(item, dict)]


def _ranks(doc: Mapping[str, Any]) -> dict[str, int]:
    """Breadth-first distance from the initial state (unreached states get none)."""
    successors: dict[str, list[str]] = {}
    for transition in _items(doc, "transitions"):
        for source in sources(transition):
            successors.setdefault(source, []).append(transition.get("to", ""))
    start = doc.get("initial_state")
    ranks: dict[str, int] = {start: 0} if isinstance(start, str) else {}
    frontier = list(ranks)
    while frontier:
        following = []
        for node in frontier:
            for target in successors.get(node, []):
                if target not in ranks:
                    ranks[target] = ranks[node] + 1
                    following.append(target)
        frontier = following
    return ranks


def _sla_states(doc: Mapping[str, Any]) -> set[str]:
    states = {s["id"] for s in _items(doc, "states") if isinstance(s.get("sla"), dict)}
    for sla in _items(doc, "slas"):
        states.update(s for s in sla.get("start_on") or [] if isinstance(s, str))
    return states


def _counts(problems: Sequence[Problem]) -> dict[str, tuple[int, int]]:
    counts: dict[str, tuple[int, int]] = {}
    for problem in problems:
        if problem.element:
            errors, warnings = counts.get(problem.element, (0, 0))
            counts[problem.element] = (errors + (problem.severity == "error"), warnings + (problem.severity != "error"))
    return counts
