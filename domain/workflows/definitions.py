"""Workflow definitions as versioned data: drafts, publishing, archiving, import and export.

A draft is saved when its document has the structure of the format (the JSON Schema);
semantic problems (unreachable states, unknown roles, ...) are kept and block publishing
only. A published version never changes (a database trigger enforces it); instances pin
the version they started on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from domain.audit.service import record
from domain.context import Ctx
from domain.errors import N_, Conflict, DomainError, NotFound, ValidationFailed
from domain.iam.access import roles_by_key
from domain.workflows.models import WorkflowDefinition, WorkflowVersion
from engine.export import canonical, to_json, to_yaml
from engine.load import parse_source
from engine.problems import Problem, has_errors
from engine.schema import schema_problems
from engine.validate import validate_definition
from storage import db

DESIGN = "workflow:design"


class DefinitionRejected(DomainError):
    """The document has problems that block this step; `problems` lists them all."""

    def __init__(self, msgid: str, problems: list[Problem], **params: Any) -> None:
        self.problems = problems
        super().__init__(msgid, count=len([p for p in problems if p.severity == "error"]), **params)


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionView:
    id: UUID
    definition_id: UUID
    key: str
    number: int
    status: str
    document: dict[str, Any]
    problems: tuple[Problem, ...]
    created_at: datetime
    published_at: datetime | None


def save_draft(ctx: Ctx, *, document: Any) -> VersionView:
    """Create or replace the draft of the definition named by the document's `key`.

    A new key creates the definition; an existing one gets its draft updated, or a new
    draft numbered after the latest version. Refuses (DefinitionRejected, nothing
    written) documents that are not readable or break the format's structure.
    """
    ctx.require(DESIGN)
    doc = _structured(document)
    with db.tenant_session(ctx.tenant_id) as session:
        definition = session.scalars(select(WorkflowDefinition).where(
            WorkflowDefinition.tenant_id == ctx.tenant_id, WorkflowDefinition.key == doc["key"])
            .with_for_update()).first()
        if definition is None:
            definition = WorkflowDefinition(tenant_id=ctx.tenant_id, key=doc["key"], subject=doc["subject"],
                                            name=doc["name"] if isinstance(doc["name"], dict) else {"*": doc["name"]},
                                            created_by=ctx.user_id)
            session.add(definition)
            session.flush()
            record(session, ctx, action="workflow.create", entity_type="workflow", entity_id=definition.id,
                   after={"key": definition.key, "subject": definition.subject})
        elif definition.subject != doc["subject"]:
            raise ValidationFailed({"subject": N_("A workflow keeps its subject ({subject}); create a new key "
                                                  "for another kind of record.")}, subject=definition.subject)
        draft = session.scalars(select(WorkflowVersion).where(
            WorkflowVersion.tenant_id == ctx.tenant_id, WorkflowVersion.definition_id == definition.id,
            WorkflowVersion.status == "draft").with_for_update()).first()
        checksum = _checksum(doc)
        if draft is None:
            latest = session.scalar(select(func.max(WorkflowVersion.number)).where(
                WorkflowVersion.tenant_id == ctx.tenant_id, WorkflowVersion.definition_id == definition.id)) or 0
            draft = WorkflowVersion(tenant_id=ctx.tenant_id, definition_id=definition.id, number=latest + 1,
                                    document=doc, checksum=checksum, author_id=ctx.user_id)
            session.add(draft)
            session.flush()
            record(session, ctx, action="workflow.draft_create", entity_type="workflow_version",
                   entity_id=draft.id, after={"key": doc["key"], "number": draft.number})
        elif draft.checksum != checksum:
            before = draft.checksum
            draft.document, draft.checksum, draft.updated_at = doc, checksum, datetime.now(UTC)
            record(session, ctx, action="workflow.draft_update", entity_type="workflow_version",
                   entity_id=draft.id, before={"checksum": before}, after={"checksum": checksum})
        return _view(draft, definition.key)


def publish(ctx: Ctx, *, version_id: UUID) -> VersionView:
    """Freeze a draft as a published version; refused (DefinitionRejected) while it has errors."""
    ctx.require(DESIGN)
    with db.tenant_session(ctx.tenant_id) as session:
        version, definition = load_version(session, ctx, version_id, lock=True)
        if version.status != "draft":
            raise Conflict(N_("Version {number} is already {status}; only a draft can be published."),
                           number=version.number, status=version.status)
        problems = validate_definition(version.document)
        if has_errors(problems):
            raise DefinitionRejected(N_("Fix the {count} error(s) before publishing."), problems)
        version.status, version.published_at, version.published_by = "published", datetime.now(UTC), ctx.user_id
        record(session, ctx, action="workflow.publish", entity_type="workflow_version", entity_id=version.id,
               after={"key": definition.key, "number": version.number, "checksum": version.checksum})
        return _view(version, definition.key)


def archive(ctx: Ctx, *, version_id: UUID) -> VersionView:
    """Retire a version: no new instance starts on it (running ones keep it until migrated)."""
    ctx.require(DESIGN)
    with db.tenant_session(ctx.tenant_id) as session:
        version, definition = load_version(session, ctx, version_id, lock=True)
        if version.status == "archived":
            return _view(version, definition.key)
        before = version.status
        version.status = "archived"
        record(session, ctx, action="workflow.archive", entity_type="workflow_version", entity_id=version.id,
               before={"status": before}, after={"status": "archived"})
        return _view(version, definition.key)


def list_versions(ctx: Ctx, *, key: str) -> list[VersionView]:
    """Every version of the workflow `key`, newest first."""
    ctx.require(DESIGN)
    with db.tenant_session(ctx.tenant_id) as session:
        rows = session.execute(
            select(WorkflowVersion, WorkflowDefinition.key)
            .join(WorkflowDefinition, (WorkflowDefinition.tenant_id == WorkflowVersion.tenant_id)
                  & (WorkflowDefinition.id == WorkflowVersion.definition_id))
            .where(WorkflowVersion.tenant_id == ctx.tenant_id, WorkflowDefinition.key == key)
            .order_by(WorkflowVersion.number.desc())).all()
        return [_view(v, k) for v, k in rows]


def get_version(ctx: Ctx, *, version_id: UUID) -> VersionView:
    ctx.require(DESIGN)
    with db.tenant_session(ctx.tenant_id) as session:
        version, definition = load_version(session, ctx, version_id)
        return _view(version, definition.key)


def export(ctx: Ctx, *, version_id: UUID, fmt: str = "yaml") -> tuple[str, str]:
    """(file name, text) of a version in YAML or JSON, keys in the format's order."""
    if fmt not in ("yaml", "json"):
        raise ValidationFailed({"format": N_("Choose YAML or JSON.")})
    view = get_version(ctx, version_id=version_id)
    text = to_yaml(view.document) if fmt == "yaml" else to_json(view.document)
    return f"{view.key}-v{view.number}.{fmt}", text


