"""Lists of records: filtered, sorted, paged on the server; CSV export of the filtered set;
bulk transitions with a result per record; saved views.

A `ListQuery` is plain data (it is what a saved view stores). Filters on custom fields
use the instance's `fields` (JSONB: equality through the GIN index, comparisons on the
extracted value); relative dates (`today`, `-7d`, `+2w`) resolve in the tenant's time zone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Boolean, Numeric, and_, case, cast, func, literal_column, not_, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from domain.context import Ctx
from domain.errors import N_, DomainError, NotFound, ValidationFailed
from domain.records import fields as record_fields
from domain.records import service
from domain.records.models import Record
from domain.workflows.facts import actor_of, facts_of
from domain.workflows.models import WorkflowDefinition, WorkflowInstance
from domain.workflows.perform import TransitionRefused, perform
from domain.workflows.versions import definition_of
from engine.model import FieldDef, Label, label_text
from engine.runtime import Instance, available_actions
from engine.values import BadValue, condition_moment
from storage import db

PAGE_MAX = 200
COUNT_MAX = 10_000  # counting stops here: "10,000+" reads as well as an exact figure and costs far less
EXPORT_MAX = 100_000
BULK_MAX = 1_000
OPS = ("eq", "ne", "contains", "gt", "gte", "lt", "lte", "empty", "not_empty")
SORTS = ("reference", "title", "state", "priority", "assignee", "created_at", "updated_at", "due_date")
_PRIORITY_RANK = {"urgent": 4, "high": 3, "normal": 2, "low": 1}
_REFERENCE = re.compile(r"^\s*([A-Za-z]{3})-(\d+)\s*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldFilter:
    key: str
    op: str
    value: Any = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListQuery:
    kind: str
    workflow_key: str | None = None
    type_keys: tuple[str, ...] = ()
    text: str = ""
    states: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    assignee: str | None = None  # a user id, or "none"
    vendor: str | None = None
    tag: str | None = None
    mine: bool = False
    created_from: str | None = None  # ISO date or relative: today, -7d, +1w
    created_to: str | None = None
    due_from: str | None = None
    due_to: str | None = None
    field_filters: tuple[FieldFilter, ...] = ()
    sort: str = "reference"  # one of SORTS or "field:<key>"
    descending: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ListQuery:
        """A saved or submitted query; unknown keys are ignored, bad shapes refused."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        try:
            for key in ("type_keys", "states", "priorities"):
                if key in values:
                    values[key] = tuple(str(v) for v in values[key] or ())
            values["field_filters"] = tuple(FieldFilter(key=str(f["key"]), op=str(f["op"]), value=f.get("value"))
                                            for f in values.get("field_filters") or ())
            return cls(**values)
        except (TypeError, KeyError, AttributeError) as exc:
            raise ValidationFailed({"query": N_("This view's filters could not be read.")}) from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class ListRow:
    record_id: UUID
    instance_id: UUID
    reference: str
    type_key: str
    state: str
    state_label: Label
    version: int
    priority: str
    assignee_id: UUID | None
    vendor_id: UUID | None
    tags: tuple[str, ...]
    values: dict[str, Any]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    rows: list[ListRow]
    total: int  # at most COUNT_MAX + 1 (then `more` is true)
    more: bool = False  # there are more than COUNT_MAX matches


@dataclass(frozen=True, slots=True, kw_only=True)
class BulkOption:
    transition_id: str
    label: Label
    to: str
    requires_comment: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class BulkResult:
    record_id: UUID
    reference: str
    done: bool
    error: DomainError | None = None  # why not (the console translates it)


# --- listing ----------------------------------------------------------------------------


