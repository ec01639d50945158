"""Connections a `Pipelined` gave back, kept checked out of the engine's pool for the next
one (ADR 0016).

A connection given back alive and idle, without SQLAlchemy having been used on it, goes
on a stack per engine (up to `_IDLE_MAX`); `take` pops the last one kept, and only goes to
the pool when the stack is empty: a pop and an append instead of the pool's checkout and
checkin, which cost ~10% of a transition's client CPU. The pool's recycling age still
applies, and `drop_idle` closes them all (before the engine is disposed of, or when one
was found dead).
"""

from __future__ import annotations

import time
import weakref
from collections import deque
from typing import Any

from sqlalchemy import Engine

_IDLE_MAX = 4  # connections kept per engine (the hot pool's size); any more go back to the pool
RECYCLE_SECONDS = 1800  # the hot pool's recycling age: storage.db creates the pool with it
_idle: weakref.WeakKeyDictionary[Engine, deque[Any]] = weakref.WeakKeyDictionary()
_SINCE = "baton.idle_since"  # in the connection's `info`, which lives as long as the connection


def take(engine: Engine) -> Any:
    """A connection for a `Pipelined`: the last one given back, else one from the pool."""
    stack = _idle.get(engine)
    if stack:
        try:
            return stack.pop()
        except IndexError:  # another thread took the last one meanwhile
            pass
    pooled = engine.raw_connection()
    pooled.info.setdefault(_SINCE, time.monotonic())
    return pooled


def keep(engine: Engine, pooled: Any) -> None:
    """Keep `pooled` (alive, idle) for the next `take`, or give it back to the pool when
    enough are kept or it has reached the pool's recycling age."""
    stack = _idle.get(engine)
    if stack is None:
        stack = _idle.setdefault(engine, deque())
    if len(stack) >= _IDLE_MAX or time.monotonic() - pooled.info.get(_SINCE, 0.0) > RECYCLE_SECONDS:
        pooled.close()
    else:
        stack.append(pooled)


def drop_idle(engine: Engine) -> None:
    """Close the connections kept for `engine` (before it is disposed of, or when one of
    them was found dead: the others likely are too)."""
    stack = _idle.pop(engine, None)
    while stack:
        stack.pop().invalidate()
