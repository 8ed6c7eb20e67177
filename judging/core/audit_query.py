"""What the audit log is asked for: who, what kind, which entry and judge, and when; the times as typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from judging.errors import AuditLogError, Problem


@dataclass(frozen=True)
class LogQuery:
    """A filter of the audit log; every field left empty matches everything.

    ``kinds`` holds actions (``score.save``) or their groups (``score``); ``entry_ids`` and
    ``entry_codes`` name one entry (its ids in every edition and its code, as payloads refer to it
    either way); ``until`` is exclusive.
    """

    who: tuple[str, ...] = ()  # usernames of the actors
    kinds: tuple[str, ...] = ()
    entry_ids: tuple[int, ...] = ()
    entry_codes: tuple[str, ...] = ()
    judge_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def parse_moment(text: str, *, end: bool = False) -> datetime | None:
    """``2026-11-23`` or ``2026-11-23T08:00`` (UTC unless an offset is given) as an aware datetime; a bare
    date as its end (the next midnight) when ``end``, so that ``--until 2026-11-23`` includes that day."""
    text = text.strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError as exc:
        raise AuditLogError(Problem("alog.bad_date", {"value": text})) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_range(since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and since > until:
        raise AuditLogError(Problem("alog.bad_range", {"since": since.isoformat(timespec="minutes"),
                                                       "until": until.isoformat(timespec="minutes")}))
