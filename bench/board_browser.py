"""Figures 2 and 3 of the board benchmark: first render of /requests in Chromium, and drop ->
persisted -> visible in a second browser, against `main.py serve` as a subprocess (see bench/board.py)."""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from board_data import WORKFLOW
from board_figures import ms
from serve import CHROMIUM_ARGS, chromium, sign_in

VIEWPORT = {"width": 1920, "height": 1080}  # the first four columns (to Vendor assignment) in view
TIMEOUT_MS = 60_000

CARDS_JS = "n => document.querySelectorAll('.kanban article.kanban-card').length >= n ? performance.now() : false"
LOGIN_JS = "() => document.querySelector('input[autocomplete=username]') ? performance.now() : false"
# Both pages: when the server's `upsert_cards` for a card arrives on the socket (before Vue renders it).
SOCKET_CLOCK_JS = """() => {
  window.__wsAt = {};
  window.socket.onAny((event, msg) => {
    if (event !== 'run_javascript' || typeof msg?.code !== 'string' || !msg.code.includes('upsert_cards')) return;
    const at = performance.timeOrigin + performance.now();
    for (const m of msg.code.matchAll(/\\{"id": ?"([0-9a-f-]{36})"/g)) {
      if (!(m[1] in window.__wsAt)) window.__wsAt[m[1]] = at;
    }
  });
}"""
# Page A: when the drop event happens (capture phase, before the board's handler).
DROP_CLOCK_JS = """() => document.addEventListener('drop', () => {
  window.__dropAt = performance.timeOrigin + performance.now(); }, true)"""
# Page A: the dropped card is in its new column and no longer pending (the server accepted the move).
SETTLED_JS = """id => { const el = document.querySelector(
  `.kanban-cell[data-col="vendor_assignment"] [data-card="${id}"]`);
  return el && el.getAttribute('aria-busy') !== 'true'; }"""
# Page B: when each card first appears in the Vendor assignment column; `__waitFor(id)` resolves then.
WATCH_JS = """() => {
  window.__seen = {}; window.__framed = {}; window.__waiting = {}; window.__long = [];
  const sel = '.kanban-cell[data-col="vendor_assignment"] [data-card]';
  const clock = () => performance.timeOrigin + performance.now();
  const mark = (el) => {
    const id = el.dataset.card;
    if (window.__seen[id]) return;
    window.__seen[id] = clock();
    requestAnimationFrame(() => setTimeout(() => {  // after the frame that shows it (style, layout, paint)
      window.__framed[id] = clock();
      const waiting = window.__waiting[id];
      delete window.__waiting[id];
      if (waiting) waiting([window.__seen[id], window.__framed[id]]);
    }));
  };
  document.querySelectorAll(sel).forEach(mark);
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (!(n instanceof Element)) continue;
      if (n.matches(sel)) mark(n);
      n.querySelectorAll && n.querySelectorAll(sel).forEach(mark);
    }
  }).observe(document.body, { childList: true, subtree: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push([performance.timeOrigin + e.startTime, e.duration]);
  }).observe({ type: 'longtask' });
  window.__waitFor = (id) => window.__framed[id] ? Promise.resolve([window.__seen[id], window.__framed[id]])
    : new Promise((resolve) => { window.__waiting[id] = resolve; });
}"""
# Page A: the longest main-thread task since `since` (epoch ms), in ms.
LONGEST_JS = "since => Math.max(0, ...window.__long.filter(([at]) => at >= since).map(([, ms]) => ms))"


