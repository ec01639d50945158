"""SLA arithmetic: calendars (weekends, holidays, DST), ledgers with pauses, escalation deadlines, priorities."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.sla import (
    TWENTY_FOUR_SEVEN,
    Calendar,
    CalendarError,
    Escalation,
    LedgerEvent,
    StepDue,
    add_working_time,
    breach_at,
    clock_state,
    due_steps,
    goal_duration,
    goal_for_priority,
    next_due,
    working_time_between,
)

H = timedelta(hours=1)
D = timedelta(days=1)
MADRID = ZoneInfo("Europe/Madrid")
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OFFICE = {day: [["08:00", "18:00"]] for day in WEEK[:5]}
BUSINESS = Calendar.from_settings({"weekly": OFFICE, "holidays": ["2026-12-25"]}, "Europe/Madrid")
EVERY_DAY = Calendar.from_settings({"weekly": {day: [["08:00", "18:00"]] for day in WEEK}}, "Europe/Madrid")
ALL_HOURS = Calendar(timezone="Europe/Madrid", weekly={day: (("00:00", "24:00"),) for day in WEEK})
NIGHT_SHIFT = Calendar(timezone="Europe/Madrid", weekly={"sun": (("02:30", "03:00"),)})
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday


def madrid(day: str, clock: str = "00:00") -> datetime:
    """A Madrid wall-clock time, as the UTC instant the engine works with."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=MADRID).astimezone(UTC)


def ledger(*events: tuple[str, datetime]) -> list[LedgerEvent]:
    return [LedgerEvent(kind=kind, at=at) for kind, at in events]


# --- calendars -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "end"),
    [
        (T0, 4 * H, T0 + 4 * H),
        (T0, 3 * D, T0 + 3 * D),
        (datetime(2026, 3, 28, 12, tzinfo=UTC), D, datetime(2026, 3, 29, 12, tzinfo=UTC)),  # DST is no business of UTC
        (T0, timedelta(0), T0),
    ],
)
def test_twenty_four_seven_is_plain_arithmetic(start: datetime, amount: timedelta, end: datetime) -> None:
    assert add_working_time(TWENTY_FOUR_SEVEN, start, amount) == end
    assert working_time_between(TWENTY_FOUR_SEVEN, start, end) == amount
    assert working_time_between(TWENTY_FOUR_SEVEN, end + H, start) == timedelta(0)
    assert goal_duration(TWENTY_FOUR_SEVEN, 2 * D) == 2 * D


@pytest.mark.parametrize(
    ("start", "amount", "end"),
    [
        (madrid("2026-03-02", "09:00"), 2 * H, madrid("2026-03-02", "11:00")),  # within a day
        (madrid("2026-03-02", "17:00"), 4 * H, madrid("2026-03-03", "11:00")),  # 4h goal at 17:00: next day 11:00
        (madrid("2026-03-06", "17:00"), 2 * H, madrid("2026-03-09", "09:00")),  # Fri 17:00 + 2h: across the weekend
        (madrid("2026-03-07", "12:00"), 2 * H, madrid("2026-03-09", "10:00")),  # started on a Saturday
        (madrid("2026-03-02", "06:00"), 1 * H, madrid("2026-03-02", "09:00")),  # started before opening
        (madrid("2026-03-02", "17:00"), 1 * H, madrid("2026-03-02", "18:00")),  # ends at closing, not next opening
        (madrid("2026-12-24", "17:00"), 2 * H, madrid("2026-12-28", "09:00")),  # Thu, holiday Fri, weekend
        (madrid("2026-03-27", "17:00"), 2 * H, madrid("2026-03-30", "09:00")),  # weekend with spring-forward Sunday
        (madrid("2026-10-23", "17:00"), 2 * H, madrid("2026-10-26", "09:00")),  # weekend with fall-back Sunday
        (madrid("2026-03-02", "09:00"), 50 * H, madrid("2026-03-09", "09:00")),  # five full days
    ],
)
def test_business_calendar_counts_only_working_hours(start: datetime, amount: timedelta, end: datetime) -> None:
    assert add_working_time(BUSINESS, start, amount) == end
    assert working_time_between(BUSINESS, start, end) == amount
    assert end.tzinfo is UTC


