"""The one clock of the stored rows: timezone-aware UTC (a module of its own, so that every table
module can use it without importing the others)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
