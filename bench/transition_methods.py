"""The three ways bench/transitions.py moves an instance through submit → approve → close:
Baton's `perform`, the same writes in raw SQL, and SpiffWorkflow with a JSON snapshot."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

STEPS = (("submit", "draft", "submitted"), ("approve", "submitted", "approved"), ("close", "approved", "closed"))


def run_baton(jobs: list[tuple[str, int, int]], people: dict[str, Any], _conn: Any) -> int:
    from domain.workflows.perform import perform

    requester, manager, director = people["requester"], people["manager"], people["director"]
    for instance_id, amount, version in jobs:
        iid = uuid.UUID(instance_id)
        for (transition, _from, to), actor in zip(STEPS, (requester, manager if amount < 5000 else director, manager),
                                                  strict=True):
            done = perform(ctx=actor, instance_id=iid, transition_id=transition, expected_version=version)
            assert done.to_state == to
            version = done.version
    return 3 * len(jobs)


RAW_LOCK = "select state, version from workflow_instances where tenant_id = %s and id = %s for update"
RAW_UPDATE = """update workflow_instances set state = %s, state_entered_at = %s, version = version + 1,
                updated_at = %s, updated_by = %s where tenant_id = %s and id = %s and version = %s"""
RAW_HISTORY = """insert into workflow_history (tenant_id, id, instance_id, transition_id, from_state, to_state,
                 actor_id, actor_label, inputs, comment, at) values (%s, %s, %s, %s, %s, %s, %s, %s, '{}', null, %s)"""
RAW_AUDIT = """insert into audit_events (tenant_id, id, actor_id, actor_label, action, entity_type, entity_id,
               before, after, ip) values (%s, %s, %s, %s, 'workflow.transition', 'request', %s, %s, %s, '')"""

RAW_ANNOUNCE = "select set_config('synchronous_commit', 'off', true), pg_notify('baton_changes', %s)"


def run_raw(jobs: list[tuple[str, int, int]], people: dict[str, Any], conn: Any) -> int:
    """The same writes as perform, by hand: the limit for Python on this machine. `conn` is
    in autocommit mode: the announcement goes after COMMIT, outside the transaction, as
    perform's does (ADR 0011)."""
    tenant = str(people["tenant_id"])
    actors = [(str(people[r].user_id), people[r].actor_label) for r in ("requester", "manager", "director")]
    for instance_id, amount, version in jobs:
        chosen = (actors[0], actors[1] if amount < 5000 else actors[2], actors[1])
        for (transition, from_state, to_state), (actor_id, label) in zip(STEPS, chosen, strict=True):
            now = datetime.now(UTC)
            with conn.transaction(), conn.cursor() as cur:
                cur.execute("select set_config('app.tenant_id', %s, true), set_config('baton.perform', 'on', true), "
                            "set_config('baton.announce', 'after_commit', true)", (tenant,))
                state, current = cur.execute(RAW_LOCK, (tenant, instance_id)).fetchone()
                assert state == from_state and current == version
                cur.execute(RAW_UPDATE, (to_state, now, now, label, tenant, instance_id, version))
                assert cur.rowcount == 1
                cur.execute(RAW_HISTORY, (tenant, uuid.uuid4(), instance_id, transition, from_state, to_state,
                                          actor_id, label, now))
                cur.execute(RAW_AUDIT, (tenant, uuid.uuid4(), actor_id, label, instance_id,
                                        json.dumps({"state": from_state, "version": version}),
                                        json.dumps({"state": to_state, "version": version + 1,
                                                    "transition": transition, "inputs": {}, "comment": None})))
            version += 1
            announced = {"tenant": tenant, "instance": instance_id, "subject_type": "request", "state": to_state,
                         "version": version}
            conn.execute(RAW_ANNOUNCE, (json.dumps(announced),))
    return 3 * len(jobs)


SPIFF_TASKS = (("submit",), ("approve_small", "approve_large"), ("close",))


def run_spiff(jobs: list[tuple[str, int, int]], _people: dict[str, Any], conn: Any) -> int:
    """Load the snapshot, complete the ready user task, run engine steps, save: one transaction a step."""
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.util.task import TaskState

    serializer = BpmnWorkflowSerializer()
    for workflow_id, amount, _version in jobs:
        expected = ("submit", "approve_small" if amount < 5000 else "approve_large", "close")
        for step in range(3):
            with conn.transaction(), conn.cursor() as cur:
                (data,) = cur.execute("select data::text from bench_spiff where id = %s for update",
                                      (workflow_id,)).fetchone()
                workflow = serializer.deserialize_json(data)
                [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
                assert task.task_spec.bpmn_id == expected[step]
                if step == 0:
                    task.data["amount"] = amount
                task.run()
                workflow.do_engine_steps()
                cur.execute("update bench_spiff set data = %s::json where id = %s",
                            (serializer.serialize_json(workflow), workflow_id))
    return 3 * len(jobs)
