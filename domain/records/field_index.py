"""The index of field values (`workflow_field_values`, migration 0008): what lets a list filter
and sort on custom fields with an index under row-level security.

PostgreSQL uses neither indexes nor statistics for `jsonb @>` or `->>` on a table with RLS
(they are not leakproof). The index table holds typed copies of each instance's top-level
field values, kept by a trigger in the same transaction: per key a row with the value's JSON
type (`jtype`: s string, n number, b boolean, o object, a array, z null), the text of a string
or boolean of at most TEXT_MAX characters (`txt`) and the number of a number, a numeric string
or a money amount (`num`, exact, and `numf`, as the double precision the list has always
compared numbers in: `numeric >= double precision` compares doubles); per string element of an
array a row with `jtype` 'e'.

`filter_clause` and `sort_value` answer from it exactly what the JSONB expressions in
`listing_sql` answer for values of the field's type, or return None (the caller then keeps
the JSONB expression). Every clause is correlated with the instance row of the list query,
which row-level security and the visibility rules already restrict: the index decides only
*which* of those rows match, never which rows are visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import CHAR, BigInteger, Column, Double, MetaData, Numeric, String, Table, Text, and_, exists, select
from sqlalchemy.dialects.postgresql import UUID

from domain.workflows.models import WorkflowInstance
from engine.model import FieldDef

TEXT_MAX = 100  # the longest option a field may have (engine/workflow.schema.json); longer strings are free text
CHOICE_TYPES = ("select", "multiselect", "boolean", "user", "vendor", "asset", "building")  # compared with `@>`
_TEXT_SORTS = {"date": "s", "datetime": "s", "select": "s", "user": "s", "vendor": "s", "asset": "s",
               "building": "s", "boolean": "b"}
_NUMBERS = {"number": ("n", "s"), "money": ("o",)}

values = Table(
    "workflow_field_values", MetaData(),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("instance_id", UUID(as_uuid=True), nullable=False),
    Column("subject_type", String(30), nullable=False),
    Column("record_number", BigInteger),
    Column("key", Text, nullable=False),
    Column("jtype", CHAR(1), nullable=False),
    Column("txt", Text),
    Column("num", Numeric),
    Column("numf", Double),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SortValue:
    """How to order by a field through the index: join `row` (one per instance at most),
    order by `columns`; instances without a row sort after all others."""

    row: Any  # the aliased index table
    on: Any  # the join condition
    columns: tuple[Any, ...]


def filter_clause(kind: str, spec: FieldDef, op: str, value: Any, bound: Any = None) -> Any | None:
    """The index's answer to the list filter `op` on field `spec` (None: not answerable here).

    `bound` is the already checked comparison value for numbers (a float) and dates (ISO text).
    """
    if op in ("empty", "not_empty"):  # `fields ? key`: every key has a row
        found = _has(kind, spec.key)
        return found if op == "not_empty" else ~found
    if spec.type in CHOICE_TYPES and op in ("eq", "ne"):
        found = _contains(kind, spec, value)
        if found is None:
            return None
        return found if op == "eq" else ~found
    if spec.type in _NUMBERS and op in _COMPARE:
        row = values.alias()
        return _has(kind, spec.key, row, row.c.jtype.in_(_NUMBERS[spec.type]), _COMPARE[op](row.c.numf, bound))
    if spec.type in ("date", "datetime") and op in _COMPARE and isinstance(bound, str) and len(bound) <= TEXT_MAX:
        row = values.alias()
        return _has(kind, spec.key, row, row.c.jtype == "s", _COMPARE[op](row.c.txt, bound))
    return None


def sort_value(kind: str, spec: FieldDef | None) -> SortValue | None:
    """Ordering by `spec` through the index, for the types whose order it holds exactly."""
    if spec is None:
        return None
    inst = WorkflowInstance.__table__.c
    row = values.alias("sort_value")
    on = and_(row.c.tenant_id == inst.tenant_id, row.c.instance_id == inst.id, row.c.subject_type == kind,
              row.c.key == spec.key)
    if spec.type in _NUMBERS:
        return SortValue(row=row, on=and_(on, row.c.jtype.in_(_NUMBERS[spec.type]), row.c.numf.isnot(None)),
                         columns=(row.c.numf, row.c.num))
    if spec.type in _TEXT_SORTS:
        return SortValue(row=row, on=and_(on, row.c.jtype == _TEXT_SORTS[spec.type], row.c.txt.isnot(None)),
                         columns=(row.c.txt,))
    return None


def implies_value(spec: FieldDef, op: str, value: Any) -> bool:
    """Whether `filter_clause(spec, op, value)` matches only instances `sort_value` has a row for."""
    if spec.type in _NUMBERS or spec.type in ("date", "datetime"):
        return op in _COMPARE
    if spec.type in _TEXT_SORTS and op == "eq" and isinstance(value, str | bool):
        return isinstance(value, bool) == (spec.type == "boolean") and len(str(value)) <= TEXT_MAX
    return False


def has_sort_value(kind: str, spec: FieldDef) -> Any:
    """The instance has a value `sort_value` orders by (the complement sorts last)."""
    sort = sort_value(kind, spec)
    assert sort is not None
    return exists().where(sort.on)


# --- helpers -----------------------------------------------------------------------------------


_COMPARE = {"eq": lambda c, v: c == v, "ne": lambda c, v: c != v, "gt": lambda c, v: c > v,
            "gte": lambda c, v: c >= v, "lt": lambda c, v: c < v, "lte": lambda c, v: c <= v}


def _contains(kind: str, spec: FieldDef, value: Any) -> Any | None:
    """`fields @> {key: wanted}` as the list asks it, for wanted strings, booleans, null and lists
    of strings (a multiselect wants every one of them); None for anything else."""
    wanted = [value] if spec.type == "multiselect" and not isinstance(value, list) else value
    if wanted is None:
        row = values.alias()
        return _has(kind, spec.key, row, row.c.jtype == "z")
    if isinstance(wanted, bool):
        row = values.alias()
        return _has(kind, spec.key, row, row.c.jtype == "b", row.c.txt == ("true" if wanted else "false"))
    if isinstance(wanted, str):
        if len(wanted) > TEXT_MAX:
            return None
        row = values.alias()
        return _has(kind, spec.key, row, row.c.jtype == "s", row.c.txt == wanted)
    if isinstance(wanted, list) and all(isinstance(w, str) and len(w) <= TEXT_MAX for w in wanted):
        if not wanted:
            row = values.alias()
            return _has(kind, spec.key, row, row.c.jtype == "a")
        clauses = []
        for item in dict.fromkeys(wanted):
            row = values.alias()
            clauses.append(_has(kind, spec.key, row, row.c.jtype == "e", row.c.txt == item))
        return and_(*clauses)
    return None


def _has(kind: str, key: str, row: Any = None, *conditions: Any) -> Any:
    """EXISTS an index row of the list's instance for `key` meeting `conditions`."""
    inst = WorkflowInstance.__table__.c
    row = values.alias() if row is None else row
    return exists(select(row.c.instance_id).where(
        row.c.tenant_id == inst.tenant_id, row.c.instance_id == inst.id, row.c.subject_type == kind,
        row.c.key == key, *conditions))
