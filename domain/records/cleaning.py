"""Cleaning what people enter into a record's typed fields (pure: no database, no web).

`clean(field, value, ...)` returns a JSON value in one canonical form per type, which
`engine.values` (`to_decimal`, `to_money`, `to_moment`, ...) reads back, or raises
`Refused` with a message a person can act on:

    text, longtext   str, trimmed; NUL characters removed (PostgreSQL's jsonb refuses them);
                     longtext line ends become "\\n"
    number           int when integral and |n| < 2**53 (a JSON number every client reads
                     exactly), else the decimal as a string without exponent ("3.5", "-0.25",
                     "90071992547409930")
    money            {"amount": "1200.50", "currency": "EUR"} (currency None when not given);
                     the amount a decimal string with at least two decimals
    date             "YYYY-MM-DD"
    datetime         "YYYY-MM-DDTHH:MM:SS+00:00": UTC, whole seconds; naive input is wall-clock
                     time in the tenant's zone
    boolean          true / false (false is a value, not "empty")
    select           the option string
    multiselect      list of option strings, deduplicated, in the order of the field's options
    user, vendor, asset, building   the id string

Empty input ("", blanks, None, [], a money value without an amount) means "no value".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Any
from uuid import UUID

from babel.numbers import list_currencies

from domain.errors import N_
from engine.model import FieldDef
from engine.values import BadValue, is_empty, to_decimal

TEXT_MAX = 500
LONGTEXT_MAX = 20_000
NUMBER_DIGITS, NUMBER_DECIMALS = 20, 10  # digits before / after the decimal point
MONEY_DIGITS, MONEY_DECIMALS = 15, 4
REF_TYPES = ("user", "vendor", "asset", "building")
_SAFE_INT = 2**53
_CURRENCIES = frozenset(list_currencies())
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?")
MESSAGES = {
    "text": N_("Enter text."),
    "number": N_("Enter a number, such as 12 or 3.5."),
    "digits": N_("Use at most {digits} digits before the decimal point and {decimals} after it."),
    "money": N_("Enter an amount, such as 1200.50."),
    "currency": N_("Choose a currency, such as EUR or USD."),
    "date": N_("Enter a date as YYYY-MM-DD."),
    "datetime": N_("Enter a date and time, such as 2024-05-31 14:30."),
    "gap": N_("{time} does not exist in {zone} because the clocks change then; enter another time."),
    "boolean": N_("Choose yes or no."),
    "select": N_("Choose one of the listed options."),
    "multiselect": N_("Choose only options from the list."),
    "user": N_("This person is not a member of this organisation."),
    "vendor": N_("Choose a vendor of this tenant."),
    "asset": N_("Choose an asset of this tenant."),
    "building": N_("Choose a building of this tenant."),
    "length": N_("Use at most {max} characters."),
    "required": N_("{label} is required."),
    "unknown": N_("This field is not part of the form."),
}


class Refused(Exception):
    """A value the field cannot take: `msgid` (one of MESSAGES) with its parameters."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid, self.params = msgid, params


def clean(field: FieldDef, value: Any, *, known: Mapping[str, Collection[str]], tz: tzinfo) -> Any:
    if is_empty(value):
        return None
    kind = field.type
    if kind in ("text", "longtext"):
        return _text(value, longtext=kind == "longtext")
    if kind == "number":
        return _number(value)
    if kind == "money":
        return _money(value)
    if kind == "date":
        return _date(value)
    if kind == "datetime":
        return _datetime(value, tz)
    if kind == "boolean":
        return _boolean(value)
    if kind == "select":
        if not isinstance(value, str) or value not in field.options:
            raise Refused(MESSAGES["select"])
        return value
    if kind == "multiselect":
        chosen = [value] if isinstance(value, str) else value
        if not isinstance(chosen, list | tuple | set | frozenset) or any(c not in field.options for c in chosen):
            raise Refused(MESSAGES["multiselect"])
        return [o for o in field.options if o in chosen]
    if kind in REF_TYPES:
        return _ref(kind, value, known.get(kind, ()))
    raise ValueError(f"unknown field type {kind!r}")


