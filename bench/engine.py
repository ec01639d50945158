"""available_actions for 2,000 instances of the maintenance template (target: <= 50 ms).

    .venv/bin/python bench/engine.py [--instances 2000] [--rounds 20]

Instances are spread over the template's states with varied fields, actors and
vendors, so conditions, roles, vendor checks and required fields are all evaluated.
The reference, measured in the same run, is the bare lookup of each instance's
outgoing transitions (no permission or condition work): the ratio is what deciding costs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.conditions import Actor, Facts  # noqa: E402
from engine.load import compile_definition  # noqa: E402
from engine.runtime import Instance, available_actions  # noqa: E402

TEMPLATE = ROOT / "domain" / "workflows" / "templates" / "maintenance_request.yaml"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    definition = compile_definition(TEMPLATE.read_bytes())
    rng = random.Random(7)
    states = [s.id for s in definition.states if not s.terminal]
    actors = [Actor(user_id="u1", roles=frozenset({"manager"})), Actor(user_id="u2", roles=frozenset({"director"})),
              Actor(user_id="u3", roles=frozenset({"requester"})),
              Actor(user_id="u4", roles=frozenset({"vendor"}), vendor_id="v1"),
              Actor(user_id="u5", roles=frozenset({"dispatcher", "technician"}))]
    work = [(Instance(state=rng.choice(states)),
             Facts(fields={"title": rng.choice(["Leak", ""]), "category": rng.choice(["hvac", "other"]),
                           "cost_estimate": rng.choice([None, 120, 4999, 7200]), "vendor": rng.choice([None, "v1"]),
                           "hold_reason": rng.choice([None, "parts"])},
                   creator_id=rng.choice(["u1", "u3"]), vendor_id=rng.choice([None, "v1"])),
             rng.choice(actors)) for _ in range(args.instances)]

    def decide() -> int:
        return sum(len(available_actions(definition, inst, actor, facts, NOW)) for inst, facts, actor in work)

    def reference() -> int:
        return sum(len(definition.outgoing(inst.state)) for inst, _facts, _actor in work)

    assert decide() >= reference()
    decided = _timed(decide, args.rounds)
    bare = _timed(reference, args.rounds)
    p50, ref = statistics.median(decided), statistics.median(bare)
    print(f"available_actions x {args.instances}: p50 {p50 * 1000:.1f} ms, best {min(decided) * 1000:.1f} ms "
          f"(target <= 50 ms) | reference (outgoing lookup only) p50 {ref * 1000:.1f} ms | ratio {p50 / ref:.1f}")


def _timed(fn, rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    fn()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


if __name__ == "__main__":
    main()
