"""Column helpers shared by every area's tables: UTC time, timezone-aware timestamp fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp() -> Any:
    """A `timestamptz` field defaulting to now (UTC)."""
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