def list_records(ctx: Ctx, query: ListQuery, *, offset: int = 0, limit: int = 50) -> Page:
    service.require_read(ctx, query.kind)
    limit = max(1, min(limit, PAGE_MAX))
    with db.tenant_session(ctx.tenant_id) as session:
        tz = service._tz(session, ctx)
        stmt = _filtered(ctx, query, tz, session)
        counted = stmt.with_only_columns(Record.__table__.c.id).order_by(None).limit(COUNT_MAX + 1).subquery()
        total = int(session.scalar(select(func.count()).select_from(counted)) or 0)
        rows = session.execute(_sorted(stmt, query, session, ctx).offset(max(0, offset)).limit(limit)).all()
        return Page(rows=[_row(session, ctx, query.kind, r) for r in rows], total=min(total, COUNT_MAX),
                    more=total > COUNT_MAX)


def export_csv(ctx: Ctx, query: ListQuery, *, locale: str = "en",
               translate: Callable[[str], str] = str, headers: Mapping[str, str] | None = None) -> str:
    """Every record the query matches (up to EXPORT_MAX) as CSV: the fixed columns, then the
    workflow's own fields; values shown as people read them (labels, names, dates)."""
    service.require_read(ctx, query.kind)
    heads = {"reference": "Reference", "type": "Type", "title": "Title", "state": "State", "priority": "Priority",
             "assignee": "Assignee", "vendor": "Vendor", "tags": "Tags", "created_at": "Created",
             "updated_at": "Updated", **(headers or {})}
    with db.tenant_session(ctx.tenant_id) as session:
        tz = service._tz(session, ctx)
        stmt = _sorted(_filtered(ctx, query, tz, session), query, session, ctx).limit(EXPORT_MAX)
        rows = [_row(session, ctx, query.kind, r) for r in session.execute(stmt).all()]
        names = {k: v for group in service._choices(session, ctx).values() for k, v in group.items()}
        custom = _custom_fields(session, ctx, query)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*heads.values(), *(label_text(f.label, locale, f.key) for f in custom)])
    for row in rows:
        writer.writerow([
            row.reference, row.type_key, _safe(str(row.values.get("title", ""))),
            label_text(row.state_label, locale, row.state), translate(row.priority.capitalize()),
            names.get(str(row.assignee_id), "") if row.assignee_id else "",
            names.get(str(row.vendor_id), "") if row.vendor_id else "", ", ".join(row.tags),
            row.created_at.astimezone(tz).isoformat(timespec="minutes"),
            row.updated_at.astimezone(tz).isoformat(timespec="minutes"),
            *(_safe(record_fields.display(f, row.values.get(f.key), locale, translate=translate, tz=tz, names=names))
              for f in custom)])
    return out.getvalue()


# --- bulk -------------------------------------------------------------------------------


def bulk_options(ctx: Ctx, *, kind: str, record_ids: Sequence[UUID]) -> list[BulkOption]:
    """Transitions permitted and enabled for every selected record (none needing field input)."""
    ctx.require(f"{service._kind(kind)}:transition")
    ids = list(dict.fromkeys(record_ids))[:BULK_MAX]
    if not ids:
        return []
    with db.tenant_session(ctx.tenant_id) as session:
        rows = session.execute(_base(ctx, kind).where(Record.__table__.c.id.in_(ids))).all()
        if len(rows) != len(ids):
            return []
        actor, now = actor_of(ctx), datetime.now(UTC)
        common: dict[str, BulkOption] | None = None
        for row in rows:
            definition = definition_of(session, ctx.tenant_id, row.version_id)
            options = {o.transition_id: BulkOption(transition_id=o.transition_id, label=o.label, to=o.to,
                                                   requires_comment=o.requires_comment)
                       for o in available_actions(definition, Instance(state=row.state, version=row.version),
                                                  actor, facts_of(row), now)
                       if o.permitted and o.enabled}
            common = options if common is None else {k: v for k, v in common.items() if k in options}
            if not common:
                return []
        return sorted((common or {}).values(), key=lambda o: o.transition_id)


