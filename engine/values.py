"""Typed values for the condition language: coercion, emptiness, dates, durations, display.

Pure helpers for `engine.conditions`. Coercion functions raise `BadValue` when a value
does not fit a field type; callers turn that into a reason, never into a crash.
Datetimes are compared in UTC (Python compares two datetimes sharing one tzinfo by
wall clock, which is wrong across DST changes); dates are local dates in the
record's timezone.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

_NUMBER_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "empty", "not_empty")
_DATE_OPS = ("eq", "ne", "before", "after", "lt", "lte", "gt", "gte", "within", "empty", "not_empty")
_ID_OPS = ("eq", "ne", "in", "not_in", "empty", "not_empty")
OPS_BY_TYPE: Mapping[str, tuple[str, ...]] = {
    "number": _NUMBER_OPS, "money": _NUMBER_OPS,
    "date": _DATE_OPS, "datetime": _DATE_OPS,
    "text": ("eq", "ne", "contains", "in", "not_in", "empty", "not_empty"),
    "longtext": ("eq", "ne", "contains", "in", "not_in", "empty", "not_empty"),
    "boolean": ("eq", "ne", "empty", "not_empty"),
    "select": _ID_OPS,
    "multiselect": ("eq", "ne", "contains", "in", "not_in", "empty", "not_empty"),
    "user": _ID_OPS, "vendor": _ID_OPS, "asset": _ID_OPS, "building": _ID_OPS,
}
ALL_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "contains",
           "empty", "not_empty", "before", "after", "within")
# Field types that compare with each other (value: {field: OTHER}).
KIND = {"number": "number", "money": "number", "date": "date", "datetime": "date",
        "text": "text", "longtext": "text", "select": "text", "boolean": "boolean",
        "multiselect": "multiselect", "user": "user", "vendor": "vendor", "asset": "asset", "building": "building"}
ORDER_OPS = frozenset({"gt", "gte", "lt", "lte", "before", "after"})
# Ops whose value may be another field: {field: OTHER}.
REF_OPS = frozenset({"eq", "ne", "contains"}) | ORDER_OPS

_OFFSET = re.compile(r"([+-])(\d{1,7})\s*([mhdw])")
_DURATION = re.compile(r"([+-]?)(\d{1,7})\s*([mhdw])")
_ISO_DURATION = re.compile(r"([+-]?)P(?:(\d{1,7})W)?(?:(\d{1,7})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,7})M)?(?:(\d{1,7})S)?)?")
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}


class BadValue(ValueError):
    """A value that does not fit the field type or the operator."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Money:
    """An amount with an optional ISO 4217 currency (as facts or condition values give it)."""

    amount: Decimal
    currency: str | None = None


def zone(name: Any) -> tzinfo:
    """The named IANA timezone, or UTC when the name is unknown (a record must stay evaluable)."""
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else UTC
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return UTC


