"""Durations as people write them in workflow documents: ``30m``, ``4h``, ``2d``, ``1w``, ``1h30m`` or ISO 8601.

Pure standard library. A parsed duration is a plain `timedelta` of wall-clock length
(``2d`` is 48 hours); what a day means on a business calendar is decided later by
`engine.calendars.goal_duration`, not here.
"""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["DurationError", "format_duration", "parse_duration"]

_HINT = 'Write a duration like 30m, 4h, 2d or PT4H (got "{text}").'

# Units largest first, each at most once; whitespace may separate the parts ("1h 30m").
_SHORT = re.compile(
    r"(?:(?P<w>[0-9]+)\s*w)?\s*(?:(?P<d>[0-9]+)\s*d)?\s*(?:(?P<h>[0-9]+)\s*h)?\s*"
    r"(?:(?P<m>[0-9]+)\s*m)?\s*(?:(?P<s>[0-9]+)\s*s)?",
    re.IGNORECASE | re.ASCII,
)
_ISO = re.compile(
    r"P(?:(?P<w>[0-9]+)W)?(?:(?P<d>[0-9]+)D)?(?:T(?:(?P<h>[0-9]+)H)?(?:(?P<m>[0-9]+)M)?(?:(?P<s>[0-9]+)S)?)?",
    re.IGNORECASE | re.ASCII,
)
# ISO years and months (a Y or M before any T) have no fixed length; say so rather than the generic hint.
_ISO_YEARS_MONTHS = re.compile(r"P[^T]*[0-9][YM]", re.IGNORECASE | re.ASCII)
_UNITS = (("w", 7 * 86_400), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))


class DurationError(ValueError):
    """A duration that cannot be read; the message says how to write one."""


def parse_duration(text: str) -> timedelta:
    """Read a duration such as ``30m``, ``4h``, ``2d``, ``1w``, ``1h30m``, ``PT4H``, ``P2D`` or ``P1DT2H``.

    Units: w(eeks), d(ays), h(ours), m(inutes), s(econds), largest first, whole
    numbers only, case and surrounding whitespace ignored. ISO 8601 durations take
    weeks, days, hours, minutes and seconds (not years or months, which have no
    fixed length). Days are 24 hours here.

    Raises `DurationError` (a `ValueError`) for anything else, including a duration
    that is not longer than zero.
    """
    if not isinstance(text, str):
        raise DurationError(_HINT.format(text=_shown(text)))
    cleaned = text.strip()
    match = _ISO.fullmatch(cleaned) if cleaned[:1] in ("P", "p") else _SHORT.fullmatch(cleaned)
    if match is None or not any(match.groupdict().values()):
        if _ISO_YEARS_MONTHS.match(cleaned):
            raise DurationError(
                f'Years and months have no fixed length: write days or weeks instead, like P30D (got "{_shown(text)}").'
            )
        raise DurationError(_HINT.format(text=_shown(text)))
    parts = {unit: int(value) for unit, value in match.groupdict().items() if value}
    try:
        result = timedelta(weeks=parts.get("w", 0), days=parts.get("d", 0), hours=parts.get("h", 0),
                           minutes=parts.get("m", 0), seconds=parts.get("s", 0))
    except OverflowError:
        raise DurationError(
            f'That duration is too long: write one under a million days (got "{_shown(text)}").'
        ) from None
    if result <= timedelta(0):
        raise DurationError(
            f'A duration must be longer than zero: write one like 30m, 4h, 2d or PT4H (got "{_shown(text)}").'
        )
    return result


def format_duration(td: timedelta) -> str:
    """The shortest text `parse_duration` reads back as `td`, rounded to the second.

    ``90 minutes -> "1h30m"``, ``2 days -> "2d"``, ``7 days -> "1w"``, ``1d 2h -> "1d2h"``.
    Zero is ``"0m"`` and a negative duration gets a leading minus (``"-1h"``, for
    "overdue by"); neither of those parses back, since goals are always positive.
    """
    if td < timedelta(0):
        return "-" + format_duration(-td)
    micro = td // timedelta(microseconds=1)
    remaining = (micro + 500_000) // 1_000_000
    if remaining == 0:
        return "0m"
    out = []
    for unit, size in _UNITS:
        count, remaining = divmod(remaining, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)


def _shown(value: object) -> str:
    """The offending input as quoted in a message, cut short so a pasted essay stays readable."""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."
