"""A record's typed fields: which ones a form shows, cleaning what people enter, showing stored values.

Pure: no database, no web. `clean_values` returns JSON values in one canonical form per
type, which `engine.values` (`to_decimal`, `to_money`, `to_moment`, ...) reads back:

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
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from uuid import UUID

from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_currency, format_decimal, list_currencies

from domain.errors import N_, ValidationFailed
from domain.records.kind_fields import KIND_FIELDS, STATUS_LABELS, order_errors
from engine.builtins import BUILTIN_FIELDS, field_specs
from engine.conditions import Actor, Facts, FieldSpec, evaluate
from engine.model import Definition, FieldDef, label_text
from engine.values import BadValue, is_empty, to_decimal, to_moment, to_money

TEXT_MAX = 500
LONGTEXT_MAX = 20_000
NUMBER_DIGITS, NUMBER_DECIMALS = 20, 10  # digits before / after the decimal point
MONEY_DIGITS, MONEY_DECIMALS = 15, 4
REF_TYPES = ("user", "vendor", "asset", "building")
PRIORITY_LABELS = {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"), "urgent": N_("Urgent")}
BUILTIN_OPTION_LABELS = {"priority": PRIORITY_LABELS, "operational_status": STATUS_LABELS}  # translated options
NOBODY = Actor(user_id=None, roles=frozenset())
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_SAFE_INT = 2**53
_CURRENCIES = frozenset(list_currencies())
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?")
_MSG = {
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


def form_fields(definition: Definition, *, kind_builtins: Sequence[str]) -> tuple[FieldDef, ...]:
    """The built-in fields named in `kind_builtins` (in that order), then the definition's own.

    Built-ins are the engine's and the kind-specific ones of `kind_fields`. A custom field
    with a built-in's key replaces that built-in. Raises ValueError for a name that is not a
    built-in field (a programming error, not user input).
    """
    builtins = {f.key: f for f in (*BUILTIN_FIELDS, *KIND_FIELDS)}
    unknown = [key for key in kind_builtins if key not in builtins]
    if unknown:
        raise ValueError(f"not a built-in field: {unknown[0]}")
    custom = {f.key for f in definition.fields}
    return (*(builtins[k] for k in dict.fromkeys(kind_builtins) if k not in custom), *definition.fields)


def required_keys(fields: Iterable[FieldDef], *, state: str | None, for_state: str | None = None,
                  creating: bool) -> frozenset[str]:
    """Keys that need a value: `required` ones when creating, and those whose `required_in`
    names the record's current `state` or the state a transition goes to (`for_state`)."""
    return frozenset(f.key for f in fields if (creating and f.required)
                     or (state is not None and state in f.required_in)
                     or (for_state is not None and for_state in f.required_in))


def clean_values(fields: Sequence[FieldDef], raw: Mapping[str, Any], *, known: Mapping[str, Collection[str]],
                 tz: tzinfo, state: str | None, for_state: str | None = None, creating: bool,
                 existing: Mapping[str, Any] = _EMPTY, now: datetime | None = None,
                 actor: Actor | None = None) -> dict[str, Any]:
    """Validate and normalise `raw` (field key -> what a person entered) for `fields`.

    - A key of `raw` that is not one of `fields` is refused. A key present with an empty
      value clears the field; a key absent keeps the `existing` value (edits, transition
      dialogs: pass the record's current values, built-ins included, as `facts_of` builds them).
    - A value equal to the existing one is kept as it is, without checking it again (a person
      who left the tenant stays assignee until someone changes it).
    - user / vendor / asset / building ids must be in `known[type]` (a missing type knows none).
    - A field whose `visible_when` does not hold (evaluated on the merged values, in `tz`, at
      `now`, for `actor`, repeated until stable) is neither checked, nor required, nor kept.
    - `required_keys(...)` fields must then have a value.
    - Date pairs of `kind_fields.DATE_ORDER` (a project's start and target completion) must
      be in order; the message goes to the field just entered.

    Returns the value of every visible field of `fields` that has one (from `raw`, else
    `existing`), in storage form (module docstring). A field of `fields` missing from the
    result has no value: drop it from the record. Raises ValidationFailed with one msgid
    per refused field (field order; unknown keys last) and its `field_params`.
    """
    by_key = {f.key: f for f in fields}
    cleaned: dict[str, Any] = {}
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    for key, value in raw.items():
        field = by_key.get(key)
        if field is None:
            errors[key] = (_MSG["unknown"], {})
        elif key in existing and not is_empty(value) and value == existing[key]:
            cleaned[key] = existing[key]
        else:
            try:
                cleaned[key] = _clean(field, value, known=known, tz=tz)
            except _Refused as refused:
                errors[key] = (refused.msgid, refused.params)
    merged = {k: v for k, v in {**existing, **cleaned}.items() if not is_empty(v) and k not in errors}
    visible = visible_keys(fields, merged, tz=tz, now=now or datetime.now(UTC), actor=actor)
    needed = required_keys(fields, state=state, for_state=for_state, creating=creating)
    for field in fields:
        if field.key in visible and field.key in needed and field.key not in errors and field.key not in merged:
            errors[field.key] = (_MSG["required"], {"label": label_text(field.label, "en", field.key)})
    shown = {k: v for k, v in merged.items() if k in visible or k not in by_key}  # stored values outside the form
    for key, error in order_errors(fields, shown, raw).items():
        errors.setdefault(key, error)
    errors = {k: e for k, e in errors.items() if k not in by_key or k in visible}
    if errors:
        order = [*(f.key for f in fields if f.key in errors), *(k for k in errors if k not in by_key)]
        raise ValidationFailed({k: errors[k][0] for k in order}, field_params={k: errors[k][1] for k in order})
    return {f.key: merged[f.key] for f in fields if f.key in visible and f.key in merged}


