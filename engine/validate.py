"""`validate_definition(doc)`: schema problems, then every semantic check of WORKFLOW_FORMAT.md.

Never raises, whatever the input: bytes that are not YAML, a list, a huge or deeply
nested document all come back as problems.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from engine import graph
from engine.builtins import field_specs
from engine.conditions import check_condition_details
from engine.durations import DurationError, parse_duration
from engine.load import compile_unchecked, parse_source
from engine.problems import ERROR, N_, WARNING, Problem
from engine.schema import schema_problems


def validate_definition(doc: Any) -> list[Problem]:
    """Every problem of `doc` (a mapping, or YAML/JSON text or bytes), errors and warnings."""
    try:
        if isinstance(doc, str | bytes | bytearray):
            doc, problems = parse_source(doc)
            if problems:
                return problems
        problems = schema_problems(doc)
        if problems:
            return problems
        return list(_semantic(doc))
    except RecursionError:
        return [Problem(code="schema", severity=ERROR, path="", msgid=N_("The document is nested too deeply."))]


def _semantic(doc: Mapping[str, Any]) -> Iterator[Problem]:
    yield from _duplicates(doc)
    state_ids = {s["id"] for s in doc["states"]}
    yield from _unknown_states(doc, state_ids)
    yield from _roles(doc)
    yield from _fields_and_conditions(doc)
    yield from _durations(doc)
    terminals = {s["id"] for s in doc["states"] if s.get("terminal")}
    if not terminals:
        yield Problem(code="no_terminal", severity=ERROR, path="/states",
                      msgid=N_("No state is terminal: mark the states where work ends (closed, cancelled) as "
                               "terminal."))
    for i, t in enumerate(doc.get("transitions", [])):
        sources = t["from"] if isinstance(t["from"], list) else [t["from"]]
        for s in sources:
            if s in terminals:
                yield Problem(code="terminal_exit", severity=ERROR, path=f"/transitions/{i}/from",
                              element=f"transition:{t['id']}", params={"transition": t["id"], "state": s},
                              msgid=N_("Transition {transition} leaves the terminal state {state}; terminal "
                                       "states end the work. Unmark terminal or remove the transition."))
    definition = compile_unchecked(doc)
    yield from graph.reachability_problems(definition, doc)
    yield from _transition_warnings(doc)


def _duplicates(doc: Mapping[str, Any]) -> Iterator[Problem]:
    for section, key, kind in (("states", "id", "state"), ("transitions", "id", "transition"),
                               ("fields", "key", "field"), ("slas", "key", "sla")):
        seen: Counter[str] = Counter()
        for i, item in enumerate(doc.get(section, [])):
            seen[item[key]] += 1
            if seen[item[key]] == 2 or (seen[item[key]] > 2):
                yield Problem(code="duplicate_id", severity=ERROR, path=f"/{section}/{i}/{key}",
                              element=f"{kind}:{item[key]}", params={"id": item[key]},
                              msgid=N_("“{id}” is used twice; ids must be unique."))


def _unknown_states(doc: Mapping[str, Any], ids: set[str]) -> Iterator[Problem]:
    def check(value: str, path: str, element: str | None) -> Iterator[Problem]:
        if value not in ids:
            yield Problem(code="unknown_state", severity=ERROR, path=path, element=element,
                          params={"state": value, "known": ", ".join(sorted(ids))},
                          msgid=N_("There is no state “{state}” (states: {known})."))

    yield from check(doc["initial_state"], "/initial_state", None)
    for i, t in enumerate(doc.get("transitions", [])):
        element = f"transition:{t['id']}"
        if isinstance(t["from"], list):
            for j, s in enumerate(t["from"]):
                yield from check(s, f"/transitions/{i}/from/{j}", element)
        elif t["from"] != "*":
            yield from check(t["from"], f"/transitions/{i}/from", element)
        yield from check(t["to"], f"/transitions/{i}/to", element)
    for i, sla in enumerate(doc.get("slas", [])):
        for part in ("start_on", "pause_in", "stop_on"):
            for j, s in enumerate(sla.get(part, [])):
                yield from check(s, f"/slas/{i}/{part}/{j}", f"sla:{sla['key']}")
    for i, f in enumerate(doc.get("fields", [])):
        for j, s in enumerate(f.get("required_in", [])):
            yield from check(s, f"/fields/{i}/required_in/{j}", f"field:{f['key']}")


def _roles(doc: Mapping[str, Any]) -> Iterator[Problem]:
    declared = set(doc.get("roles", []))

    def check(role: str, path: str, element: str | None) -> Iterator[Problem]:
        if role != "any" and role not in declared:
            yield Problem(code="unknown_role", severity=ERROR, path=path, element=element,
                          params={"role": role, "declared": ", ".join(sorted(declared)) or "—"},
                          msgid=N_("The role “{role}” is not declared in the workflow's roles ({declared}); "
                                   "add it there or pick a declared one."))

    for i, t in enumerate(doc.get("transitions", [])):
        for j, role in enumerate(t.get("roles", [])):
            yield from check(role, f"/transitions/{i}/roles/{j}", f"transition:{t['id']}")
    for path, element, action in _all_actions(doc):
        for kind in ("assign", "reassign"):
            if isinstance(action.get(kind), Mapping) and "role" in action[kind]:
                yield from check(action[kind]["role"], f"{path}/{kind}/role", element)
        if isinstance(action.get("notify"), Mapping):
            for j, to in enumerate(action["notify"].get("to", [])):
                if to.startswith("role:"):
                    yield from check(to[5:], f"{path}/notify/to/{j}", element)


def _fields_and_conditions(doc: Mapping[str, Any]) -> Iterator[Problem]:
    from engine.load import compile_fields

    specs = field_specs(compile_fields(doc))
    roles = frozenset(doc.get("roles", []))
    transition_ids = {t["id"] for t in doc.get("transitions", [])}

    def unknown_field(key: str, path: str, element: str | None) -> Iterator[Problem]:
        if key not in specs:
            yield Problem(code="unknown_field", severity=ERROR, path=path, element=element,
                          params={"field": key}, msgid=N_("There is no field “{field}”; declare it under fields."))

    for i, f in enumerate(doc.get("fields", [])):
        if "visible_when" in f:
            yield from _condition(f["visible_when"], specs, roles, f"/fields/{i}/visible_when", f"field:{f['key']}")
    for i, t in enumerate(doc.get("transitions", [])):
        element = f"transition:{t['id']}"
        if "condition" in t:
            yield from _condition(t["condition"], specs, roles, f"/transitions/{i}/condition", element)
        for j, key in enumerate(t.get("requires", {}).get("fields", [])):
            yield from unknown_field(key, f"/transitions/{i}/requires/fields/{j}", element)
    for path, element, action in _all_actions(doc):
        if isinstance(action.get("set_field"), Mapping):
            yield from unknown_field(action["set_field"]["field"], f"{path}/set_field/field", element)
        for kind in ("assign", "reassign"):
            if isinstance(action.get(kind), Mapping) and "field" in action[kind]:
                yield from unknown_field(action[kind]["field"], f"{path}/{kind}/field", element)
        if "fire" in action:
            target = action["fire"] if isinstance(action["fire"], str) else action["fire"]["transition"]
            if target not in transition_ids:
                yield Problem(code="unknown_transition", severity=ERROR, path=f"{path}/fire", element=element,
                              params={"transition": target},
                              msgid=N_("There is no transition “{transition}” to fire."))


def _condition(cond: Any, specs: Mapping[str, Any], roles: frozenset[str], path: str,
               element: str) -> Iterator[Problem]:
    for where, code, msgid, params in check_condition_details(cond, fields=specs, roles=roles, path=path):
        yield Problem(code=code, severity=ERROR, path=where, element=element, msgid=msgid, params=params)


def _durations(doc: Mapping[str, Any]) -> Iterator[Problem]:
    def check(text: str, path: str, element: str) -> Iterator[Problem]:
        try:
            parse_duration(text)
        except DurationError:
            yield Problem(code="bad_duration", severity=ERROR, path=path, element=element, params={"value": text},
                          msgid=N_("“{value}” is not a duration: write 30m, 4h, 2d or PT4H (more than zero)."))

    def sla_parts(sla: Mapping[str, Any], base: str, element: str) -> Iterator[Problem]:
        yield from check(sla["goal"], f"{base}/goal", element)
        for priority, goal in sla.get("goal_by_priority", {}).items():
            yield from check(goal, f"{base}/goal_by_priority/{priority}", element)
        for j, step in enumerate(sla.get("escalations", [])):
            if "after_breach" in step:
                yield from check(step["after_breach"], f"{base}/escalations/{j}/after_breach", element)
            elif float(step["at"].rstrip("%")) <= 0:
                yield Problem(code="bad_duration", severity=ERROR, path=f"{base}/escalations/{j}/at",
                              element=element, msgid=N_("An escalation share must be more than 0%."))

    for i, state in enumerate(doc["states"]):
        if "sla" in state:
            yield from sla_parts(state["sla"], f"/states/{i}/sla", f"state:{state['id']}")
    for i, sla in enumerate(doc.get("slas", [])):
        yield from sla_parts(sla, f"/slas/{i}", f"sla:{sla['key']}")


def _transition_warnings(doc: Mapping[str, Any]) -> Iterator[Problem]:
    fired = {(a["fire"] if isinstance(a["fire"], str) else a["fire"]["transition"])
             for _path, _element, a in _all_actions(doc) if "fire" in a}
    seen: dict[tuple[Any, ...], str] = {}
    for i, t in enumerate(doc.get("transitions", [])):
        element = f"transition:{t['id']}"
        if not t.get("roles") and t["id"] not in fired:
            yield Problem(code="nobody", severity=WARNING, path=f"/transitions/{i}/roles", element=element,
                          params={"transition": t["id"]},
                          msgid=N_("Nobody can fire “{transition}”: give it roles (or “any”), or fire it "
                                   "automatically from an action."))
        sources = tuple(sorted(t["from"])) if isinstance(t["from"], list) else (t["from"],)
        signature = (sources, t["to"], repr(t.get("label") or t["id"]))  # a missing label shows the id
        if signature in seen:
            yield Problem(code="duplicate_transition", severity=WARNING, path=f"/transitions/{i}", element=element,
                          params={"transition": t["id"], "other": seen[signature]},
                          msgid=N_("“{transition}” repeats “{other}” (same from, to and label); people will "
                                   "see two identical actions."))
        else:
            seen[signature] = t["id"]


def _all_actions(doc: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(path, element, action) for every action anywhere in the document."""
    for i, t in enumerate(doc.get("transitions", [])):
        for j, a in enumerate(t.get("actions", [])):
            yield f"/transitions/{i}/actions/{j}", f"transition:{t['id']}", a
    for i, s in enumerate(doc["states"]):
        for j, a in enumerate(s.get("on_enter", [])):
            yield f"/states/{i}/on_enter/{j}", f"state:{s['id']}", a
        for k, step in enumerate(s.get("sla", {}).get("escalations", [])):
            for j, a in enumerate(step["actions"]):
                yield f"/states/{i}/sla/escalations/{k}/actions/{j}", f"state:{s['id']}", a
    for i, sla in enumerate(doc.get("slas", [])):
        for k, step in enumerate(sla.get("escalations", [])):
            for j, a in enumerate(step["actions"]):
                yield f"/slas/{i}/escalations/{k}/actions/{j}", f"sla:{sla['key']}", a
