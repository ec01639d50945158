"""A structural diff of two workflow documents: what a new version adds, removes and changes.

States and transitions are matched by `id`, fields and spanning SLAs by `key`; a
changed item lists which of its attributes differ. Designer positions (`layout`) and
the order of items are not changes a record would notice, so they are left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
KINDS: tuple[tuple[str, str, str], ...] = (  # kind, list in the document, identifying key
    ("state", "states", "id"),
    ("transition", "transitions", "id"),
    ("field", "fields", "key"),
    ("sla", "slas", "key"),
)
WORKFLOW_ATTRIBUTES = ("name", "subject", "description", "initial_state", "roles")


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    kind: str  # workflow | state | transition | field | sla
    key: str  # the item's id or key ("" for the workflow itself)
    change: str  # added | removed | changed
    attributes: tuple[str, ...] = ()  # for "changed": the attributes that differ, in the newer item's order

    @property
    def element(self) -> str:
        """`state:<id>`-style name, as problems use it (the designer colours it on the canvas)."""
        return f"{self.kind}:{self.key}" if self.kind != "workflow" else "workflow"


def diff_definitions(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every difference between `old` and `new`: workflow attributes first, then states,
    transitions, fields and SLAs (each in the newer document's order, removed ones last)."""
    changes: list[Change] = []
    attributes = _differing(old, new, WORKFLOW_ATTRIBUTES)
    if attributes:
        changes.append(Change(kind="workflow", key="", change=CHANGED, attributes=attributes))
    for kind, section, ident in KINDS:
        changes.extend(_diff_items(kind, _items(old, section, ident), _items(new, section, ident)))
    return changes


def _diff_items(kind: str, old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]
                ) -> Iterator[Change]:
    for key, item in new.items():
        before = old.get(key)
        if before is None:
            yield Change(kind=kind, key=key, change=ADDED)
            continue
        names = list(item) + [k for k in before if k not in item]
        attributes = _differing(before, item, names)
        if attributes:
            yield Change(kind=kind, key=key, change=CHANGED, attributes=attributes)
    for key in old:
        if key not in new:
            yield Change(kind=kind, key=key, change=REMOVED)


def _items(doc: Mapping[str, Any], section: str, ident: str) -> dict[str, Mapping[str, Any]]:
    items = doc.get(section) if isinstance(doc, Mapping) else None
    return {item[ident]: item for item in items or [] if isinstance(item, Mapping) and isinstance(item.get(ident), str)}


def _differing(old: Mapping[str, Any], new: Mapping[str, Any], names: Sequence[str]) -> tuple[str, ...]:
    return tuple(name for name in names if old.get(name) != new.get(name))
