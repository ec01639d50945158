"""Static check of conditions (what the validator runs when a definition is saved)."""

from __future__ import annotations

import reprlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from engine import values as v
from engine.conditions import ACTOR_CHECKS, MAX_DEPTH, FieldSpec

_BAD, _UNKNOWN_FIELD, _UNKNOWN_ROLE = "bad_condition", "unknown_field", "unknown_role"
_Problem = tuple[str, str, str]
_SHAPES = "{field: ..., op: ..., value: ...}, {actor: ..., value: ...}, {all: [...]}, {any: [...]} or {not: ...}"
_ALLOWED_KEYS = {"all": {"all"}, "any": {"any"}, "not": {"not"}, "field": {"field", "op", "value"},
                 "actor": {"actor", "value"}}
_CHECK_NOW = datetime(2000, 1, 1, tzinfo=UTC)


def check_tree(node: Any, path: str, depth: int, fields: Mapping[str, FieldSpec],
           roles: frozenset[str] | None) -> Iterator[_Problem]:
    if depth > MAX_DEPTH:
        yield path, _BAD, f"Conditions are nested too deeply (more than {MAX_DEPTH} levels)."
        return
    if not isinstance(node, Mapping) or not node:
        yield path, _BAD, f"A condition must be one of {_SHAPES}, not {_show(node)}."
        return
    shape = next((name for name in _ALLOWED_KEYS if name in node), None)
    if shape is None:
        yield path, _BAD, f"A condition must be one of {_SHAPES}; this one has {_show(sorted(map(str, node)))}."
        return
    extra = sorted(str(k) for k in node if k not in _ALLOWED_KEYS[shape])
    if extra:
        yield path, _BAD, f"Unexpected {', '.join(extra)} in a '{shape}' condition."
    if shape in ("all", "any"):
        children = node[shape]
        if not isinstance(children, list | tuple) or (shape == "any" and not children):
            yield f"{path}/{shape}", _BAD, f"'{shape}' takes a non-empty list of conditions, not {_show(children)}."
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
        yield f"{path}/field", _UNKNOWN_FIELD, f"The condition names the field {_show(key)}, which this workflow lacks."
        return
    allowed = v.OPS_BY_TYPE.get(spec.type)
    if allowed is None:
        yield f"{path}/field", _BAD, f"The field '{key}' has the unknown type {_show(spec.type)}."
        return
    if op not in allowed:
        yield f"{path}/op", _BAD, (f"The field '{key}' ({spec.type}) cannot be compared with {_show(op)}; "
                                   f"use one of: {', '.join(allowed)}.")
        return
    value, where = node.get("value"), f"{path}/value"
    if op in ("empty", "not_empty"):
        if value is not None:
            yield where, _BAD, f"'{op}' takes no value; remove {_show(value)}."
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
        need = v.hint(spec.type, spec.options, op)
        yield where, _BAD, f"'{op}' on the field '{key}' ({spec.type}) needs {need}, not {_show(value)}."
        return
    if spec.options and spec.type in ("select", "multiselect"):
        chosen: list[Any] = [value] if isinstance(value, str) else list(value or ())
        for item in chosen:
            if item not in spec.options:
                yield where, _BAD, (f"{_show(item)} is not an option of the field '{key}'; "
                                    f"options: {', '.join(spec.options)}.")


def _check_reference(spec: FieldSpec, op: str, value: Mapping[str, Any], where: str,
                     fields: Mapping[str, FieldSpec]) -> Iterator[_Problem]:
    other = fields.get(value["field"]) if isinstance(value["field"], str) else None
    wanted = "text" if spec.type == "multiselect" and op == "contains" else v.KIND[spec.type]
    allowed = v.OPS_BY_TYPE[spec.type]
    if op not in v.REF_OPS or len(value) != 1:
        yield where, _BAD, (f"'{op}' cannot compare the field '{spec.key}' with another field; write "
                            f"{{field: OTHER}} with one of: {', '.join(sorted(v.REF_OPS & set(allowed)))}.")
    elif other is None:
        yield f"{where}/field", _UNKNOWN_FIELD, (f"The condition compares with the field {_show(value['field'])}, "
                                                 "which this workflow lacks.")
    elif v.KIND.get(other.type) != wanted:
        yield where, _BAD, (f"The field '{spec.key}' ({spec.type}) cannot be compared with the field "
                            f"'{other.key}' ({other.type}) using '{op}'.")


def _check_actor(node: Mapping[str, Any], path: str, roles: frozenset[str] | None) -> Iterator[_Problem]:
    check, value = node["actor"], node.get("value")
    if check not in ACTOR_CHECKS:
        yield f"{path}/actor", _BAD, f"{_show(check)} is not an actor check; use one of: {', '.join(ACTOR_CHECKS)}."
    elif check == "has_role" and not (isinstance(value, str) and value):
        yield f"{path}/value", _BAD, f"'has_role' needs a role name as its value, not {_show(value)}."
    elif check == "has_role" and roles is not None and value not in roles:
        yield f"{path}/value", _UNKNOWN_ROLE, f"The role '{value}' is not declared in the workflow's roles."
    elif check != "has_role" and not (value is None or isinstance(value, bool)
                                      or (check == "is_vendor" and isinstance(value, str) and value)):
        wanted = "true, false, 'assigned' or a vendor id" if check == "is_vendor" else "true or false"
        yield f"{path}/value", _BAD, f"'{check}' takes {wanted} as its value, not {_show(value)}."


def _show(value: Any) -> str:
    """A short repr for messages, bounded in depth and length whatever the input."""
    text = _REPR.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 40, 40