def clean_value(field: FieldDef, value: Any, *, known: Mapping[str, Collection[str]], tz: tzinfo) -> Any:
    """One value in storage form, or None when empty; raises ValidationFailed for `field.key`."""
    try:
        return _clean(field, value, known=known, tz=tz)
    except _Refused as refused:
        raise ValidationFailed({field.key: refused.msgid}, field_params={field.key: refused.params}) from None


def visible_keys(fields: Sequence[FieldDef], values: Mapping[str, Any], *, tz: tzinfo, now: datetime,
                 actor: Actor | None = None) -> frozenset[str]:
    """Keys of `fields` whose `visible_when` holds; a hidden field's value no longer counts
    for the others' conditions (repeated until nothing changes)."""
    specs = field_specs(tuple(fields))
    current = dict(values)
    hidden: set[str] = set()
    changed = True
    while changed:
        changed = False
        for field in fields:
            if field.key not in hidden and field.visible_when and not _holds(field, specs, current, tz, now, actor):
                hidden.add(field.key)
                current.pop(field.key, None)
                changed = True
    return frozenset(f.key for f in fields if f.key not in hidden)


def is_visible(field: FieldDef, values: Mapping[str, Any], tz: tzinfo, now: datetime, *,
               fields: Sequence[FieldDef], actor: Actor | None = None) -> bool:
    """Whether `field.visible_when` holds over `values` (one evaluation; `fields` gives the
    types of the fields the condition names). `visible_keys` also follows hidden fields."""
    return not field.visible_when or _holds(field, field_specs((*fields, field)), values, tz, now, actor)


def option_label(option: str) -> str:
    """An option as people read it: `on_hold` -> `On hold`."""
    text = option.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def option_labels(field: FieldDef, translate: Callable[[str], str] = str) -> dict[str, str]:
    """option -> label; the options of built-in selects (priority, operational status) are
    translated with `translate`."""
    known = BUILTIN_OPTION_LABELS.get(field.key)
    if known is not None and set(field.options) <= known.keys():
        return {o: translate(known[o]) for o in field.options}
    return {o: option_label(o) for o in field.options}


def display(field: FieldDef, value: Any, locale: str, *, translate: Callable[[str], str] = str,
            tz: tzinfo = UTC, names: Mapping[str, str] = _EMPTY) -> str:
    """A stored value as text for lists, cards and details ("" when empty). Dates and amounts
    in `locale`, datetimes in `tz`, ids through `names`, Yes/No through `translate`. Never
    raises: a value that does not fit the type shows as it is."""
    if is_empty(value):
        return ""
    try:
        return _display(field, value, locale, translate, tz, names)
    except (BadValue, ValueError, TypeError, ArithmeticError, LookupError):
        return str(value)


# --- cleaning ---------------------------------------------------------------------------------------------

class _Refused(Exception):
    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid, self.params = msgid, params


def _clean(field: FieldDef, value: Any, *, known: Mapping[str, Collection[str]], tz: tzinfo) -> Any:
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
            raise _Refused(_MSG["select"])
        return value
    if kind == "multiselect":
        chosen = [value] if isinstance(value, str) else value
        if not isinstance(chosen, list | tuple | set | frozenset) or any(c not in field.options for c in chosen):
            raise _Refused(_MSG["multiselect"])
        return [o for o in field.options if o in chosen]
    if kind in REF_TYPES:
        return _ref(kind, value, known.get(kind, ()))
    raise ValueError(f"unknown field type {kind!r}")


