"""Reading definitions: YAML or JSON text into a document, and a document into a Definition.

`compile_definition(doc)` validates first and raises DefinitionError with every
problem; compiled definitions are cached by content (the same document, however
many instances use it, is compiled once).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from datetime import timedelta
from threading import Lock
from typing import Any

import yaml

from engine.durations import DurationError, parse_duration
from engine.model import (
    ANY_STATE,
    Action,
    Definition,
    EscalationStep,
    FieldDef,
    Label,
    SlaSpec,
    State,
    Transition,
    freeze,
)
from engine.problems import ERROR, N_, DefinitionError, Problem, has_errors

MAX_SOURCE_BYTES = 2_000_000
_CACHE_SIZE = 256
_cache: OrderedDict[str, Definition] = OrderedDict()
_cache_lock = Lock()


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit dates: `2026-12-01` stays a string, as it would in JSON."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_source(source: str | bytes | bytearray) -> tuple[Any, list[Problem]]:
    """YAML or JSON text -> (document, problems); the document is None when it cannot be read."""
    size = len(source.encode("utf-8", "replace") if isinstance(source, str) else source)
    if size > MAX_SOURCE_BYTES:
        return None, [Problem(code="schema", severity=ERROR, path="", params={"limit": MAX_SOURCE_BYTES // 1000},
                              msgid=N_("The file is larger than {limit} kB; a workflow definition is far smaller."))]
    try:
        text = source.decode("utf-8") if isinstance(source, bytes | bytearray) else source
    except UnicodeDecodeError:
        return None, [Problem(code="schema", severity=ERROR, path="",
                              msgid=N_("The file is not UTF-8 text; save it as UTF-8 YAML or JSON."))]
    doc: Any = None
    if text.lstrip().startswith(("{", "[")):
        try:  # JSON proper first: YAML refuses some characters JSON allows inside strings
            doc = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            doc = None
    try:
        if doc is None:
            doc = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = {"line": mark.line + 1, "column": mark.column + 1} if mark else {"line": 0, "column": 0}
        return None, [Problem(code="schema", severity=ERROR, path="", params={**where, "detail": exc.problem or ""},
                              msgid=N_("The file is not valid YAML or JSON (line {line}, column {column}: "
                                       "{detail})."))]
    except (yaml.YAMLError, RecursionError):
        return None, [Problem(code="schema", severity=ERROR, path="",
                              msgid=N_("The file is not valid YAML or JSON."))]
    if not isinstance(doc, dict):
        return None, [Problem(code="schema", severity=ERROR, path="",
                              msgid=N_("A workflow definition is a mapping (keys such as format, key, states); "
                                       "this file holds something else."))]
    return doc, []


def compile_definition(doc: Any) -> Definition:
    """The Definition for `doc` (mapping or text); DefinitionError when it has errors."""
    from engine.validate import validate_definition

    if isinstance(doc, str | bytes | bytearray):
        doc, problems = parse_source(doc)
        if problems:
            raise DefinitionError(problems)
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()
    with _cache_lock:
        if digest in _cache:
            _cache.move_to_end(digest)
            return _cache[digest]
    problems = validate_definition(doc)
    if has_errors(problems):
        raise DefinitionError(problems)
    definition = compile_unchecked(doc)
    with _cache_lock:
        _cache[digest] = definition
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return definition


def compile_unchecked(doc: Mapping[str, Any]) -> Definition:
    """Build the Definition of a schema-valid document without the semantic checks
    (the validator uses it for graph checks; everyone else calls compile_definition)."""
    states = tuple(
        State(id=s["id"], name=label(s.get("name"), s["id"]), category=s.get("category", "todo"),
              terminal=bool(s.get("terminal", False)),
              sla=_state_sla(s["id"], s["sla"]) if "sla" in s else None,
              on_enter=_actions(s.get("on_enter", [])))
        for s in doc["states"]
    )
    transitions = tuple(
        Transition(
            id=t["id"],
            sources=(ANY_STATE,) if t["from"] == ANY_STATE else tuple(t["from"] if isinstance(t["from"], list)
                                                                        else [t["from"]]),
            to=t["to"], label=label(t.get("label"), t["id"]), roles=frozenset(t.get("roles", [])),
            condition=freeze(t["condition"]) if t.get("condition") else None,
            requires_fields=tuple(t.get("requires", {}).get("fields", [])),
            requires_comment=bool(t.get("requires", {}).get("comment", False)),
            forbid_self_approval=bool(t.get("forbid_self_approval", False)),
            actions=_actions(t.get("actions", [])),
        )
        for t in doc.get("transitions", [])
    )
    return Definition(
        key=doc["key"], name=label(doc["name"], doc["key"]), subject=doc["subject"],
        description=doc.get("description", ""), fields=compile_fields(doc), roles=frozenset(doc.get("roles", [])),
        initial_state=doc["initial_state"], states=states, transitions=transitions,
        slas=tuple(_spanning_sla(s) for s in doc.get("slas", [])),
    )


def compile_fields(doc: Mapping[str, Any]) -> tuple[FieldDef, ...]:
    return tuple(
        FieldDef(key=f["key"], type=f["type"], label=label(f.get("label"), f["key"]),
                 options=tuple(f.get("options", [])), required=bool(f.get("required", False)),
                 required_in=frozenset(f.get("required_in", [])),
                 visible_to_vendor=bool(f.get("visible_to_vendor", False)),
                 visible_when=freeze(f["visible_when"]) if f.get("visible_when") else None,
                 help=label(f.get("help"), ""))
        for f in doc.get("fields", [])
    )


def label(value: Any, fallback: str) -> Label:
    """A per-locale label: a plain string applies to every locale ("*")."""
    if isinstance(value, str):
        result: Label = freeze({"*": value})
    elif isinstance(value, Mapping) and value:
        result = freeze(dict(value))
    else:
        result = freeze({"*": fallback} if fallback else {})
    return result


def _actions(items: list[Mapping[str, Any]]) -> tuple[Action, ...]:
    return tuple(Action(kind=next(iter(a)), params=freeze(next(iter(a.values())))) for a in items)


def _duration(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except DurationError:
        return timedelta(0)  # only reachable through compile_unchecked; the validator reports it


def _escalations(items: list[Mapping[str, Any]]) -> tuple[EscalationStep, ...]:
    return tuple(
        EscalationStep(at_percent=float(step["at"].rstrip("%")) if "at" in step else None,
                       after_breach=_duration(step["after_breach"]) if "after_breach" in step else None,
                       repeat=bool(step.get("repeat", False)), actions=_actions(step["actions"]))
        for step in items
    )


def _state_sla(state_id: str, sla: Mapping[str, Any]) -> SlaSpec:
    return SlaSpec(key=f"state:{state_id}", name=freeze({}), start_on=frozenset({state_id}), pause_in=frozenset(),
                   stop_on=frozenset(), goal=_duration(sla["goal"]),
                   goal_by_priority=freeze({k: _duration(v) for k, v in sla.get("goal_by_priority", {}).items()}),
                   calendar=sla.get("calendar"), escalations=_escalations(sla.get("escalations", [])),
                   state_scoped=True)


def _spanning_sla(sla: Mapping[str, Any]) -> SlaSpec:
    return SlaSpec(key=sla["key"], name=label(sla.get("name"), sla["key"]), start_on=frozenset(sla["start_on"]),
                   pause_in=frozenset(sla.get("pause_in", [])), stop_on=frozenset(sla["stop_on"]),
                   goal=_duration(sla["goal"]),
                   goal_by_priority=freeze({k: _duration(v) for k, v in sla.get("goal_by_priority", {}).items()}),
                   calendar=sla.get("calendar"), escalations=_escalations(sla.get("escalations", [])))
