"""Static check of conditions (what the validator runs when a definition is saved)."""

from __future__ import annotations

import reprlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from engine import values as v
from engine.conditions import ACTOR_CHECKS, MAX_DEPTH, N_, FieldSpec

_BAD, _UNKNOWN_FIELD, _UNKNOWN_ROLE = "bad_condition", "unknown_field", "unknown_role"
_Problem = tuple[str, str, str, dict[str, Any]]  # (JSON pointer, code, msgid, params)
_SHAPES = "{field: ..., op: ..., value: ...}, {actor: ..., value: ...}, {all: [...]}, {any: [...]} or {not: ...}"
_ALLOWED_KEYS = {"all": {"all"}, "any": {"any"}, "not": {"not"}, "field": {"field", "op", "value"},
                 "actor": {"actor", "value"}}
_CHECK_NOW = datetime(2000, 1, 1, tzinfo=UTC)


def check_tree(node: Any, path: str, depth: int, fields: Mapping[str, FieldSpec],
           roles: frozenset[str] | None) -> Iterator[_Problem]:
    if depth > MAX_DEPTH:
        yield path, _BAD, N_("Conditions are nested too deeply (more than {limit} levels)."), {"limit": MAX_DEPTH}
        return
    if not isinstance(node, Mapping) or not node:
        yield path, _BAD, N_("A condition must be one of {shapes}, not {value}."), {"shapes": _SHAPES,
                                                                                    "value": _show(node)}
        return
    shape = next((name for name in _ALLOWED_KEYS if name in node), None)
    if shape is None:
        yield path, _BAD, N_("A condition must be one of {shapes}; this one has {keys}."), {
            "shapes": _SHAPES, "keys": _show(sorted(map(str, node)))}
        return
    extra = sorted(str(k) for k in node if k not in _ALLOWED_KEYS[shape])
    if extra:
        yield path, _BAD, N_("Unexpected {keys} in a '{shape}' condition."), {"keys": ", ".join(extra),
                                                                              "shape": shape}
    if shape in ("all", "any"):
        children = node[shape]
        if not isinstance(children, list | tuple) or (shape == "any" and not children):
            yield f"{path}/{shape}", _BAD, N_("'{shape}' takes a non-empty list of conditions, not {value}."), {
                "shape": shape, "value": _show(children)}
            return
        for i, child in enumerate(children):
            yield from check_tree(child, f"{path}/{shape}/{i}", depth + 1, fields, roles)
    elif shape == "not":
        yield from check_tree(node["not"], f"{path}/not", depth + 1, fields, roles)
    elif shape == "field":
        yield from _check_field(node, path, fields)
    else:
        yield from _check_actor(node, path, roles)


def _check_field(node: Mapping[str, Any], path: str, fields: Mapping[str, FieldSpec]) -> Iterator[_Problem]:
    key, op = node["field"], node.get("op")
    spec = fields.get(key) if isinstance(key, str) else None
    if spec is None:
        yield f"{path}/field", _UNKNOWN_FIELD, N_("The condition names the field {field}, which this workflow "
                                                  "lacks."), {"field": _show(key)}
        return
    allowed = v.OPS_BY_TYPE.get(spec.type)
    if allowed is None:
        yield f"{path}/field", _BAD, N_("The field '{field}' has the unknown type {type}."), {
            "field": key, "type": _show(spec.type)}
        return
    if op not in allowed:
        yield f"{path}/op", _BAD, N_("The field '{field}' ({type}) cannot be compared with {op}; use one of: "
                                     "{allowed}."), {"field": key, "type": spec.type, "op": _show(op),
                                                     "allowed": ", ".join(allowed)}
        return
    value, where = node.get("value"), f"{path}/value"
    if op in ("empty", "not_empty"):
        if value is not None:
            yield where, _BAD, N_("'{op}' takes no value; remove {value}."), {"op": op, "value": _show(value)}
        return
    if isinstance(value, Mapping) and "field" in value:
        yield from _check_reference(spec, op, value, where, fields)
        return
    try:
        if op == "within":
            v.parse_duration(value)
        else:
            v.expected(spec.type, op, value, tz=UTC, now=_CHECK_NOW)
        valid = value is not None and (spec.type != "boolean" or isinstance(value, bool)) and not (
            op == "contains" and isinstance(value, str) and not value.strip())
    except (v.BadValue, ArithmeticError, TypeError):
        valid = False
    if not valid or (op in ("in", "not_in") and not value):
        yield where, _BAD, _needs(spec, op), {"op": op, "field": key, "type": spec.type, "value": _show(value),
                                              "options": ", ".join(spec.options)}
        return
    if spec.options and spec.type in ("select", "multiselect"):
        chosen: list[Any] = [value] if isinstance(value, str) else list(value or ())
        for item in chosen:
            if item not in spec.options:
                yield where, _BAD, N_("{value} is not an option of the field '{field}'; options: {options}."), {
                    "value": _show(item), "field": key, "options": ", ".join(spec.options)}


