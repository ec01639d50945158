"""SLA clocks: elapsed working time from a ledger of start/pause/resume/stop events, and escalation deadlines.

Pure standard library. Time is passed in (`now`), never read from the clock; all
instants are timezone-aware and results are UTC. Elapsed time comes from the ledger
alone, so changing the goal (say, because the priority changed) keeps it: recompute
`breach_at` / `due_steps` with the new goal and what was already spent still counts.

Goals and `after_breach` durations given to the functions here are *working time*
on the calendar: convert what a person wrote with `goal_duration(cal, parsed)` first
(on a business calendar "2d" is 2 x `day_length`, "4h" is 4 working hours).

The calendar arithmetic lives in `engine.calendars` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from engine.calendars import (
    TWENTY_FOUR_SEVEN,
    Calendar,
    CalendarError,
    add_working_time,
    goal_duration,
    working_time_between,
)

__all__ = [
    "TWENTY_FOUR_SEVEN",
    "Calendar",
    "CalendarError",
    "ClockState",
    "Escalation",
    "LedgerEvent",
    "StepDue",
    "add_working_time",
    "breach_at",
    "clock_state",
    "due_steps",
    "goal_duration",
    "goal_for_priority",
    "next_due",
    "working_time_between",
]

KINDS = frozenset({"start", "pause", "resume", "stop"})
_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerEvent:
    """One event of an SLA clock. Raises `ValueError` for an unknown kind or a naive `at`."""

    kind: str  # "start" | "pause" | "resume" | "stop"
    at: datetime

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f'An SLA event is "start", "pause", "resume" or "stop" (got "{self.kind}").')
        if not isinstance(self.at, datetime) or self.at.utcoffset() is None:
            raise ValueError(f"An SLA event needs a timezone-aware time (got {self.at!r}).")


@dataclass(frozen=True, slots=True, kw_only=True)
class ClockState:
    """The clock at `now`, for the current cycle (since the latest "start" that began one).

    Exactly one of `running`, `paused`, `stopped` is true once started; all are false
    (and `started_at` is None, `elapsed` zero) before the first start.
    """

    running: bool
    paused: bool
    stopped: bool
    started_at: datetime | None
    elapsed: timedelta  # working time counted while running, up to `now` or the stop


@dataclass(frozen=True, slots=True, kw_only=True)
class Escalation:
    """One escalation step: at a share of the goal (`at_percent`, 100.0 is the breach) or
    `after_breach` working time after the breach; with `repeat`, again every `after_breach`.

    With both `at_percent` and `repeat`, `after_breach` is the repeat interval after the
    first firing. Tolerant of steps the validator refuses: a step with neither an
    `at_percent` nor a positive `after_breach` never fires, and `repeat` without a
    positive `after_breach` fires once.
    """

    at_percent: float | None = None
    after_breach: timedelta | None = None
    repeat: bool = False


class EscalationLike(Protocol):
    """`Escalation` or anything shaped like it (such as the compiled definition's steps)."""

    @property
    def at_percent(self) -> float | None: ...
    @property
    def after_breach(self) -> timedelta | None: ...
    @property
    def repeat(self) -> bool: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class StepDue:
    step: int  # index into the steps list
    occurrence: int  # 0 for the first firing; 1, 2, ... for repeats
    due_at: datetime  # UTC
    key: str  # f"{step}:{occurrence}": stable within a cycle (scope it by ClockState.started_at)


def clock_state(ledger: Sequence[LedgerEvent], cal: Calendar, now: datetime) -> ClockState:
    """The clock at `now` from its ledger (see `_Cycle` for how odd ledgers are read)."""
    cycle = _cycle(ledger, _utc(now))
    return ClockState(running=cycle.running, paused=cycle.paused, stopped=cycle.stopped,
                      started_at=cycle.started_at, elapsed=cycle.elapsed(cal, _utc(now)))


def breach_at(ledger: Sequence[LedgerEvent], cal: Calendar, goal: timedelta, now: datetime) -> datetime | None:
    """When the clock reaches `goal` (working time): the past instant if it already did in
    this cycle (whether it is now running, paused or stopped), else the instant it will
    if it keeps running from `now`; None when not yet breached and not running.
    """
    return _reach(_cycle(ledger, _utc(now)), cal, [goal])[0]


def due_steps(ledger: Sequence[LedgerEvent], cal: Calendar, goal: timedelta, steps: Sequence[EscalationLike],
              now: datetime, *, horizon: int = 50) -> list[StepDue]:
    """Every step occurrence of the current cycle due by `now`, in time order.

    An `at_percent` step is due when elapsed working time reaches ``goal * pct / 100``;
    an `after_breach` step when it reaches ``goal + after_breach``; a repeating one again
    every `after_breach` after that, at most `horizon` occurrences per step. Paused time
    does not count; occurrences crossed before a pause stay due while paused. Once the
    clock is stopped nothing is due: a threshold crossed before the stop does not fire
    after it, and a new "start" begins a new cycle from zero with the same keys.
    The caller fires each key it has not recorded yet, exactly once.
    """
    now = _utc(now)
    cycle = _cycle(ledger, now)
    if cycle.started_at is None or cycle.stopped:
        return []
    elapsed = cycle.elapsed(cal, now)
    wanted = [(i, k, mark) for i, step in enumerate(steps) for k, mark in _thresholds(step, goal, horizon)
              if mark <= elapsed]
    # Each occurrence is the first instant its threshold was reached, never after `now`.
    instants = _reach(cycle, cal, [mark for _i, _k, mark in wanted])
    due = [StepDue(step=i, occurrence=k, due_at=at, key=f"{i}:{k}")
           for (i, k, _mark), at in zip(wanted, instants, strict=True) if at is not None]
    return sorted(due, key=lambda d: (d.due_at, d.step, d.occurrence))


def next_due(ledger: Sequence[LedgerEvent], cal: Calendar, goal: timedelta, steps: Sequence[EscalationLike],
             now: datetime, *, horizon: int = 50) -> datetime | None:
    """The earliest due time after `now` of an occurrence not yet due, if the clock keeps
    running: when to look again. None when paused, stopped, not started or all done.
    """
    now = _utc(now)
    cycle = _cycle(ledger, now)
    if not cycle.running:
        return None
    elapsed = cycle.elapsed(cal, now)
    upcoming = [next((mark for _k, mark in _thresholds(step, goal, horizon) if mark > elapsed), None)
                for step in steps]
    marks = [mark for mark in upcoming if mark is not None]
    if not marks:
        return None
    return _reach(cycle, cal, [min(marks)])[0]


def goal_for_priority(goal: timedelta, by_priority: Mapping[str, timedelta] | None,
                      priority: str | None) -> timedelta:
    """The goal for a record's priority (`goal_by_priority`), else the default `goal`.

    Only the goal changes with the priority; elapsed time comes from the ledger.
    """
    if by_priority and priority is not None and priority in by_priority:
        return by_priority[priority]
    return goal


@dataclass(frozen=True, slots=True)
class _Cycle:
    """The current cycle of a ledger, read tolerantly: events in time order (ties keep
    their order), only those at or before `now`; a pause while paused, a resume while
    running, a start while started and anything but a start after a stop are ignored;
    a start after a stop begins a new cycle from zero.
    """

    started_at: datetime | None
    segments: tuple[tuple[datetime, datetime | None], ...]  # running spans; None = still running
    paused: bool
    stopped: bool

    @property
    def running(self) -> bool:
        return bool(self.segments) and self.segments[-1][1] is None

    def elapsed(self, cal: Calendar, now: datetime) -> timedelta:
        return sum((working_time_between(cal, a, now if b is None else b) for a, b in self.segments), _ZERO)


def _cycle(ledger: Sequence[LedgerEvent], now: datetime) -> _Cycle:
    events = sorted(((_utc(e.at), e.kind) for e in ledger if _utc(e.at) <= now), key=lambda e: e[0])
    started_at: datetime | None = None
    segments: list[tuple[datetime, datetime | None]] = []
    running_since: datetime | None = None
    paused = stopped = False
    for at, kind in events:
        if kind == "start":
            if started_at is None or stopped:
                started_at, segments, running_since, paused, stopped = at, [], at, False, False
        elif started_at is None or stopped:
            continue
        elif kind == "pause" and running_since is not None:
            segments.append((running_since, at))
            running_since, paused = None, True
        elif kind == "resume" and paused:
            running_since, paused = at, False
        elif kind == "stop":
            if running_since is not None:
                segments.append((running_since, at))
            running_since, paused, stopped = None, False, True
    if running_since is not None:
        segments.append((running_since, None))
    return _Cycle(started_at=started_at, segments=tuple(segments), paused=paused, stopped=stopped)


def _thresholds(step: EscalationLike, goal: timedelta, horizon: int) -> Iterator[tuple[int, timedelta]]:
    """(occurrence, elapsed working time at which it is due), ascending."""
    interval = step.after_breach if step.after_breach is not None and step.after_breach > _ZERO else None
    if step.at_percent is not None:
        first = goal * (max(step.at_percent, 0.0) / 100)
    elif interval is not None:
        first = goal + interval
    else:
        return
    count = horizon if step.repeat and interval is not None else min(horizon, 1)
    for k in range(count):
        yield k, first + interval * k if interval is not None else first


def _reach(cycle: _Cycle, cal: Calendar, marks: Sequence[timedelta]) -> list[datetime | None]:
    """The first instant the cycle's elapsed working time reaches each mark (same order as
    `marks`); for a running clock marks beyond now are projected; None when the clock
    would have to run again (paused, stopped or never started) to reach it.
    """
    order = sorted(range(len(marks)), key=lambda i: marks[i])
    found: list[datetime | None] = [None] * len(marks)
    pending = iter(order)
    index = next(pending, None)
    spent = _ZERO  # elapsed at `cursor`
    for a, b in cycle.segments:
        cursor = a
        room = None if b is None else working_time_between(cal, a, b)  # working time in this segment
        base = spent
        while index is not None and (room is None or marks[index] - base <= room):
            cursor = add_working_time(cal, cursor, max(marks[index] - spent, _ZERO))
            spent = max(spent, marks[index])
            found[index] = cursor
            index = next(pending, None)
        if room is None or index is None:
            break
        spent = base + room
    return found


def _utc(moment: datetime) -> datetime:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"Pass a timezone-aware datetime (UTC), got {moment!r}.")
    return moment.astimezone(UTC)
