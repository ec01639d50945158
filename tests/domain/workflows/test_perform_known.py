"""`perform` on an instance this process last wrote: one round trip, guarded by the
version (ADR 0014), and the locking path whenever that row changed meanwhile."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from domain.errors import Conflict, NotFound
from domain.workflows import instances
from domain.workflows.known import known_instances
from domain.workflows.perform import perform
from tests.factories import add_person, audit_rows, ctx_for, new_tenant, owner_sql, published, with_roles


def _counted(database, call):  # type: ignore[no-untyped-def]
    """(statements, round trips) of `call()`, counted at the driver: SQLAlchemy's statements
    and each statement of `Pipelined`'s round trips (BEGIN and COMMIT apart)."""
    import psycopg
    from sqlalchemy import event

    from storage import db, pipeline

    sent: list[str] = []
    round_trips = []

    class Counting(psycopg.Cursor):  # type: ignore[type-arg]
        def execute(self, query, params=None, **kwargs):  # type: ignore[no-untyped-def]
            sent.append(str(query).split()[0].lower())
            return super().execute(query, params, **kwargs)

    def counting_round_trips(statements: list[str]) -> None:
        round_trips.append(statements)
        sent.extend(statement.split()[0].lower() for statement in statements)

    db.configure(database.app)  # fresh connections, each with the counting cursor
    try:
        for engine in db.engines():
            event.listen(engine, "connect", lambda dbapi, _record: setattr(dbapi, "cursor_factory", Counting))
        pipeline.round_trip_observer = counting_round_trips
        call()
    finally:
        pipeline.round_trip_observer = None
        db.configure(database.app)
    return sent, len(round_trips)


def test_a_transition_costs_at_most_six_statements_in_two_round_trips(flow, database):
    _bundle, requester, manager, instance = flow
    perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)  # warms caches
    known_instances.clear()  # as in another process: this one has not written the instance
    sent, round_trips = _counted(database, lambda: perform(ctx=manager, instance_id=instance.id,
                                                           transition_id="review", expected_version=2))
    # the tenant scope and the locking read; then the SLA ledger's two rows (one clock
    # stops, one starts), the second with the state, history and audit event in one
    # statement, and after COMMIT the announcement (pg_notify)
    assert (sent, round_trips) == (["select", "select", "insert", "with", "select"], 2)


def test_a_known_instance_transitions_in_one_round_trip(flow, database):
    bundle, requester, manager, instance = flow
    perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)
    sent, round_trips = _counted(database, lambda: perform(ctx=manager, instance_id=instance.id,
                                                           transition_id="review", expected_version=2))
    # no locking read: the tenant scope, the SLA rows, the guarded state write with history
    # and audit event, and the announcement
    assert (sent, round_trips) == (["select", "insert", "with", "select"], 1)
    after = instances.get_instance(requester, instance_id=instance.id)
    assert (after.state, after.version) == ("manager_approval", 3)
    assert [h.transition_id for h in instances.history(requester, instance_id=instance.id)] == ["submit", "review"]
    assert [e.after["state"] for e in audit_rows(bundle.tenant_id, "workflow.transition")] == [
        "submitted", "manager_approval"]


def test_a_transition_reuses_its_compiled_statements(flow, monkeypatch):
    """Writes (SLA rows, history, audit event, idempotency key) are compiled to driver SQL
    once per process: the same transition on another instance compiles nothing."""
    from storage import driver_sql

    _bundle, requester, manager, first = flow
    second = instances.start_instance(requester, workflow_key="maintenance_request", subject_type="request",
                                      subject_id=uuid.uuid4(), fields={"title": "Dripping tap", "category": "plumbing"})

    def submit_and_review(instance_id):  # type: ignore[no-untyped-def]
        done = perform(ctx=requester, instance_id=instance_id, transition_id="submit", expected_version=1,
                       idempotency_key=f"submit-{instance_id}")
        perform(ctx=manager, instance_id=instance_id, transition_id="review", expected_version=done.version,
                idempotency_key=f"review-{instance_id}")

    submit_and_review(first.id)
    compiled = []
    real = driver_sql._compile
    monkeypatch.setattr(driver_sql, "_compile", lambda *args: compiled.append(args) or real(*args))
    submit_and_review(second.id)
    assert compiled == []
    assert instances.get_instance(requester, instance_id=second.id).state == "manager_approval"