@pytest.mark.parametrize(
    ("cal", "day", "hours"),
    [
        (EVERY_DAY, "2026-03-29", 10),  # spring forward: 23 wall hours, still 08:00-18:00 = 10 h of work
        (EVERY_DAY, "2026-10-25", 10),  # fall back: 25 wall hours, still 10 h of work
        (EVERY_DAY, "2026-03-30", 10),
        (ALL_HOURS, "2026-03-29", 23),  # a calendar open all day gets the day's real length
        (ALL_HOURS, "2026-10-25", 25),
        (ALL_HOURS, "2026-03-30", 24),
        (BUSINESS, "2026-03-29", 0),  # a Sunday
        (NIGHT_SHIFT, "2026-03-29", 0),  # 02:30-03:00 never happens when clocks jump from 02:00 to 03:00
        (NIGHT_SHIFT, "2026-10-25", 1.5),  # from the first 02:30 to 03:00 after clocks fall back from 03:00 to 02:00
        (BUSINESS, "2026-12-25", 0),  # a holiday, in the calendar's own zone
    ],
)
def test_dst_days_count_working_hours_on_the_local_wall_clock(cal: Calendar, day: str, hours: float) -> None:
    next_day = (date.fromisoformat(day) + D).isoformat()
    assert working_time_between(cal, madrid(day), madrid(next_day)) == hours * H


def test_wall_clock_spans_keep_their_local_hours_across_dst() -> None:
    # Friday before and Monday after the spring change: 08:00 is 07:00Z then 06:00Z.
    assert add_working_time(BUSINESS, madrid("2026-03-27", "08:00"), 10 * H) == datetime(2026, 3, 27, 17, tzinfo=UTC)
    assert add_working_time(BUSINESS, madrid("2026-03-30", "08:00"), 10 * H) == datetime(2026, 3, 30, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cal", "goal", "working"),
    [
        (BUSINESS, 2 * D, 16 * H),  # "2d" on a business calendar = 2 x day_length
        (BUSINESS, 4 * H, 4 * H),  # "4h" = 4 working hours
        (BUSINESS, D + 4 * H, 12 * H),
        (Calendar.from_settings({"weekly": OFFICE, "day_hours": 10}), 3 * D, 30 * H),
        (Calendar.from_settings({"weekly": OFFICE, "day_hours": 7.5}), 2 * D, 15 * H),
        (TWENTY_FOUR_SEVEN, 2 * D, 2 * D),
    ],
)
def test_goal_days_mean_working_days_on_a_business_calendar(cal: Calendar, goal: timedelta,
                                                           working: timedelta) -> None:
    assert goal_duration(cal, goal) == working


def test_settings_are_normalized_and_equal_calendars_hash_equal() -> None:
    written = Calendar.from_settings({"weekly": {"Monday": [["13:00", "18:00"], [" 8:00", "12:00"]]},
                                      "holidays": ["2026-12-25"], "timezone": "Europe/Madrid"})
    same = Calendar(timezone="Europe/Madrid", weekly={"mon": (("08:00", "12:00"), ("13:00", "18:00"))},
                    holidays=frozenset({date(2026, 12, 25)}))
    assert written == same and hash(written) == hash(same)
    assert dict(written.weekly or {}) == {"mon": (("08:00", "12:00"), ("13:00", "18:00"))}
    assert Calendar.from_settings(None, "Europe/Madrid").weekly is None