def browser_figures(world: dict[str, Any], args: argparse.Namespace, base: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            renders, logins = _first_render(browser, world, args, base)
            drops = _drops(browser, world, args, base)
        finally:
            browser.close()
    return {"render": renders, "login": logins, **drops}


def _signed_in_page(browser: Any, base: str, email: str) -> Any:
    context = browser.new_context(base_url=base, viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, email)
    return page


def _first_render(browser: Any, world: dict[str, Any], args: argparse.Namespace, base: str
                  ) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(in-page ms since navigation start, wall s from goto) per render of /requests and of /login."""
    page = _signed_in_page(browser, base, world["manager_email"])
    anonymous = browser.new_context(base_url=base, viewport=VIEWPORT).new_page()

    def load(target: Any, path: str, js: str, arg: Any = None) -> tuple[float, float]:
        started = time.perf_counter()
        target.goto(path, wait_until="commit")
        handle = target.wait_for_function(js, arg=arg, polling="raf", timeout=TIMEOUT_MS)
        return float(handle.json_value()), time.perf_counter() - started

    load(page, "/requests", CARDS_JS, args.cards)  # warm-up: the browser's cache, the server's first page
    load(anonymous, "/login", LOGIN_JS)
    renders, logins = [], []
    for _ in range(args.renders):
        renders.append(load(page, "/requests", CARDS_JS, args.cards))
        logins.append(load(anonymous, "/login", LOGIN_JS))
    page.context.close()
    anonymous.context.close()
    in_page = [r[0] / 1000 for r in renders]
    ref = [r[0] / 1000 for r in logins]
    print(f"2. first render of /requests ({args.cards} cards), {args.renders} loads: median "
          f"{statistics.median(in_page):.2f} s, best {min(in_page):.2f} s (wall from goto: median "
          f"{statistics.median(r[1] for r in renders):.2f} s) | reference /login median "
          f"{statistics.median(ref) * 1000:.0f} ms, best {min(ref) * 1000:.0f} ms | ratio median "
          f"{statistics.median(in_page) / statistics.median(ref):.1f}")
    return renders, logins


def _drops(browser: Any, world: dict[str, Any], args: argparse.Namespace, base: str) -> dict[str, Any]:
    a = _signed_in_page(browser, base, world["manager_email"])
    b = _signed_in_page(browser, base, world["manager_email"])
    for page in (a, b):
        page.goto("/requests")
        page.wait_for_function(CARDS_JS, arg=args.cards, polling="raf", timeout=TIMEOUT_MS)
    a.evaluate(DROP_CLOCK_JS)
    for page in (a, b):
        page.evaluate(WATCH_JS)
        page.evaluate(SOCKET_CLOCK_JS)
    visibility = b.evaluate("document.visibilityState")
    target_a = a.locator('.kanban-cell[data-col="vendor_assignment"]')
    wall, in_browser = [], []
    parts: dict[str, list[float]] = {key: [] for key in ("mouse_up", "emulation", "a_shown", "a_longest", "a_socket",
                                                          "b_socket", "b_dom", "b_render")}
    for card in world["drops"]:
        card_id = str(card["instance_id"])
        source = a.locator(f'.kanban-cell[data-col="manager_approval"] [data-card="{card_id}"]')
        source.scroll_into_view_if_needed()
        start, end = source.bounding_box(), target_a.bounding_box()
        assert start is not None and end is not None
        x0, y0 = start["x"] + 20, start["y"] + 20  # as tests/e2e/test_board_journeys.py `_drag`
        x1, y1 = end["x"] + end["width"] / 2, end["y"] + 40
        drag_started = time.time() * 1000
        a.mouse.move(x0, y0)
        a.mouse.down()
        for step in range(1, 11):
            a.mouse.move(x0 + (x1 - x0) * step / 10, y0 + (y1 - y0) * step / 10)
        released_at = time.time() * 1000  # the browsers' performance clock is aligned to the epoch
        started = time.perf_counter()
        a.mouse.up()
        parts["mouse_up"].append(time.perf_counter() - started)
        seen_at, framed_at = b.evaluate("id => window.__waitFor(id)", card_id)
        wall.append(time.perf_counter() - started)
        dropped_at = a.evaluate("window.__dropAt")
        in_browser.append((framed_at - dropped_at) / 1000)
        parts["b_dom"].append((seen_at - dropped_at) / 1000)
        # let A settle (its own refresh ends the pending look) before the next drag
        a.wait_for_function(SETTLED_JS, arg=card_id, timeout=TIMEOUT_MS)
        b_socket = b.evaluate("id => window.__wsAt[id]", card_id)
        a_socket = a.evaluate("id => window.__wsAt[id]", card_id)
        parts["a_shown"].append((a.evaluate("id => window.__seen[id]", card_id) - dropped_at) / 1000)
        parts["a_longest"].append(a.evaluate(LONGEST_JS, drag_started) / 1000)
        parts["emulation"].append((dropped_at - released_at) / 1000)
        parts["a_socket"].append((a_socket - dropped_at) / 1000)
        parts["b_socket"].append((b_socket - dropped_at) / 1000)
        parts["b_render"].append((framed_at - b_socket) / 1000)
    a.context.close()
    b.context.close()
    print(f"3. drop -> persisted -> visible in a second browser, {len(wall)} drops: drop event in A -> the frame "
          f"showing the card in B p50 {ms(in_browser, 50)} p95 {ms(in_browser, 95)} max "
          f"{max(in_browser) * 1000:.1f} ms (to B's DOM: p50 {ms(parts['b_dom'], 50)} p95 {ms(parts['b_dom'], 95)}) "
          f"| from Python before mouse.up: p50 {ms(wall, 50)} p95 {ms(wall, 95)} | page B {visibility}")
    print(f"   p50 of the parts: Playwright's mouse.up -> A's drop event {ms(parts['emulation'], 50)} (the "
          f"mouse.up call returns after {ms(parts['mouse_up'], 50)}); drop -> the card (pending) in A's target "
          f"column {ms(parts['a_shown'], 50)}; A's longest main-thread task per drag {ms(parts['a_longest'], 50)}; "
          f"drop -> A's own upsert on its socket {ms(parts['a_socket'], 50)}; drop -> B's upsert on its socket "
          f"{ms(parts['b_socket'], 50)} (p95 {ms(parts['b_socket'], 95)}); B's socket -> the frame showing the "
          f"card {ms(parts['b_render'], 50)} (p95 {ms(parts['b_render'], 95)})")
    return {"drop": wall, "drop_browser": in_browser, "drop_parts": parts}


def verify(world: dict[str, Any], args: argparse.Namespace) -> None:
    """Every dropped card (and every reference card) is persisted in vendor_assignment."""
    from domain.records import board as boards

    data = boards.board(world["manager"], kind="request", workflow_key=WORKFLOW)
    states = {c.instance_id: c.state for c in data.cards}
    moved = world["drops"] + world["reference_drops"]
    wrong = [c["ref"] for c in moved if states.get(c["instance_id"]) != "vendor_assignment"]
    if wrong:
        raise SystemExit(f"verification failed: {len(wrong)} dropped cards not in vendor_assignment: {wrong[:5]}")
    print(f"verified: the {len(moved)} moved cards are persisted in vendor_assignment")
