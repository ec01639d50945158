"""Calling use cases from pages: blocking work runs in a thread, off NiceGUI's event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from nicegui import run

P = ParamSpec("P")
R = TypeVar("R")


async def io_bound(callback: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`callback(*args, **kwargs)` in a worker thread; its result, whatever it is.

    NiceGUI's `run.io_bound` answers None instead when the call was cancelled or the app is
    stopping (until NiceGUI 4, which raises CancelledError), so a page would go on with None
    as if it were the result. Here that case raises CancelledError, as NiceGUI 4 will."""
    boxed = await run.io_bound(lambda: (callback(*args, **kwargs),))
    if boxed is None:
        raise asyncio.CancelledError
    return boxed[0]
