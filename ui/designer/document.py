"""The workflow document a designer edits: graph edits with undo and redo.

Pure Python over the `baton/workflow@1` document (a plain dict), no NiceGUI and no
database, so every edit is tested without a browser. The canvas reports what a person
did (add a state, connect two states, move, delete, paste); this class applies it to
the document, records one undo step per edit and gives the canvas its nodes and edges
back. Positions live in the document's `layout.nodes`, so a layout survives save and
reload.

A transition whose `from` is a list is drawn as one edge per source state (edge id
`transition@source`); `from: "*"` is drawn from the "any state" node (`*`). Renaming a
state, transition or field, or deleting states, follows every reference to them
(`ui.designer.renames`) in the same undo step.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from domain.errors import N_
from engine.builtins import BUILTIN_KEYS
from engine.problems import Problem
from ui.designer import drawing, renames
from ui.designer.drawing import ANY, sources, transition_of

HISTORY = 200  # undo steps kept
ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
PASTE_OFFSET = 40
ID_RULE = N_("An id starts with a lowercase letter and has only lowercase letters, digits and underscores (at most "
             "63).")
KEY_RULE = N_("A key starts with a lowercase letter and has only lowercase letters, digits and underscores (at "
              "most 63).")


class DesignError(ValueError):
    """An edit that cannot be applied; `msgid` and `params` say why, for the person."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid, self.params = msgid, params
        super().__init__(msgid.format(**params))


