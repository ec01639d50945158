"""A record's typed fields: which ones a form shows, cleaning what people enter, showing stored values.

Pure: no database, no web. What people enter is cleaned by `domain.records.cleaning`
(canonical JSON forms per type, documented there); `clean_values` applies it to a form.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from types import MappingProxyType
from typing import Any

from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_currency, format_decimal

from domain.errors import N_, ValidationFailed
from domain.records.cleaning import LONGTEXT_MAX as LONGTEXT_MAX
from domain.records.cleaning import MESSAGES, Refused, clean, zone_name
from domain.records.cleaning import REF_TYPES as REF_TYPES
from domain.records.cleaning import TEXT_MAX as TEXT_MAX
from domain.records.kind_fields import KIND_FIELDS, STATUS_LABELS, order_errors
from engine.builtins import BUILTIN_FIELDS, field_specs
from engine.conditions import Actor, Facts, FieldSpec, evaluate
from engine.model import Definition, FieldDef, label_text
from engine.values import BadValue, is_empty, to_decimal, to_moment, to_money

PRIORITY_LABELS = {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"), "urgent": N_("Urgent")}
BUILTIN_OPTION_LABELS = {"priority": PRIORITY_LABELS, "operational_status": STATUS_LABELS}  # translated options
NOBODY = Actor(user_id=None, roles=frozenset())
_EMPTY: Mapping[str, Any] = MappingProxyType({})


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
            errors[key] = (MESSAGES["unknown"], {})
        elif key in existing and not is_empty(value) and value == existing[key]:
            cleaned[key] = existing[key]
        else:
            try:
                cleaned[key] = clean(field, value, known=known, tz=tz)
            except Refused as refused:
                errors[key] = (refused.msgid, refused.params)
    merged = {k: v for k, v in {**existing, **cleaned}.items() if not is_empty(v) and k not in errors}
    visible = visible_keys(fields, merged, tz=tz, now=now or datetime.now(UTC), actor=actor)
    needed = required_keys(fields, state=state, for_state=for_state, creating=creating)
    for field in fields:
        if field.key in visible and field.key in needed and field.key not in errors and field.key not in merged:
            errors[field.key] = (MESSAGES["required"], {"label": label_text(field.label, "en", field.key)})
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
        return clean(field, value, known=known, tz=tz)
    except Refused as refused:
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


# --- visibility and display -----------------------------------------------------------------------------

def _holds(field: FieldDef, specs: Mapping[str, FieldSpec], values: Mapping[str, Any], tz: tzinfo,
           now: datetime, actor: Actor | None) -> bool:
    facts = Facts(fields=values, creator_id=_id(values.get("requester")), assignee_id=_id(values.get("assignee")),
                  vendor_id=_id(values.get("vendor")), timezone=zone_name(tz))
    return evaluate(field.visible_when, fields=specs, facts=facts, actor=actor or NOBODY, now=now).ok


def _id(value: Any) -> str | None:
    return str(value) if value else None


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
