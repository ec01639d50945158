"""Input checks shared by the IAM use cases; each raises ValidationFailed for one field."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

from domain.errors import N_, ValidationFailed

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
LOCALES = ("en", "es", "fr")
THEMES = ("light", "dark", "auto")


def email(value: str, field: str = "email") -> str:
    value = (value or "").strip().lower()
    if not value:
        raise ValidationFailed({field: N_("Enter an e-mail address.")})
    if len(value) > 320 or not EMAIL_RE.match(value):
        raise ValidationFailed({field: N_("Enter a valid e-mail address, like name@example.com.")})
    return value


def text(value: str, field: str, *, max_length: int = 200, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed({field: N_("This field is required.")})
    if len(value) > max_length:
        raise ValidationFailed({field: N_("Use at most {max} characters.")}, max=max_length)
    return value


def slug(value: str, field: str = "slug") -> str:
    value = (value or "").strip().lower()
    if not SLUG_RE.match(value):
        raise ValidationFailed(
            {field: N_("Use 1 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen.")}
        )
    return value


def key(value: str, field: str = "key") -> str:
    value = (value or "").strip()
    if not KEY_RE.match(value):
        raise ValidationFailed(
            {field: N_("Start with a lower-case letter; then use lower-case letters, digits or underscores.")}
        )
    return value


def locale(value: str | None, field: str = "locale") -> str | None:
    if value is None or value in LOCALES:
        return value
    raise ValidationFailed({field: N_("Choose English, Español or Français.")})


def theme(value: str, field: str = "theme") -> str:
    if value in THEMES:
        return value
    raise ValidationFailed({field: N_("Choose light, dark or automatic.")})


def timezone(value: str, field: str = "timezone") -> str:
    if value in available_timezones():
        return value
    raise ValidationFailed({field: N_("Choose a time zone from the list, like Europe/Paris.")})


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def calendar(value: dict[str, object], field: str = "calendar") -> dict[str, object]:
    """A working calendar: weekly hours per weekday ([[start, end], ...], HH:MM) and holiday dates."""
    from datetime import date

    weekly_in = value.get("weekly") or {}
    if not isinstance(weekly_in, dict) or set(weekly_in) - set(WEEKDAYS):
        raise ValidationFailed({field: N_("Weekly hours must be given per weekday (mon to sun).")})
    weekly: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        spans = weekly_in.get(day) or []
        clean = []
        for span in spans if isinstance(spans, list) else [None]:
            if (not isinstance(span, list | tuple) or len(span) != 2
                    or not all(isinstance(t, str) and _TIME_RE.match(t) for t in span) or span[0] >= span[1]):
                raise ValidationFailed({field: N_("Working hours on {day} must be a start before an end, as HH:MM.")},
                                       day=day)
            clean.append([span[0], span[1]])
        if clean:
            weekly[day] = sorted(clean)
    holidays_in = value.get("holidays") or []
    holidays = []
    for item in holidays_in if isinstance(holidays_in, list) else [None]:
        try:
            holidays.append(date.fromisoformat(str(item)).isoformat())
        except ValueError:
            raise ValidationFailed({field: N_("{value} is not a date; write holidays as YYYY-MM-DD.")},
                                   value=str(item)) from None
    return {"weekly": weekly, "holidays": sorted(set(holidays))}