def bulk_transition(ctx: Ctx, *, kind: str, record_ids: Sequence[UUID], transition_id: str,
                    comment: str | None = None, progress: Callable[[int, int], None] | None = None
                    ) -> list[BulkResult]:
    """Fire `transition_id` on each record in turn through `perform` (each its own transaction:
    one refusal never undoes the others); a result per record, in the order given."""
    ctx.require(f"{service._kind(kind)}:transition")
    ids = list(dict.fromkeys(record_ids))
    if len(ids) > BULK_MAX:
        raise ValidationFailed({"selection": N_("Select at most {max} records at a time.")}, max=BULK_MAX)
    with db.tenant_session(ctx.tenant_id) as session:
        found = {r.id: r for r in session.execute(_base(ctx, kind).where(Record.__table__.c.id.in_(ids))).all()}
    results: list[BulkResult] = []
    for n, record_id in enumerate(ids, start=1):
        row = found.get(record_id)
        if row is None:
            results.append(BulkResult(record_id=record_id, reference="", done=False,
                                      error=NotFound(N_("This record no longer exists or is not visible to you."))))
        else:
            reference = service.reference(kind, row.number)
            try:
                perform(ctx=ctx, instance_id=row.instance_id, transition_id=transition_id,
                        expected_version=row.version, comment=comment, idempotency_key=f"bulk-{uuid4()}")
                results.append(BulkResult(record_id=record_id, reference=reference, done=True))
            except TransitionRefused as refused:
                results.append(BulkResult(record_id=record_id, reference=reference, done=False, error=refused))
            except DomainError as error:
                results.append(BulkResult(record_id=record_id, reference=reference, done=False, error=error))
        if progress is not None:
            progress(n, len(ids))
    return results


# --- query building ---------------------------------------------------------------------------


def _base(ctx: Ctx, kind: str) -> Any:
    inst, rec = WorkflowInstance.__table__.c, Record.__table__.c
    return (select(rec.id, rec.number, rec.type_key, rec.tags, rec.created_at, inst.id.label("instance_id"),
                   inst.version_id, inst.definition_id, inst.state, inst.version, inst.priority, inst.assignee_id,
                   inst.vendor_id, inst.creator_id, inst.fields, inst.updated_at)
            .select_from(WorkflowInstance.__table__)
            .join(Record.__table__, and_(rec.tenant_id == inst.tenant_id, rec.kind == inst.subject_type,
                                         rec.id == inst.subject_id))
            .where(service.visible_clause(ctx, kind)))


def _filtered(ctx: Ctx, q: ListQuery, tz: Any, session: Any) -> Any:
    inst, rec = WorkflowInstance.__table__.c, Record.__table__.c
    stmt = _base(ctx, q.kind)
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
        stmt = stmt.where(or_(inst.assignee_id == ctx.user_id, inst.creator_id == ctx.user_id))
    now = datetime.now(UTC)
    if q.created_from:
        stmt = stmt.where(rec.created_at >= _start_of(_day(q.created_from, "created_from", tz, now), tz))
    if q.created_to:
        stmt = stmt.where(rec.created_at < _start_of(_day(q.created_to, "created_to", tz, now) + timedelta(days=1), tz))
    due = inst.fields["due_date"].astext
    if q.due_from:
        stmt = stmt.where(due >= _day(q.due_from, "due_from", tz, now).isoformat())
    if q.due_to:
        stmt = stmt.where(due <= _day(q.due_to, "due_to", tz, now).isoformat())
    if q.field_filters:
        known = {f.key: f for f in _all_fields(session, ctx, q)}
        for flt in q.field_filters:
            stmt = stmt.where(_field_clause(flt, known, tz, now))
    return stmt