class DesignDocument:
    """A workflow document under edit, with its undo and redo history."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.doc: dict[str, Any] = copy.deepcopy(dict(document))
        self.doc.setdefault("states", [])
        self.doc.setdefault("transitions", [])
        self._undo: list[str] = []
        self._redo: list[str] = []
        self._depth = 0
        self._current = self._saved = self._snapshot()  # the document as of the last edit, as JSON

    # --- history --------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def dirty(self) -> bool:
        """True while the document differs from what was last loaded or saved (edits go through `edit`)."""
        return self._current != self._saved

    def mark_saved(self, document: Mapping[str, Any] | None = None) -> None:
        """The document was saved (as `document`, when the store normalised it)."""
        if document is not None:
            self.doc = copy.deepcopy(dict(document))
        self._current = self._saved = self._snapshot()

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self._snapshot())
        self._current = self._undo.pop()
        self.doc = json.loads(self._current)
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self._snapshot())
        self._current = self._redo.pop()
        self.doc = json.loads(self._current)
        return True

    @contextmanager
    def edit(self) -> Iterator[dict[str, Any]]:
        """One undoable step: changes made inside are undone together; no change, no step.

        An exception inside leaves the document as it was. Nested edits join the outer step."""
        if self._depth:
            yield self.doc
            return
        before = self._snapshot()
        self._depth += 1
        try:
            yield self.doc
        except BaseException:
            self.doc, self._current = json.loads(before), before
            raise
        finally:
            self._depth -= 1
        self._current = self._snapshot()
        if self._current != before:
            self._undo.append(before)
            del self._undo[:-HISTORY]
            self._redo.clear()

    def replace(self, document: Mapping[str, Any]) -> None:
        """Swap in a whole document (an import, a template) as one undoable step."""
        with self.edit() as doc:
            doc.clear()
            doc.update(copy.deepcopy(dict(document)))
            doc.setdefault("states", [])
            doc.setdefault("transitions", [])

    # --- lookups --------------------------------------------------------------------

    @property
    def states(self) -> list[dict[str, Any]]:
        return [s for s in self.doc["states"] if isinstance(s, dict)]

    @property
    def transitions(self) -> list[dict[str, Any]]:
        return [t for t in self.doc["transitions"] if isinstance(t, dict)]

    def state(self, state_id: str) -> dict[str, Any] | None:
        return next((s for s in self.states if s.get("id") == state_id), None)

    def transition(self, transition_id: str) -> dict[str, Any] | None:
        return next((t for t in self.transitions if t.get("id") == transition_id), None)

    # --- graph edits ----------------------------------------------------------------

    def add_state(self, *, category: str, x: float, y: float, name: str) -> str:
        """A new state at (x, y) named `name` (numbered when taken); the first state of a workflow
        becomes its initial state."""
        with self.edit() as doc:
            state_id = self._free_id("new_state", {s.get("id") for s in self.states})
            names = {s.get("name") for s in self.states if isinstance(s.get("name"), str)}
            number = 1
            while (f"{name} {number}" if number > 1 else name) in names:
                number += 1
            doc["states"].append({"id": state_id, "name": f"{name} {number}" if number > 1 else name,
                                  "category": category})
            self._position(state_id, x, y)
            if not doc.get("initial_state") or self.state(doc["initial_state"]) is None:
                doc["initial_state"] = state_id
        return state_id

    def connect(self, *, source: str, target: str) -> str:
        """A new transition from `source` (a state or `*`) to `target`; its id says where it goes.

        Raises DesignError when either end is not a state of the document."""
        if target == ANY or self.state(target) is None:
            raise DesignError(N_("A transition must end in a state."))
        if source != ANY and self.state(source) is None:
            raise DesignError(N_("A transition must start from a state or from \"any state\"."))
        with self.edit() as doc:
            base = f"to_{target}" if source == ANY else f"{source}_to_{target}"
            transition_id = self._free_id(base[:63], {t.get("id") for t in self.transitions})
            doc["transitions"].append({"id": transition_id, "from": source, "to": target, "roles": []})
        return transition_id

    def move(self, moves: Iterable[Mapping[str, Any]]) -> None:
        """New positions (`{"id", "x", "y"}`) for states or the `*` node, as one step."""
        with self.edit():
            for item in moves:
                node_id = str(item.get("id", ""))
                if node_id == ANY or self.state(node_id) is not None:
                    self._position(node_id, float(item["x"]), float(item["y"]))

    def delete(self, *, nodes: Iterable[str] = (), edges: Iterable[str] = ()) -> None:
        """Remove states (with their transitions and every mention of them) and edges, as one step."""
        gone_states = {n for n in nodes if self.state(n) is not None}
        with self.edit() as doc:
            for edge_id in edges:
                self._drop_edge(edge_id)
            if ANY in set(nodes):
                doc["transitions"] = [t for t in self.transitions if t.get("from") != ANY]
            if gone_states:
                renames.drop_states(doc, gone_states)

    def copy(self, *, nodes: Iterable[str]) -> dict[str, Any]:
        """A clipboard of the given states and the transitions between them."""
        ids = {n for n in nodes if self.state(n) is not None}
        positions = self.positions()
        return {"states": [copy.deepcopy(s) for s in self.states if s["id"] in ids],
                "transitions": [copy.deepcopy(t) for t in self.transitions
                                if t.get("to") in ids and set(sources(t)) <= ids],
                "layout": {i: positions[i] for i in ids}}

    def paste(self, clipboard: Mapping[str, Any], *, x: float | None = None, y: float | None = None) -> list[str]:
        """Add a copy of a clipboard with fresh ids; placed at (x, y), or offset from the originals."""
        states = clipboard.get("states") or []
        if not states:
            return []
        layout = clipboard.get("layout") or {}
        xs = [layout.get(s["id"], {}).get("x", 0.0) for s in states]
        ys = [layout.get(s["id"], {}).get("y", 0.0) for s in states]
        dx = (x - min(xs)) if x is not None else PASTE_OFFSET
        dy = (y - min(ys)) if y is not None else PASTE_OFFSET
        with self.edit() as doc:
            renamed: dict[str, str] = {}
            taken = {s.get("id") for s in self.states}
            for state in states:
                new = copy.deepcopy(state)
                new["id"] = renamed[state["id"]] = self._free_id(state["id"], taken)
                taken.add(new["id"])
                doc["states"].append(new)
                old = layout.get(state["id"], {"x": 0.0, "y": 0.0})
                self._position(new["id"], old["x"] + dx, old["y"] + dy)
            taken = {t.get("id") for t in self.transitions}
            for transition in clipboard.get("transitions") or []:
                new = copy.deepcopy(transition)
                new["to"] = renamed[transition["to"]]
                froms = [renamed[s] for s in sources(transition)]
                drawn = len(froms) == 1 and transition["id"] == f"{transition['from']}_to_{transition['to']}"
                base = f"{froms[0]}_to_{new['to']}"[:63] if drawn else transition["id"]
                new["id"] = self._free_id(base, taken)
                taken.add(new["id"])
                new["from"] = froms[0] if isinstance(transition["from"], str) else froms
                doc["transitions"].append(new)
        return list(renamed.values())

    # --- property edits -------------------------------------------------------------

    def rename_state(self, old: str, new: str) -> None:
        """Change a state's id everywhere the document names it (`renames.rename_state`).

        Raises DesignError when `new` is not an id or another state has it."""
        if old == new:
            return
        self._check_new_id(new, {s.get("id") for s in self.states}, N_("Another state already has the id {id}."))
        with self.edit() as doc:
            renames.rename_state(doc, old, new)

    def rename_transition(self, old: str, new: str) -> None:
        """Change a transition's id, and every `fire` action that names it (`renames.rename_transition`).

        Raises DesignError when `new` is not an id or another transition has it."""
        if old == new:
            return
        self._check_new_id(new, {t.get("id") for t in self.transitions},
                           N_("Another transition already has the id {id}."))
        with self.edit() as doc:
            renames.rename_transition(doc, old, new)

    def rename_field(self, old: str, new: str, *, index: int | None = None) -> None:
        """Change a custom field's key (the field at `index` of `fields`, when given), and every condition,
        requirement and action that names it (`renames.rename_field`), as one step.

        Raises DesignError when there is no such field, `new` is not a key, or another field (a custom
        one, or one every record has) already answers to it."""
        if old == new:
            return
        found = [i for i, f in enumerate(self.doc.get("fields") or []) if isinstance(f, dict) and f.get("key") == old]
        if not found or index not in (None, *found):
            raise DesignError(N_("There is no field “{field}”; declare it under fields."), field=old)
        if new in BUILTIN_KEYS:
            raise DesignError(N_("Every record already has a field “{key}”; choose another key."), key=new)
        self._check_new_id(new, {f.get("key") for f in self.doc["fields"] if isinstance(f, dict)},
                           N_("Another field already has this key."), malformed=KEY_RULE)
        with self.edit() as doc:
            renames.rename_field(doc, old, new, index=index)

    def update(self, target: dict[str, Any] | None, changes: Mapping[str, Any]) -> None:
        """Set keys of a state, transition or the workflow itself; a value of None removes the key."""
        if target is None:
            return
        with self.edit():
            for key, value in changes.items():
                if value is None or value == [] or value == {}:
                    target.pop(key, None)
                else:
                    target[key] = copy.deepcopy(value)

    def set_initial(self, state_id: str) -> None:
        if self.state(state_id) is not None:
            with self.edit() as doc:
                doc["initial_state"] = state_id

    # --- what the canvas shows (ui.designer.drawing) --------------------------------

    def positions(self) -> dict[str, dict[str, float]]:
        """Every state's position (and the `*` node's when used); missing ones get a layered default."""
        return drawing.positions(self.doc)

    def graph(self, problems: Sequence[Problem], *, label: Callable[[Any, str], str],
              any_state: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Nodes and edges for the canvas, with each element's error and warning counts.

        `label(value, fallback)` turns a label map into text for the viewer."""
        return drawing.graph(self.doc, problems, label=label, any_state=any_state)

    # --- helpers --------------------------------------------------------------------

    def _position(self, node_id: str, x: float, y: float) -> None:
        self.doc.setdefault("layout", {}).setdefault("nodes", {})[node_id] = {"x": round(x), "y": round(y)}

    def _drop_edge(self, edge_id: str) -> None:
        transition = self.transition(transition_of(edge_id))
        if transition is None:
            return
        source = edge_id.split("@", 1)[1] if "@" in edge_id else None
        if source is not None and isinstance(transition.get("from"), list):
            remaining = [s for s in transition["from"] if s != source]
            if remaining:
                transition["from"] = remaining if len(remaining) > 1 else remaining[0]
                return
        self.doc["transitions"] = [t for t in self.transitions if t is not transition]

    def _check_new_id(self, new: str, taken: set[Any], clash: str, *, malformed: str = ID_RULE) -> None:
        if not ID.match(new):
            raise DesignError(malformed)
        if new in taken:
            raise DesignError(clash, id=new)

    @staticmethod
    def _free_id(base: str, taken: set[Any]) -> str:
        if base not in taken:
            return base
        stem = re.sub(r"_\d+$", "", base)[:58]
        number = 2
        while f"{stem}_{number}" in taken:
            number += 1
        return f"{stem}_{number}"

    def snapshot(self) -> dict[str, Any]:
        """A deep copy of the document (safe to read in another thread while edits go on)."""
        copied: dict[str, Any] = json.loads(self._snapshot())
        return copied

    def _snapshot(self) -> str:
        return json.dumps(self.doc, sort_keys=True, ensure_ascii=False)

