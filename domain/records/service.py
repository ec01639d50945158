"""Records (requests, projects, assets, vendors): types, create, edit, read.

A record is a row in `records` (kind, type, reference number, tags) plus the workflow
instance it owns (state, priority, assignee, vendor and every field value). Who sees what
is decided in `kinds` (deny by default); the tenant's people, vendors, buildings and assets
to choose from in `lookups`; tags in `tags`; a vendor record's vendor row in `vendor_rows`.
Their public names stay importable from here, where callers have always found them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from domain.audit.service import record as audit
from domain.context import Ctx
from domain.errors import N_, Conflict, NotFound
from domain.iam.models import Vendor
from domain.records import fields as record_fields
from domain.records import kind_fields
from domain.records.kinds import BUILTINS as BUILTINS
from domain.records.kinds import COLUMN_FIELDS as COLUMN_FIELDS
from domain.records.kinds import CREATE as CREATE
from domain.records.kinds import EDIT as EDIT
from domain.records.kinds import KINDS as KINDS
from domain.records.kinds import PREFIX as PREFIX
from domain.records.kinds import READ as READ
from domain.records.kinds import kind_or_404 as _kind
from domain.records.kinds import mine_clause as mine_clause
from domain.records.kinds import reference as reference
from domain.records.kinds import require_read as require_read
from domain.records.kinds import transition_permission as _transition_permission
from domain.records.kinds import visible_clause as visible_clause
from domain.records.lookups import choices as choices
from domain.records.lookups import choices_in as _choices  # noqa: F401  (listing reads service._choices)
from domain.records.lookups import known_ids as _known
from domain.records.lookups import names_for, related_refs
from domain.records.lookups import record_id_by_reference as _by_reference
from domain.records.lookups import record_type as _type
from domain.records.lookups import tenant_zone as _tz
from domain.records.lookups import uuid_or_none as _uuid_or_none
from domain.records.models import Record, RecordCounter, RecordType
from domain.records.tags import TAG_MAX as TAG_MAX
from domain.records.tags import TAGS_MAX as TAGS_MAX
from domain.records.tags import clean_tags as _tags
from domain.records.tags import tag_suggestions as tag_suggestions
from domain.records.vendor_rows import new_vendor as _new_vendor
from domain.records.vendor_rows import rename_vendor as _rename_vendor
from domain.workflows.facts import actor_of, facts_of
from domain.workflows.instances import start_in
from domain.workflows.models import WorkflowInstance
from domain.workflows.versions import definition_of, earlier_definitions, latest_published
from engine.model import Definition, FieldDef
from engine.runtime import ActionOption, Instance, available_actions
from storage import db

DEFAULT_TYPES = (  # kind, key, names, workflow template
    ("request", "maintenance", {"en": "Maintenance", "es": "Mantenimiento", "fr": "Maintenance"},
     "maintenance_request"),
    ("request", "change", {"en": "Change", "es": "Cambio", "fr": "Changement"}, "change_request"),
    ("request", "incident", {"en": "Incident", "es": "Incidente", "fr": "Incident"}, "incident"),
    ("project", "project", {"en": "Project", "es": "Proyecto", "fr": "Projet"}, "project"),
    ("asset", "asset", {"en": "Asset", "es": "Activo", "fr": "Actif"}, "asset_lifecycle"),
    ("vendor", "vendor", {"en": "Vendor", "es": "Proveedor", "fr": "Fournisseur"}, "vendor_onboarding"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeView:
    kind: str
    key: str
    name: dict[str, Any]
    workflow_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordView:
    id: UUID
    kind: str
    type_key: str
    reference: str
    tags: tuple[str, ...]
    instance_id: UUID
    state: str
    version: int
    priority: str
    assignee_id: UUID | None
    vendor_id: UUID | None
    creator_id: UUID | None
    values: dict[str, Any]  # every field value the viewer may see (built-ins included)
    state_entered_at: datetime
    created_at: datetime
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Detail:
    record: RecordView
    definition: Definition
    fields: tuple[FieldDef, ...]  # what the viewer may see and edit, in form order
    actions: list[ActionOption]  # permitted ones (not-permitted are left out)
    can_edit: bool
    names: dict[str, str] = field(default_factory=dict)  # id -> display name (people, vendors, buildings, assets)
    related: dict[str, str] = field(default_factory=dict)  # field key -> reference of the record it links to
    earlier: tuple[Definition, ...] = ()  # the workflow's other versions, newest first (labels in the history)


# --- types ------------------------------------------------------------------------


def ensure_default_types(ctx: Ctx) -> list[TypeView]:
    """Bind the built-in types to their templates' workflows where those are published."""
    with db.tenant_session(ctx.tenant_id) as session:
        for kind, key, name, workflow_key in DEFAULT_TYPES:
            try:
                latest_published(session, ctx.tenant_id, workflow_key)
            except NotFound:
                continue
            session.execute(pg_insert(RecordType.__table__).values(
                tenant_id=ctx.tenant_id, id=uuid4(), kind=kind, key=key, name=name, workflow_key=workflow_key,
            ).on_conflict_do_nothing())
    return [t for kind in KINDS for t in list_types(ctx, kind)]


