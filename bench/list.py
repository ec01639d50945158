"""List of 100,000 requests: one page through `domain.records.listing.list_records`.

    .venv/bin/python bench/list.py [--records 100000] [--rounds 200]

Set-up: one tenant with the maintenance workflow published and 100,000 requests
spread over its states, categories, priorities and cost estimates (inserted in bulk
as the owner, so the field value index is filled by its trigger: the benchmark measures
reading, not creating). Then, as the manager (application role, row-level security,
visibility rules), page queries of 50 rows with their count (up to
`listing.COUNT_MAX`): the first page, a deep page, custom-field filters through the
field value index (category = plumbing, 20% of rows; cost estimate = 1,234, a handful),
a custom-field range with a sort on it (cost estimate ≥ 4,000), state and priority, and
a text search. Each is measured `--rounds` times after a warm-up: p50 and p95 per query
and over all. Reference in the same run: the same page's rows and the full count by
plain SQL as the owner (no RLS, no use-case code, JSONB expressions). Target (issue 4):
page query p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import scratch_database  # noqa: E402  (bench/, beside this script)
from sqlalchemy import create_engine, text  # noqa: E402

from storage import db  # noqa: E402

PASSWORD = "bench-password-2026"
TARGET_MS = 50.0
STATES = ("draft", "submitted", "manager_approval", "vendor_assignment", "in_progress", "on_hold", "verification",
          "closed", "rejected", "cancelled")
CATEGORIES = ("hvac", "plumbing", "electrical", "cleaning", "other")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with scratch_database() as (urls, _tmp):
        _run(args, urls)


def _run(args: argparse.Namespace, urls: Any) -> None:
    from domain.records.listing import FieldFilter, ListQuery, list_records

    started = time.perf_counter()
    manager, tenant_id = _seed()
    owner = create_engine(urls.owner)
    _bulk_requests(owner, tenant_id, manager, args.records)
    print(f"set-up {time.perf_counter() - started:.1f} s: {args.records:,} requests")
    queries = {
        "first page": (ListQuery(kind="request"), 0),
        "page 20": (ListQuery(kind="request"), 50 * 19),
        "category = plumbing": (ListQuery(kind="request", field_filters=(
            FieldFilter(key="category", op="eq", value="plumbing"),)), 0),
        "cost >= 4000, sorted by cost": (ListQuery(kind="request", field_filters=(
            FieldFilter(key="cost_estimate", op="gte", value="4000"),), sort="field:cost_estimate"), 0),
        "cost = 1234": (ListQuery(kind="request", field_filters=(
            FieldFilter(key="cost_estimate", op="eq", value="1234"),)), 0),
        "state + priority": (ListQuery(kind="request", states=("on_hold",), priorities=("urgent",)), 0),
        "text 'boiler 12'": (ListQuery(kind="request", text="boiler 12"), 0),
    }
    reference_sql = {
        "first page": ("true", "r.number desc"),
        "page 20": ("true", "r.number desc"),
        "category = plumbing": ("i.fields @> '{\"category\": \"plumbing\"}'", "r.number desc"),
        "cost >= 4000, sorted by cost": ("((i.fields->'cost_estimate'->>'amount')::numeric >= 4000)",
                                         "(i.fields->'cost_estimate'->>'amount')::numeric desc nulls last, "
                                         "r.number desc"),
        "cost = 1234": ("((i.fields->'cost_estimate'->>'amount')::numeric = 1234)", "r.number desc"),
        "state + priority": ("i.state = 'on_hold' and i.priority = 'urgent'", "r.number desc"),
        "text 'boiler 12'": ("to_tsvector('simple', coalesce(i.fields->>'title', '')) @@ "
                             "to_tsquery('simple', 'boiler:* & 12:*')", "r.number desc"),
    }
    all_app: list[float] = []
    all_ref: list[float] = []
    print(f"{'query':<32} {'rows':>7} {'app p50':>9} {'app p95':>9} {'ref p50':>9} {'ref p95':>9}")
    for name, (query, offset) in queries.items():
        page = list_records(manager, query, offset=offset, limit=50)  # warm-up (and the definition cache)
        app = _times(lambda q=query, o=offset: list_records(manager, q, offset=o, limit=50), args.rounds)
        where, order = reference_sql[name]
        ref = _times(lambda w=where, o=order, off=offset: _reference(owner, tenant_id, w, o, off), args.rounds)
        all_app += app
        all_ref += ref
        total = f"{page.total:,}" + ("+" if page.more else "")
        print(f"{name:<32} {total:>7} {_p(app, 50):>7.1f}ms {_p(app, 95):>7.1f}ms "
              f"{_p(ref, 50):>7.1f}ms {_p(ref, 95):>7.1f}ms")
    owner.dispose()
    p95 = _p(all_app, 95)
    print()
    print(f"page queries: p50 {_p(all_app, 50):.1f} ms, p95 {p95:.1f} ms (reference p95 {_p(all_ref, 95):.1f} ms, "
          f"ratio {p95 / _p(all_ref, 95):.2f})")
    print(f"target p95 <= {TARGET_MS:.0f} ms: {'met' if p95 <= TARGET_MS else 'MISSED'}")


def _seed() -> tuple[Any, Any]:
    from domain.context import Ctx
    from domain.iam import auth, tenants, users
    from domain.iam.tenants import PLATFORM_TENANT_ID
    from domain.records import service as records
    from domain.workflows import templates

    platform = Ctx(tenant_id=PLATFORM_TENANT_ID, user_id=None, actor_label="bench", is_platform_admin=True)
    tenant = tenants.create_tenant(platform, tenants.NewTenant(
        name="Bench", slug="bench-list", admin_email="admin@bench.test", admin_name="Bench Admin",
        admin_password=PASSWORD))
    _token, info = auth.login(email="admin@bench.test", password=PASSWORD, ip="127.0.0.1")
    admin = auth.context_for(info)
    templates.publish_template(admin, key="maintenance_request")
    records.ensure_default_types(admin)
    users.add_member(admin, email="manager@bench.test", name="Manager", roles=["manager"], password=PASSWORD)
    with db.global_session() as session:
        session.execute(text("update users set must_change_password = false where email = 'manager@bench.test'"))
    _token, info = auth.login(email="manager@bench.test", password=PASSWORD, ip="127.0.0.1")
    return auth.context_for(info), tenant.id


def _bulk_requests(owner: Any, tenant_id: Any, manager: Any, count: int) -> None:
    """Rows shaped exactly as `create_record` writes them, in one statement each."""
    with owner.begin() as conn:
        version = conn.execute(text(
            "select v.id, v.definition_id from workflow_versions v join workflow_definitions d "
            "on d.tenant_id = v.tenant_id and d.id = v.definition_id where v.tenant_id = :t "
            "and d.key = 'maintenance_request' and v.status = 'published'"), {"t": tenant_id}).one()
        params = {"t": tenant_id, "n": count, "v": version.id, "d": version.definition_id, "u": manager.user_id,
                  "states": list(STATES), "cats": list(CATEGORIES)}
        conn.execute(text(
            "insert into records (tenant_id, id, kind, type_key, number, tags, created_by, created_at, updated_at) "
            "select :t, gen_random_uuid(), 'request', 'maintenance', g, "
            "case when g % 7 = 0 then array['safety'] else '{}' end, :u, "
            "now() - (g % 400) * interval '1 day', now() from generate_series(1, :n) g"), params)
        conn.execute(text(
            "insert into workflow_instances (tenant_id, id, definition_id, version_id, subject_type, subject_id, "
            "state, state_entered_at, creator_id, assignee_id, priority, fields, version, updated_by, record_number) "
            "select r.tenant_id, gen_random_uuid(), :d, :v, 'request', r.id, "
            "(cast(:states as text[]))[1 + r.number % 10], now() - (r.number % 30) * interval '1 day', :u, :u, "
            "(array['low','normal','normal','high','urgent'])[1 + (r.number / 10) % 5], "
            "jsonb_build_object('title', (array['Boiler','Leak','Door','Light','Lift'])[1 + r.number % 5] "
            "|| ' ' || r.number, 'category', (cast(:cats as text[]))[1 + r.number % 5], "
            "'cost_estimate', jsonb_build_object('amount', ((r.number * 37) % 9000)::text || '.00', "
            "'currency', 'EUR'), 'due_date', to_char(current_date + (r.number % 60)::int, 'YYYY-MM-DD')), "
            "1, 'bench', r.number from records r where r.tenant_id = :t and r.kind = 'request'"), params)
        conn.execute(text("insert into record_counters (tenant_id, kind, last) values (:t, 'request', :n) "
                          "on conflict (tenant_id, kind) do update set last = :n"), params)
    with owner.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("vacuum analyze records"))
        conn.execute(text("vacuum analyze workflow_instances"))
        conn.execute(text("vacuum analyze workflow_field_values"))


def _reference(owner: Any, tenant_id: Any, where: str, order: str, offset: int) -> None:
    with owner.connect() as conn:
        base = ("from workflow_instances i join records r on r.tenant_id = i.tenant_id and r.kind = i.subject_type "
                f"and r.id = i.subject_id where i.tenant_id = :t and i.subject_type = 'request' and {where}")
        conn.execute(text(f"select count(*) {base}"), {"t": tenant_id}).scalar()
        conn.execute(text(f"select r.id, r.number, i.state, i.fields {base} order by {order} "
                          "limit 50 offset :o"), {"t": tenant_id, "o": offset}).all()


def _times(fn: Any, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _p(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


if __name__ == "__main__":
    main()
