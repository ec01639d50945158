"""Workflow instances as this process last wrote them (ADR 0014).

`perform` keeps, per instance, the row it committed (the columns its locking read
returns). When the next `perform` on that instance expects that same version, it can
skip the locking read: it fires from the known row and writes with a guarded UPDATE
(`version` must still be the known one), so a row changed meanwhile by anyone (another
process, another writer; every writer moves `version` on) aborts that attempt, with
nothing written, and `perform` takes the locking path. Entries are never trusted beyond
that check, so nothing needs invalidating; the least recently used are dropped first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from threading import Lock
from types import MappingProxyType
from typing import Any
from uuid import UUID

_SIZE = 4096  # instances kept per process


class KnownInstances:
    def __init__(self, size: int = _SIZE) -> None:
        self._rows: OrderedDict[tuple[UUID, UUID], Mapping[str, Any]] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, tenant_id: UUID, instance_id: UUID, version: int) -> Mapping[str, Any] | None:
        """The row last written at `version`, or None (unknown, or known at another version)."""
        key = (tenant_id, instance_id)
        with self._lock:
            row = self._rows.get(key)
            if row is None or row["version"] != version:
                return None
            self._rows.move_to_end(key)
            return row

    def put(self, tenant_id: UUID, row: Mapping[str, Any]) -> None:
        """Keep `row` (read-only from now on) as the instance's committed state."""
        key = (tenant_id, row["id"])
        with self._lock:
            self._rows[key] = MappingProxyType(dict(row))
            self._rows.move_to_end(key)
            while len(self._rows) > self._size:
                self._rows.popitem(last=False)

    def forget(self, tenant_id: UUID, instance_id: UUID) -> None:
        with self._lock:
            self._rows.pop((tenant_id, instance_id), None)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


known_instances = KnownInstances()
