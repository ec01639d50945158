"""The condition builder: rows of field / operator / value in AND/OR groups, with NOT.

The stored condition (`{all: [...]}`, `{any: [...]}`, `{not: ...}`, leaves) is edited as
a tree whose root is always a group; `simplified` writes it back in its smallest form
(a group of one is its child; an empty group is no condition). Operators are those the
engine accepts for the field's type, and each value gets a widget of that type.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from nicegui import ui

from domain.errors import N_
from engine.values import OPS_BY_TYPE
from ui.i18n import _
from ui.widgets import labelled

OPERATORS = {"eq": N_("is"), "ne": N_("is not"), "gt": N_("is more than"), "gte": N_("is at least"),
             "lt": N_("is less than"), "lte": N_("is at most"), "in": N_("is one of"), "not_in": N_("is none of"),
             "contains": N_("contains"), "empty": N_("is empty"), "not_empty": N_("is not empty"),
             "before": N_("is before"), "after": N_("is after"), "within": N_("is within")}
NO_VALUE = frozenset({"empty", "not_empty"})
LISTS = frozenset({"in", "not_in"})
ACTOR_CHECKS = {"has_role": N_("the person has the role"), "is_creator": N_("the person created the record"),
                "is_assignee": N_("the person is the assignee"), "is_vendor": N_("the person is the record's vendor")}
ACTOR = "@actor"  # the pseudo-field of person checks in the field list
FIT = "min-w-[8rem] max-w-full"  # a row's inputs wrap onto the next line, and none is wider than the row


def as_group(condition: Any) -> dict[str, Any]:
    """The condition as an editable tree whose root is a group (`all` or `any`)."""
    if isinstance(condition, Mapping) and ("all" in condition or "any" in condition):
        return copy.deepcopy(dict(condition))
    if not condition:
        return {"all": []}
    return {"all": [copy.deepcopy(condition)]}


def simplified(node: Any) -> Any:
    """The smallest equivalent condition: groups of one collapse, empty groups vanish (None)."""
    if not isinstance(node, Mapping):
        return node
    if "not" in node:
        inner = simplified(node["not"])
        return None if inner is None else {"not": inner}
    for key in ("all", "any"):
        if key in node:
            children = [c for c in (simplified(child) for child in node[key] or []) if c is not None]
            if not children:
                return None
            return children[0] if len(children) == 1 else {key: children}
    return dict(node)


def operators_for(field_type: str) -> tuple[str, ...]:
    return OPS_BY_TYPE.get(field_type, ("eq", "ne", "empty", "not_empty"))


class ConditionBuilder:
    """Renders a condition tree and reports each change as the new (simplified) condition."""

    def __init__(self, condition: Any, *, fields: Mapping[str, tuple[str, str, tuple[str, ...]]],
                 roles: Mapping[str, str], on_change: Callable[[Any], None]) -> None:
        """`fields`: key → (label, type, options); `roles`: key → name."""
        self.tree = as_group(condition)
        self.fields = fields
        self.roles = roles
        self.on_change = on_change

    @ui.refreshable_method
    def show(self) -> None:
        with ui.column().classes("w-full gap-1") as box:
            labelled(box, _("Condition"))
            self._group(self.tree, parent=None, depth=0)

    def _changed(self) -> None:
        self.on_change(simplified(self.tree))
        self.show.refresh()

    def _group(self, node: dict[str, Any], *, parent: list[Any] | None, depth: int) -> None:
        key = "all" if "all" in node else "any"
        with ui.column().classes("w-full gap-1 q-pl-sm").style("border-left: 2px solid rgba(127,127,127,.4)"):
            with ui.row().classes("w-full items-center gap-1"):
                mode = ui.select({"all": _("All of these hold"), "any": _("Any of these holds")}, value=key,
                                 on_change=lambda e: self._regroup(node, e.value)).props("dense outlined").classes(FIT)
                labelled(mode, _("How the conditions combine"))
                if parent is not None:
                    self._remove(parent, node)
            for child in list(node[key]):
                self._child(child, node[key], depth)
            with ui.row().classes("gap-1"):
                ui.button(_("Add a condition"), icon="add",
                          on_click=lambda: self._add(node[key], {"field": "title", "op": "not_empty"})).props(
                    "flat dense no-caps")
                if depth < 3:
                    ui.button(_("Add a group"), icon="playlist_add",
                              on_click=lambda: self._add(node[key], {"any": []})).props("flat dense no-caps")

    def _child(self, child: Any, siblings: list[Any], depth: int) -> None:
        negated = isinstance(child, Mapping) and "not" in child
        inner = child["not"] if negated else child
        with ui.row().classes("w-full items-start gap-1"):
            toggle = ui.checkbox(_("not"), value=negated,
                                 on_change=lambda e, c=child: self._negate(siblings, c, bool(e.value)))
            labelled(toggle, _("Negate this condition"))
            if isinstance(inner, Mapping) and ("all" in inner or "any" in inner):
                self._group(inner, parent=siblings if not negated else None, depth=depth + 1)
                if negated:
                    self._remove(siblings, child)
            else:
                self._leaf(inner if isinstance(inner, dict) else {}, siblings, child)

    def _leaf(self, leaf: dict[str, Any], siblings: list[Any], holder: Any) -> None:
        options = {ACTOR: _("The person acting"), **{k: v[0] for k, v in self.fields.items()}}
        is_actor = "actor" in leaf
        subject = ui.select(options, value=ACTOR if is_actor else leaf.get("field"),
                            on_change=lambda e: self._retarget(leaf, e.value)).props("dense outlined").classes(FIT)
        labelled(subject, _("Field"))
        if is_actor:
            check = ui.select({k: _(v) for k, v in ACTOR_CHECKS.items()}, value=leaf.get("actor"),
                              on_change=lambda e: self._set(leaf, actor=e.value,
                                                            value=None if e.value != "has_role" else leaf.get("value"))
                              ).props("dense outlined").classes(FIT)
            labelled(check, _("Check"))
            if leaf.get("actor") == "has_role":
                role = ui.select(dict(self.roles), value=leaf.get("value"),
                                 on_change=lambda e: self._set(leaf, value=e.value))
                role.props("dense outlined").classes(FIT)
                labelled(role, _("Role"))
        else:
            _label, ftype, choices = self.fields.get(leaf.get("field", ""), ("", "text", ()))
            ops = {op: _(OPERATORS[op]) for op in operators_for(ftype)}
            op = ui.select(ops, value=leaf.get("op"), on_change=lambda e: self._set(leaf, op=e.value)).props(
                "dense outlined").classes(FIT)
            labelled(op, _("Operator"))
            if leaf.get("op") not in NO_VALUE:
                self._value(leaf, ftype, choices)
        self._remove(siblings, holder)

    def _value(self, leaf: dict[str, Any], ftype: str, choices: tuple[str, ...]) -> None:
        many = leaf.get("op") in LISTS or (ftype == "multiselect" and leaf.get("op") in ("eq", "ne"))
        value = leaf.get("value")
        if choices and ftype in ("select", "multiselect"):
            widget: Any = ui.select(list(choices), value=value if many else (value if value in choices else None),
                                    multiple=many, on_change=lambda e: self._set(leaf, value=e.value))
        elif ftype == "boolean":
            widget = ui.select({True: _("yes"), False: _("no")}, value=value,
                               on_change=lambda e: self._set(leaf, value=e.value))
        elif many:
            widget = ui.select(list(value or []), value=list(value or []), multiple=True, new_value_mode="add-unique",
                               on_change=lambda e: self._set(leaf, value=list(e.value or [])))
        elif ftype in ("number", "money"):
            widget = ui.number(value=value if isinstance(value, int | float) else None)
            widget.on("blur", lambda _e, w=widget: self._set(leaf, value=w.value))
        else:
            hint = _("A date (2026-12-31) or a relative one (-3d, today)") if ftype in ("date", "datetime") else ""
            widget = ui.input(value="" if value is None else str(value))
            if hint:
                widget.props["hint"] = hint
            widget.on("blur", lambda _e, w=widget: self._set(leaf, value=w.value))
        widget.props("dense outlined use-chips").classes(FIT)
        labelled(widget, _("Value"))

    def _remove(self, siblings: list[Any], node: Any) -> None:
        button = ui.button(icon="close", on_click=lambda: self._drop(siblings, node)).props("flat dense round")
        labelled(button, _("Remove"))

    # --- tree edits ------------------------------------------------------------------

    def _add(self, children: list[Any], node: dict[str, Any]) -> None:
        children.append(node)
        self._changed()

    def _drop(self, siblings: list[Any], node: Any) -> None:
        siblings[:] = [c for c in siblings if c is not node]
        self._changed()

    def _negate(self, siblings: list[Any], child: Any, negated: bool) -> None:
        index = next(i for i, c in enumerate(siblings) if c is child)
        siblings[index] = {"not": child} if negated else child["not"]
        self._changed()

    def _regroup(self, node: dict[str, Any], key: str) -> None:
        old = "all" if "all" in node else "any"
        if old != key:
            node[key] = node.pop(old)
            self._changed()

    def _retarget(self, leaf: dict[str, Any], field: str) -> None:
        leaf.clear()
        if field == ACTOR:
            leaf.update({"actor": "has_role", "value": next(iter(self.roles), "")})
        else:
            ftype = self.fields.get(field, ("", "text", ()))[1]
            leaf.update({"field": field, "op": "not_empty" if "not_empty" in operators_for(ftype) else "eq"})
        self._changed()

    def _set(self, leaf: dict[str, Any], **changes: Any) -> None:
        for key, value in changes.items():
            if value is None or (key == "value" and leaf.get("op") in NO_VALUE):
                leaf.pop(key, None)
            else:
                leaf[key] = value
        if leaf.get("op") in NO_VALUE:
            leaf.pop("value", None)
        self._changed()
