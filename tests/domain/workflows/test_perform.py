"""The one path that changes state: locking, versions, idempotency, effects, refusals."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from domain.errors import Conflict
from domain.workflows import instances
from domain.workflows.perform import IdempotencyMismatch, TransitionRefused, perform
from tests.factories import audit_rows, owner_sql

ROOT = Path(__file__).resolve().parents[3]


def test_start_enters_the_initial_state(flow):
    _bundle, _requester, _manager, instance = flow
    assert (instance.state, instance.version) == ("draft", 1)


def test_perform_moves_writes_history_audit_ledger_outbox_and_assigns(flow):
    bundle, requester, manager, instance = flow
    done = perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)
    assert (done.from_state, done.to_state, done.version) == ("draft", "submitted", 2)
    after = instances.get_instance(requester, instance_id=instance.id)
    assert after.assignee_id == manager.user_id  # on_enter: assign {role: manager}
    assert [h.transition_id for h in instances.history(requester, instance_id=instance.id)] == ["submit"]
    audit = audit_rows(bundle.tenant_id, "workflow.transition")
    assert audit[-1].after["state"] == "submitted" and audit[-1].before["state"] == "draft"
    ledger = owner_sql("select sla_key, kind from workflow_sla_ledger where instance_id = :i order by sla_key",
                       i=instance.id)
    assert [tuple(r) for r in ledger] == [("resolution", "start"), ("state:submitted", "start")]
    outbox = owner_sql("select kind from outbox where tenant_id = :t order by kind", t=bundle.tenant_id)
    assert [r[0] for r in outbox] == ["notify", "webhook"]


def test_a_stale_version_is_refused_and_says_who(flow):
    _bundle, requester, _manager, instance = flow
    perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)
    with pytest.raises(Conflict) as stale:
        perform(ctx=requester, instance_id=instance.id, transition_id="cancel", expected_version=1)
    assert requester.actor_label in str(stale.value)


def test_a_refused_transition_writes_nothing(flow):
    _bundle, requester, manager, instance = flow
    perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)
    perform(ctx=manager, instance_id=instance.id, transition_id="review", expected_version=2)
    with pytest.raises(TransitionRefused) as refused:
        perform(ctx=manager, instance_id=instance.id, transition_id="approve", expected_version=3)
    assert "Cost estimate" in str(refused.value)
    assert instances.get_instance(manager, instance_id=instance.id).version == 3
    ok = perform(ctx=manager, instance_id=instance.id, transition_id="approve", expected_version=3,
                 inputs={"cost_estimate": 800})
    assert ok.to_state == "vendor_assignment"
    assert instances.get_instance(manager, instance_id=instance.id).fields["cost_estimate"] == 800


def test_concurrent_performs_on_many_records_keep_the_audit_chain_whole(flow):
    from domain.audit.service import verify_chains

    bundle, requester, _manager, _instance = flow
    started = [instances.start_instance(requester, workflow_key="maintenance_request", subject_type="request",
                                        subject_id=uuid.uuid4(), fields={"title": f"Job {n}", "category": "plumbing"})
               for n in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        done = list(pool.map(lambda one: perform(ctx=requester, instance_id=one.id, transition_id="submit",
                                                 expected_version=one.version), started))
    assert {d.to_state for d in done} == {"submitted"}
    chain = next(c for c in verify_chains() if c.tenant_id == bundle.tenant_id)
    assert chain.ok, chain.reason
    assert len(audit_rows(bundle.tenant_id, "workflow.transition")) == 12


def test_idempotent_retry_returns_the_same_response_and_writes_nothing(flow):
    _bundle, requester, _manager, instance = flow
    first = perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1,
                    idempotency_key="req-1")
    again = perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1,
                    idempotency_key="req-1")
    assert again == first
    assert len(instances.history(requester, instance_id=instance.id)) == 1
    with pytest.raises(IdempotencyMismatch):
        perform(ctx=requester, instance_id=instance.id, transition_id="cancel", expected_version=2,
                idempotency_key="req-1")


def test_the_database_refuses_a_state_written_any_other_way(flow):
    bundle, _requester, _manager, instance = flow
    with pytest.raises(DBAPIError, match="only through perform"):
        owner_sql("update workflow_instances set state = 'closed' where id = :i", i=instance.id)
    assert owner_sql("select state from workflow_instances where id = :i", i=instance.id)[0][0] == "draft"
    del bundle


def test_nothing_else_in_the_code_base_writes_an_instance_state():
    writers = []
    for path in [*ROOT.glob("domain/**/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("api/**/*.py"),
                 *ROOT.glob("scheduler/**/*.py")]:
        text = path.read_text()
        if re.search(r"\binstance\.state\s*(,\s*instance\.\w+\s*)?=(?!=)|\.values\(\s*state\s*=|set\s+state\s*=", text):
            writers.append(path.relative_to(ROOT).as_posix())
    assert writers == ["domain/workflows/perform.py"]


def test_a_transition_leaves_its_tenants_row_unlocked(flow):
    """History rows and audit events reference no tenant row (migration 0014): a foreign key
    check would lock it, and every writer of the tenant would then share that lock."""
    bundle, requester, manager, instance = flow
    perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)  # outbox: locks it
    locker = owner_sql("select xmax::text as x from tenants where id = :t", t=bundle.tenant_id)[0].x
    perform(ctx=manager, instance_id=instance.id, transition_id="review", expected_version=2)  # history, audit, SLAs
    assert owner_sql("select xmax::text as x from tenants where id = :t", t=bundle.tenant_id)[0].x == locker


def test_every_committed_change_is_announced_to_listeners(flow, database):
    import json

    import psycopg

    bundle, requester, _manager, instance = flow
    url = database.app.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute("listen baton_changes")
        perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)
        notices = [json.loads(n.payload) for n in listener.notifies(timeout=5, stop_after=1)]
        with pytest.raises(Conflict):  # refused: nothing committed, nothing announced
            perform(ctx=requester, instance_id=instance.id, transition_id="cancel", expected_version=1)
        other = instances.start_instance(requester, workflow_key="maintenance_request", subject_type="request",
                                         subject_id=uuid.uuid4(), fields={"title": "Broken window"})
        later = [json.loads(n.payload) for n in listener.notifies(timeout=5, stop_after=1)]
    subject = owner_sql("select subject_id from workflow_instances where id = :i", i=instance.id)[0][0]
    assert notices == [{"tenant": str(bundle.tenant_id), "instance": str(instance.id), "subject_type": "request",
                        "subject": str(subject), "state": "submitted", "version": 2}]
    assert [(n["instance"], n["state"]) for n in later] == [(str(other.id), "draft")]  # other writes: the trigger


def test_actions_for_shows_what_perform_allows(flow):
    _bundle, requester, manager, instance = flow
    shown = {o.transition_id: o for o in instances.actions_for(requester, instance_id=instance.id)}
    assert set(shown) == {"submit", "cancel"} and shown["submit"].enabled
    refused = {o.transition_id: o for o in instances.actions_for(manager, instance_id=instance.id)}["submit"]
    assert refused.permitted  # managers may submit too; the title is set
    perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)
    after = {o.transition_id: o for o in instances.actions_for(requester, instance_id=instance.id)}
    assert not after["review"].permitted and "manager" in after["review"].reason.text()
