"""A large workflow for the designer benchmark: 60 states and 150 transitions, valid, laid out."""

from __future__ import annotations

import itertools
from typing import Any

ROLES = ["requester", "manager", "technician"]


def big_workflow(*, states: int = 60, transitions: int = 150, key: str = "big_flow") -> dict[str, Any]:
    """A chain of `states` (the last three terminal) with forward and backward shortcuts up to
    `transitions`, conditions on a money field on every third transition, SLAs on every fifth
    state, and a position for every state (a 10-column grid), as a designer would have saved it."""
    ids = [f"s{n:02d}" for n in range(1, states + 1)]
    doc_states: list[dict[str, Any]] = []
    for n, state_id in enumerate(ids):
        state: dict[str, Any] = {"id": state_id, "name": {"en": f"Step {n + 1}", "es": f"Paso {n + 1}"},
                                 "category": ("todo", "in_progress", "waiting")[n % 3]}
        if n >= states - 3:
            state.update(category="done", terminal=True)
        elif n % 5 == 0:
            state["sla"] = {"goal": "4h", "escalations": [{"at": "75%", "actions": [
                {"notify": {"to": ["assignee"], "template": "sla_warning"}}]}]}
        doc_states.append(state)
    doc_transitions: list[dict[str, Any]] = []

    def add(source: str, target: str) -> None:
        n = len(doc_transitions)
        transition: dict[str, Any] = {"id": f"t{n:03d}", "from": source, "to": target,
                                      "label": {"en": f"Go {n}"}, "roles": [ROLES[n % 3]]}
        if n % 3 == 0:
            transition["condition"] = {"any": [{"field": "amount", "op": "lt", "value": 5000 + n},
                                               {"actor": "has_role", "value": "manager"}]}
        doc_transitions.append(transition)

    open_ids = ids[:-3]
    for a, b in itertools.pairwise(ids):
        if a in open_ids:
            add(a, b)
    for terminal in ids[-2:]:  # the chain reaches the first terminal state; the others too
        add(open_ids[-1], terminal)
    step = 2
    while len(doc_transitions) < transitions:
        for n, source in enumerate(open_ids):
            if len(doc_transitions) >= transitions:
                break
            target = ids[(n + step) % len(ids)] if step % 2 == 0 else ids[max(0, n - step)]
            if target != source:
                add(source, target)
        step += 1
    layout = {state_id: {"x": (n % 10) * 240, "y": (n // 10) * 140} for n, state_id in enumerate(ids)}
    return {"format": "baton/workflow@1", "key": key, "name": {"en": "Large flow"}, "subject": "request",
            "roles": ROLES, "fields": [{"key": "amount", "type": "money", "label": {"en": "Amount"}}],
            "initial_state": ids[0], "states": doc_states, "transitions": doc_transitions,
            "layout": {"nodes": layout}}
