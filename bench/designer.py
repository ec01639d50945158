"""The designer with a large workflow: load in Chromium, and the validation round trip after an edit.

    .venv/bin/python bench/designer.py            # --rounds 5 --edits 20

A scratch embedded PostgreSQL, a tenant whose admin has saved a draft of 60 states and
150 transitions (bench/designer_data.py), and `main.py serve` as a subprocess driven by
Debian's Chromium:

1. **Load**: `/designer/big_flow`, reached from the dashboard, from navigation start until
   all 60 nodes and 150 edges are drawn. Reference in the same run: the designer's list
   page (`/designer`), reached the same way, until its workflow card is shown. Target
   (issue 5): ≤ 1 s.
2. **Validation round trip**: select a state in the middle of the workflow and tick
   "Terminal" in the properties panel; time from the click until the problems panel
   says its transitions leave a terminal state; untick until the problem is gone. Each
   is an edit, a server round trip, a whole-document validation and a redraw. Reference: the
   validator alone, in this process, on the same document. Target: ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from designer_data import big_workflow  # noqa: E402  (bench/, beside this script)
from scratch import scratch_database  # noqa: E402
from serve import CHROMIUM_ARGS, PASSWORD, Server, chromium, sign_in  # noqa: E402

KEY = "big_flow"
VIEWPORT = {"width": 1920, "height": 1080}
TIMEOUT_MS = 60_000
TARGETS = {"load": 1000.0, "round_trip": 200.0}
DRAWN_JS = """([nodes, edges]) => document.querySelectorAll('[data-testid^="node-"]').length >= nodes
  && document.querySelectorAll('[data-testid^="edge-"]').length >= edges ? performance.now() : false"""
LIST_JS = """() => document.querySelector('[role="group"]') ? performance.now() : false"""
CLOCK_JS = """() => { window.__actAt = null;
  const mark = () => { window.__actAt = performance.now(); };
  document.addEventListener('keydown', (e) => { if (e.key === 'Delete') mark(); }, true);
  document.addEventListener('pointerdown', (e) => { if (e.target.closest('[role="checkbox"]')) mark(); }, true);
}"""
PROBLEM_JS = """([text, present]) => {
  const region = document.querySelector('[role="region"][aria-label="Problems"]');
  const has = !!region && region.textContent.includes(text);
  return has === present && window.__actAt !== null ? performance.now() - window.__actAt : false; }"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5, help="page loads measured (each page)")
    parser.add_argument("--edits", type=int, default=20, help="edit round trips measured (delete, undo, ...)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with scratch_database() as (urls, tmp):
        admin_email, doc = _seed()
        server = Server(urls, tmp)
        try:
            figures = _browser(server.base, admin_email, doc, args)
        finally:
            server.stop()
    figures["validator"] = _validator_alone(doc, args.edits)
    _summary(figures)
    print(f"load average (1 min) {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; {os.cpu_count()} cores")


def _seed() -> tuple[str, dict[str, Any]]:
    import uuid

    from domain.context import Ctx
    from domain.iam import auth, tenants
    from domain.iam.tenants import PLATFORM_TENANT_ID
    from domain.workflows import definitions

    platform = Ctx(tenant_id=PLATFORM_TENANT_ID, user_id=None, actor_label="bench", is_platform_admin=True)
    tag = uuid.uuid4().hex[:8]
    email = f"admin-{tag}@bench.test"
    tenants.create_tenant(platform, tenants.NewTenant(name="Bench", slug=f"bench-{tag}", admin_email=email,
                                                      admin_name="Bench Admin", admin_password=PASSWORD))
    _token, info = auth.login(email=email, password=PASSWORD, ip="127.0.0.1")
    doc = big_workflow(key=KEY)
    definitions.save_draft(auth.context_for(info), document=doc)
    return email, doc


def _browser(base: str, email: str, doc: dict[str, Any], args: argparse.Namespace) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    figures: dict[str, list[float]] = {"load": [], "list": [], "delete": [], "undo": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(base_url=base, viewport=VIEWPORT).new_page()
            page.set_default_timeout(TIMEOUT_MS)
            sign_in(page, email)
            counts = [len(doc["states"]), len(doc["transitions"])]
            for round_ in range(args.rounds + 1):  # the first of each is a warm-up
                # each measured page is reached from the dashboard: a navigation's clock starts before the
                # previous page is torn down, and tearing down the canvas is not part of loading it
                page.goto("/")
                page.goto("/designer")
                listed = page.wait_for_function(LIST_JS, polling="raf").json_value()
                page.goto("/")
                page.goto(f"/designer/{KEY}")
                drawn = page.wait_for_function(DRAWN_JS, arg=counts, polling="raf").json_value()
                if round_:
                    figures["list"].append(float(listed))
                    figures["load"].append(float(drawn))
            figures.update(_edits(page, doc, args.edits))
        finally:
            browser.close()
    return figures


def _edits(page: Any, doc: dict[str, Any], edits: int) -> dict[str, list[float]]:
    """Make a state terminal in the properties panel and back, `edits` times in all; ms from the
    click to the "leaves the terminal state" problem shown / gone."""
    state = doc["states"][len(doc["states"]) // 2]["id"]
    problem = f"leaves the terminal state {state}"
    page.evaluate(CLOCK_JS)
    page.get_by_test_id(f"node-{state}").click()
    terminal = page.get_by_role("region", name="Properties").get_by_role("checkbox",
                                                                          name="Terminal (records end here)")
    results: dict[str, list[float]] = {"delete": [], "undo": []}
    for n in range(edits // 2 + 1):
        for key, present in (("delete", True), ("undo", False)):
            page.evaluate("() => { window.__actAt = null; }")
            terminal.click()
            took = page.wait_for_function(PROBLEM_JS, arg=[problem, present], polling="raf").json_value()
            if n:  # the first pair warms up
                results[key].append(float(took))
    return results


def _validator_alone(doc: dict[str, Any], rounds: int) -> list[float]:
    from engine.validate import validate_definition

    middle = len(doc["states"]) // 2
    states = [dict(s, terminal=True) if n == middle else s for n, s in enumerate(doc["states"])]
    edited = [dict(doc, states=states), doc]
    times = []
    for n in range(rounds + 2):
        started = time.perf_counter()
        validate_definition(edited[n % 2])
        if n >= 2:
            times.append((time.perf_counter() - started) * 1000)
    return times


def _summary(figures: dict[str, list[float]]) -> None:
    def p(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    load, listed = figures["load"], figures["list"]
    trips = figures["delete"] + figures["undo"]
    print()
    print(f"load /designer/{KEY} (60 states, 150 transitions): p50 {statistics.median(load):.0f} ms, "
          f"max {max(load):.0f} ms (target <= {TARGETS['load']:.0f}: "
          f"{'met' if max(load) <= TARGETS['load'] else 'MISSED'}); reference /designer list p50 "
          f"{statistics.median(listed):.0f} ms; ratio {statistics.median(load) / statistics.median(listed):.2f}")
    print(f"validation round trip after an edit: p50 {statistics.median(trips):.0f} ms, p95 {p(trips, 0.95):.0f} ms "
          f"(tick p50 {statistics.median(figures['delete']):.0f}, untick p50 {statistics.median(figures['undo']):.0f}; "
          f"target <= {TARGETS['round_trip']:.0f}: {'met' if p(trips, 0.95) <= TARGETS['round_trip'] else 'MISSED'}); "
          f"reference: the validator alone p50 {statistics.median(figures['validator']):.1f} ms; ratio "
          f"{statistics.median(trips) / statistics.median(figures['validator']):.1f}")


if __name__ == "__main__":
    main()