def list_types(ctx: Ctx, kind: str) -> list[TypeView]:
    require_read(ctx, kind)
    with db.tenant_session(ctx.tenant_id) as session:
        rows = session.scalars(select(RecordType).where(
            RecordType.tenant_id == ctx.tenant_id, RecordType.kind == kind, RecordType.active)
            .order_by(RecordType.key)).all()
        built_in = [key for _kind_, key, _name, _workflow in DEFAULT_TYPES if _kind_ == kind]
        rows = sorted(rows, key=lambda r: (built_in.index(r.key) if r.key in built_in else len(built_in), r.key))
        return [TypeView(kind=r.kind, key=r.key, name=dict(r.name), workflow_key=r.workflow_key) for r in rows]


def form_for(ctx: Ctx, *, kind: str, type_key: str) -> tuple[Definition, tuple[FieldDef, ...]]:
    """The workflow a new record of this type starts on and the fields its form asks for."""
    ctx.require(CREATE[_kind(kind)])
    with db.tenant_session(ctx.tenant_id) as session:
        rtype = _type(session, ctx, kind, type_key)
        version = latest_published(session, ctx.tenant_id, rtype.workflow_key)
        definition = definition_of(session, ctx.tenant_id, version.id)
    return definition, record_fields.form_fields(definition, kind_builtins=BUILTINS[kind])


def workflow_of(ctx: Ctx, *, kind: str, workflow_key: str) -> Definition:
    """The newest published version of a kind's workflow (a list's states and fields)."""
    require_read(ctx, kind)
    with db.tenant_session(ctx.tenant_id) as session:
        return definition_of(session, ctx.tenant_id, latest_published(session, ctx.tenant_id, workflow_key).id)


# --- create, edit -------------------------------------------------------------------


def create_record(ctx: Ctx, *, kind: str, type_key: str, values: Mapping[str, Any],
                  tags: Sequence[str] = ()) -> RecordView:
    """Validate `values` against the type's workflow fields, number the record and start its workflow.
    Built-ins with a default (an asset's operational status: up) get it when left empty.

    Invalid values raise ValidationFailed (one message per field) and write nothing."""
    ctx.require(CREATE[_kind(kind)])
    clean_tags = _tags(tags)
    with db.tenant_session(ctx.tenant_id) as session:
        rtype = _type(session, ctx, kind, type_key)
        version = latest_published(session, ctx.tenant_id, rtype.workflow_key)
        definition = definition_of(session, ctx.tenant_id, version.id)
        form = record_fields.form_fields(definition, kind_builtins=BUILTINS[kind])
        clean = record_fields.clean_values(form, kind_fields.with_defaults(form, values), known=_known(session, ctx),
                                           tz=_tz(session, ctx), state=None, creating=True)
        number = _next_number(session, ctx, kind)
        row = Record(tenant_id=ctx.tenant_id, kind=kind, type_key=type_key, number=number, tags=clean_tags,
                     created_by=ctx.user_id)
        priority = str(clean.pop("priority", "normal"))
        assignee = _uuid_or_none(clean.pop("assignee", None))
        vendor = _uuid_or_none(clean.pop("vendor", None))
        if kind == "vendor":  # the vendor itself: the record shares its id
            vendor = row.id = _new_vendor(session, ctx, clean)
        session.add(row)
        session.flush()
        instance = start_in(session, ctx, workflow_key=rtype.workflow_key, subject_type=kind, subject_id=row.id,
                            fields=clean, priority=priority, vendor_id=vendor, assignee_id=assignee,
                            version=version, record_number=number)
        audit(session, ctx, action="record.create", entity_type=kind, entity_id=row.id,
              after={"reference": _reference(row), "type": type_key, "values": clean, "tags": clean_tags,
                     "priority": priority})
        return _view(row, instance)


