"""Cost of tenant isolation: the same tenant-scoped reads and audited writes, as the
application role under FORCE'd row-level security, and as the owner (a superuser in
embedded mode, which bypasses RLS) with only the explicit tenant filter.

    .venv/bin/python bench/rls.py [--tenants 20] [--members 200] [--rounds 2000]

Prints p50/p95 per operation and the ratio RLS / reference measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scratch import scratch_database
from sqlalchemy import create_engine, text

READ = """select u.email, m.status from memberships m join users u on u.id = m.user_id
          where m.tenant_id = cast(:t as uuid) order by u.email limit 50"""
WRITE = """insert into vendors (tenant_id, id, name) values (cast(:t as uuid), cast(:i as uuid), :n)"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    with scratch_database() as (urls, _tmp):
        tenant_ids = _seed(urls.owner, args.tenants, args.members)
        app = create_engine(urls.app)
        owner = create_engine(urls.owner)
        for label, sql in (("read 50 members", READ), ("insert vendor", WRITE)):
            _measure(owner, app, tenant_ids, sql, args.rounds // 4)  # warm-up
            ref = _measure(owner, None, tenant_ids, sql, args.rounds)
            rls = _measure(app, "rls", tenant_ids, sql, args.rounds)
            print(f"{label:<16} reference p50 {_ms(ref, 50)} p95 {_ms(ref, 95)} | "
                  f"app role + RLS p50 {_ms(rls, 50)} p95 {_ms(rls, 95)} | ratio p50 "
                  f"{statistics.median(rls) / statistics.median(ref):.2f}")
        app.dispose()
        owner.dispose()


def _seed(owner_url: str, tenants: int, members: int) -> list[str]:
    engine = create_engine(owner_url)
    ids = []
    with engine.begin() as conn:
        for n in range(tenants):
            tid = str(uuid.uuid4())
            ids.append(tid)
            conn.execute(text("insert into tenants (id, name, slug) values (cast(:t as uuid), :n, :s)"),
                         {"t": tid, "n": f"Bench {n}", "s": f"bench-{n}-{tid[:6]}"})
            for _ in range(members):
                uid = str(uuid.uuid4())
                conn.execute(text("insert into users (id, email, name, password_hash) values "
                                  "(cast(:u as uuid), :e, :n, 'x')"), {"u": uid, "e": f"{uid}@b.test", "n": "B"})
                conn.execute(text("insert into memberships (tenant_id, id, user_id) values "
                                  "(cast(:t as uuid), gen_random_uuid(), cast(:u as uuid))"), {"t": tid, "u": uid})
    engine.dispose()
    return ids


def _measure(engine, mode, tenant_ids: list[str], sql: str, rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    with engine.connect() as conn:
        for i in range(rounds):
            tid = tenant_ids[i % len(tenant_ids)]
            started = time.perf_counter()
            with conn.begin():
                if mode == "rls":
                    conn.execute(text("select set_config('app.tenant_id', :t, true)"), {"t": tid})
                conn.execute(text(sql), {"t": tid, "i": str(uuid.uuid4()), "n": uuid.uuid4().hex})
            samples.append(time.perf_counter() - started)
    return samples


def _ms(samples: list[float], pct: int) -> str:
    ordered = sorted(samples)
    return f"{ordered[min(len(ordered) - 1, len(ordered) * pct // 100)] * 1000:.3f} ms"


if __name__ == "__main__":
    main()
