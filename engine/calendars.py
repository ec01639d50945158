"""Working calendars (weekly hours in a time zone, holidays) and working-time arithmetic.

Pure standard library (`zoneinfo` for time zones). Instants go in and come out as
timezone-aware datetimes in UTC; a calendar's hours are read on the local wall clock
of its own zone, so "08:00-18:00" is ten working hours on every working day,
including the days daylight saving time starts or ends (whose wall clock has 23 or
25 hours). Holidays are local dates.

A calendar without weekly hours counts every instant (24/7): working time is plain
elapsed time and days are 24 hours. With weekly hours, a *day* written in a goal
means `Calendar.day_length` of working time (8 hours unless the tenant says
otherwise); see `goal_duration`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DAYS",
    "TWENTY_FOUR_SEVEN",
    "Calendar",
    "CalendarError",
    "add_working_time",
    "goal_duration",
    "working_time_between",
]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY = timedelta(days=1)
_ZERO = timedelta(0)
_DAY_INDEX = {name: i for i, name in enumerate(DAYS)} | {
    name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])|24:00", re.ASCII)

Span = tuple[int, int]  # minutes after local midnight: start inclusive, end exclusive, 0 <= start < end <= 1440


class CalendarError(ValueError):
    """Calendar settings that cannot be used; the message says what to change."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Calendar:
    """When the clock counts: weekly working hours in `timezone`, minus `holidays`.

    `weekly` maps day names (``mon`` .. ``sun``) to ``(start, end)`` wall-clock spans
    such as ``(("08:00", "12:00"), ("13:00", "17:00"))``; ``"24:00"`` ends a span at
    midnight, and a span may not cross midnight (split it). `None` means every hour
    of every day (24/7). Days left out have no working hours. `day_length` is what a
    day written in a goal is worth on a calendar with weekly hours.

    Raises `CalendarError` for an unknown time zone, an unreadable span, a span
    that ends before it starts, or weekly hours with no working time at all.
    Equal calendars compare and hash equal, so a calendar can key a cache.
    """

    timezone: str = "UTC"
    weekly: Mapping[str, tuple[tuple[str, str], ...]] | None = field(default=None, compare=False)
    holidays: frozenset[date] = frozenset()
    day_length: timedelta = timedelta(hours=8)
    _week: tuple[tuple[Span, ...], ...] | None = field(init=False, repr=False)
    _business: bool = field(init=False, repr=False)  # weekly hours given: days in goals are working days
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalize once, here
        set_(self, "_zone", _zone(self.timezone))
        set_(self, "holidays", frozenset(_holiday(h) for h in self.holidays))
        set_(self, "_business", self.weekly is not None)
        if not isinstance(self.day_length, timedelta) or not _ZERO < self.day_length <= _DAY:
            raise CalendarError(f"A working day must last more than 0 and at most 24 hours (got {self.day_length}).")
        if self.weekly is None:
            # 24/7; with holidays it is every hour of every day except those dates.
            set_(self, "_week", (((0, 1440),),) * 7 if self.holidays else None)
            return
        week = _parse_week(self.weekly)
        set_(self, "_week", week)
        set_(self, "weekly", MappingProxyType({
            DAYS[i]: tuple((_hhmm(a), _hhmm(b)) for a, b in spans) for i, spans in enumerate(week) if spans
        }))

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None, timezone: str = "UTC") -> Calendar:
        """The calendar a tenant stored, e.g. ``{"weekly": {"mon": [["08:00", "18:00"]], ...},
        "holidays": ["2026-12-25"], "day_hours": 8}``; `None` gives 24/7.

        `timezone` is the tenant's zone; a ``"timezone"`` key in `settings` overrides it.
        Without ``"weekly"`` the calendar is 24/7 (minus any holidays). ``day_hours``
        (a number, default 8) is what a day written in a goal is worth.
        Raises `CalendarError` for settings that cannot be used.
        """
        if settings is None:
            return cls(timezone=timezone)
        if not isinstance(settings, Mapping):
            raise CalendarError('Calendar settings are a mapping like {"weekly": {"mon": [["08:00", "18:00"]]}}.')
        hours = settings.get("day_hours", 8)
        if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 24:
            raise CalendarError(f"day_hours is the length of a working day in hours, more than 0 and at most 24 "
                                f"(got {hours!r}).")
        holidays = settings.get("holidays") or ()
        if isinstance(holidays, str | bytes) or not hasattr(holidays, "__iter__"):
            raise CalendarError('Holidays are a list of dates like ["2026-12-25"].')
        return cls(timezone=str(settings.get("timezone") or timezone), weekly=settings.get("weekly"),
                   holidays=frozenset(_holiday(h) for h in holidays), day_length=timedelta(hours=hours))


def working_time_between(cal: Calendar, start: datetime, end: datetime) -> timedelta:
    """Working time of `cal` in ``[start, end)``; zero when `end` is not after `start`.

    Both instants must be timezone-aware (`ValueError` otherwise).
    """
    start, end = _utc(start, "start"), _utc(end, "end")
    if end <= start:
        return _ZERO
    if cal._week is None:
        return end - start
    total = _ZERO
    for a, b in _intervals(cal, start):
        if a >= end:
            break
        total += min(b, end) - a
    return total


