"""Tables of identity and access: tenants, users, memberships, roles, vendors, sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Column, DateTime, ForeignKeyConstraint, Index, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from domain.columns import timestamp


class Tenant(SQLModel, table=True):
    __tablename__ = "tenants"
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str = Field(max_length=200)
    slug: str = Field(max_length=63, unique=True)
    status: str = Field(default="active", max_length=20)  # active | suspended
    is_platform: bool = Field(default=False)
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    created_at: datetime = timestamp()


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    email: str = Field(max_length=320, unique=True)  # stored lower-case
    name: str = Field(max_length=200)
    status: str = Field(default="active", max_length=20)  # active | disabled
    kind: str = Field(default="staff", max_length=20)  # staff | vendor
    locale: str | None = Field(default=None, max_length=10)
    theme: str = Field(default="auto", max_length=10)  # light | dark | auto
    password_hash: str = Field(max_length=512)
    must_change_password: bool = Field(default=False)
    is_platform_admin: bool = Field(default=False)
    created_at: datetime = timestamp()
    password_changed_at: datetime = timestamp()
    last_login_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        Index("ix_memberships_user", "user_id"),
        ForeignKeyConstraint(["tenant_id", "vendor_id"], ["vendors.tenant_id", "vendors.id"], ondelete="RESTRICT"),
    )
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    user_id: UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    vendor_id: UUID | None = Field(default=None)
    status: str = Field(default="active", max_length=20)  # active | disabled
    created_at: datetime = timestamp()


class Role(SQLModel, table=True):
    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    key: str = Field(max_length=63)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=500)
    is_system: bool = Field(default=False)
    created_at: datetime = timestamp()


class RolePermission(SQLModel, table=True):
    __tablename__ = "role_permissions"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "role_id"], ["roles.tenant_id", "roles.id"], ondelete="CASCADE"),
    )
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    role_id: UUID = Field(primary_key=True)
    permission: str = Field(primary_key=True, max_length=80)


class MembershipRole(SQLModel, table=True):
    __tablename__ = "membership_roles"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "membership_id"], ["memberships.tenant_id", "memberships.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "role_id"], ["roles.tenant_id", "roles.id"], ondelete="CASCADE"),
    )
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    membership_id: UUID = Field(primary_key=True)
    role_id: UUID = Field(primary_key=True)


class Vendor(SQLModel, table=True):
    __tablename__ = "vendors"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)
    tenant_id: UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="CASCADE")
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str = Field(max_length=200)
    trades: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    status: str = Field(default="active", max_length=20)  # onboarding | active | suspended
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    created_at: datetime = timestamp()


class LoginAttempt(SQLModel, table=True):
    """Global: throttling must work before anyone knows the tenant."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_time", "email", "created_at"),
        Index("ix_login_attempts_ip_time", "ip", "created_at"),
    )
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    email: str = Field(max_length=320)
    ip: str = Field(max_length=64)
    succeeded: bool
    created_at: datetime = timestamp()


class UserSession(SQLModel, table=True):
    """Global: a signed-in browser. Only the token's sha256 is stored."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user", "user_id"),)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    current_tenant_id: UUID | None = Field(default=None, foreign_key="tenants.id", ondelete="SET NULL")
    ip: str = Field(default="", max_length=64)
    created_at: datetime = timestamp()
    last_seen_at: datetime = timestamp()
    ended_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
