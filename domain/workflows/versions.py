"""Compiled definitions of published versions, cached per process (versions never change)."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from uuid import UUID

from sqlalchemy import Connection, select
from sqlmodel import Session

from domain.errors import N_, NotFound
from domain.workflows.models import WorkflowDefinition, WorkflowVersion
from engine.load import compile_definition
from engine.model import Definition

_CACHE_SIZE = 512
_cache: OrderedDict[tuple[UUID, UUID], Definition] = OrderedDict()
_lock = Lock()


def definition_of(session: Session | Connection, tenant_id: UUID, version_id: UUID) -> Definition:
    """The compiled definition of a version (a published version's document never changes)."""
    key = (tenant_id, version_id)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    table = WorkflowVersion.__table__
    version = session.execute(select(table.c.document, table.c.status).where(
        table.c.tenant_id == tenant_id, table.c.id == version_id)).first()
    if version is None:
        raise NotFound(N_("The workflow version of this record no longer exists."))
    definition = compile_definition(version.document)
    if version.status != "draft":
        with _lock:
            _cache[key] = definition
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return definition


def earlier_definitions(session: Session | Connection, tenant_id: UUID, version_id: UUID) -> tuple[Definition, ...]:
    """The other published or archived versions of the same workflow, newest first, compiled:
    where a record's history names a state or transition its current version no longer has
    (it was moved to a newer version), the label comes from these."""
    table = WorkflowVersion.__table__
    same = select(table.c.definition_id).where(table.c.tenant_id == tenant_id, table.c.id == version_id)
    others = session.execute(select(table.c.id).where(
        table.c.tenant_id == tenant_id, table.c.definition_id == same.scalar_subquery(),
        table.c.id != version_id, table.c.status != "draft").order_by(table.c.number.desc())).scalars().all()
    return tuple(definition_of(session, tenant_id, other) for other in others)


def latest_published(session: Session, tenant_id: UUID, key: str) -> WorkflowVersion:
    """The newest published version of workflow `key` (what new records start on)."""
    version = session.scalars(
        select(WorkflowVersion)
        .join(WorkflowDefinition, (WorkflowDefinition.tenant_id == WorkflowVersion.tenant_id)
              & (WorkflowDefinition.id == WorkflowVersion.definition_id))
        .where(WorkflowVersion.tenant_id == tenant_id, WorkflowDefinition.key == key,
               WorkflowVersion.status == "published")
        .order_by(WorkflowVersion.number.desc()).limit(1)).first()
    if version is None:
        raise NotFound(N_("The workflow {key} has no published version; publish it first."), key=key)
    return version
