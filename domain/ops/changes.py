"""Committed changes, as they happen: the domain's door to `storage.listen` (pages subscribe
through `ui.live`; layers above domain/ never touch storage)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storage.listen import ChangeListener


def listen(deliver: Callable[[dict[str, Any]], None], *,
           on_reconnect: Callable[[], None] | None = None) -> ChangeListener:
    """Start this process's listener; `deliver(payload)` runs in its thread for every change."""
    listener = ChangeListener(deliver, on_reconnect=on_reconnect)
    listener.start()
    return listener
