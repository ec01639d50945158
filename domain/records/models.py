"""Tables of the records area (migration 0004).

A record (request, project, asset) owns one workflow instance (`subject_id` = the
record's id); its field values live in the instance's `fields`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import BigInteger, Column, DateTime, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from domain.columns import timestamp


class Building(SQLModel, table=True):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str = Field(max_length=200)
    code: str = Field(default="", max_length=30)
    address: str = Field(default="", max_length=500)
    created_at: datetime = timestamp()


class RecordType(SQLModel, table=True):
    """A kind of record people create (maintenance, change, incident, …), bound to a workflow."""

    __tablename__ = "record_types"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "key"),)
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    kind: str = Field(max_length=20)  # request | project | asset | vendor
    key: str = Field(max_length=63)
    name: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    workflow_key: str = Field(max_length=63)
    active: bool = True
    created_at: datetime = timestamp()


class RecordCounter(SQLModel, table=True):
    __tablename__ = "record_counters"
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(primary_key=True, max_length=20)
    last: int = Field(default=0, sa_type=BigInteger)


class Record(SQLModel, table=True):
    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "number"),)
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    kind: str = Field(max_length=20)
    type_key: str = Field(max_length=63)
    number: int = Field(sa_type=BigInteger)
    tags: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String(60)), nullable=False))
    created_by: UUID | None = None
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class Comment(SQLModel, table=True):
    __tablename__ = "comments"
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    subject_type: str = Field(max_length=30)
    subject_id: UUID
    author_id: UUID | None = None
    author_label: str = Field(max_length=320)
    body: str
    created_at: datetime = timestamp()
    edited_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class SavedView(SQLModel, table=True):
    """A list's filters and sort under a name: the owner's, or shared with the tenant."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("tenant_id", "owner_id", "kind", "name"),)
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    owner_id: UUID
    kind: str = Field(max_length=20)
    name: str = Field(max_length=80)
    query: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    shared: bool = False
    created_at: datetime = timestamp()


class BoardSettings(SQLModel, table=True):
    """How a board looks for everyone in the tenant: WIP limits per column (state id -> count)."""

    __tablename__ = "board_settings"
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(primary_key=True, max_length=20)
    workflow_key: str = Field(primary_key=True, max_length=63)
    wip: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    updated_at: datetime = timestamp()
