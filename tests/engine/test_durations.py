"""Durations as written in workflow documents: what reads, what is refused and why, and the way back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.durations import DurationError, format_duration, parse_duration

H = timedelta(hours=1)
M = timedelta(minutes=1)
D = timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", 30 * M),
        ("4h", 4 * H),
        ("2d", 2 * D),
        ("1w", 7 * D),
        ("1h30m", 90 * M),
        ("1d2h", D + 2 * H),
        ("45s", timedelta(seconds=45)),
        ("  4h \n", 4 * H),
        ("1h 30m", 90 * M),
        ("4H", 4 * H),
        ("PT4H", 4 * H),
        ("P2D", 2 * D),
        ("P1DT2H", D + 2 * H),
        ("PT30M", 30 * M),
        ("PT1H30M15S", 90 * M + timedelta(seconds=15)),
        ("P1W", 7 * D),
        ("pt4h", 4 * H),
        ("90m", 90 * M),
    ],
)
def test_valid_durations_read_as_wall_clock_length(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0m", "longer than zero"),
        ("PT0S", "longer than zero"),
        ("0d0h", "longer than zero"),
        ("-4h", 'Write a duration like 30m, 4h, 2d or PT4H (got "-4h").'),
        ("abc", 'Write a duration like 30m, 4h, 2d or PT4H (got "abc").'),
        ("", 'Write a duration like 30m, 4h, 2d or PT4H (got "").'),
        ("   ", "Write a duration like"),
        ("4x", 'Write a duration like 30m, 4h, 2d or PT4H (got "4x").'),
        ("1.5h", "Write a duration like"),
        ("4", "Write a duration like"),
        ("h", "Write a duration like"),
        ("30m1h", "Write a duration like"),  # largest unit first
        ("4h4h", "Write a duration like"),
        ("P", "Write a duration like"),
        ("PT", "Write a duration like"),
        ("PT4", "Write a duration like"),
        ("P1M", "Years and months have no fixed length"),
        ("P1Y2D", "Years and months have no fixed length"),
        ("4\u0663h", "Write a duration like"),  # an Arabic-Indic digit is not a number here
        ("99999999999w", "too long"),
    ],
)
def test_invalid_durations_are_refused_with_an_actionable_message(text: str, says: str) -> None:
    with pytest.raises(DurationError) as refused:
        parse_duration(text)
    assert says in str(refused.value)
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize("value", [None, 4, 4.0, ["4h"]])
def test_non_text_is_refused_not_crashed_on(value: object) -> None:
    with pytest.raises(DurationError, match="Write a duration like"):
        parse_duration(value)  # type: ignore[arg-type]


def test_a_pasted_essay_is_quoted_short() -> None:
    with pytest.raises(DurationError) as refused:
        parse_duration("x" * 500)
    assert len(str(refused.value)) < 120


@pytest.mark.parametrize(
    ("td", "text"),
    [
        (90 * M, "1h30m"),
        (2 * D, "2d"),
        (7 * D, "1w"),
        (10 * D, "1w3d"),
        (D + 2 * H, "1d2h"),
        (4 * H, "4h"),
        (30 * M, "30m"),
        (timedelta(seconds=45), "45s"),
        (timedelta(seconds=59, microseconds=600_000), "1m"),
        (timedelta(0), "0m"),
        (-H, "-1h"),
    ],
)
def test_format_gives_the_shortest_text(td: timedelta, text: str) -> None:
    assert format_duration(td) == text


@settings(max_examples=300, deadline=None, database=None)
@given(st.integers(min_value=1, max_value=10**9))
def test_format_then_parse_is_the_identity_to_the_second(seconds: int) -> None:
    td = timedelta(seconds=seconds)
    assert parse_duration(format_duration(td)) == td
