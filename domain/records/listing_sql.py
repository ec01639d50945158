"""A `ListQuery` as SQL: the visible rows it matches, counted up to a cap and paged in order.

Every statement starts from `base` (the instance joined to its record, restricted by
`service.visible_clause`) and runs as the application role under row-level security.
Custom-field filters and sorts go through the field value index (`field_index`) where it
answers exactly, so PostgreSQL can use indexes and statistics for them; the rest stay JSONB
expressions on the instance row. Relative dates (`today`, `-7d`, `+2w`) resolve in the
tenant's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, Numeric, and_, case, cast, func, literal_column, not_, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from domain.context import Ctx
from domain.errors import N_, ValidationFailed
from domain.records import field_index, service
from domain.records.kind_fields import KIND_FIELDS
from domain.records.models import Record
from domain.workflows.models import WorkflowDefinition, WorkflowInstance, WorkflowVersion
from domain.workflows.versions import definition_of
from engine.builtins import BUILTIN_FIELDS
from engine.model import FieldDef
from engine.values import BadValue, condition_moment

OPS = ("eq", "ne", "contains", "gt", "gte", "lt", "lte", "empty", "not_empty")
SORTS = ("reference", "title", "state", "priority", "assignee", "created_at", "updated_at", "due_date")
_PRIORITY_RANK = {"urgent": 4, "high": 3, "normal": 2, "low": 1}
_REFERENCE = re.compile(r"^\s*([A-Za-z]{3})-(\d+)\s*$")
_VALUED = ("eq", "ne", "gt", "gte", "lt", "lte")  # through the index, these match only instances with a value
# How a list transaction plans (set with the tenant: no extra round trip). The driver prepares a
# statement run often on a connection, and PostgreSQL then settles on one generic plan for all
# values: for "category = plumbing" (a fifth of the rows) that plan took 500 ms instead of 15. A
# list's best plan depends on how rare the filtered values are, so each query is planned for its
# values. Its work is bounded (a page, a count up to the cap): starting parallel workers cost more
# than they saved (state + priority: 39 ms with them, 20 without, on 2 cores).
PLANNING = {"plan_cache_mode": "force_custom_plan", "max_parallel_workers_per_gather": "0"}
_DUE = next(f for f in BUILTIN_FIELDS if f.key == "due_date")  # the list's own due date filters and sort


def count(session: Any, stmt: Any, cap: int) -> int:
    """How many rows `stmt` matches, counting no further than `cap`."""
    counted = stmt.with_only_columns(Record.__table__.c.id).order_by(None).limit(cap).subquery()
    return int(session.scalar(select(func.count()).select_from(counted)) or 0)


def page(session: Any, q: Any, stmt: Any, known: Mapping[str, FieldDef], *, offset: int, limit: int) -> list[Any]:
    """`limit` rows of `stmt` from `offset`, in the query's order.

    A sort on a field the index orders (numbers, money, dates, choices, people) reads the
    instances that have a value in index order, then those without one (nulls last, newest
    first) only when the page reaches them.
    """
    spec = _DUE if q.sort == "due_date" else known.get(q.sort[6:]) if q.sort.startswith("field:") else None
    sort = field_index.sort_value(q.kind, spec)
    if spec is None or sort is None:
        return list(session.execute(_sorted(stmt, q, known).offset(offset).limit(limit)).all())
    inst = WorkflowInstance.__table__.c
    order = [c.desc() if q.descending else c.asc() for c in sort.columns]
    valued = stmt.join(sort.row, sort.on)
    rows = list(session.execute(valued.order_by(*order, sort.row.c.record_number.desc())
                                .offset(offset).limit(limit)).all())
    if len(rows) == limit or _needs_value(q, spec):
        return rows
    before = offset + len(rows) if rows or offset == 0 else count(session, valued, offset)
    rest = (stmt.where(~field_index.has_sort_value(q.kind, spec)).order_by(inst.record_number.desc())
            .offset(offset + len(rows) - before).limit(limit - len(rows)))
    return rows + list(session.execute(rest).all())


def base(ctx: Ctx, kind: str) -> Any:
    inst, rec = WorkflowInstance.__table__.c, Record.__table__.c
    return (select(rec.id, rec.number, rec.type_key, rec.tags, rec.created_at, inst.id.label("instance_id"),
                   inst.version_id, inst.definition_id, inst.state, inst.version, inst.priority, inst.assignee_id,
                   inst.vendor_id, inst.creator_id, inst.fields, inst.updated_at)
            .select_from(WorkflowInstance.__table__)
            .join(Record.__table__, and_(rec.tenant_id == inst.tenant_id, rec.kind == inst.subject_type,
                                         rec.id == inst.subject_id))
            .where(service.visible_clause(ctx, kind)))


def known_fields(session: Any, ctx: Ctx, q: Any) -> dict[str, FieldDef]:
    """The fields `q` filters or sorts on may name, by key (built-in and custom; none when it
    names no field)."""
    if not q.field_filters and not q.sort.startswith("field:"):
        return {}
    return {f.key: f for f in all_fields(session, ctx, q)}


def filtered(ctx: Ctx, q: Any, tz: Any, known: Mapping[str, FieldDef]) -> Any:
    """The visible rows `q` matches (unordered); `known` as `known_fields` gives it."""
    inst, rec = WorkflowInstance.__table__.c, Record.__table__.c
    stmt = base(ctx, q.kind)
    if q.workflow_key:
        wdef = WorkflowDefinition.__table__.c
        stmt = stmt.join(WorkflowDefinition.__table__, and_(wdef.tenant_id == inst.tenant_id,
                                                            wdef.id == inst.definition_id)).where(
            wdef.key == q.workflow_key)
    if q.type_keys:
        stmt = stmt.where(rec.type_key.in_(q.type_keys))
    text = q.text.strip()
    if text:
        match = _REFERENCE.match(text)
        stmt = stmt.where(or_(_title_search(q.kind, text), inst.record_number == int(match.group(2))) if match
                          else _title_search(q.kind, text))
    if q.states:
        stmt = stmt.where(inst.state.in_(q.states))
    if q.priorities:
        stmt = stmt.where(inst.priority.in_(q.priorities))
    if q.assignee:
        stmt = stmt.where(inst.assignee_id.is_(None) if q.assignee == "none" else inst.assignee_id == _id(q.assignee))
    if q.vendor:
        stmt = stmt.where(inst.vendor_id == _id(q.vendor))
    if q.tag:
        stmt = stmt.where(rec.tags.contains([q.tag]))
    if q.mine and ctx.user_id is not None:
        stmt = stmt.where(service.mine_clause(ctx, q.kind))
    now = datetime.now(UTC)
    if q.created_from:
        stmt = stmt.where(rec.created_at >= _start_of(day(q.created_from, "created_from", tz, now), tz))
    if q.created_to:
        stmt = stmt.where(rec.created_at < _start_of(day(q.created_to, "created_to", tz, now) + timedelta(days=1), tz))
    if q.due_from:
        stmt = stmt.where(field_index.filter_clause(q.kind, _DUE, "gte", None,
                                                    day(q.due_from, "due_from", tz, now).isoformat()))
    if q.due_to:
        stmt = stmt.where(field_index.filter_clause(q.kind, _DUE, "lte", None,
                                                    day(q.due_to, "due_to", tz, now).isoformat()))
    for flt in q.field_filters:
        stmt = stmt.where(_field_clause(q.kind, flt, known, tz, now))
    return stmt


def all_fields(session: Any, ctx: Ctx, q: Any) -> tuple[FieldDef, ...]:
    return (*BUILTIN_FIELDS, *KIND_FIELDS, *custom_fields(session, ctx, q))


def custom_fields(session: Any, ctx: Ctx, q: Any) -> tuple[FieldDef, ...]:
    """The custom fields of the workflows behind this list (newest published versions, as
    `versions.latest_published` finds them: ids only, in one query; the first workflow's
    definition of a key wins)."""
    keys = [q.workflow_key] if q.workflow_key else [t.workflow_key for t in service.list_types(ctx, q.kind)]
    wdef, ver = WorkflowDefinition.__table__.c, WorkflowVersion.__table__.c
    newest: dict[str, Any] = {}
    if keys:
        for key, version_id in session.execute(
                select(wdef.key, ver.id).select_from(WorkflowVersion.__table__)
                .join(WorkflowDefinition.__table__, and_(wdef.tenant_id == ver.tenant_id, wdef.id == ver.definition_id))
                .where(ver.tenant_id == ctx.tenant_id, wdef.key.in_(keys), ver.status == "published")
                .order_by(ver.number.desc())):
            newest.setdefault(key, version_id)
    seen: dict[str, FieldDef] = {}
    for key in dict.fromkeys(keys):
        if key not in newest:
            continue
        for f in definition_of(session, ctx.tenant_id, newest[key]).fields:
            if ctx.vendor_id is None or f.visible_to_vendor:
                seen.setdefault(f.key, f)
    return tuple(seen.values())


def day(value: str, name: str, tz: Any, now: datetime) -> date:
    try:
        moment = condition_moment(value.strip(), tz=tz, now=now, as_date=True)
    except (BadValue, ValueError, TypeError):
        raise ValidationFailed({name: N_("Enter a date as YYYY-MM-DD, or today, -7d, +2w.")}) from None
    return moment if isinstance(moment, date) and not isinstance(moment, datetime) else moment.date()


# --- helpers ---------------------------------------------------------------------------------


def _sorted(stmt: Any, q: Any, known: Mapping[str, FieldDef]) -> Any:
    inst, rec = WorkflowInstance.__table__.c, Record.__table__.c
    if q.sort.startswith("field:"):
        key = q.sort.split(":", 1)[1]
        spec = known.get(key)
        value = inst.fields[key]
        if spec is not None and spec.type == "number":
            column: Any = cast(value.astext, Numeric)
        elif spec is not None and spec.type == "money":
            column = cast(value["amount"].astext, Numeric)
        else:
            column = value.astext
    else:
        columns = {"reference": inst.record_number, "title": func.lower(inst.fields["title"].astext),
                   "state": inst.state,
                   "priority": case(_PRIORITY_RANK, value=inst.priority, else_=0), "assignee": inst.assignee_id,
                   "created_at": rec.created_at, "updated_at": inst.updated_at}  # due_date: see `page`
        if q.sort not in columns:
            raise ValidationFailed({"sort": N_("Records cannot be sorted by {column}.")}, column=q.sort)
        column = columns[q.sort]
        if q.sort in ("reference", "created_at"):  # never null: plain order, so the index serves it
            if q.sort == "reference" and q.text.strip():
                # title search finds its few rows through its own index first and sorts them; otherwise
                # the planner walks the reference index testing every row against the lookup
                column = column + 0
            return stmt.order_by(column.desc() if q.descending else column.asc())
    order = column.desc().nulls_last() if q.descending else column.asc().nulls_last()
    return stmt.order_by(order, inst.record_number.desc())


def _needs_value(q: Any, spec: FieldDef) -> bool:
    """Whether a filter on the sort field already leaves out every instance without a value
    (so the page never has to look for them)."""
    if spec is _DUE and (q.due_from or q.due_to):
        return True
    return any(f.key == spec.key and f.op in _VALUED and field_index.implies_value(spec, f.op, f.value)
               for f in q.field_filters)


def _field_clause(kind: str, flt: Any, known: Mapping[str, FieldDef], tz: Any, now: datetime) -> Any:
    inst = WorkflowInstance.__table__.c
    spec = known.get(flt.key)
    if spec is None or flt.op not in OPS:
        raise ValidationFailed({"filter": N_("There is no field {field} to filter on.")}, field=flt.key)
    bound: Any = None
    if spec.type in ("number", "money") and flt.op in _VALUED and flt.op != "contains":
        try:
            bound = float(str(flt.value))
        except ValueError:
            raise ValidationFailed({"filter": N_("Enter a number to compare {field} with.")}, field=flt.key) from None
    elif spec.type in ("date", "datetime") and flt.op in _VALUED:
        bound = day(str(flt.value or ""), "filter", tz, now).isoformat()
    indexed = field_index.filter_clause(kind, spec, flt.op, flt.value, bound)
    if indexed is not None:
        return indexed
    value = inst.fields[flt.key]
    if flt.op in ("empty", "not_empty"):
        present = inst.fields.has_key(flt.key)
        return ~present if flt.op == "empty" else present
    if flt.op in ("eq", "ne") and spec.type not in ("money", "number", "date", "datetime", "text", "longtext"):
        wanted = [flt.value] if spec.type == "multiselect" and not isinstance(flt.value, list) else flt.value
        contains = inst.fields.op("@>", return_type=Boolean)(cast({flt.key: wanted}, JSONB))
        return contains if flt.op == "eq" else not_(contains)
    if flt.op == "contains" or spec.type in ("text", "longtext"):
        like = value.astext.ilike(f"%{_escape_like(str(flt.value or ''))}%", escape="\\")
        if flt.op == "ne":
            return ~like
        return like if flt.op in ("contains", "eq") else value.astext.ilike(str(flt.value))
    if spec.type in ("number", "money"):
        column = cast((value["amount"] if spec.type == "money" else value).astext, Numeric)
        return _compare(column, flt.op, bound)
    if spec.type in ("date", "datetime"):
        return _compare(value.astext, flt.op, bound)
    raise ValidationFailed({"filter": N_("There is no field {field} to filter on.")}, field=flt.key)


def _title_search(kind: str, text: str) -> Any:
    """Every word of `text` begins a word of the title: full-text through the lookup function, so
    the title index answers it under row-level security (migration 0007)."""
    inst = WorkflowInstance.__table__.c
    words = [w for w in re.findall(r"\w+", text.lower()) if w]
    if not words:
        return inst.fields["title"].astext.ilike(f"%{_escape_like(text)}%", escape="\\")
    query = func.to_tsquery(literal_column("'simple'"), " & ".join(f"{w}:*" for w in words))
    return inst.id.in_(select(func.baton_instances_with_title(kind, query)))


def _compare(column: Any, op: str, value: Any) -> Any:
    return {"eq": column == value, "ne": column != value, "gt": column > value, "gte": column >= value,
            "lt": column < value, "lte": column <= value}.get(op, column == value)


def _start_of(day: date, tz: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _id(value: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise ValidationFailed({"filter": N_("Choose a person or vendor from the list.")}) from None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