def import_definition(ctx: Ctx, *, source: str | bytes) -> VersionView:
    """Save an uploaded YAML or JSON file as a draft, checked exactly like a save."""
    return save_draft(ctx, document=source)


def role_names(ctx: Ctx) -> dict[str, str]:
    """The tenant's roles (key → name), for choosing who may take a transition."""
    ctx.require(DESIGN)
    with db.tenant_session(ctx.tenant_id) as session:
        return {role.key: role.name for role in roles_by_key(session, ctx.tenant_id).values()}


def _structured(document: Any) -> dict[str, Any]:
    if isinstance(document, str | bytes | bytearray):
        document, problems = parse_source(document)
        if problems:
            raise DefinitionRejected(N_("The file cannot be read: {detail}"), problems, detail=problems[0].message)
    problems = schema_problems(document)
    if problems:
        raise DefinitionRejected(N_("The definition does not follow the format ({count} error(s)); nothing was "
                                    "saved."), problems)
    return canonical(json.loads(json.dumps(document)))


def _checksum(doc: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load_version(session: Any, ctx: Ctx, version_id: UUID, *, lock: bool = False
             ) -> tuple[WorkflowVersion, WorkflowDefinition]:
    stmt = (select(WorkflowVersion, WorkflowDefinition)
            .join(WorkflowDefinition, (WorkflowDefinition.tenant_id == WorkflowVersion.tenant_id)
                  & (WorkflowDefinition.id == WorkflowVersion.definition_id))
            .where(WorkflowVersion.tenant_id == ctx.tenant_id, WorkflowVersion.id == version_id))
    row = session.execute(stmt.with_for_update(of=WorkflowVersion) if lock else stmt).first()
    if row is None:
        raise NotFound(N_("This workflow version does not exist."))
    return row[0], row[1]


def _view(version: WorkflowVersion, key: str) -> VersionView:
    return VersionView(id=version.id, definition_id=version.definition_id, key=key, number=version.number,
                       status=version.status, document=version.document,
                       # only a draft can have problems: publishing refuses errors, and versions never change after
                       problems=tuple(validate_definition(version.document)) if version.status == "draft" else (),
                       created_at=version.created_at,
                       published_at=version.published_at)


@dataclass(frozen=True, slots=True, kw_only=True)
class DefinitionSummary:
    key: str
    subject: str
    name: dict[str, str]
    published: VersionView | None  # the newest published version
    draft: VersionView | None
    versions: int


def list_definitions(ctx: Ctx) -> list[DefinitionSummary]:
    """Every workflow of the tenant with its newest published version and its draft."""
    ctx.require(DESIGN)
    with db.tenant_session(ctx.tenant_id) as session:
        rows = session.execute(
            select(WorkflowVersion, WorkflowDefinition)
            .join(WorkflowDefinition, (WorkflowDefinition.tenant_id == WorkflowVersion.tenant_id)
                  & (WorkflowDefinition.id == WorkflowVersion.definition_id))
            .where(WorkflowVersion.tenant_id == ctx.tenant_id)
            .order_by(WorkflowDefinition.key, WorkflowVersion.number.desc())).all()
    grouped: dict[str, list[tuple[WorkflowVersion, WorkflowDefinition]]] = {}
    for version, definition in rows:
        grouped.setdefault(definition.key, []).append((version, definition))
    summaries = []
    for key, items in grouped.items():
        definition = items[0][1]
        published = next((v for v, _d in items if v.status == "published"), None)
        draft = next((v for v, _d in items if v.status == "draft"), None)
        summaries.append(DefinitionSummary(
            key=key, subject=definition.subject, name=dict(definition.name),
            published=_view(published, key) if published else None, draft=_view(draft, key) if draft else None,
            versions=len(items)))
    return summaries