@pytest.mark.parametrize(
    ("settings_", "says"),
    [
        ({"weekly": {"mon": [["18:00", "08:00"]]}}, "must end after they start"),
        ({"weekly": {"mon": [["8am", "18:00"]]}}, "HH:MM"),
        ({"weekly": {"funday": [["08:00", "18:00"]]}}, 'Unknown day "funday"'),
        ({"weekly": {"mon": []}}, "needs working time"),
        ({"weekly": {"mon": [["08:00"]]}}, "a start and an end"),
        ({"weekly": ["mon"]}, "map days to spans"),
        ({"holidays": ["25/12/2026"]}, "2026-12-25"),
        ({"day_hours": 0}, "day_hours"),
        ({"timezone": "Mars/Olympus"}, "Unknown time zone"),
    ],
)
def test_unusable_calendar_settings_are_refused_with_a_reason(settings_: dict[str, object], says: str) -> None:
    with pytest.raises(CalendarError, match=says):
        Calendar.from_settings(settings_)


def test_a_24_7_calendar_with_holidays_skips_them_but_keeps_24_hour_days() -> None:
    closed_at_christmas = Calendar(timezone="Europe/Madrid", holidays=frozenset({date(2026, 12, 25)}))
    assert working_time_between(closed_at_christmas, madrid("2026-12-24"), madrid("2026-12-27")) == 2 * D
    assert add_working_time(closed_at_christmas, madrid("2026-12-24", "12:00"), D) == madrid("2026-12-26", "12:00")
    assert goal_duration(closed_at_christmas, 2 * D) == 2 * D
    assert closed_at_christmas != Calendar(timezone="Europe/Madrid", holidays=frozenset({date(2026, 12, 25)}),
                                           weekly={day: (("00:00", "24:00"),) for day in WEEK})


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        working_time_between(BUSINESS, datetime(2026, 3, 2, 9), T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        LedgerEvent(kind="start", at=datetime(2026, 3, 2, 9))


# --- clocks --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "now", "expected"),
    [
        ((), T0, (False, False, False, timedelta(0))),
        ((("start", T0),), T0 + 5 * H, (True, False, False, 5 * H)),
        ((("start", T0), ("pause", T0 + H), ("resume", T0 + 3 * H)), T0 + 5 * H, (True, False, False, 3 * H)),
        ((("start", T0), ("pause", T0 + H)), T0 + 5 * H, (False, True, False, H)),
        ((("start", T0), ("stop", T0 + 2 * H)), T0 + 5 * H, (False, False, True, 2 * H)),
        ((("start", T0), ("pause", T0 + H), ("stop", T0 + 2 * H)), T0 + 5 * H, (False, False, True, H)),
        # tolerant: unsorted, a pause while paused, a resume while running, a start while started
        ((("resume", T0 + 3 * H), ("pause", T0 + H), ("start", T0), ("pause", T0 + 2 * H), ("start", T0 + H)),
         T0 + 5 * H, (True, False, False, 3 * H)),
        ((("resume", T0 + H), ("start", T0)), T0 + 2 * H, (True, False, False, 2 * H)),
        # after a stop only a start counts, and it begins a new cycle from zero
        ((("start", T0), ("stop", T0 + H), ("resume", T0 + 2 * H)), T0 + 5 * H, (False, False, True, H)),
        ((("start", T0), ("stop", T0 + H), ("start", T0 + 4 * H)), T0 + 5 * H, (True, False, False, H)),
        ((("start", T0), ("pause", T0 + 9 * H)), T0 + 5 * H, (True, False, False, 5 * H)),  # future events wait
    ],
)
def test_clock_state_reads_the_ledger(events: tuple[tuple[str, datetime], ...], now: datetime,
                                      expected: tuple[bool, bool, bool, timedelta]) -> None:
    state = clock_state(ledger(*events), TWENTY_FOUR_SEVEN, now)
    assert (state.running, state.paused, state.stopped, state.elapsed) == expected


