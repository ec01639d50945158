"""Graph checks over a compiled definition: reachability, dead ends, SLA start and stop."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from engine.model import Definition
from engine.problems import ERROR, N_, WARNING, Problem


def successors(definition: Definition) -> dict[str, set[str]]:
    """state id -> ids of the states one transition away."""
    result: dict[str, set[str]] = {s.id: set() for s in definition.states}
    for state in definition.states:
        for t in definition.outgoing(state.id):
            if definition.has_state(t.to):
                result[state.id].add(t.to)
    return result


def reachable(edges: Mapping[str, set[str]], start: Iterable[str]) -> set[str]:
    seen = {s for s in start if s in edges}
    queue = deque(seen)
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def reachability_problems(definition: Definition, doc: Mapping[str, Any]) -> Iterator[Problem]:
    edges = successors(definition)
    index = {s["id"]: i for i, s in enumerate(doc["states"])}
    if not definition.has_state(definition.initial_state):
        return  # reported as unknown_state
    live = reachable(edges, [definition.initial_state])
    reverse: dict[str, set[str]] = {s: set() for s in edges}
    for src, targets in edges.items():
        for dst in targets:
            reverse[dst].add(src)
    terminals = {s.id for s in definition.states if s.terminal}
    can_finish = reachable(reverse, terminals)
    for state in definition.states:
        path = f"/states/{index[state.id]}"
        if state.id not in live:
            yield Problem(code="unreachable", severity=ERROR, path=path, element=f"state:{state.id}",
                          params={"state": state.id},
                          msgid=N_("No transition leads to “{state}” from the initial state; connect it or "
                                   "remove it."))
        if terminals and not state.terminal and state.id not in can_finish:
            yield Problem(code="dead_end", severity=ERROR, path=path, element=f"state:{state.id}",
                          params={"state": state.id},
                          msgid=N_("From “{state}” no terminal state can be reached: records would stay "
                                   "there forever. Add a transition onwards."))
    yield from _sla_problems(definition, doc, edges, live, index)


def _sla_problems(definition: Definition, doc: Mapping[str, Any], edges: Mapping[str, set[str]],
                  live: set[str], index: Mapping[str, int]) -> Iterator[Problem]:
    for state in definition.states:
        if state.sla is not None and state.terminal:
            yield Problem(code="sla_never_stops", severity=ERROR, path=f"/states/{index[state.id]}/sla",
                          element=f"state:{state.id}", params={"state": state.id},
                          msgid=N_("The SLA of “{state}” can never stop: it is a terminal state, which records "
                                   "never leave."))
    for i, spec in enumerate(definition.slas):
        path, element = f"/slas/{i}", f"sla:{spec.key}"
        starts = [s for s in spec.start_on if definition.has_state(s)]
        if starts and not any(s in live for s in starts):
            yield Problem(code="sla_never_starts", severity=WARNING, path=f"{path}/start_on", element=element,
                          params={"sla": spec.key},
                          msgid=N_("The SLA “{sla}” never starts: none of its start states can be reached."))
        for start in starts:
            if start in spec.stop_on:
                continue
            if not reachable(edges, [start]) & spec.stop_on:
                yield Problem(code="sla_never_stops", severity=ERROR, path=f"{path}/stop_on", element=element,
                              params={"sla": spec.key, "state": start},
                              msgid=N_("The SLA “{sla}” starts in “{state}” but none of its stop states can be "
                                       "reached from there."))