def is_empty(value: Any) -> bool:
    """None, blank text, an empty list or mapping, a money value without an amount."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        return not value or ("amount" in value and is_empty(value["amount"]))
    if isinstance(value, list | tuple | set | frozenset):
        return not value
    return False


def to_decimal(value: Any) -> Decimal:
    """int, float, Decimal or a numeric string -> a finite Decimal (booleans are not numbers)."""
    if isinstance(value, bool):
        raise BadValue("boolean")
    try:
        if isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, str):
            number = Decimal(value.strip())
        else:
            raise BadValue(type(value).__name__)
    except (InvalidOperation, ValueError) as exc:
        raise BadValue("not a number") from exc
    if not number.is_finite():
        raise BadValue("not finite")
    return number


def to_money(value: Any, *, allow_currency: bool = True) -> Money:
    """A number, or {amount, currency} when `allow_currency`."""
    if isinstance(value, Mapping):
        currency = value.get("currency")
        if not allow_currency or "amount" not in value or not (currency is None or isinstance(currency, str)):
            raise BadValue("money")
        code = currency.strip().upper() if isinstance(currency, str) else ""
        return Money(amount=to_decimal(value["amount"]), currency=code or None)
    return Money(amount=to_decimal(value))


def to_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    raise BadValue("text")


def to_id(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, uuid.UUID) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    raise BadValue("id")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise BadValue("boolean")


def to_selection(value: Any) -> frozenset[str]:
    """A multiselect value: a list of option strings (a single string counts as one)."""
    if isinstance(value, str):
        return frozenset((value,))
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise BadValue("selection")


def to_moment(value: Any, *, tz: tzinfo, as_date: bool) -> date | datetime:
    """A fact's date or datetime -> a local date (`as_date`) or an aware datetime in `tz`.

    Naive datetimes are wall-clock times in `tz`; an ISO date alone is a date.
    """
    if isinstance(value, str):
        value = _parse_iso(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=tz)
        try:
            local = aware.astimezone(tz)
        except (OverflowError, ValueError) as exc:
            raise BadValue("datetime out of range") from exc
        return local.date() if as_date else local
    if isinstance(value, date):
        return value
    raise BadValue("date")


def condition_moment(value: Any, *, tz: tzinfo, now: datetime, as_date: bool) -> date | datetime:
    """A condition's date value: ISO, `now`, `today`, `yesterday`, `tomorrow` or an offset such as `-3d`.

    For a date field the result is a local date; `today`, day names and ISO dates stay
    dates (compared by day) whatever the field; `now` and offsets are moments.
    """
    if not isinstance(value, str):
        return to_moment(value, tz=tz, as_date=as_date)
    text = value.strip().lower()
    local_now = now.astimezone(tz)
    if text in _RELATIVE_DAYS:
        return local_now.date() + timedelta(days=_RELATIVE_DAYS[text])
    if text == "now":
        return local_now.date() if as_date else local_now
    match = _OFFSET.fullmatch(text)
    if match is None:
        return to_moment(value, tz=tz, as_date=as_date)
    sign, count, unit = match.groups()
    step = (int(count) if sign == "+" else -int(count)) * _UNITS[unit]
    try:
        if as_date and unit in "dw":
            return local_now.date() + step
        moment = (now.astimezone(UTC) + step).astimezone(tz)
    except (OverflowError, ValueError) as exc:
        raise BadValue("date out of range") from exc
    return moment.date() if as_date else moment


def parse_duration(value: Any) -> tuple[int, timedelta]:
    """`3d`, `+4h`, `-1w`, `30m` or ISO 8601 (`P3D`, `-PT4H`) -> (sign, positive duration).

    The sign is 0 without a sign (either direction), +1 for `+`, -1 for `-`.
    """
    if not isinstance(value, str):
        raise BadValue("duration")
    text = value.strip()
    try:
        if (match := _DURATION.fullmatch(text.lower())) is not None:
            sign, count, unit = match.groups()
            span = int(count) * _UNITS[unit]
        elif (match := _ISO_DURATION.fullmatch(text.upper())) is not None and any(match.groups()[1:]):
            sign, weeks, days, hours, minutes, seconds = (g or "0" for g in match.groups())
            sign = "" if sign == "0" else sign
            span = timedelta(weeks=int(weeks), days=int(days), hours=int(hours),
                             minutes=int(minutes), seconds=int(seconds))
        else:
            raise BadValue("duration")
    except OverflowError as exc:
        raise BadValue("duration too long") from exc
    if span <= timedelta(0):
        raise BadValue("duration not positive")
    return {"": 0, "+": 1, "-": -1}[sign], span


def compare_moments(a: date | datetime, b: date | datetime) -> int:
    """-1, 0 or 1; by day when either side is a date (datetimes are already local)."""
    if not isinstance(a, datetime) or not isinstance(b, datetime):
        left = a.date() if isinstance(a, datetime) else a
        right = b.date() if isinstance(b, datetime) else b
        return (left > right) - (left < right)
    ua, ub = a.astimezone(UTC), b.astimezone(UTC)
    return (ua > ub) - (ua < ub)


def plain(value: Any) -> Any:
    """A coerced value as a reason shows it: an amount without currency is just its Decimal."""
    if isinstance(value, Money) and value.currency is None:
        return value.amount
    return tuple(plain(item) for item in value) if isinstance(value, tuple) else value


def render(value: Any, locale: str = "en") -> str:
    """English display of a reason parameter (the console formats per locale itself)."""
    if _is_reason(value):
        text = value.text(locale)
        nested = any(isinstance(p, tuple) and p and _is_reason(p[0]) for p in value.params.values())
        return f"({text})" if nested else text
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, Money):
        return f"{_number(value.amount)} {value.currency}" if value.currency else _number(value.amount)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return _span(value)
    if isinstance(value, Mapping):
        return str(value.get(locale) or value.get("en") or next(iter(value.values()), ""))
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        joiner = "; " if items and all(_is_reason(item) for item in items) else ", "
        return joiner.join(render(v, locale) for v in items)
    return "" if value is None else str(value)


def _is_reason(value: Any) -> bool:
    """A `conditions.Reason` (duck-typed: this module does not import its caller)."""
    return isinstance(getattr(value, "msgid", None), str) and callable(getattr(value, "text", None))


def _parse_iso(text: str) -> date | datetime:
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadValue("not an ISO date") from exc


def _number(value: int | float | Decimal) -> str:
    number = value if isinstance(value, Decimal) else to_decimal(value)
    if abs(number.adjusted()) > 30:
        return str(number)
    return format(number, ",f")


def _span(value: timedelta) -> str:
    minutes = int(abs(value).total_seconds() // 60)
    parts = []
    for size, name in ((10080, "week"), (1440, "day"), (60, "hour"), (1, "minute")):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count} {name}{'s' if count != 1 else ''}")
    return " ".join(parts) or "0 minutes"


# --- typed comparison ---------------------------------------------------------------------------------------

class CurrencyMismatch(ValueError):
    """Two money amounts in different currencies: neither equal nor unequal."""


def coerce(ftype: str, value: Any, *, tz: tzinfo, now: datetime, literal: bool, single: bool = False) -> Any:
    """A fact (`literal` False) or a condition's value (relative dates allowed) of a field type."""
    if ftype in ("number", "money"):
        return to_money(value, allow_currency=ftype == "money")
    if ftype in ("date", "datetime"):
        if literal:
            return condition_moment(value, tz=tz, now=now, as_date=ftype == "date")
        return to_moment(value, tz=tz, as_date=ftype == "date")
    if ftype == "boolean":
        return to_bool(value)
    if ftype == "multiselect":
        return to_text(value) if single else to_selection(value)
    return to_text(value) if KIND.get(ftype) == "text" else to_id(value)