@pytest.mark.parametrize(
    ("events", "now", "elapsed"),
    [
        # Mon 09:00 start; no pause: Mon 9 h + Tue 4 h
        ((("start", madrid("2026-03-02", "09:00")),), madrid("2026-03-03", "12:00"), 13 * H),
        # pause Mon 17:00, resume Tue 10:00: only Mon 09-17 and Tue 10-12 count
        ((("start", madrid("2026-03-02", "09:00")), ("pause", madrid("2026-03-02", "17:00")),
          ("resume", madrid("2026-03-03", "10:00"))), madrid("2026-03-03", "12:00"), 10 * H),
        # pause Fri 17:00, resume Mon 10:00 (a weekend with the spring change): Fri 09-17 and Mon 10-12
        ((("start", madrid("2026-03-27", "09:00")), ("pause", madrid("2026-03-27", "17:00")),
          ("resume", madrid("2026-03-30", "10:00"))), madrid("2026-03-30", "12:00"), 10 * H),
        # resumed at night: nothing counts until the office opens
        ((("start", madrid("2026-03-02", "09:00")), ("pause", madrid("2026-03-02", "10:00")),
          ("resume", madrid("2026-03-02", "22:00"))), madrid("2026-03-03", "07:59"), H),
    ],
)
def test_pauses_spanning_nights_count_only_working_time(events: tuple[tuple[str, datetime], ...], now: datetime,
                                                        elapsed: timedelta) -> None:
    assert clock_state(ledger(*events), BUSINESS, now).elapsed == elapsed


# --- escalations ---------------------------------------------------------------------------------------------

STEPS = [Escalation(at_percent=50.0), Escalation(at_percent=100.0), Escalation(after_breach=2 * H, repeat=True)]


def keys(due: list[StepDue]) -> list[tuple[str, datetime]]:
    return [(d.key, d.due_at) for d in due]


def test_escalation_at_half_breach_and_repeats_after_breach_in_time_order() -> None:
    events = ledger(("start", T0))
    expected = [("0:0", T0 + 2 * H), ("1:0", T0 + 4 * H), ("2:0", T0 + 6 * H), ("2:1", T0 + 8 * H),
                ("2:2", T0 + 10 * H)]
    assert keys(due_steps(events, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + 10 * H)) == expected  # 3 repeats by now
    assert keys(due_steps(events, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + 11 * H)) == expected  # keys are stable
    assert keys(due_steps(events, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + 3 * H)) == expected[:1]
    assert next_due(events, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + 10 * H) == T0 + 12 * H
    assert next_due(events, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + H) == T0 + 2 * H
    assert breach_at(events, TWENTY_FOUR_SEVEN, 4 * H, T0 + H) == T0 + 4 * H  # projected
    assert breach_at(events, TWENTY_FOUR_SEVEN, 4 * H, T0 + 10 * H) == T0 + 4 * H  # in the past


def test_escalations_on_a_business_calendar_skip_nights() -> None:
    events = ledger(("start", madrid("2026-03-02", "17:00")))
    due = due_steps(events, BUSINESS, 4 * H, STEPS, madrid("2026-03-04", "09:00"))
    assert keys(due) == [("0:0", madrid("2026-03-03", "09:00")), ("1:0", madrid("2026-03-03", "11:00")),
                         ("2:0", madrid("2026-03-03", "13:00")), ("2:1", madrid("2026-03-03", "15:00")),
                         ("2:2", madrid("2026-03-03", "17:00")), ("2:3", madrid("2026-03-04", "09:00"))]
    assert next_due(events, BUSINESS, 4 * H, STEPS, madrid("2026-03-04", "09:00")) == madrid("2026-03-04", "11:00")


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (Escalation(at_percent=75.0), [("0:0", T0 + 3 * H)]),
        (Escalation(at_percent=100.0, after_breach=H, repeat=True), [("0:0", T0 + 4 * H), ("0:1", T0 + 5 * H)]),
        (Escalation(at_percent=100.0, repeat=True), [("0:0", T0 + 4 * H)]),  # no interval: fires once
        (Escalation(after_breach=H), [("0:0", T0 + 5 * H)]),
        (Escalation(after_breach=timedelta(0), repeat=True), []),  # refused by the validator; never fires here
        (Escalation(), []),
    ],
)
def test_each_kind_of_step_fires_when_its_threshold_is_reached(step: Escalation,
                                                               expected: list[tuple[str, datetime]]) -> None:
    assert keys(due_steps(ledger(("start", T0)), TWENTY_FOUR_SEVEN, 4 * H, [step], T0 + 5 * H)) == expected


