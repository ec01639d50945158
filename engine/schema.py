"""The JSON Schema of `baton/workflow@1` and its violations as Problems a person can act on."""

from __future__ import annotations

import json
import re
from functools import cache
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


def schema_problems(doc: Any) -> list[Problem]:
    """One problem per schema violation (the most specific one for `oneOf` failures)."""
    errors = sorted(_validator().iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    return [_problem(best_match(error.context) if error.context else error) for error in errors]


def _problem(error: ValidationError) -> Problem:
    path = pointer(error.absolute_path)
    msgid, params = _describe(error)
    return Problem(code="schema", severity=ERROR, path=path, msgid=msgid, params=params)


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