def _check_reference(spec: FieldSpec, op: str, value: Mapping[str, Any], where: str,
                     fields: Mapping[str, FieldSpec]) -> Iterator[_Problem]:
    other = fields.get(value["field"]) if isinstance(value["field"], str) else None
    wanted = "text" if spec.type == "multiselect" and op == "contains" else v.KIND[spec.type]
    allowed = v.OPS_BY_TYPE[spec.type]
    if op not in v.REF_OPS or len(value) != 1:
        yield where, _BAD, N_("'{op}' cannot compare the field '{field}' with another field; write "
                              "{{field: OTHER}} with one of: {allowed}."), {
            "op": op, "field": spec.key, "allowed": ", ".join(sorted(v.REF_OPS & set(allowed)))}
    elif other is None:
        yield f"{where}/field", _UNKNOWN_FIELD, N_("The condition compares with the field {field}, which this "
                                                   "workflow lacks."), {"field": _show(value["field"])}
    elif v.KIND.get(other.type) != wanted:
        yield where, _BAD, N_("The field '{field}' ({type}) cannot be compared with the field '{other}' "
                              "({other_type}) using '{op}'."), {"field": spec.key, "type": spec.type,
                                                                 "other": other.key, "other_type": other.type, "op": op}


def _check_actor(node: Mapping[str, Any], path: str, roles: frozenset[str] | None) -> Iterator[_Problem]:
    check, value = node["actor"], node.get("value")
    if check not in ACTOR_CHECKS:
        yield f"{path}/actor", _BAD, N_("{value} is not an actor check; use one of: {allowed}."), {
            "value": _show(check), "allowed": ", ".join(ACTOR_CHECKS)}
    elif check == "has_role" and not (isinstance(value, str) and value):
        yield f"{path}/value", _BAD, N_("'has_role' needs a role name as its value, not {value}."), {
            "value": _show(value)}
    elif check == "has_role" and roles is not None and value not in roles:
        yield f"{path}/value", _UNKNOWN_ROLE, N_("The role '{role}' is not declared in the workflow's roles."), {
            "role": value}
    elif check != "has_role" and not (value is None or isinstance(value, bool)
                                      or (check == "is_vendor" and isinstance(value, str) and value)):
        msgid = (N_("'{check}' takes true, false, 'assigned' or a vendor id as its value, not {value}.")
                 if check == "is_vendor" else N_("'{check}' takes true or false as its value, not {value}."))
        yield f"{path}/value", _BAD, msgid, {"check": check, "value": _show(value)}


_NEEDS = {
    # (kind of value, list wanted) -> what the value should look like
    ("within", False): N_("'{op}' on the field '{field}' ({type}) needs a duration such as 3d, 4h, -1w (the past) "
                          "or +2d (the future), not {value}."),
    ("number", False): N_("'{op}' on the field '{field}' ({type}) needs a number, not {value}."),
    ("number", True): N_("'{op}' on the field '{field}' ({type}) needs a non-empty list, each a number, not {value}."),
    ("money", False): N_("'{op}' on the field '{field}' ({type}) needs a number or {{amount, currency}}, "
                         "not {value}."),
    ("money", True): N_("'{op}' on the field '{field}' ({type}) needs a non-empty list, each a number or "
                        "{{amount, currency}}, not {value}."),
    ("date", False): N_("'{op}' on the field '{field}' ({type}) needs an ISO date (2026-12-01) or date-time, or "
                        "today, now, -3d, +4h, not {value}."),
    ("date", True): N_("'{op}' on the field '{field}' ({type}) needs a non-empty list, each an ISO date "
                       "(2026-12-01) or date-time, or today, now, -3d, +4h, not {value}."),
    ("text", False): N_("'{op}' on the field '{field}' ({type}) needs a text, not {value}."),
    ("text", True): N_("'{op}' on the field '{field}' ({type}) needs a non-empty list, each a text, not {value}."),
    ("boolean", False): N_("'{op}' on the field '{field}' ({type}) needs true or false, not {value}."),
    ("boolean", True): N_("'{op}' on the field '{field}' ({type}) needs a non-empty list, each true or false, "
                          "not {value}."),
    ("option", False): N_("'{op}' on the field '{field}' ({type}) needs an option ({options}), not {value}."),
    ("option", True): N_("'{op}' on the field '{field}' ({type}) needs a non-empty list, each an option "
                         "({options}), not {value}."),
    ("id", False): N_("'{op}' on the field '{field}' ({type}) needs an id, not {value}."),
    ("id", True): N_("'{op}' on the field '{field}' ({type}) needs a non-empty list, each an id, not {value}."),
}


def _needs(spec: FieldSpec, op: str) -> str:
    """The message for a value that does not fit `op` on `spec` (what it should look like)."""
    if op == "within":
        return _NEEDS[("within", False)]
    many = op in ("in", "not_in") or (spec.type == "multiselect" and op != "contains")
    if spec.type == "money":
        kind = "money"
    elif spec.type in ("select", "multiselect"):
        kind = "option"
    else:
        kind = {"number": "number", "date": "date", "text": "text", "boolean": "boolean"}.get(
            v.KIND.get(spec.type, ""), "id")
    return _NEEDS[(kind, many)]


def _show(value: Any) -> str:
    """A short repr for messages, bounded in depth and length whatever the input."""
    text = _REPR.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 40, 40