def test_repeats_stop_at_the_horizon() -> None:
    events = ledger(("start", T0))
    due = due_steps(events, TWENTY_FOUR_SEVEN, H, [Escalation(after_breach=H, repeat=True)], T0 + 100 * H, horizon=5)
    assert [d.key for d in due] == ["0:0", "0:1", "0:2", "0:3", "0:4"]
    assert next_due(events, TWENTY_FOUR_SEVEN, H, [Escalation(after_breach=H, repeat=True)], T0 + 100 * H,
                    horizon=5) is None


def test_paused_clock_keeps_what_was_due_and_schedules_nothing() -> None:
    events = ledger(("start", T0), ("pause", T0 + 3 * H))
    assert keys(due_steps(events, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + 20 * H)) == [("0:0", T0 + 2 * H)]
    assert next_due(events, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + 20 * H) is None
    assert breach_at(events, TWENTY_FOUR_SEVEN, 4 * H, T0 + 20 * H) is None
    # a threshold reached exactly when the clock paused is due at the pause, not at the resume
    halfway = ledger(("start", T0), ("pause", T0 + 2 * H), ("resume", T0 + 5 * H))
    assert keys(due_steps(halfway, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + 6 * H)) == [("0:0", T0 + 2 * H)]
    resumed = [*events, LedgerEvent(kind="resume", at=T0 + 10 * H)]  # paused time does not count
    assert breach_at(resumed, TWENTY_FOUR_SEVEN, 4 * H, T0 + 10 * H) == T0 + 11 * H
    assert next_due(resumed, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + 10 * H) == T0 + 11 * H


def test_stopped_clock_fires_nothing_and_a_new_start_begins_a_new_cycle() -> None:
    events = ledger(("start", T0), ("stop", T0 + 5 * H))
    assert due_steps(events, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + 20 * H) == []
    assert next_due(events, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + 20 * H) is None
    assert breach_at(events, TWENTY_FOUR_SEVEN, 4 * H, T0 + 20 * H) == T0 + 4 * H  # it did breach, before the stop
    assert breach_at(ledger(("start", T0), ("stop", T0 + H)), TWENTY_FOUR_SEVEN, 4 * H, T0 + 20 * H) is None
    again = [*events, LedgerEvent(kind="start", at=T0 + 30 * H)]
    assert keys(due_steps(again, TWENTY_FOUR_SEVEN, 4 * H, STEPS, T0 + 33 * H)) == [("0:0", T0 + 32 * H)]
    assert clock_state(again, TWENTY_FOUR_SEVEN, T0 + 33 * H).started_at == T0 + 30 * H


def test_not_started_has_no_breach_and_nothing_due() -> None:
    assert breach_at([], BUSINESS, 4 * H, T0) is None
    assert due_steps([], BUSINESS, 4 * H, STEPS, T0) == []
    assert next_due([], BUSINESS, 4 * H, STEPS, T0) is None


