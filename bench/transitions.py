"""Persisted workflow transitions per second: Baton's `perform`, raw SQL, SpiffWorkflow.

    .venv/bin/python bench/transitions.py [--instances 3000] [--workers 2,4] [--warmup 30] [--rounds 6]

One approval flow three ways, on the same embedded PostgreSQL, with the same number of
worker processes: submit → approve → close, where amounts under 5000 are approved by a
manager and the rest only by a director (half the instances each way). Each count of
`--workers` is measured in turn; the targets are judged at the highest, where the
machine is busy: with as many workers as cores, each worker also waits for its own
commit's WAL flush and the cores are not kept busy (see bench/README.md).

- Baton: `domain.workflows.perform.perform` through the whole stack (application role,
  row-level security, version check, engine, history, hash-chained audit event). Each
  worker runs an instance's three steps, so the second and third find the instance as
  that process wrote it (one round trip, ADR 0014); the first takes the locking path.
- Raw SQL, the limit for Python here: psycopg 3 as the application role, per transition
  one transaction doing the same writes (tenant + `baton.perform` set_config, lock, version-checked
  update, history insert, audit insert), then the announcement (pg_notify) after COMMIT.
- SpiffWorkflow 3.2 (the `bench` extra), bench/approval.bpmn: per step one
  transaction loads the workflow's JSON snapshot (a `json` column: Spiff relies on key
  order, which `jsonb` re-sorts), completes the ready user task, runs engine steps,
  saves the snapshot.

Baton's and raw SQL's audit events are chained just after commit (ADR 0012): during their
runs this process seals them as the console's sealing job does (every SEAL_EVERY seconds,
in bench/transition_workers.py), and a run ends when its last event is sealed; that work
counts in its time and CPU.

Each method is warmed up first (a fresh cluster runs slower for its first minute), then
measured in `--rounds` interleaved rounds; the touched tables are vacuumed and analysed
before every run (as an established database's would be). Prints transitions per second (all workers),
the ratios Baton/raw and Baton/Spiff, and the SQL statements per Baton transition
(every statement on the engine's connections in one worker, counted by the driver's
cursor; pool pre-pings apart). Targets (issue 3): ≥ 0.30× raw SQL, ≥ 1.5× SpiffWorkflow,
≤ 6 statements.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import scratch_database  # noqa: E402  (bench/, beside this script)
from sqlalchemy import create_engine, text  # noqa: E402
from transition_workers import Run, Workers  # noqa: E402  (bench/, beside this script)

from storage import db  # noqa: E402
from storage.postgres import DatabaseUrls  # noqa: E402

BPMN = Path(__file__).resolve().parent / "approval.bpmn"
PASSWORD = "bench-password-2026"
SMALL, LARGE = 1200, 7000
METHODS = ("baton", "raw", "spiff")
WARMUP_BATCH = 100  # instances
TARGETS = {"raw": 0.30, "spiff": 1.5, "statements": 6}

DEFINITION: dict[str, Any] = {
    "format": "baton/workflow@1", "key": "bench_approval", "name": "Bench approval", "subject": "request",
    "fields": [{"key": "amount", "type": "number", "label": "Amount"}],
    "roles": ["requester", "manager", "director"],
    "initial_state": "draft",
    "states": [{"id": "draft", "category": "todo"}, {"id": "submitted", "category": "todo"},
               {"id": "approved", "category": "in_progress"},
               {"id": "closed", "category": "done", "terminal": True}],
    "transitions": [
        {"id": "submit", "from": "draft", "to": "submitted", "roles": ["requester"]},
        {"id": "approve", "from": "submitted", "to": "approved", "roles": ["manager", "director"],
         "condition": {"any": [{"field": "amount", "op": "lt", "value": 5000},
                               {"actor": "has_role", "value": "director"}]}},
        {"id": "close", "from": "approved", "to": "closed", "roles": ["manager"]},
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=3000, help="instances measured per method (3 steps each)")
    parser.add_argument("--workers", default="2,4", help="worker counts, comma-separated (each method's peak counts)")
    parser.add_argument("--warmup", type=float, default=30, help="seconds of warm-up (all methods in turn)")
    parser.add_argument("--rounds", type=int, default=6, help="interleaved measuring rounds (order rotates)")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    if not counts or min(counts) < 1:
        raise SystemExit("--workers: one or more worker counts, such as 2,4")
    try:
        import SpiffWorkflow  # noqa: F401
    except ImportError:
        raise SystemExit("SpiffWorkflow is missing: .venv/bin/pip install SpiffWorkflow==3.2.0") from None
    with scratch_database() as (urls, tmp):
        started = time.perf_counter()
        people = _seed()
        _check_branch(people)
        _create_spiff_table(urls.owner, urls.app_role)
        print(f"set-up {time.perf_counter() - started:.1f} s")
        runs = {count: _bench(args, count, people, urls, tmp / "pgdata", warmup=args.warmup if n == 0 else 0)
                for n, count in enumerate(counts)}
    _report(runs)


def _report(runs: dict[int, dict[str, list[Run]]]) -> None:
    """Every worker count's rates; the targets judged at the highest count (the machine
    busy), where all three run with the same number of workers."""
    total = {count: {m: Run(*(sum(values) for values in zip(*by[m], strict=True))) for m in METHODS}
             for count, by in runs.items()}
    rate = {count: {m: by[m].transitions / by[m].seconds for m in METHODS} for count, by in total.items()}
    print(f"\n{'workers':>7} {'Baton':>8} {'raw SQL':>8} {'Spiff':>8}  Baton/raw  Baton/Spiff  (transitions/s)"
          "   CPU ms per transition, client + server: Baton, Spiff")
    for count, by in rate.items():
        cpu = {m: (1000 * total[count][m].client_cpu / total[count][m].transitions,
                   1000 * total[count][m].server_cpu / total[count][m].transitions) for m in ("baton", "spiff")}
        print(f"{count:7d} {by['baton']:8.0f} {by['raw']:8.0f} {by['spiff']:8.0f}  {by['baton'] / by['raw']:8.2f}x"
              f"  {by['baton'] / by['spiff']:10.2f}x   {cpu['baton'][0]:.2f} + {cpu['baton'][1]:.2f},"
              f" {cpu['spiff'][0]:.2f} + {cpu['spiff'][1]:.2f}")
    judged = max(rate)
    at = rate[judged]
    print(f"\nWith {judged} workers each:")
    for method, label in (("baton", "Baton perform"), ("raw", "raw SQL (psycopg)"), ("spiff", "SpiffWorkflow 3.2")):
        run = total[judged][method]
        print(f"{label:<20} {at[method]:8.0f} transitions/s ({run.transitions} in {run.seconds:.2f} s); "
              f"CPU per transition {1000 * run.client_cpu / run.transitions:.2f} ms client + "
              f"{1000 * run.server_cpu / run.transitions:.2f} ms server")
    vs_raw, vs_spiff = at["baton"] / at["raw"], at["baton"] / at["spiff"]
    print(f"Baton / raw SQL   {vs_raw:5.2f}x  (target >= {TARGETS['raw']:.2f}x: "
          f"{'met' if vs_raw >= TARGETS['raw'] else 'MISSED'})")
    print(f"Baton / Spiff     {vs_spiff:5.2f}x  (target >= {TARGETS['spiff']:.2f}x: "
          f"{'met' if vs_spiff >= TARGETS['spiff'] else 'MISSED'})")
    best = {m: max(rate, key=lambda count, m=m: rate[count][m]) for m in ("baton", "spiff")}
    print(f"                  {rate[best['baton']]['baton'] / rate[best['spiff']]['spiff']:5.2f}x  each at its best "
          f"(Baton {rate[best['baton']]['baton']:.0f}/s with {best['baton']} workers, "
          f"Spiff {rate[best['spiff']]['spiff']:.0f}/s with {best['spiff']})")
    print(f"raw SQL / Spiff   {at['raw'] / at['spiff']:5.2f}x  (the same writes by hand)")
    baton = Run(*(sum(values) for values in zip(*(by["baton"] for by in total.values()), strict=True)))
    per_transition, pings = baton.statements / baton.performs, baton.pings / baton.performs
    print(f"SQL statements per Baton transition {per_transition:.2f} (target <= {TARGETS['statements']}: "
          f"{'met' if per_transition <= TARGETS['statements'] else 'MISSED'}; plus {pings:.2f} pool pre-ping) "
          f"in {baton.round_trips / baton.performs:.2f} round trips")


def _bench(args: argparse.Namespace, count: int, people: dict[str, Any], urls: DatabaseUrls, pgdata: Path, *,
           warmup: float) -> dict[str, list[Run]]:
    """`args.rounds` interleaved rounds of every method with `count` worker processes, after
    `warmup` seconds of warm-up (at least one cycle: it warms the new processes' caches)."""
    print(f"{count} workers; {args.instances} instances (x3 transitions) per method in {args.rounds} rounds")
    pool = Workers(count, urls.app, people, pgdata)
    try:
        _warm_up(pool, warmup, people, urls.owner)
        runs: dict[str, list[Run]] = {m: [] for m in METHODS}
        per_round = [args.instances // args.rounds + (r < args.instances % args.rounds)
                     for r in range(args.rounds)]
        for r, instances in enumerate(per_round):
            for method in METHODS[r % 3:] + METHODS[:r % 3]:
                jobs = _prepare(method, instances, people, urls.owner)
                _vacuum(urls.owner)
                run = pool.run(method, jobs, count_statements=True)
                runs[method].append(run)
                print(f"  round {r + 1} {method:<5} {run.transitions / run.seconds:8.0f} transitions/s")
    finally:
        pool.close()
    _verify(urls.owner, people["tenant_id"])
    return runs


# --- set-up (through the use cases) -------------------------------------------------


def _seed() -> dict[str, Any]:
    """One tenant, a requester, a manager and a director signed in, the workflow published."""
    from domain.context import Ctx
    from domain.iam import auth, roles, tenants, users
    from domain.iam.tenants import PLATFORM_TENANT_ID
    from domain.workflows import definitions

    platform = Ctx(tenant_id=PLATFORM_TENANT_ID, user_id=None, actor_label="bench", is_platform_admin=True)
    tag = uuid.uuid4().hex[:8]
    admin_email = f"admin-{tag}@bench.test"
    tenant = tenants.create_tenant(platform, tenants.NewTenant(
        name="Bench", slug=f"bench-{tag}", admin_email=admin_email, admin_name="Bench Admin", admin_password=PASSWORD))

    def sign_in(email: str) -> Ctx:
        _token, info = auth.login(email=email, password=PASSWORD, ip="127.0.0.1")
        return auth.context_for(info)

    admin = sign_in(admin_email)
    if "director" not in {r.key for r in roles.list_roles(admin)}:
        roles.create_role(admin, key="director", name="Director", permissions=["request:read", "request:transition"])
    people: dict[str, Any] = {"tenant_id": tenant.id}
    for role in ("requester", "manager", "director"):
        email = f"{role}-{tag}@bench.test"
        users.add_member(admin, email=email, name=f"{role.title()} Person", roles=[role], password=PASSWORD)
        _clear_password_change(email)
        people[role] = sign_in(email)
    draft = definitions.save_draft(admin, document=DEFINITION)
    definitions.publish(admin, version_id=draft.id)
    return people


def _warm_up(pool: Workers, seconds: float, people: dict[str, Any], owner_url: str) -> None:
    """Run every method in turn, in batches, until `seconds` have passed (at least one cycle)."""
    started, cycle = time.perf_counter(), 0
    while cycle == 0 or time.perf_counter() - started < seconds:
        cycle += 1
        rates = []
        for method in METHODS:
            jobs = _prepare(method, WARMUP_BATCH, people, owner_url)
            _vacuum(owner_url)
            run = pool.run(method, jobs)
            rates.append(f"{method} {run.transitions / run.seconds:5.0f}")
        print(f"  warm-up {cycle:2d} ({time.perf_counter() - started:4.0f} s) transitions/s: {', '.join(rates)}")


def _clear_password_change(email: str) -> None:
    """New members must change their password at first sign-in (as tests/factories.py skips it)."""
    from sqlalchemy import update

    from domain.iam.models import User

    with db.global_session() as session:
        session.execute(update(User).where(User.email == email).values(must_change_password=False))


def _start(people: dict[str, Any], amounts: list[int]) -> list[tuple[uuid.UUID, int, int]]:
    from domain.workflows.instances import start_instance

    started = []
    for amount in amounts:
        view = start_instance(people["requester"], workflow_key="bench_approval", subject_type="request",
                              subject_id=uuid.uuid4(), fields={"amount": amount})
        started.append((view.id, amount, view.version))
    return started


def _check_branch(people: dict[str, Any]) -> None:
    """The condition really branches: a manager may not approve 7000, a director may."""
    from domain.workflows.perform import TransitionRefused, perform

    [(instance_id, _amount, version)] = _start(people, [LARGE])
    version = perform(ctx=people["requester"], instance_id=instance_id, transition_id="submit",
                      expected_version=version).version
    try:
        perform(ctx=people["manager"], instance_id=instance_id, transition_id="approve", expected_version=version)
    except TransitionRefused:
        pass
    else:
        raise SystemExit("a manager approved 7000: the benchmark's workflow does not branch")
    version = perform(ctx=people["director"], instance_id=instance_id, transition_id="approve",
                      expected_version=version).version
    perform(ctx=people["manager"], instance_id=instance_id, transition_id="close", expected_version=version)


def _amounts(count: int) -> list[int]:
    return [LARGE if i % 2 else SMALL for i in range(count)]


def _prepare(method: str, count: int, people: dict[str, Any], owner_url: str) -> list[tuple[str, int, int]]:
    """Fresh instances for one run: (id, amount, version)."""
    if method != "spiff":
        return [(str(i), amount, version) for i, amount, version in _start(people, _amounts(count))]
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    spec, serializer = _spiff_spec(), BpmnWorkflowSerializer()
    rows = []
    for amount in _amounts(count):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        rows.append({"i": str(uuid.uuid4()), "d": serializer.serialize_json(workflow), "a": amount})
    engine = create_engine(owner_url)
    with engine.begin() as conn:
        conn.execute(text("insert into bench_spiff (id, data) values (cast(:i as uuid), cast(:d as json))"), rows)
    engine.dispose()
    return [(row["i"], row["a"], 0) for row in rows]


def _create_spiff_table(owner_url: str, app_role: str) -> None:
    engine = create_engine(owner_url)
    with engine.begin() as conn:
        conn.execute(text("create table bench_spiff (id uuid primary key, data json not null)"))
        conn.execute(text(f"grant select, insert, update on bench_spiff to {app_role}"))
    engine.dispose()


def _vacuum(owner_url: str) -> None:
    """Planner statistics of a fresh cluster lag tables growing from zero: without this the
    raw reference slowed down 2x within a minute, until autovacuum happened to run."""
    engine = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("vacuum analyze workflow_instances, workflow_history, audit_events, bench_spiff"))
    engine.dispose()