def add_working_time(cal: Calendar, start: datetime, amount: timedelta) -> datetime:
    """The first instant (UTC) at which `amount` of working time has passed since `start`.

    For 24/7 this is ``start + amount``. On a business calendar an amount that ends
    exactly at closing time returns the closing instant, not the next opening.
    `amount` must not be negative and `start` must be timezone-aware (`ValueError`).
    """
    start = _utc(start, "start")
    if amount < _ZERO:
        raise ValueError(f"Working time to add must not be negative (got {amount}).")
    if cal._week is None or amount == _ZERO:
        return start + amount
    remaining = amount
    for a, b in _intervals(cal, start):
        if b - a >= remaining:
            return a + remaining
        remaining -= b - a
    raise AssertionError("unreachable: a calendar with weekly hours always has more working time")


def goal_duration(cal: Calendar, goal: timedelta) -> timedelta:
    """The working time a goal (or an `after_breach`) written by a person stands for on `cal`.

    On a calendar with weekly hours every whole 24 hours of `goal` counts as one
    working day of `cal.day_length`, and the rest as working hours: with the default
    8-hour day, ``2d`` is 16 working hours, ``1d4h`` is 12 and ``4h`` is 4. Note that
    ``24h`` is therefore one working day too, and ``1w`` seven working days (write
    ``5d`` for a working week). Without weekly hours (24/7) the goal is unchanged.
    Call this once on durations as parsed; applying it twice converts days twice.
    """
    if cal.weekly is None:
        return goal
    days, rest = divmod(goal, _DAY)
    return cal.day_length * days + rest


def _intervals(cal: Calendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals (UTC, in order, endless) that end after `start`, clipped to begin no earlier."""
    week, zone = cal._week, cal._zone
    assert week is not None
    # A span of an earlier local date ends by that date's midnight, which is not after `start`.
    day = start.astimezone(zone).date()
    while True:
        if day not in cal.holidays:
            for first, last in week[day.weekday()]:
                a, b = _instant(day, first, zone), _instant(day, last, zone)
                if b > start and b > a:  # b <= a only for a span inside a spring-forward gap
                    yield max(a, start), b
        day += _DAY


def _instant(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time (the first one when the clock falls back)."""
    if minutes == 1440:
        day, minutes = day + _DAY, 0
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone).astimezone(UTC)


def _utc(moment: datetime, name: str) -> datetime:
    # Arithmetic on aware datetimes sharing a ZoneInfo is wall-clock arithmetic: always work in UTC.
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime (UTC), got {moment!r}.")
    return moment.astimezone(UTC)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise CalendarError(f'Unknown time zone "{name}": use a name like Europe/Madrid or UTC.') from None


def _holiday(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarError(f'Write holidays as dates like 2026-12-25 (got "{value}").')


def _parse_week(weekly: object) -> tuple[tuple[Span, ...], ...]:
    if not isinstance(weekly, Mapping):
        raise CalendarError('Weekly hours map days to spans, like {"mon": [["08:00", "18:00"]]}.')
    days: list[list[Span]] = [[] for _ in DAYS]
    for key, spans in weekly.items():
        index = _DAY_INDEX.get(str(key).strip().lower())
        if index is None:
            raise CalendarError(f'Unknown day "{key}": use mon, tue, wed, thu, fri, sat or sun.')
        if isinstance(spans, str | bytes) or not hasattr(spans, "__iter__"):
            raise CalendarError(f'Hours for {key} are a list of spans, like [["08:00", "18:00"]].')
        for span in spans:
            if isinstance(span, str | bytes) or not hasattr(span, "__len__") or len(span) != 2:
                raise CalendarError(f'A span on {key} is a start and an end, like ["08:00", "18:00"] (got {span!r}).')
            first, last = _minutes(span[0], key), _minutes(span[1], key)
            if first >= last:
                raise CalendarError(f'Working hours on {key} must end after they start (got "{span[0]}" to '
                                    f'"{span[1]}"); split a span that crosses midnight in two.')
            days[index].append((first, last))
    week = tuple(_merged(spans) for spans in days)
    if not any(week):
        raise CalendarError("A calendar with weekly hours needs working time on some day; leave weekly out for 24/7.")
    return week


def _minutes(text: object, day: object) -> int:
    match = _CLOCK.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise CalendarError(f'Write times on {day} as HH:MM from 00:00 to 24:00 (got "{text}").')
    return 1440 if match.group(1) is None else int(match.group(1)) * 60 + int(match.group(2))


def _merged(spans: list[Span]) -> tuple[Span, ...]:
    """Sorted spans with overlapping or touching ones joined."""
    out: list[Span] = []
    for first, last in sorted(spans):
        if out and first <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return tuple(out)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


TWENTY_FOUR_SEVEN = Calendar()  # defined last: building a calendar uses the helpers above