def enroll_vendor(ctx: Ctx, *, vendor_id: UUID) -> RecordView:
    """Start the onboarding workflow for an existing vendor (its record shares the vendor's id).
    Fields the workflow requires at creation may be filled in later."""
    ctx.require("vendor:manage")
    with db.tenant_session(ctx.tenant_id) as session:
        vendor = session.scalars(select(Vendor).where(Vendor.tenant_id == ctx.tenant_id,
                                                      Vendor.id == vendor_id)).first()
        if vendor is None:
            raise NotFound(N_("This vendor no longer exists."))
        if session.get(Record, (ctx.tenant_id, vendor_id)) is not None:
            raise Conflict(N_("{name} is already in onboarding."), name=vendor.name)
        rtype = _type(session, ctx, "vendor", "vendor")
        version = latest_published(session, ctx.tenant_id, rtype.workflow_key)
        definition = definition_of(session, ctx.tenant_id, version.id)
        options = next((f.options for f in definition.fields if f.key == "trades"), ())
        values: dict[str, Any] = {"title": vendor.name}
        if options and [t for t in vendor.trades if t in options]:
            values["trades"] = [t for t in options if t in vendor.trades]
        if vendor.email and any(f.key == "contact_email" for f in definition.fields):
            values["contact_email"] = vendor.email
        number = _next_number(session, ctx, "vendor")
        row = Record(id=vendor.id, tenant_id=ctx.tenant_id, kind="vendor", type_key=rtype.key, number=number,
                     created_by=ctx.user_id)
        session.add(row)
        session.flush()
        instance = start_in(session, ctx, workflow_key=rtype.workflow_key, subject_type="vendor", subject_id=row.id,
                            fields=values, vendor_id=vendor.id, version=version, record_number=number)
        audit(session, ctx, action="record.create", entity_type="vendor", entity_id=row.id,
              after={"reference": _reference(row), "type": rtype.key, "values": values})
        return _view(row, instance)


def update_record(ctx: Ctx, *, record_id: UUID, expected_version: int, values: Mapping[str, Any],
                  tags: Sequence[str] | None = None) -> RecordView:
    """Change field values (and tags). Refuses a stale `expected_version` like `perform` does;
    never changes the state. Audited with before/after of what changed."""
    with db.tenant_session(ctx.tenant_id) as session:
        row, instance = _load(session, ctx, record_id, lock=True)
        ctx.require(EDIT[row.kind])
        if instance.version != expected_version:
            raise Conflict(N_("{who} changed this record at {when}; reload it and try again."),
                           who=instance.updated_by or "?", when=instance.updated_at.isoformat(timespec="seconds"))
        definition = definition_of(session, ctx.tenant_id, instance.version_id)
        form = record_fields.form_fields(definition, kind_builtins=BUILTINS[row.kind])
        current = _values(instance)
        clean = record_fields.clean_values(form, values, known=_known(session, ctx), tz=_tz(session, ctx),
                                           state=instance.state, creating=False, existing=current)
        form_keys = {f.key for f in form}
        merged = {**{k: v for k, v in current.items() if k not in form_keys}, **clean}  # hidden or cleared: gone
        before = {k: current.get(k) for k in set(current) | set(merged) if current.get(k) != merged.get(k)}
        after = {k: merged.get(k) for k in before}
        new_tags = _tags(tags) if tags is not None else list(row.tags)
        if not before and new_tags == list(row.tags):
            return _view(row, instance)
        if new_tags != list(row.tags):
            before["tags"], after["tags"] = list(row.tags), new_tags
            row.tags = new_tags
        now = datetime.now(UTC)
        row.updated_at = now
        instance.priority = str(merged.pop("priority", instance.priority) or "normal")
        instance.assignee_id = _uuid_or_none(merged.pop("assignee", None))
        instance.vendor_id = _uuid_or_none(merged.pop("vendor", None))
        instance.fields = merged
        instance.version += 1
        instance.updated_at, instance.updated_by = now, ctx.actor_label
        if row.kind == "vendor" and "title" in before:  # the vendor's name is its record's title
            _rename_vendor(session, ctx, row.id, str(merged.get("title") or ""))
        session.flush()
        audit(session, ctx, action="record.update", entity_type=row.kind, entity_id=row.id,
              before=before, after=after)
        return _view(row, instance)


