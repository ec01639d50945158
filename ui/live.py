"""Live updates: committed changes reach every open page of the same tenant in this process.

`domain.ops.changes.listen` receives NOTIFY payloads in a thread; they are handed to
NiceGUI's event loop and to the handlers pages registered with `subscribe`. Handlers run
on the loop and must not block (re-read through `run.io_bound`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from uuid import UUID

from nicegui import app

from domain.ops import changes

Handler = Callable[[dict[str, Any]], None]
_subscribers: dict[str, set[Handler]] = {}
_state: dict[str, Any] = {}


def start() -> None:
    """Start listening (on app start-up: needs the running loop)."""
    loop = asyncio.get_running_loop()

    def deliver(payload: dict[str, Any]) -> None:
        loop.call_soon_threadsafe(_dispatch, payload)

    def everything_changed() -> None:  # missed notifications while reconnecting: pages reload their data
        loop.call_soon_threadsafe(_dispatch, {"tenant": "*"})

    _state["listener"] = changes.listen(deliver, on_reconnect=everything_changed)


def stop() -> None:
    listener = _state.pop("listener", None)
    if listener is not None:
        listener.stop(timeout=0)  # signal only: the daemon thread ends within half a second


def subscribe(tenant_id: UUID, handler: Handler) -> Callable[[], None]:
    """Call `handler(payload)` for every change in the tenant (payload `tenant` "*" = reload all);
    returns the function that unsubscribes."""
    key = str(tenant_id)
    _subscribers.setdefault(key, set()).add(handler)

    def unsubscribe() -> None:
        _subscribers.get(key, set()).discard(handler)

    return unsubscribe


def _dispatch(payload: dict[str, Any]) -> None:
    tenant = str(payload.get("tenant", ""))
    targets = [h for key, handlers in _subscribers.items() if tenant in ("*", key) for h in handlers]
    for handler in targets:
        handler(payload)


def register() -> None:
    app.on_startup(start)
    app.on_shutdown(stop)