def test_a_known_instance_changed_by_another_writer_is_read_again(flow):
    bundle, requester, manager, instance = flow
    perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)  # known at 2
    # another process (or a script) edits it: the database moves its version on
    owner_sql("update workflow_instances set fields = fields || '{\"title\": \"Burst pipe\"}' where id = :i",
              i=instance.id)
    outbox = owner_sql("select count(*) from outbox where tenant_id = :t", t=bundle.tenant_id)[0][0]
    with pytest.raises(Conflict):  # the caller saw version 2, as this process knew it
        perform(ctx=manager, instance_id=instance.id, transition_id="review", expected_version=2)
    assert [h.transition_id for h in instances.history(requester, instance_id=instance.id)] == ["submit"]
    assert len(audit_rows(bundle.tenant_id, "workflow.transition")) == 1
    assert owner_sql("select count(*) from outbox where tenant_id = :t", t=bundle.tenant_id)[0][0] == outbox
    done = perform(ctx=manager, instance_id=instance.id, transition_id="review", expected_version=3)
    assert (done.to_state, done.version) == ("manager_approval", 4)
    fields = owner_sql("select fields from workflow_instances where id = :i", i=instance.id)[0][0]
    assert fields["title"] == "Burst pipe"  # the edit is kept: the state write did not overwrite it


def test_the_database_moves_the_version_of_any_change_the_engine_reads(flow):
    _bundle, _requester, _manager, instance = flow

    def version() -> int:
        return owner_sql("select version from workflow_instances where id = :i", i=instance.id)[0][0]

    owner_sql("update workflow_instances set priority = 'high' where id = :i", i=instance.id)
    assert version() == 2
    owner_sql("update workflow_instances set fields = fields || '{\"x\": 1}', version = version + 1 where id = :i",
              i=instance.id)
    assert version() == 3  # moved once, by the writer
    owner_sql("update workflow_instances set state_entered_at = now() where id = :i", i=instance.id)
    assert version() == 3  # nothing the engine reads


@pytest.mark.parametrize("known", [False, True], ids=["locking", "known"])
def test_twenty_concurrent_performs_exactly_one_wins(flow, known):
    _bundle, requester, manager, instance = flow
    steps = [(requester, "submit", 1)]
    if known:  # this process wrote it last, at version 2: every attempt takes the guarded path
        perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)
        steps = [(requester, "submit", 1), (manager, "review", 2)]
    actor, transition, version = steps[-1]

    def attempt(_n: int) -> str:
        try:
            perform(ctx=actor, instance_id=instance.id, transition_id=transition, expected_version=version)
            return "ok"
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    assert results.count("ok") == 1 and results.count("conflict") == 19
    assert [h.transition_id for h in instances.history(requester, instance_id=instance.id)] == [
        step[1] for step in steps]


def test_a_retry_after_a_lost_response_replays_on_a_known_instance(flow):
    _bundle, requester, manager, instance = flow
    perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)
    before = dict(known_instances.get(requester.tenant_id, instance.id, 2) or {})
    first = perform(ctx=manager, instance_id=instance.id, transition_id="review", expected_version=2,
                    idempotency_key="review-1")
    known_instances.put(requester.tenant_id, before)  # as if the response was lost after COMMIT
    again = perform(ctx=manager, instance_id=instance.id, transition_id="review", expected_version=2,
                    idempotency_key="review-1")
    assert again == first
    assert [h.transition_id for h in instances.history(requester, instance_id=instance.id)] == ["submit", "review"]


def test_another_tenant_cannot_use_a_known_instance(flow):
    _bundle, requester, _manager, instance = flow
    perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)
    other = with_roles(new_tenant(), "director")
    published(other)
    stranger = ctx_for(add_person(other, "manager"))
    with pytest.raises(NotFound):
        perform(ctx=stranger, instance_id=instance.id, transition_id="review", expected_version=2)
    assert [h.transition_id for h in instances.history(requester, instance_id=instance.id)] == ["submit"]


def test_a_known_instance_holds_its_fields_as_the_database_does(flow):
    """The known row is what a locking read would return: values written to `fields` are
    kept as JSON reads them back (a tuple as a list, a number key as text)."""
    _bundle, requester, manager, instance = flow
    perform(ctx=requester, instance_id=instance.id, transition_id="submit", expected_version=1)
    perform(ctx=manager, instance_id=instance.id, transition_id="review", expected_version=2)
    done = perform(ctx=manager, instance_id=instance.id, transition_id="approve", expected_version=3,
                   inputs={"cost_estimate": 800, "parts": ("valve", "seal"), "bins": {7: "shelf"}})
    known = known_instances.get(requester.tenant_id, instance.id, done.version)
    stored = owner_sql("select fields from workflow_instances where id = :i", i=instance.id)[0][0]
    assert known is not None and known["fields"] == stored
    assert stored["parts"] == ["valve", "seal"] and stored["bins"] == {"7": "shelf"}