_SPEC: list[Any] = []


def _spiff_spec() -> Any:
    if not _SPEC:
        from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser

        parser = BpmnParser()
        parser.add_bpmn_file(str(BPMN))
        _SPEC.append(parser.get_spec("approval"))
    return _SPEC[0]


def _verify(owner_url: str, tenant_id: uuid.UUID) -> None:
    """Every instance ended closed with three history rows, every audit event sealed and the
    chain whole; every Spiff workflow completed."""
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer

    from domain.audit.service import verify_chains

    [chain] = [status for status in verify_chains() if status.tenant_id == tenant_id]
    if not chain.ok:
        raise SystemExit(f"verification failed: the audit chain is broken ({chain.reason})")

    engine = create_engine(owner_url)
    with engine.connect() as conn:
        open_ = conn.execute(text("select count(*) from workflow_instances where tenant_id = :t and state <> 'closed'"),
                             {"t": tenant_id}).scalar()
        short = conn.execute(text("select count(*) from (select instance_id from workflow_history where tenant_id = :t "
                                  "group by instance_id having count(*) <> 3) s"), {"t": tenant_id}).scalar()
        snapshots = conn.execute(text("select data::text from bench_spiff")).scalars().all()
    engine.dispose()
    serializer = BpmnWorkflowSerializer()
    unfinished = sum(not serializer.deserialize_json(s).completed for s in snapshots)
    if open_ or short or unfinished:
        raise SystemExit(f"verification failed: {open_} instances not closed, {short} with other than 3 history "
                         f"rows, {unfinished} Spiff workflows not completed")
    print(f"verified: every instance closed with 3 history rows; {chain.events} audit events chained; "
          f"{len(snapshots)} Spiff workflows completed")


if __name__ == "__main__":
    main()
