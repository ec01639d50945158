"""The JSON Schema of `baton/workflow@1` and its violations as Problems a person can act on."""

from __future__ import annotations

import copy
import json
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from engine.problems import ERROR, N_, Problem, pointer

SCHEMA_PATH = Path(__file__).with_name("workflow.schema.json")
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number",
               type(None): "null"}


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


ITEM_SECTIONS = ("states", "transitions", "fields", "slas")  # large arrays checked item by item, memoised
_ITEM_CACHE_SIZE = 8192
# (sort path: the violation's, validator, shown path: its most specific cause's, msgid, params)
_Found = tuple[tuple[str, ...], str, tuple[str, ...], str, tuple[tuple[str, Any], ...]]


def schema_problems(doc: Any) -> list[Problem]:
    """One problem per schema violation (the most specific one for `oneOf` failures).

    The same result as validating the whole document at once, but the items of the large
    arrays (states, transitions, fields, SLAs) are checked one by one and remembered by
    content: a designer's edit touches one or two items, so re-validating after it costs
    those items only (a 60-state workflow: ~90 ms whole, ~1 ms after an edit)."""
    found: list[_Found] = []
    if isinstance(doc, dict) and all(isinstance(doc.get(k, []), list) for k in ITEM_SECTIONS):
        found.extend(_found(_skeleton_validator().iter_errors(doc), ()))
        for section in ITEM_SECTIONS:
            for index, item in enumerate(doc.get(section) or []):
                prefix = (section, str(index))
                found.extend(((*prefix, *at), kind, (*prefix, *shown), msgid, params)
                             for at, kind, shown, msgid, params in _item_problems(section, item))
    else:
        found.extend(_found(_validator().iter_errors(doc), ()))
    found.sort(key=lambda f: (list(f[0]), f[1]))
    return [Problem(code="schema", severity=ERROR, path=pointer(path), msgid=msgid, params=dict(params))
            for _at, _kind, path, msgid, params in found]


def _item_problems(section: str, item: Any) -> list[_Found]:
    try:
        key = json.dumps(item, sort_keys=True, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError, RecursionError):  # YAML dates, odd keys, deep nesting: not memoised
        return _item_found(section, item)
    return list(_memoised_item(section, key))


@lru_cache(maxsize=_ITEM_CACHE_SIZE)
def _memoised_item(section: str, key: str) -> tuple[_Found, ...]:
    return tuple(_item_found(section, json.loads(key)))


def _item_found(section: str, item: Any) -> list[_Found]:
    sub = schema()["properties"][section]["items"]
    return _found(_validator().evolve(schema=sub).iter_errors(item), ())


def _found(errors: Any, prefix: tuple[str, ...]) -> list[_Found]:
    result: list[_Found] = []
    for error in errors:
        shown = best_match(error.context) if error.context else error
        msgid, params = _describe(shown)
        result.append(((*prefix, *map(str, error.absolute_path)), str(error.validator),
                       (*prefix, *map(str, shown.absolute_path)), msgid, tuple(params.items())))
    return result


@cache
def _skeleton_validator() -> Draft202012Validator:
    """The document's own rules with the large arrays' items left to `_item_found`."""
    root = copy.deepcopy(schema())
    for section in ITEM_SECTIONS:
        root["properties"][section]["items"] = True
    return Draft202012Validator(root)


def _describe(error: ValidationError) -> tuple[str, dict[str, Any]]:
    kind = error.validator
    value: Any = error.validator_value
    node: Any = error.schema
    if kind == "required":
        found = re.match(r"'([^']+)' is a required property", error.message)
        missing = found.group(1) if found else ", ".join(value)
        return N_("Add the required property “{name}”."), {"name": missing}
    if kind == "additionalProperties":
        allowed = sorted((node.get("properties") or {}).keys() if isinstance(node, dict) else [])
        extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        return (N_("Remove the unknown property “{name}” (allowed here: {allowed})."),
                {"name": ", ".join(extra) or "?", "allowed": ", ".join(allowed)})
    if kind == "enum":
        return N_("Use one of: {options}."), {"options": ", ".join(map(str, value))}
    if kind == "const":
        return N_("Use exactly “{value}”."), {"value": value}
    if kind == "pattern":
        if value.startswith("^[^\\u0000"):
            return N_("Remove the invisible control characters from this text."), {}
        if value.startswith("^[a-z][a-z0-9_]"):
            return (N_("“{value}” is not a valid id: start with a lower-case letter, then use lower-case letters, "
                       "digits or underscores (at most 63)."), {"value": error.instance})
        return N_("“{value}” is not in the expected form."), {"value": error.instance}
    if kind == "type":
        got = _JSON_TYPES.get(type(error.instance), type(error.instance).__name__)
        return N_("Expected {expected}, found {found}."), {"expected": value, "found": got}
    if kind in {"minItems", "minLength", "minProperties"}:
        return N_("This must not be empty."), {}
    if kind in {"maxItems", "maxLength", "maxProperties"}:
        return N_("This is too long (at most {limit})."), {"limit": value}
    if kind == "uniqueItems":
        return N_("The entries must be unique."), {}
    if kind == "oneOf":
        return N_("This does not match any allowed form here."), {}
    return N_("This is not valid here: {detail}"), {"detail": error.message}
