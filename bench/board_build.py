"""Figure 1 of the board benchmark: the server build (`board()` plus the component's card dicts),
its reference query, and the bare `perform` reference of figure 3 (see bench/board.py)."""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from board_data import WORKFLOW
from board_figures import TARGETS, ms, pct

from storage import db

ROOT = Path(__file__).resolve().parent.parent


def server_build(world: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    from domain.records import board as boards
    from domain.records import service as records
    from ui.pages.records import PAGES, BoardPage, priority_names

    ctx = world["manager"]
    # what `BoardPage._card` reads of the page: the requests page spec and what the page loaded once
    page = SimpleNamespace(spec=next(p for p in PAGES if p.kind == "request"), choices=records.choices(ctx),
                           priority_labels=priority_names(), down_label="Down", moves={},
                           now=datetime.now(UTC))
    page._moves = lambda options: BoardPage._moves(page, options)  # type: ignore[arg-type]
    if args.gc_freeze:  # what start-up left (modules, the set-up's objects) is never walked again
        gc.collect()
        gc.freeze()
        print(f"gc.freeze(): {gc.get_freeze_count()} objects left out of every later collection")

    def build() -> tuple[Any, list[dict[str, Any]]]:
        data = boards.board(ctx, kind="request", workflow_key=WORKFLOW)
        page.moves, page.now = {}, datetime.now(UTC)  # as BoardPage.load does
        return data, [BoardPage._card(page, card) for card in data.cards]  # type: ignore[arg-type]

    def bare() -> int:
        with db.tenant_session(ctx.tenant_id) as session:
            versions = boards._versions(session, ctx.tenant_id, WORKFLOW)
            reader = boards._CardReader(session, ctx, "request", WORKFLOW, versions)
            return len(session.execute(reader.query().limit(boards.CARD_LIMIT + 1)).all())

    data, dicts = build()
    if len(dicts) != args.cards or bare() != args.cards:
        raise SystemExit(f"the manager's board has {len(dicts)} cards (bare query {bare()}), expected {args.cards}")
    approvable = {d["id"] for d in dicts if "vendor_assignment" in d["targets"] and not d["blocked"]}
    missing = [d["ref"] for d in world["drops"] + world["reference_drops"] if str(d["instance_id"]) not in approvable]
    if missing:
        raise SystemExit(f"drop cards the manager may not move to vendor_assignment: {missing[:5]}")
    for _ in range(3):  # warm-up (definition cache, statement caches, pool)
        build()
        bare()
    totals, engine_only, cpu, refs, choices = [], [], [], [], []
    collector = _GcClock()
    gc.callbacks.append(collector)
    for _ in range(args.rounds):
        started, cpu_started = time.perf_counter(), time.process_time()
        collector.start()
        data = boards.board(ctx, kind="request", workflow_key=WORKFLOW)
        middle = time.perf_counter()
        dicts = [BoardPage._card(page, card) for card in data.cards]  # type: ignore[arg-type]
        collector.stop()
        totals.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        engine_only.append(middle - started)
        started = time.perf_counter()
        bare()
        refs.append(time.perf_counter() - started)
        started = time.perf_counter()
        records.choices(ctx)
        choices.append(time.perf_counter() - started)
    gc.callbacks.remove(collector)
    result = {"total": totals, "board": engine_only, "cpu": cpu, "ref": refs, "choices": choices,
              "cards": len(dicts), "full_gc": collector.full}
    ratio = statistics.median(totals) / statistics.median(refs)
    print(f"1. server build x {len(dicts)} cards, {args.rounds} rounds: board()+dicts p50 {ms(totals, 50)} "
          f"p95 {ms(totals, 95)} (board() alone p50 {ms(engine_only, 50)}; this process's CPU p50 "
          f"{ms(cpu, 50)}) | reference bare cards query p50 {ms(refs, 50)} p95 {ms(refs, 95)} | ratio p50 "
          f"{ratio:.1f} | choices() p50 {ms(choices, 50)}")
    clean = [t for t, full in zip(totals, collector.full, strict=True) if not full] or [float("nan")]
    pauses = [p for p in collector.full if p] or [0.0]
    print(f"   garbage collector in the timed builds: {sum(1 for p in collector.full if p)} of {args.rounds} held a "
          f"full collection (pause p50 {ms(pauses, 50)}, max {max(pauses) * 1000:.1f} ms; {len(gc.get_objects())} "
          f"objects tracked, {gc.get_freeze_count()} frozen); collector time per build p50 {ms(collector.total, 50)}; "
          f"builds without a full collection p95 {ms(clean, 95)}")
    if pct(totals, 95) * 1000 > TARGETS["build_ms"]:
        _profile(build)
    return result


class _GcClock:
    """Time the garbage collector spends between `start` and `stop` (a `gc.callbacks` entry):
    per round, its total and the pause of a full (generation 2) collection, 0.0 when none ran."""

    def __init__(self) -> None:
        self.total: list[float] = []
        self.full: list[float] = []
        self._on = False
        self._at = 0.0

    def start(self) -> None:
        self._on = True
        self.total.append(0.0)
        self.full.append(0.0)

    def stop(self) -> None:
        self._on = False

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._at = time.perf_counter()
        elif self._on:
            pause = time.perf_counter() - self._at
            self.total[-1] += pause
            if info["generation"] == 2:
                self.full[-1] += pause


def _profile(fn: Any) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3):
        fn()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(24)
    print("   server build missed its target; cProfile of 3 builds (by cumulative time):")
    print("\n".join("   " + line.replace(str(ROOT) + "/", "") for line in out.getvalue().splitlines() if line.strip()))


def perform_reference(world: dict[str, Any]) -> list[float]:
    """The same transition (approve) as the drops, by `perform` alone from this process."""
    from domain.workflows.perform import perform

    samples = []
    for card in world["reference_drops"]:
        started = time.perf_counter()
        perform(ctx=world["manager"], instance_id=card["instance_id"], transition_id="approve",
                expected_version=card["version"], idempotency_key=f"bench-{uuid.uuid4()}")
        samples.append(time.perf_counter() - started)
    return samples