def _text(value: Any, *, longtext: bool) -> str | None:
    if not isinstance(value, str | int | Decimal) or isinstance(value, bool):
        raise _Refused(_MSG["text"])
    text = str(value).replace("\x00", "")
    if longtext:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    limit = LONGTEXT_MAX if longtext else TEXT_MAX
    if len(text) > limit:
        raise _Refused(_MSG["length"], max=limit)
    return text or None


def _number(value: Any) -> int | str:
    if isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
        raise _Refused(_MSG["number"])
    try:
        number = to_decimal(value)
    except BadValue:
        raise _Refused(_MSG["number"]) from None
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
    if (isinstance(amount, str) and not _NUMBER.fullmatch(amount.strip())) or isinstance(amount, bool):
        raise _Refused(_MSG["money"])
    try:
        number = to_decimal(amount)
    except BadValue:
        raise _Refused(_MSG["money"]) from None
    digits, places = _bounded(number, MONEY_DIGITS, MONEY_DECIMALS)
    if currency is not None and not isinstance(currency, str):
        raise _Refused(_MSG["currency"])
    code = (currency or "").strip().upper() or None
    if code is not None and code not in _CURRENCIES:
        raise _Refused(_MSG["currency"])
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
        raise _Refused(_MSG["digits"], digits=digits, decimals=decimals)
    return Decimal((sign, tuple(kept), exponent)), places


def _date(value: Any) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise _Refused(_MSG["date"])
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise _Refused(_MSG["date"]) from None


def _datetime(value: Any, tz: tzinfo) -> str:
    moment: datetime
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and _DATETIME.fullmatch(value.strip()):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise _Refused(_MSG["datetime"]) from None
    else:
        raise _Refused(_MSG["datetime"])
    try:
        if moment.tzinfo is None:
            wall = moment.replace(tzinfo=tz)  # fold 0: an hour that happens twice means its first occurrence
            if wall.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != moment:
                raise _Refused(_MSG["gap"], time=moment.strftime("%H:%M"), zone=_zone_name(tz))
            moment = wall
        return moment.astimezone(UTC).replace(microsecond=0).isoformat()
    except (OverflowError, ValueError):
        raise _Refused(_MSG["datetime"]) from None


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise _Refused(_MSG["boolean"])


def _ref(kind: str, value: Any, known: Collection[str]) -> str:
    text = str(value).strip() if isinstance(value, str | UUID) else None
    if text is not None and text not in known:
        try:
            text = str(UUID(text))  # the canonical spelling (lower case, dashes)
        except ValueError:
            text = None
    if text is None or text not in known:
        raise _Refused(_MSG[kind])
    return text


# --- visibility and display -----------------------------------------------------------------------------

def _holds(field: FieldDef, specs: Mapping[str, FieldSpec], values: Mapping[str, Any], tz: tzinfo,
           now: datetime, actor: Actor | None) -> bool:
    facts = Facts(fields=values, creator_id=_id(values.get("requester")), assignee_id=_id(values.get("assignee")),
                  vendor_id=_id(values.get("vendor")), timezone=_zone_name(tz))
    return evaluate(field.visible_when, fields=specs, facts=facts, actor=actor or NOBODY, now=now).ok


def _id(value: Any) -> str | None:
    return str(value) if value else None


def _zone_name(tz: tzinfo) -> str:
    """The IANA name conditions need; zones without one (fixed offsets) count as UTC there."""
    return str(getattr(tz, "key", None) or "UTC")


def _display(field: FieldDef, value: Any, locale: str, translate: Callable[[str], str], tz: tzinfo,
             names: Mapping[str, str]) -> str:
    kind = field.type
    if kind == "number":
        return str(format_decimal(to_decimal(value), locale=locale, decimal_quantization=False))
    if kind == "money":
        money = to_money(value)
        if money.currency:
            return str(format_currency(money.amount, money.currency, locale=locale, decimal_quantization=False))
        return str(format_decimal(money.amount, format="#,##0.00", locale=locale, decimal_quantization=False))
    if kind == "date":
        return str(format_date(to_moment(value, tz=tz, as_date=True), "medium", locale=locale))
    if kind == "datetime":
        local = to_moment(value, tz=tz, as_date=False)
        assert isinstance(local, datetime)
        pattern = str(get_datetime_format("medium", locale=locale)).replace("'", "")
        return pattern.replace("{0}", str(format_time(local, "short", tzinfo=tz, locale=locale))) \
            .replace("{1}", str(format_date(local.date(), "medium", locale=locale)))
    if kind == "boolean":
        return translate(N_("Yes")) if value is True or value == "true" else translate(N_("No"))
    if kind in ("select", "multiselect"):
        labels = option_labels(field, translate)
        chosen = [value] if isinstance(value, str) else list(value)
        return ", ".join(labels.get(str(c), str(c)) for c in chosen)
    if kind in REF_TYPES:
        return names.get(str(value), str(value))
    return str(value)
