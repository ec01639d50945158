"""Lists of records: filtered, sorted, paged on the server; CSV export of the filtered set;
bulk transitions with a result per record; saved views.

A `ListQuery` is plain data (it is what a saved view stores); `listing_sql` turns it into
SQL. Filters and sorts on custom fields go through the field value index (`field_index`,
migration 0008) where it answers them, so they use indexes under row-level security; relative
dates (`today`, `-7d`, `+2w`) resolve in the tenant's time zone. A list counts its matches up
to COUNT_MAX and says "more" beyond.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from domain.context import Ctx
from domain.errors import N_, DomainError, NotFound, ValidationFailed
from domain.records import fields as record_fields
from domain.records import listing_sql, service
from domain.records.listing_sql import OPS as OPS
from domain.records.listing_sql import SORTS as SORTS
from domain.records.models import Record
from domain.workflows.facts import actor_of, facts_of
from domain.workflows.perform import TransitionRefused, perform
from domain.workflows.versions import definition_of
from engine.model import Label, label_text
from engine.runtime import Instance, available_actions
from storage import db

PAGE_MAX = 200
COUNT_MAX = 1_000  # counting stops here ("more than 1,000"): the cost of a count grows with what it counts
EXPORT_MAX = 100_000
BULK_MAX = 1_000


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
    """One page of the records `query` matches that the viewer may see, and how many there are
    (counted up to COUNT_MAX; `more` beyond). Raises ValidationFailed for a filter or sort it
    cannot apply. Reads only."""
    service.require_read(ctx, query.kind)
    limit = max(1, min(limit, PAGE_MAX))
    with db.tenant_session(ctx.tenant_id, settings=listing_sql.PLANNING) as session:
        tz = service._tz(session, ctx)
        known = listing_sql.known_fields(session, ctx, query)
        stmt = listing_sql.filtered(ctx, query, tz, known)
        offset = max(0, offset)
        rows = listing_sql.page(session, query, stmt, known, offset=offset, limit=limit)
        # a short page (not one past the end) tells the total; otherwise count, up to the cap
        last_page = len(rows) < limit and (len(rows) > 0 or offset == 0)
        total = offset + len(rows) if last_page else listing_sql.count(session, stmt, COUNT_MAX + 1)
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
    with db.tenant_session(ctx.tenant_id, settings=listing_sql.PLANNING) as session:
        tz = service._tz(session, ctx)
        known = listing_sql.known_fields(session, ctx, query)
        stmt = listing_sql.filtered(ctx, query, tz, known)
        rows = [_row(session, ctx, query.kind, r)
                for r in listing_sql.page(session, query, stmt, known, offset=0, limit=EXPORT_MAX)]
        names = {k: v for group in service._choices(session, ctx).values() for k, v in group.items()}
        custom = listing_sql.custom_fields(session, ctx, query)
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
        rows = session.execute(listing_sql.base(ctx, kind).where(Record.__table__.c.id.in_(ids))).all()
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
        chosen = listing_sql.base(ctx, kind).where(Record.__table__.c.id.in_(ids))
        found = {r.id: r for r in session.execute(chosen).all()}
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


# --- helpers ---------------------------------------------------------------------------------


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


def _safe(text: str) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
