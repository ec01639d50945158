"""Pages call use cases through `ui.calls.io_bound`: the callback's result, or CancelledError."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nicegui import run

from ui import calls


async def test_the_callbacks_result_comes_back_even_when_it_is_none() -> None:
    assert await calls.io_bound(lambda: None) is None
    assert await calls.io_bound(lambda a, b=0: (a, b), 1, b=2) == (1, 2)


async def test_a_call_nicegui_cancelled_raises_instead_of_answering_none(monkeypatch: pytest.MonkeyPatch) -> None:
    async def cancelled(*_args: Any, **_kwargs: Any) -> None:
        return None  # what NiceGUI 3 answers when the call was cancelled or the app is stopping

    monkeypatch.setattr(run, "io_bound", cancelled)
    with pytest.raises(asyncio.CancelledError):
        await calls.io_bound(lambda: ("events", 3))