def expected(ftype: str, op: str, value: Any, *, tz: tzinfo, now: datetime) -> Any:
    """A condition's value for `op` on a field type (a tuple for in / not_in, except on multiselect)."""
    if ftype == "multiselect":
        return coerce(ftype, value, tz=tz, now=now, literal=True, single=op == "contains")
    if op in ("in", "not_in"):
        if not isinstance(value, list | tuple):
            raise BadValue("list")
        return tuple(coerce(ftype, item, tz=tz, now=now, literal=True) for item in value)
    return coerce(ftype, value, tz=tz, now=now, literal=True)


def compare(ftype: str, op: str, actual: Any, wanted: Any) -> bool:
    """`actual op wanted` for coerced values; raises CurrencyMismatch."""
    kind = KIND[ftype]
    if op in ("in", "not_in") and kind != "multiselect":
        return any(compare(ftype, "eq", actual, item) for item in wanted) == (op == "in")
    if kind == "number":
        if actual.currency and wanted.currency and actual.currency != wanted.currency:
            raise CurrencyMismatch(f"{actual.currency} / {wanted.currency}")
        return _order(op, (actual.amount > wanted.amount) - (actual.amount < wanted.amount))
    if kind == "date":
        return _order(op, compare_moments(actual, wanted))
    if op == "contains":
        return wanted in actual if kind == "multiselect" else wanted.casefold() in actual.casefold()
    if op in ("in", "not_in"):  # multiselect: any / none of the selections
        return bool(actual & wanted) == (op == "in")
    return bool((actual == wanted) == (op == "eq"))


def within(actual: date | datetime, sign: int, span: timedelta, *, now: datetime, today: date) -> bool:
    """|actual - now| <= span (sign -1: in the past span only, +1: in the next); dates by whole days."""
    if isinstance(actual, datetime):
        offset, limit = (actual.astimezone(UTC) - now).total_seconds(), span.total_seconds()
    else:
        offset, limit = (actual - today).days, span.days
    return (-limit if sign <= 0 else 0) <= offset <= (limit if sign >= 0 else 0)


def _order(op: str, c: int) -> bool:
    return {"eq": c == 0, "ne": c != 0, "gt": c > 0, "after": c > 0, "gte": c >= 0,
            "lt": c < 0, "before": c < 0, "lte": c <= 0}[op]