def _sorted(stmt: Any, q: ListQuery, session: Any, ctx: Ctx) -> Any:
    inst, rec = WorkflowInstance.__table__.c, Record.__table__.c
    if q.sort.startswith("field:"):
        key = q.sort.split(":", 1)[1]
        spec = {f.key: f for f in _all_fields(session, ctx, q)}.get(key)
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
                   "created_at": rec.created_at, "updated_at": inst.updated_at,
                   "due_date": inst.fields["due_date"].astext}
        if q.sort not in columns:
            raise ValidationFailed({"sort": N_("Records cannot be sorted by {column}.")}, column=q.sort)
        column = columns[q.sort]
        if q.sort in ("reference", "created_at"):  # never null: plain order, so the index serves it
            if q.sort == "reference" and (q.text.strip() or q.field_filters):
                # a filter with its own index (title search, custom-field GIN) finds the rows first and
                # sorts the matches; otherwise the planner walks the reference index testing every row
                column = column + 0
            return stmt.order_by(column.desc() if q.descending else column.asc())
    order = column.desc().nulls_last() if q.descending else column.asc().nulls_last()
    return stmt.order_by(order, inst.record_number.desc())


def _field_clause(flt: FieldFilter, known: Mapping[str, FieldDef], tz: Any, now: datetime) -> Any:
    inst = WorkflowInstance.__table__.c
    spec = known.get(flt.key)
    if spec is None or flt.op not in OPS:
        raise ValidationFailed({"filter": N_("There is no field {field} to filter on.")}, field=flt.key)
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
        try:
            number = float(str(flt.value))
        except ValueError:
            raise ValidationFailed({"filter": N_("Enter a number to compare {field} with.")}, field=flt.key) from None
        column = cast((value["amount"] if spec.type == "money" else value).astext, Numeric)
        return _compare(column, flt.op, number)
    if spec.type in ("date", "datetime"):
        day = _day(str(flt.value or ""), "filter", tz, now).isoformat()
        return _compare(value.astext, flt.op, day)
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


def _all_fields(session: Any, ctx: Ctx, q: ListQuery) -> tuple[FieldDef, ...]:
    from engine.builtins import BUILTIN_FIELDS

    return (*BUILTIN_FIELDS, *_custom_fields(session, ctx, q))


def _custom_fields(session: Any, ctx: Ctx, q: ListQuery) -> tuple[FieldDef, ...]:
    """The custom fields of the workflows behind this list (newest published versions)."""
    from domain.workflows.versions import latest_published

    keys = [q.workflow_key] if q.workflow_key else [t.workflow_key for t in service.list_types(ctx, q.kind)]
    seen: dict[str, FieldDef] = {}
    for key in dict.fromkeys(keys):
        try:
            definition = definition_of(session, ctx.tenant_id, latest_published(session, ctx.tenant_id, key).id)
        except NotFound:
            continue
        for f in definition.fields:
            if ctx.vendor_id is None or f.visible_to_vendor:
                seen.setdefault(f.key, f)
    return tuple(seen.values())


def _row(session: Any, ctx: Ctx, kind: str, r: Any) -> ListRow:
    definition = definition_of(session, ctx.tenant_id, r.version_id)
    states = {s.id: s for s in definition.states}
    values = dict(r.fields or {})
    if ctx.vendor_id is not None:
        hidden = {f.key for f in definition.fields if not f.visible_to_vendor}
        values = {k: v for k, v in values.items() if k not in hidden}
    state = states.get(r.state)
    return ListRow(record_id=r.id, instance_id=r.instance_id, reference=service.reference(kind, r.number),
                   type_key=r.type_key, state=r.state, state_label=state.name if state else {"en": r.state},
                   version=r.version, priority=r.priority, assignee_id=r.assignee_id, vendor_id=r.vendor_id,
                   tags=tuple(r.tags or ()), values=values, created_at=r.created_at, updated_at=r.updated_at)


def _day(value: str, name: str, tz: Any, now: datetime) -> date:
    try:
        moment = condition_moment(value.strip(), tz=tz, now=now, as_date=True)
    except (BadValue, ValueError, TypeError):
        raise ValidationFailed({name: N_("Enter a date as YYYY-MM-DD, or today, -7d, +2w.")}) from None
    return moment if isinstance(moment, date) and not isinstance(moment, datetime) else moment.date()


def _start_of(day: date, tz: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _id(value: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise ValidationFailed({"filter": N_("Choose a person or vendor from the list.")}) from None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _safe(text: str) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
