"""The board benchmark's percentiles, targets and closing summary (see bench/board.py)."""

from __future__ import annotations

import argparse
import statistics
from typing import Any

TARGETS = {"build_ms": 150.0, "render_s": 2.0, "drop_ms": 250.0}


def pct(samples: list[float], percent: int) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, len(ordered) * percent // 100)]


def ms(samples: list[float], percent: int) -> str:
    return f"{pct(samples, percent) * 1000:.1f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def summary(args: argparse.Namespace, r: dict[str, Any]) -> None:
    build, ref = r["build"]["total"], r["build"]["ref"]
    print()
    print(f"server build ({r['build']['cards']} cards)  p50 {ms(build, 50)}  p95 {ms(build, 95)}  "
          f"(target <= {TARGETS['build_ms']:.0f} ms: {verdict(pct(build, 95) * 1000 <= TARGETS['build_ms'])}); "
          f"bare query p50 {ms(ref, 50)}, ratio {statistics.median(build) / statistics.median(ref):.1f}; "
          f"CPU p50 {ms(r['build']['cpu'], 50)}; {sum(1 for p in r['build']['full_gc'] if p)} of "
          f"{len(build)} builds held a full garbage collection")
    if "render" not in r:
        return
    render = [x[0] / 1000 for x in r["render"]]
    login = [x[0] / 1000 for x in r["login"]]
    drop, browser_clock, perform_ref = r["drop"], r["drop_browser"], r["perform_ref"]
    print(f"first render (/requests)   median {statistics.median(render):.2f} s  best {min(render):.2f} s  "
          f"(target <= {TARGETS['render_s']:.1f} s: {verdict(statistics.median(render) <= TARGETS['render_s'])}); "
          f"/login median {statistics.median(login) * 1000:.0f} ms, ratio "
          f"{statistics.median(render) / statistics.median(login):.1f}")
    print(f"drop -> visible in B       p50 {ms(browser_clock, 50)}  p95 {ms(browser_clock, 95)}  max "
          f"{max(browser_clock) * 1000:.1f} ms, drop event to B's frame (target p95 <= {TARGETS['drop_ms']:.0f} ms: "
          f"{verdict(pct(browser_clock, 95) * 1000 <= TARGETS['drop_ms'])}); bare perform p50 "
          f"{ms(perform_ref, 50)}, ratio p50 {statistics.median(browser_clock) / statistics.median(perform_ref):.0f}")
    print(f"  from Python before mouse.up  p50 {ms(drop, 50)}  p95 {ms(drop, 95)}  max {max(drop) * 1000:.1f} ms "
          f"(with Playwright's drag emulation, p50 {ms(r['drop_parts']['emulation'], 50)}; target: "
          f"{verdict(pct(drop, 95) * 1000 <= TARGETS['drop_ms'])})")