def test_priority_change_keeps_elapsed_time_and_recomputes_due_steps() -> None:
    by_priority = {"urgent": 4 * H, "high": D}
    events = ledger(("start", T0))
    now = T0 + D
    normal = goal_for_priority(3 * D, by_priority, "normal")
    assert normal == 3 * D and goal_for_priority(3 * D, None, "urgent") == 3 * D
    assert clock_state(events, TWENTY_FOUR_SEVEN, now).elapsed == D
    assert breach_at(events, TWENTY_FOUR_SEVEN, normal, now) == T0 + 3 * D
    assert [d.key for d in due_steps(events, TWENTY_FOUR_SEVEN, normal, STEPS, now)] == []
    urgent = goal_for_priority(3 * D, by_priority, "urgent")
    assert urgent == 4 * H
    assert breach_at(events, TWENTY_FOUR_SEVEN, urgent, now) == T0 + 4 * H  # already breached, 20 h ago
    due = due_steps(events, TWENTY_FOUR_SEVEN, urgent, STEPS, now)
    assert [d.key for d in due[:3]] == ["0:0", "1:0", "2:0"] and len(due) == 2 + 10  # repeats at 6h, 8h .. 24h
    assert next_due(events, TWENTY_FOUR_SEVEN, urgent, STEPS, now) == T0 + 26 * H


# --- properties ----------------------------------------------------------------------------------------------

MOMENTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),
                       timezones=st.just(UTC)).map(lambda m: m.replace(microsecond=0))
LUNCH = Calendar.from_settings({"weekly": {**OFFICE, "fri": [["08:00", "14:00"]], "mon": [["08:00", "12:00"],
                                                                                           ["13:00", "18:00"]]},
                                "holidays": ["2026-12-25", "2027-01-01", "2026-03-30"]}, "Europe/Madrid")
CALENDARS = st.sampled_from([BUSINESS, LUNCH, EVERY_DAY, ALL_HOURS, TWENTY_FOUR_SEVEN,
                             Calendar(timezone="Europe/Madrid", holidays=frozenset({date(2026, 12, 25)}))])


@settings(max_examples=300, deadline=None, database=None)
@given(CALENDARS, MOMENTS, MOMENTS)
def test_adding_the_working_time_between_lands_at_or_before_the_end(cal: Calendar, start: datetime,
                                                                    end: datetime) -> None:
    spent = working_time_between(cal, start, end)
    landed = add_working_time(cal, start, spent)
    assert landed <= max(start, end)
    assert working_time_between(cal, start, landed) == spent


@settings(max_examples=300, deadline=None, database=None)
@given(CALENDARS, MOMENTS, st.integers(min_value=0, max_value=200 * 3600))
def test_working_time_to_the_added_instant_is_what_was_added(cal: Calendar, start: datetime, seconds: int) -> None:
    amount = timedelta(seconds=seconds)
    assert working_time_between(cal, start, add_working_time(cal, start, amount)) == amount


@settings(max_examples=200, deadline=None, database=None)
@given(CALENDARS, MOMENTS, st.lists(st.tuples(st.sampled_from(["pause", "resume", "stop"]),
                                              st.integers(min_value=0, max_value=300 * 3600)), max_size=8),
       st.integers(min_value=0, max_value=400 * 3600), st.integers(min_value=0, max_value=100 * 3600))
def test_elapsed_never_goes_down_and_due_keys_never_change(cal: Calendar, start: datetime,
                                                           tail: list[tuple[str, int]], first: int, later: int) -> None:
    events = ledger(("start", start), *((kind, start + timedelta(seconds=s)) for kind, s in tail))
    now, then = start + timedelta(seconds=first), start + timedelta(seconds=first + later)
    assert clock_state(events, cal, now).elapsed <= clock_state(events, cal, then).elapsed
    if not any(kind == "stop" for kind, _s in tail):
        early, late = keys(due_steps(events, cal, 6 * H, STEPS, now)), keys(due_steps(events, cal, 6 * H, STEPS, then))
        assert late[: len(early)] == early
        upcoming = next_due(events, cal, 6 * H, STEPS, now)
        assert upcoming is None or upcoming > now


def test_importing_the_engine_brings_no_web_database_or_scheduler_module() -> None:
    code = ("import sys, engine.sla, engine.durations, engine.calendars; "
            "bad = [m for m in sys.modules if m.split('.')[0] in {'nicegui', 'sqlalchemy', 'sqlmodel', 'babel', "
            "'domain', 'storage', 'ui', 'api', 'scheduler', 'apscheduler', 'psycopg'}]; print(bad)")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
