"""Tables of the workflow area. An instance's `state` is written by `perform` only."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import BigInteger, Column, DateTime, Index, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from domain.columns import timestamp


class WorkflowDefinition(SQLModel, table=True):
    __tablename__ = "workflow_definitions"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    key: str = Field(max_length=63)
    subject: str = Field(max_length=30)
    name: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    created_by: UUID | None = None
    created_at: datetime = timestamp()
    archived: bool = False


class WorkflowVersion(SQLModel, table=True):
    __tablename__ = "workflow_versions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "definition_id", "number"),
        Index("ux_workflow_versions_one_draft", "tenant_id", "definition_id", unique=True,
              postgresql_where=text("status = 'draft'")),
    )
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    definition_id: UUID
    number: int
    status: str = Field(default="draft", max_length=20)  # draft | published | archived
    document: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    checksum: str = Field(max_length=64)
    author_id: UUID | None = None
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    published_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    published_by: UUID | None = None


class WorkflowInstance(SQLModel, table=True):
    __tablename__ = "workflow_instances"
    __table_args__ = (
        UniqueConstraint("tenant_id", "subject_type", "subject_id"),
        Index("ix_workflow_instances_board", "tenant_id", "version_id", "state"),
    )
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    definition_id: UUID
    version_id: UUID  # pinned: the instance moves through this version until migrated
    subject_type: str = Field(max_length=30)
    subject_id: UUID
    state: str = Field(max_length=63)
    state_entered_at: datetime = timestamp()
    creator_id: UUID | None = None
    assignee_id: UUID | None = None
    vendor_id: UUID | None = None
    priority: str = Field(default="normal", max_length=10)
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    version: int = Field(default=1, sa_type=BigInteger)  # row version for optimistic locking
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    updated_by: str = Field(default="", max_length=320)
    record_number: int | None = Field(default=None, sa_type=BigInteger)  # the owning record's (immutable) number


class TransitionRecord(SQLModel, table=True):
    """Append-only history of an instance's transitions."""

    __tablename__ = "workflow_history"
    __table_args__ = (Index("ix_workflow_history_instance", "tenant_id", "instance_id", "at"),)
    tenant_id: UUID = Field(primary_key=True)  # its tenant through its instance (migration 0014)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    instance_id: UUID
    transition_id: str = Field(max_length=63)
    from_state: str = Field(max_length=63)
    to_state: str = Field(max_length=63)
    actor_id: UUID | None = None
    actor_label: str = Field(default="", max_length=320)
    inputs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    comment: str | None = None
    at: datetime = timestamp()


class SlaLedgerEntry(SQLModel, table=True):
    """Start / pause / resume / stop of an instance's SLA clocks, as `fire` reported them."""

    __tablename__ = "workflow_sla_ledger"
    __table_args__ = (Index("ix_workflow_sla_ledger_instance", "tenant_id", "instance_id", "sla_key", "at"),)
    tenant_id: UUID = Field(primary_key=True)  # its tenant through its instance (migration 0014)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    instance_id: UUID
    sla_key: str = Field(max_length=80)
    kind: str = Field(max_length=10)
    at: datetime = timestamp()


class OutboxMessage(SQLModel, table=True):
    """Side effects that leave the transaction (notifications, webhooks), delivered later."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "tenant_id", "delivered_at", "due_at"),)
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    kind: str = Field(max_length=20)  # notify | webhook
    payload: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime = timestamp()
    due_at: datetime = timestamp()
    attempts: int = 0
    delivered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_keys"
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True, max_length=200)
    request_hash: str = Field(max_length=64)
    response: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime = timestamp()