def transition_inputs(ctx: Ctx, *, record_id: UUID, to_state: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """What a transition dialog collected, validated like a form save for entering `to_state`
    (ValidationFailed per field); pass the result to `perform` as `inputs`."""
    with db.tenant_session(ctx.tenant_id) as session:
        row, instance = _load(session, ctx, record_id)
        definition = definition_of(session, ctx.tenant_id, instance.version_id)
        form = tuple(f for f in record_fields.form_fields(definition, kind_builtins=BUILTINS[row.kind])
                     if f.key in raw)
        clean = record_fields.clean_values(form, raw, known=_known(session, ctx), tz=_tz(session, ctx),
                                           state=instance.state, for_state=to_state, creating=False,
                                           existing=_values(instance))
        return {k: v for k, v in clean.items() if k in raw}


# --- read ---------------------------------------------------------------------------


def get_detail(ctx: Ctx, *, record_id: UUID | None = None, reference: str | None = None) -> Detail:
    with db.tenant_session(ctx.tenant_id) as session:
        if reference is not None:
            record_id = _by_reference(session, ctx, reference)
        if record_id is None:
            raise NotFound(N_("This record no longer exists or is not visible to you."))
        row, instance = _load(session, ctx, record_id)
        definition = definition_of(session, ctx.tenant_id, instance.version_id)
        form = record_fields.form_fields(definition, kind_builtins=BUILTINS[row.kind])
        if ctx.vendor_id is not None:
            form = tuple(f for f in form if f.visible_to_vendor or f.key in ("title", "description", "priority"))
        options = available_actions(definition, Instance(state=instance.state, version=instance.version),
                                    actor_of(ctx), facts_of(instance), datetime.now(UTC))
        view = _view(row, instance, visible={f.key for f in form} if ctx.vendor_id else None)
        return Detail(record=view, definition=definition, fields=form,
                      actions=[o for o in options if o.permitted and ctx.can(_transition_permission(row.kind))],
                      can_edit=ctx.can(EDIT[row.kind]) and ctx.vendor_id is None,
                      names=names_for(session, ctx), related=related_refs(session, ctx, form, view.values),
                      earlier=earlier_definitions(session, ctx.tenant_id, instance.version_id))


# --- helpers --------------------------------------------------------------------------


def _next_number(session: Any, ctx: Ctx, kind: str) -> int:
    """The kind's next reference number in this tenant (gapless: the counter row is locked until commit)."""
    counters = RecordCounter.__table__
    return int(session.execute(pg_insert(counters).values(tenant_id=ctx.tenant_id, kind=kind, last=1)
                               .on_conflict_do_update(index_elements=["tenant_id", "kind"],
                                                      set_={"last": counters.c.last + 1})
                               .returning(counters.c.last)).scalar_one())


def _load(session: Any, ctx: Ctx, record_id: UUID, *, lock: bool = False) -> tuple[Record, WorkflowInstance]:
    stmt = select(Record, WorkflowInstance).join(WorkflowInstance, and_(
        WorkflowInstance.tenant_id == Record.tenant_id, WorkflowInstance.subject_type == Record.kind,
        WorkflowInstance.subject_id == Record.id)).where(Record.tenant_id == ctx.tenant_id, Record.id == record_id)
    if lock:
        stmt = stmt.with_for_update(of=WorkflowInstance)
    found = session.execute(stmt).first()
    if found is None:
        raise NotFound(N_("This record no longer exists or is not visible to you."))
    row, instance = found
    require_read(ctx, row.kind)
    if session.execute(select(func.count()).select_from(WorkflowInstance).where(
            visible_clause(ctx, row.kind), WorkflowInstance.id == instance.id)).scalar_one() == 0:
        raise NotFound(N_("This record no longer exists or is not visible to you."))
    return row, instance


def _values(instance: WorkflowInstance) -> dict[str, Any]:
    values = dict(instance.fields or {})
    values["priority"] = instance.priority
    values["assignee"] = str(instance.assignee_id) if instance.assignee_id else None
    values["vendor"] = str(instance.vendor_id) if instance.vendor_id else None
    return {k: v for k, v in values.items() if v is not None}


def _view(row: Record, instance: WorkflowInstance, *, visible: set[str] | None = None) -> RecordView:
    values = _values(instance)
    if visible is not None:
        values = {k: v for k, v in values.items() if k in visible}
    return RecordView(id=row.id, kind=row.kind, type_key=row.type_key, reference=_reference(row),
                      tags=tuple(row.tags), instance_id=instance.id, state=instance.state, version=instance.version,
                      priority=instance.priority, assignee_id=instance.assignee_id, vendor_id=instance.vendor_id,
                      creator_id=instance.creator_id, values=values, state_entered_at=instance.state_entered_at,
                      created_at=row.created_at, updated_at=instance.updated_at, updated_by=instance.updated_by)


def _reference(row: Record) -> str:
    return reference(row.kind, row.number)


def _hidden_fields(session: Any, ctx: Ctx, instance: WorkflowInstance) -> set[str]:
    if ctx.vendor_id is None:
        return set()
    definition = definition_of(session, ctx.tenant_id, instance.version_id)
    return {f.key for f in definition.fields if not f.visible_to_vendor}
