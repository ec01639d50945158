"""Renaming a state, a transition or a custom field everywhere a workflow document names it
(and removing states with every mention of them).

Pure functions over the `baton/workflow@1` document (a plain dict), changed in place; the
caller (`DesignDocument`) checks the new name first and makes the change one undo step.
Each function knows every place WORKFLOW_FORMAT.md lets its kind of name appear:

- a state id: `initial_state`, transitions' `from` (a list too) and `to`, fields'
  `required_in`, spanning SLAs' `start_on`, `pause_in` and `stop_on`, the layout;
- a transition id: `fire` actions (`fire: id` and `fire: {transition: id}`);
- a field key: condition leaves (`{field: key}` and `value: {field: key}`, anywhere in
  `all`/`any`/`not` trees) of transitions' `condition` and fields' `visible_when`,
  transitions' `requires.fields`, and the `field` of `set_field`, `assign` and
  `reassign` actions (in transitions, `on_enter`, and the escalation steps of state and
  spanning SLAs).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

STATE_LISTS = ("start_on", "pause_in", "stop_on")  # spanning SLA keys naming states
FIELD_ACTIONS = ("set_field", "assign", "reassign")  # actions whose body may name a field


def rename_state(doc: dict[str, Any], old: str, new: str) -> None:
    """Give the state `old` the id `new`, and follow every reference to it."""
    for state in _dicts(doc.get("states")):
        if state.get("id") == old:
            state["id"] = new
    if doc.get("initial_state") == old:
        doc["initial_state"] = new
    for transition in _dicts(doc.get("transitions")):
        if transition.get("to") == old:
            transition["to"] = new
        source = transition.get("from")
        if source == old:
            transition["from"] = new
        elif isinstance(source, list):
            transition["from"] = _swapped(source, old, new)
    for field in _dicts(doc.get("fields")):
        if isinstance(field.get("required_in"), list):
            field["required_in"] = _swapped(field["required_in"], old, new)
    for sla in _dicts(doc.get("slas")):
        for key in STATE_LISTS:
            if isinstance(sla.get(key), list):
                sla[key] = _swapped(sla[key], old, new)
    nodes = doc.get("layout", {}).get("nodes", {}) if isinstance(doc.get("layout"), dict) else {}
    if isinstance(nodes, dict) and old in nodes:
        nodes[new] = nodes.pop(old)


def rename_transition(doc: dict[str, Any], old: str, new: str) -> None:
    """Give the transition `old` the id `new`, and every `fire` action that names it."""
    for transition in _dicts(doc.get("transitions")):
        if transition.get("id") == old:
            transition["id"] = new
    for action in walk_actions(doc):
        if action.get("fire") == old:
            action["fire"] = new
        elif isinstance(action.get("fire"), dict) and action["fire"].get("transition") == old:
            action["fire"]["transition"] = new


def rename_field(doc: dict[str, Any], old: str, new: str, *, index: int | None = None) -> None:
    """Give the custom field `old` (the one at `index` of `fields`, else every one) the key `new`.

    Its uses follow unless another field still answers to `old` (a document with a repeated
    key, which the validator reports): then they may mean that one, and stay."""
    fields = _dicts(doc.get("fields"))
    targets = [f for i, f in enumerate(doc.get("fields") or [])
               if isinstance(f, dict) and f.get("key") == old and index in (None, i)]
    for field in targets:
        field["key"] = new
    if not targets or any(f.get("key") == old for f in fields):
        return
    for field in fields:
        if "visible_when" in field:
            _rename_in_condition(field["visible_when"], old, new)
    for transition in _dicts(doc.get("transitions")):
        if "condition" in transition:
            _rename_in_condition(transition["condition"], old, new)
        requires = transition.get("requires")
        if isinstance(requires, dict) and isinstance(requires.get("fields"), list):
            requires["fields"] = _swapped(requires["fields"], old, new)
    for action in walk_actions(doc):
        for kind in FIELD_ACTIONS:
            body = action.get(kind)
            if isinstance(body, dict) and body.get("field") == old:
                body["field"] = new


def drop_states(doc: dict[str, Any], gone: set[str]) -> None:
    """Remove the states `gone`, the transitions that would lose their last source or their target,
    and every other mention; the initial state falls to the first state left (none: no initial state)."""
    doc["states"] = [s for s in _dicts(doc.get("states")) if s.get("id") not in gone]
    kept = []
    for transition in _dicts(doc.get("transitions")):
        source = transition.get("from")
        if transition.get("to") in gone or (not isinstance(source, list) and source in gone):
            continue
        if isinstance(source, list):
            remaining = [s for s in source if s not in gone]
            if not remaining:
                continue
            transition["from"] = remaining if len(remaining) > 1 else remaining[0]
        kept.append(transition)
    doc["transitions"] = kept
    for field in _dicts(doc.get("fields")):
        if isinstance(field.get("required_in"), list):
            field["required_in"] = [s for s in field["required_in"] if s not in gone]
            if not field["required_in"]:
                del field["required_in"]
    for sla in _dicts(doc.get("slas")):
        for key in STATE_LISTS:
            if isinstance(sla.get(key), list):
                sla[key] = [s for s in sla[key] if s not in gone]
    nodes = doc.get("layout", {}).get("nodes", {}) if isinstance(doc.get("layout"), dict) else {}
    for state_id in gone:
        nodes.pop(state_id, None)
    if doc.get("initial_state") in gone:
        first = next((s.get("id") for s in doc["states"]), None)
        if first is None:
            doc.pop("initial_state", None)
        else:
            doc["initial_state"] = first


def walk_actions(doc: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every action in the document: states' on_enter and SLA escalations, transitions, spanning SLAs."""
    lists: list[Any] = []
    for state in _dicts(doc.get("states")):
        lists.append(state.get("on_enter"))
        if isinstance(state.get("sla"), dict):
            lists.extend(step.get("actions") for step in _dicts(state["sla"].get("escalations")))
    lists.extend(transition.get("actions") for transition in _dicts(doc.get("transitions")))
    for sla in _dicts(doc.get("slas")):
        lists.extend(step.get("actions") for step in _dicts(sla.get("escalations")))
    for actions in lists:
        yield from _dicts(actions)


def _rename_in_condition(node: Any, old: str, new: str) -> None:
    """Field leaves (and `value: {field: ...}` references) of a condition tree, changed in place."""
    if isinstance(node, list):
        for child in node:
            _rename_in_condition(child, old, new)
        return
    if not isinstance(node, dict):
        return
    if node.get("field") == old:
        node["field"] = new
    value = node.get("value")
    if isinstance(value, dict) and value.get("field") == old:
        value["field"] = new
    for key in ("all", "any", "not"):
        if key in node:
            _rename_in_condition(node[key], old, new)


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _swapped(values: list[Any], old: str, new: str) -> list[Any]:
    return [new if value == old else value for value in values]
