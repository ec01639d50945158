"""A data-driven kanban board: one custom Vue component (kanban.js) renders every card.

One NiceGUI element per card costs ~1.3 ms of server time (2.6 s for 2,000 cards);
this element holds the cards as data and the browser renders them. The component
knows nothing of workflows: it shows columns and cards, lets people drag a card onto
one of its `targets`, and reports what happened.

Events (receive them with `board.on(name, handler)`; `e.args` is the payload):

- `"move"`    {"id", "from", "to", "version"}: a card was dropped on one of its targets
  (or chosen in its "move to" menu). The card waits in the target column, marked busy,
  until the server calls `upsert_cards` (accepted) or `snap_back` (refused).
- `"open"`    {"id"}: a card was clicked, or Enter/Space was pressed on it.
- `"refused"` {"id", "to"}: a card was dropped on a column outside its targets (or on
  a blocked one); the browser already kept it where it was.

Calls that change data (`set_cards`, `upsert_cards`, `remove_cards`, `set_filter`,
`set_lanes`) update the browser with a small message and keep the element's props in
step without resending the whole board, so a reconnecting client renders the present.
Anything that sends the whole element again (`update()`, `.props()`, `.classes()` after
the first render) resends every card and forgets the browser's pending moves.

Above the column heads, consecutive columns of one category share a group header (the
category's name, given translated in `categories`, and how many columns it spans); the
columns keep their order, so a workflow that interleaves categories shows one group per run.

The board is as tall as the CSS variable `--kanban-height` (default `calc(100vh - 160px)`),
or give it a height with `.style()`; its styles come with kanban.js (one <style> per page).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from nicegui import ui

LaneBy = Literal["assignee", "priority", "vendor"]
LANES: frozenset[str] = frozenset({"assignee", "priority", "vendor"})
CATEGORIES: frozenset[str] = frozenset({"todo", "in_progress", "waiting", "done", "cancelled"})
LABEL_KEYS: tuple[str, ...] = ("board", "empty", "over_wip", "days", "drop_here", "not_allowed", "move_to",
                               "unassigned", "no_vendor", "lane_none", "group_columns")
FILTER_KEYS: tuple[str, ...] = ("text", "assignee", "priority", "tag", "vendor", "mine")


class KanbanBoard(ui.element, component="kanban.js"):
    """Columns of cards with drag and drop, keyboard moves, filters and swimlanes.

    :param columns: `{"id", "label", "category", "wip"}` dicts, shown in this order;
        `category` is one of todo, in_progress, waiting, done, cancelled; `wip` an int or None.
    :param cards: card dicts (fields listed at the top of kanban.js); each needs at least
        `id`, `ref`, `title`, `state` (a column id), `version` and `targets` (column ids).
    :param labels: translated texts, keys `LABEL_KEYS`; `days` may hold `{n}`, `over_wip` `{n}` and `{wip}`,
        `group_columns` `{n}` (the number of columns under a category's group header).
    :param categories: the translated name of each category the columns use (group headers).
    :param lane_by: None, "assignee", "priority" or "vendor" (swimlanes).
    :raises ValueError: on a missing label or category name, an unknown lane or category, or a repeated column id.
    """

    def __init__(self, columns: Sequence[Mapping[str, Any]], cards: Iterable[Mapping[str, Any]], *,
                 labels: Mapping[str, str], categories: Mapping[str, str], lane_by: LaneBy | None = None) -> None:
        super().__init__()
        missing = [key for key in LABEL_KEYS if key not in labels]
        if missing:
            raise ValueError(f"KanbanBoard labels lack: {', '.join(missing)}")
        checked = _checked_columns(columns)
        unnamed = sorted({c["category"] for c in checked if not categories.get(c["category"])})
        if unnamed:
            raise ValueError(f"KanbanBoard categories lack a name for: {', '.join(unnamed)}")
        self._cards: dict[str, dict[str, Any]] = {}
        with self._props.suspend_updates():
            self._props["columns"] = checked
            self._props["categories"] = {c["category"]: str(categories[c["category"]]) for c in checked}
            self._props["labels"] = dict(labels)
            self._props["lane_by"] = _checked_lane(lane_by)
            self._props["filter"] = _checked_filter({})
        self._store(cards, replace=True)

    @property
    def cards(self) -> tuple[dict[str, Any], ...]:
        """The cards as the browser has them (copies would be cheap, but these are not to be edited)."""
        return tuple(self._cards.values())

    def set_cards(self, cards: Iterable[Mapping[str, Any]]) -> None:
        """Replace every card (pending moves are forgotten)."""
        sent = self._store(cards, replace=True)
        self.run_method("set_cards", sent)

    def upsert_cards(self, cards: Iterable[Mapping[str, Any]]) -> None:
        """Add cards, or replace those with the same id in place; ends their pending look."""
        sent = self._store(cards, replace=False)
        self.run_method("upsert_cards", sent)

    def remove_cards(self, ids: Iterable[str]) -> None:
        gone = [str(card_id) for card_id in ids]
        for card_id in gone:
            self._cards.pop(card_id, None)
        self._sync_cards()
        self.run_method("remove_cards", gone)

    def set_filter(self, flt: Mapping[str, str | None]) -> None:
        """Show only matching cards: `text` in ref or title (any case); the others are ids or values, ANDed.

        Keys: text, assignee (assignee_id), priority, tag, vendor (vendor_id), mine (assignee_id).
        :raises ValueError: on an unknown key.
        """
        checked = _checked_filter(flt)
        with self._props.suspend_updates():
            self._props["filter"] = checked
        self.run_method("set_filter", checked)

    def set_lanes(self, lane_by: LaneBy | None) -> None:
        """Swimlanes by assignee, priority or vendor; None for plain columns."""
        checked = _checked_lane(lane_by)
        with self._props.suspend_updates():
            self._props["lane_by"] = checked
        self.run_method("set_lanes", checked)

    def snap_back(self, card_id: str) -> None:
        """Put a card back where its `state` says (the server refused its move)."""
        self.run_method("snap_back", card_id)

    def _store(self, cards: Iterable[Mapping[str, Any]], *, replace: bool) -> list[dict[str, Any]]:
        sent = [dict(card) for card in cards]
        if replace:
            self._cards = {}
        for card in sent:
            if "id" not in card or "state" not in card:
                raise ValueError(f"A kanban card needs an id and a state: {card!r}")
            self._cards[str(card["id"])] = card
        self._sync_cards()
        return sent

    def _sync_cards(self) -> None:
        # a tuple is not wrapped in observable collections (2,000 dicts would be), and no update() is sent
        with self._props.suspend_updates():
            self._props["cards"] = tuple(self._cards.values())


def _checked_columns(columns: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    seen: set[str] = set()
    checked = []
    for column in columns:
        column_id = str(column["id"])
        if column_id in seen:
            raise ValueError(f"Kanban column id {column_id!r} appears twice")
        if column.get("category") not in CATEGORIES:
            raise ValueError(f"Kanban column {column_id!r} has an unknown category {column.get('category')!r}")
        seen.add(column_id)
        checked.append({"id": column_id, "label": str(column["label"]), "category": column["category"],
                        "wip": column.get("wip")})
    return tuple(checked)


def _checked_lane(lane_by: str | None) -> str | None:
    if lane_by is not None and lane_by not in LANES:
        raise ValueError(f"Kanban lanes are by {', '.join(sorted(LANES))} or None, not {lane_by!r}")
    return lane_by


def _checked_filter(flt: Mapping[str, str | None]) -> dict[str, str | None]:
    unknown = set(flt) - set(FILTER_KEYS)
    if unknown:
        raise ValueError(f"Unknown kanban filter keys: {', '.join(sorted(unknown))}")
    checked: dict[str, str | None] = {key: flt.get(key) or None for key in FILTER_KEYS}
    checked["text"] = (flt.get("text") or "").strip()
    return checked
