"""The condition language: JSON trees evaluated over facts loaded beforehand.

`evaluate(condition, fields=, facts=, actor=, now=)` answers ok or not, and when not,
reasons a person understands ("Cost estimate must be less than 5,000"). Reasons are
translatable: an English msgid plus typed parameters (label maps, Decimal, date,
datetime, timedelta, `values.Money`, tuples, nested `Reason`s); `Reason.text()` renders
English. `check_condition` is the static check the validator runs when a definition
is saved. Neither function raises, whatever the input.

Evaluation is three-valued: a leaf that cannot be compared (a fact of the wrong
type, two currencies) is neither true nor false, so `not` cannot turn it into ok.
A missing field value is false for every operator but `empty`, so `not` of such a
leaf holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from engine import values as v


def N_(s: str) -> str:
    """Marks a msgid for extraction; translation happens at render time."""
    return s


MAX_DEPTH = 100
ACTOR_CHECKS = ("has_role", "is_creator", "is_assignee", "is_vendor")
_W = {
    "eq": N_("{field} must be {value}"), "ne": N_("{field} must not be {value}"),
    "gt": N_("{field} must be greater than {value}"), "gte": N_("{field} must be at least {value}"),
    "lt": N_("{field} must be less than {value}"), "lte": N_("{field} must be at most {value}"),
    "in": N_("{field} must be one of: {value}"), "not_in": N_("{field} must not be any of: {value}"),
    "contains": N_("{field} must contain {value}"), "not_contains": N_("{field} must not contain {value}"),
    "empty": N_("{field} must be empty"), "not_empty": N_("{field} must be set"),
    "before": N_("{field} must be before {value}"), "after": N_("{field} must be after {value}"),
    "on_or_before": N_("{field} must be on or before {value}"),
    "on_or_after": N_("{field} must be on or after {value}"),
    "within": N_("{field} must be within {value} of now"),
    "not_within": N_("{field} must not be within {value} of now"),
    "within_past": N_("{field} must be within the last {value}"),
    "not_within_past": N_("{field} must not be within the last {value}"),
    "within_next": N_("{field} must be within the next {value}"),
    "not_within_next": N_("{field} must not be within the next {value}"),
    "includes": N_("{field} must include {value}"), "not_includes": N_("{field} must not include {value}"),
    "includes_any": N_("{field} must include one of: {value}"),
    "includes_none": N_("{field} must include none of: {value}"),
    "exactly": N_("{field} must be exactly: {value}"), "not_exactly": N_("{field} must not be exactly: {value}"),
    "checked": N_("{field} must be checked"), "unchecked": N_("{field} must not be checked"),
    "currency": N_("{field} is in a different currency than {value}"),
    "invalid": N_("{field} has an invalid value"),
    "cannot": N_("Cannot compare {field} using {op}"),
    "malformed": N_("This condition is not valid"),
    "role": N_("You need the role {role}"), "not_role": N_("You must not have the role {role}"),
    "creator": N_("Only the creator of this record may do this"),
    "not_creator": N_("The creator of this record may not do this"),
    "assignee": N_("Only the assignee of this record may do this"),
    "not_assignee": N_("The assignee of this record may not do this"),
    "vendor": N_("Only a vendor may do this"), "not_vendor": N_("Vendors may not do this"),
    "vendor_id": N_("Only the vendor {vendor} may do this"),
    "not_vendor_id": N_("The vendor {vendor} may not do this"),
    "assigned_vendor": N_("Only the vendor assigned to this record may do this"),
    "not_assigned_vendor": N_("The vendor assigned to this record may not do this"),
    "one_of": N_("One of these must hold: {alternatives}"),
    "all_of": N_("All of these must hold: {requirements}"),
}
MSGIDS: tuple[str, ...] = tuple(dict.fromkeys(_W.values()))
# op -> (wording when the leaf must hold, wording when it must not)
_PAIRS = {"eq": ("eq", "ne"), "ne": ("ne", "eq"), "gt": ("gt", "lte"), "gte": ("gte", "lt"),
          "lt": ("lt", "gte"), "lte": ("lte", "gt"), "in": ("in", "not_in"), "not_in": ("not_in", "in"),
          "contains": ("contains", "not_contains"), "empty": ("empty", "not_empty"),
          "not_empty": ("not_empty", "empty")}
_DATE_PAIRS = {"before": ("before", "on_or_after"), "lt": ("before", "on_or_after"),
               "after": ("after", "on_or_before"), "gt": ("after", "on_or_before"),
               "lte": ("on_or_before", "after"), "gte": ("on_or_after", "before")}
_MULTI_PAIRS = {"contains": ("includes", "not_includes"), "in": ("includes_any", "includes_none"),
                "not_in": ("includes_none", "includes_any"), "eq": ("exactly", "not_exactly"),
                "ne": ("not_exactly", "exactly")}
_WITHIN = {0: ("within", "not_within"), -1: ("within_past", "not_within_past"), 1: ("within_next", "not_within_next")}


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSpec:
    """One built-in or custom field of a workflow, as conditions see it."""

    key: str
    type: str
    label: Mapping[str, str]
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    user_id: str | None
    roles: frozenset[str]
    vendor_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """Everything a condition may look at, loaded before evaluation."""

    fields: Mapping[str, Any]
    creator_id: str | None = None
    assignee_id: str | None = None
    vendor_id: str | None = None
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """Why a condition does not hold: a msgid of MSGIDS and its parameters."""

    msgid: str
    params: Mapping[str, Any]

    def text(self, locale: str = "en") -> str:
        """English rendering (labels in `locale` when they have it); the console translates msgid itself."""
        return self.msgid.format_map(_Params({k: v.render(p, locale) for k, p in self.params.items()}))


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    ok: bool
    reasons: tuple[Reason, ...] = ()


def evaluate(condition: Mapping[str, Any] | None, *, fields: Mapping[str, FieldSpec], facts: Facts,
             actor: Actor, now: datetime) -> Result:
    """Evaluates a condition (None or {} holds). Never raises; a malformed condition does not hold."""
    if condition is None or (isinstance(condition, Mapping) and not condition):
        return Result(ok=True)
    tz = v.zone(facts.timezone)
    now_utc = (now if now.tzinfo is not None else now.replace(tzinfo=UTC)).astimezone(UTC)
    ctx = _Ctx(fields=fields, facts=facts, actor=actor, tz=tz, now=now_utc, today=now_utc.astimezone(tz).date())
    ok, reasons = _eval(condition, True, ctx, 0)
    return Result(ok=ok, reasons=() if ok else reasons)


def check_condition(condition: Any, *, fields: Mapping[str, FieldSpec], roles: frozenset[str] | None = None,
                    path: str = "") -> list[tuple[str, str, str]]:
    """Static check: (JSON pointer, code, message) per problem; codes unknown_field, bad_condition, unknown_role."""
    if condition is None or (isinstance(condition, Mapping) and not condition):
        return []
    return [(where, code, msgid.format(**params)) for where, code, msgid, params in
            check_condition_details(condition, fields=fields, roles=roles, path=path)]


def check_condition_details(condition: Any, *, fields: Mapping[str, FieldSpec], roles: frozenset[str] | None = None,
                            path: str = "") -> list[tuple[str, str, str, dict[str, Any]]]:
    """`check_condition` with translatable messages: (JSON pointer, code, msgid, params)."""
    from engine.condition_checks import check_tree

    if condition is None or (isinstance(condition, Mapping) and not condition):
        return []
    return list(check_tree(condition, path, 0, fields, roles))


# --- evaluation -------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class _Ctx:
    fields: Mapping[str, FieldSpec]
    facts: Facts
    actor: Actor
    tz: tzinfo
    now: datetime
    today: date


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_Leaf = tuple[bool | None, str, str, Mapping[str, Any]]  # truth (None: cannot tell), wording if must, if must not
_Outcome = tuple[bool, tuple[Reason, ...]]
_MALFORMED: _Outcome = (False, (Reason(msgid=_W["malformed"], params={}),))


def _eval(node: Any, positive: bool, ctx: _Ctx, depth: int) -> _Outcome:
    """`positive` False evaluates the negation (so reasons read "must not ...")."""
    if depth > MAX_DEPTH or not isinstance(node, Mapping):
        return _MALFORMED
    if not node:
        return (True, ()) if positive else _MALFORMED
    if len(node) == 1 and ("all" in node or "any" in node):
        name, children = next(iter(node.items()))
        if not isinstance(children, list | tuple) or (name == "any" and not children):
            return _MALFORMED
        results = [_eval(child, positive, ctx, depth + 1) for child in children]
        return _all(results) if (name == "all") == positive else _any(results)
    if len(node) == 1 and "not" in node:
        return _eval(node["not"], not positive, ctx, depth + 1)
    if "field" in node:
        truth, must, must_not, params = _field_leaf(node, ctx)
    elif "actor" in node:
        truth, must, must_not, params = _actor_leaf(node, ctx)
    else:
        return _MALFORMED
    if truth is not None and truth == positive:
        return True, ()
    return False, (Reason(msgid=_W[must if positive or truth is None else must_not], params=params),)


def _all(results: list[_Outcome]) -> _Outcome:
    failed = _unique(reason for ok, reasons in results if not ok for reason in reasons)
    return (not failed and all(ok for ok, _ in results)), failed


def _any(results: list[_Outcome]) -> _Outcome:
    if any(ok for ok, _ in results):
        return True, ()
    if not results:
        return _MALFORMED
    if len(results) == 1:
        return results[0]
    alternatives = _unique(r[0] if len(r) == 1 else Reason(msgid=_W["all_of"], params={"requirements": r})
                           for _, r in results if r)
    if len(alternatives) == 1:
        return False, alternatives
    return False, (Reason(msgid=_W["one_of"], params={"alternatives": alternatives}),)


def _unique(reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    kept: list[Reason] = []
    for reason in reasons:
        if reason not in kept:
            kept.append(reason)
    return tuple(kept)


def _field_leaf(node: Mapping[str, Any], ctx: _Ctx) -> _Leaf:
    key, op, raw_value = node.get("field"), node.get("op"), node.get("value")
    spec = ctx.fields.get(key) if isinstance(key, str) else None
    if spec is None or not isinstance(key, str):
        return None, "cannot", "cannot", {"field": str(key), "op": str(op)}
    label = _label(spec)
    if not isinstance(op, str) or op not in v.OPS_BY_TYPE.get(spec.type, ()):
        return None, "cannot", "cannot", {"field": label, "op": str(op)}
    fact = ctx.facts.fields.get(key)
    if op in ("empty", "not_empty"):
        return v.is_empty(fact) == (op == "empty"), *_PAIRS[op], {"field": label}
    if v.is_empty(fact):
        return False, "not_empty", "empty", {"field": label}
    try:
        actual = v.coerce(spec.type, fact, tz=ctx.tz, now=ctx.now, literal=False)
    except (v.BadValue, ArithmeticError):
        return None, "invalid", "invalid", {"field": label}
    cannot: _Leaf = (None, "cannot", "cannot", {"field": label, "op": op})
    try:
        if op == "within":
            sign, span = v.parse_duration(raw_value)
            return v.within(actual, sign, span, now=ctx.now, today=ctx.today), *_WITHIN[sign], \
                {"field": label, "value": span}
        if isinstance(raw_value, Mapping) and "field" in raw_value:
            other = ctx.fields.get(raw_value["field"]) if isinstance(raw_value["field"], str) else None
            if other is None:
                return cannot
            other_fact = ctx.facts.fields.get(other.key)
            if v.is_empty(other_fact):
                return False, "not_empty", "empty", {"field": _label(other)}
            expected = v.coerce(other.type, other_fact, tz=ctx.tz, now=ctx.now, literal=False)
            shown = _label(other)
        elif spec.type == "boolean":
            expected = v.expected(spec.type, op, raw_value, tz=ctx.tz, now=ctx.now)
            wording = ("checked", "unchecked") if (op == "eq") == expected else ("unchecked", "checked")
            return v.compare(spec.type, op, actual, expected), *wording, {"field": label}
        else:
            expected = v.expected(spec.type, op, raw_value, tz=ctx.tz, now=ctx.now)
            shown = v.plain(expected)
        truth = v.compare(spec.type, op, actual, expected)
    except v.CurrencyMismatch:
        return None, "currency", "currency", {"field": label, "value": shown}
    except (v.BadValue, ArithmeticError, TypeError):
        return cannot
    pairs = _MULTI_PAIRS if spec.type == "multiselect" else _DATE_PAIRS if v.KIND[spec.type] == "date" else _PAIRS
    return truth, *(pairs[op] if op in pairs else _PAIRS[op]), {"field": label, "value": shown}


def _actor_leaf(node: Mapping[str, Any], ctx: _Ctx) -> _Leaf:
    check, value, actor = node.get("actor"), node.get("value"), ctx.actor
    if check == "has_role" and isinstance(value, str):
        return value in actor.roles, "role", "not_role", {"role": value}
    if check in ("is_creator", "is_assignee") and (value is None or isinstance(value, bool)):
        other = ctx.facts.creator_id if check == "is_creator" else ctx.facts.assignee_id
        name = "creator" if check == "is_creator" else "assignee"
        itself = actor.user_id is not None and other is not None and str(actor.user_id) == str(other)
        return _flag(itself, value is not False, name)
    if check == "is_vendor" and (value is None or isinstance(value, bool)):
        return _flag(actor.vendor_id is not None, value is not False, "vendor")
    if check == "is_vendor" and value == "assigned":
        assigned = ctx.facts.vendor_id
        itself = actor.vendor_id is not None and assigned is not None and str(actor.vendor_id) == str(assigned)
        return itself, "assigned_vendor", "not_assigned_vendor", {}
    if check == "is_vendor" and isinstance(value, str):
        return actor.vendor_id is not None and str(actor.vendor_id) == value, "vendor_id", "not_vendor_id", \
            {"vendor": value}
    return None, "malformed", "malformed", {}


def _flag(itself: bool, wanted: bool, name: str) -> _Leaf:
    return (itself == wanted, name, f"not_{name}", {}) if wanted else (itself == wanted, f"not_{name}", name, {})


def _label(spec: FieldSpec) -> Mapping[str, str] | str:
    label: Any = spec.label
    return label if (isinstance(label, Mapping | str) and label) else spec.key
