"""LISTEN for committed changes: one connection per process, in a daemon thread.

Every committed write of a workflow instance is announced on `baton_changes`: by
`perform` right after its COMMIT (ADR 0011), by a trigger in the writing transaction for
every other write. A payload carries the instance's version: two changes committed at
the same moment may arrive in either order. Each process
runs one `ChangeListener`; it hands each payload (a dict) to `deliver`, reconnecting
with backoff if the connection drops. Notifications sent while it was disconnected are
lost: consumers that must not miss anything re-read state on reconnect (`on_reconnect`).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from storage import db

log = logging.getLogger(__name__)
CHANNEL = "baton_changes"


class ChangeListener:
    def __init__(self, deliver: Callable[[dict[str, Any]], None], *, channel: str = CHANNEL,
                 on_reconnect: Callable[[], None] | None = None) -> None:
        self._deliver = deliver
        self._channel = channel
        self._on_reconnect = on_reconnect
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="baton-listen", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        delay, first = 0.5, True
        while not self._stop.is_set():
            try:
                pooled = db.engine().raw_connection()
                conn: Any = pooled.driver_connection
                pooled.detach()  # ours for good: the pool must not hand it out or reset it
                conn.autocommit = True
                conn.execute(f"LISTEN {self._channel}")
                self.listening.set()
                if not first and self._on_reconnect is not None:
                    self._on_reconnect()
                first, delay = False, 0.5
                try:
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self._handle(note.payload)
                finally:
                    self.listening.clear()
                    conn.close()
            except Exception:  # a dropped connection or a restart: keep trying
                if self._stop.is_set():
                    return
                log.warning("change listener lost its connection; retrying in %.1f s", delay, exc_info=True)
                self._stop.wait(delay)
                delay = min(delay * 2, 10.0)

    def _handle(self, payload: str) -> None:
        try:
            data = json.loads(payload)
        except ValueError:
            log.warning("ignoring a malformed change notification")
            return
        try:
            self._deliver(data)
        except Exception:
            log.exception("a change subscriber failed")
