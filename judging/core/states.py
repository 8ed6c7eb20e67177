"""The states of the domain's objects, each with the key of its text in the translation table.

Stored as their values (plain text columns); comparing a member with its text is equal, so rows
read back compare with the members directly.
"""

from __future__ import annotations

from enum import StrEnum


class RoundStatus(StrEnum):
    """Where a round (初评, 复评, 终评) stands: judges score only while it is open."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def text_key(self) -> str:
        return f"oc.status.{self.value}"


class SheetStatus(StrEnum):
    """A stored score sheet: a draft the judge still changes, or submitted (locked)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class SheetProgress(StrEnum):
    """How far a judge is with one sheet, as their entry list shows it."""

    NOT_STARTED = "not_started"  # no score stored yet
    IN_PROGRESS = "in_progress"  # some criteria scored, or a required comment missing
    COMPLETE = "complete"  # ready to submit
    SUBMITTED = "submitted"

    @property
    def text_key(self) -> str:
        return f"state.{self.value}"


class LiveState(StrEnum):
    """An entry in a live final (路演答辩): waiting its turn, open to the panel, or closed."""

    WAITING = ""
    OPEN = "open"
    CLOSED = "closed"

    @property
    def text_key(self) -> str:
        return f"oc.live.state_{self.value or 'waiting'}"