def _text(value: Any, *, longtext: bool) -> str | None:
    if not isinstance(value, str | int | Decimal) or isinstance(value, bool):
        raise Refused(MESSAGES["text"])
    text = str(value).replace("\x00", "")
    if longtext:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    limit = LONGTEXT_MAX if longtext else TEXT_MAX
    if len(text) > limit:
        raise Refused(MESSAGES["length"], max=limit)
    return text or None


def _decimal(value: Any, message: str) -> Any:
    """`value` (a number, or text written as one) as a decimal, or Refused with `message`."""
    if isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
        raise Refused(message)
    try:
        return to_decimal(value)
    except BadValue:
        raise Refused(message) from None


def _number(value: Any) -> int | str:
    number = _decimal(value, MESSAGES["number"])
    digits, places = _bounded(number, NUMBER_DIGITS, NUMBER_DECIMALS)
    if places == 0:
        whole = int(digits)
        return whole if abs(whole) < _SAFE_INT else str(whole)
    return format(digits, "f")


def _money(value: Any) -> dict[str, Any] | None:
    currency: Any = None
    if isinstance(value, Mapping):
        amount, currency = value.get("amount"), value.get("currency")
    elif isinstance(value, str):
        parts = value.split()
        if len(parts) == 2:
            amount, currency = (parts[1], parts[0]) if parts[0].isalpha() else (parts[0], parts[1])
        else:
            amount = value
    else:
        amount = value
    if is_empty(amount):
        return None
    if isinstance(amount, bool):
        raise Refused(MESSAGES["money"])
    number = _decimal(amount, MESSAGES["money"])
    digits, places = _bounded(number, MONEY_DIGITS, MONEY_DECIMALS)
    if currency is not None and not isinstance(currency, str):
        raise Refused(MESSAGES["currency"])
    code = (currency or "").strip().upper() or None
    if code is not None and code not in _CURRENCIES:
        raise Refused(MESSAGES["currency"])
    return {"amount": format(digits, f".{max(2, places)}f"), "currency": code}


def _bounded(number: Decimal, digits: int, decimals: int) -> tuple[Decimal, int]:
    """`number` without trailing zeros after the point, and its count of decimals; refuses one
    with too many digits (checked on the exponent: no context rounding ever happens)."""
    if number == 0:
        return Decimal(0), 0
    sign, figures, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite: to_decimal refuses NaN and infinities
    kept = list(figures)
    while exponent < 0 and len(kept) > 1 and kept[-1] == 0:
        kept.pop()
        exponent += 1
    places = max(0, -exponent)
    if number.adjusted() >= digits or places > decimals:
        raise Refused(MESSAGES["digits"], digits=digits, decimals=decimals)
    return Decimal((sign, tuple(kept), exponent)), places


def _date(value: Any) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise Refused(MESSAGES["date"])
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise Refused(MESSAGES["date"]) from None


def _datetime(value: Any, tz: tzinfo) -> str:
    moment: datetime
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and _DATETIME.fullmatch(value.strip()):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise Refused(MESSAGES["datetime"]) from None
    else:
        raise Refused(MESSAGES["datetime"])
    try:
        if moment.tzinfo is None:
            wall = moment.replace(tzinfo=tz)  # fold 0: an hour that happens twice means its first occurrence
            if wall.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != moment:
                raise Refused(MESSAGES["gap"], time=moment.strftime("%H:%M"), zone=zone_name(tz))
            moment = wall
        return moment.astimezone(UTC).replace(microsecond=0).isoformat()
    except (OverflowError, ValueError):
        raise Refused(MESSAGES["datetime"]) from None


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise Refused(MESSAGES["boolean"])


def _ref(kind: str, value: Any, known: Collection[str]) -> str:
    text = str(value).strip() if isinstance(value, str | UUID) else None
    if text is not None and text not in known:
        try:
            text = str(UUID(text))  # the canonical spelling (lower case, dashes)
        except ValueError:
            text = None
    if text is None or text not in known:
        raise Refused(MESSAGES[kind])
    return text


def zone_name(tz: tzinfo) -> str:
    """The IANA name conditions need; zones without one (fixed offsets) count as UTC there."""
    return str(getattr(tz, "key", None) or "UTC")
