"""Sign-in counters in the database (shared by every replica): check, count a failure, clear on success."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from judging.core.signin_limits import ADDRESS, USER, Counter, after_failure, remaining_lock
from judging.store.models import LoginThrottle, utcnow
from judging.store.repo import record_event

KEY_LENGTH = 200  # longer user names or addresses are cut: nobody gets a new counter by padding


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _keys(username: str, address: str | None) -> list[tuple[str, str]]:
    keys = [(USER, username.strip().lower()[:KEY_LENGTH])]
    if address:
        keys.append((ADDRESS, address[:KEY_LENGTH]))
    return keys


def _row(session: Session, kind: str, key: str, *, lock: bool = False) -> LoginThrottle | None:
    stmt = select(LoginThrottle).where(LoginThrottle.kind == kind, LoginThrottle.key == key)
    return session.exec(stmt.with_for_update() if lock else stmt).first()


def locked_for(session: Session, *, username: str, address: str | None, now: datetime | None = None):
    """The longest remaining lock of the user name and the address (a zero timedelta when neither is locked)."""
    now = now or utcnow()
    remaining = [
        remaining_lock(Counter(row.failures, _aware(row.window_start), _aware(row.locked_until)), now)
        for kind, key in _keys(username, address) if (row := _row(session, kind, key)) is not None
    ]
    return max(remaining, default=remaining_lock(None, now))


def record_failure(session: Session, *, username: str, address: str | None, now: datetime | None = None) -> None:
    """Count a failed sign-in for the user name and the address (row-locked: replicas count together)."""
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for kind, key in _keys(username, address):
        session.execute(make_insert(LoginThrottle).values(kind=kind, key=key, failures=0, window_start=now)
                        .on_conflict_do_nothing(index_elements=["kind", "key"]))
        row = _row(session, kind, key, lock=True)
        counter = after_failure(Counter(row.failures, _aware(row.window_start), _aware(row.locked_until)),
                                kind=kind, now=now)
        newly_locked = counter.locked_until is not None and _aware(row.locked_until) != counter.locked_until
        row.failures, row.window_start, row.locked_until = counter.failures, counter.window_start, counter.locked_until
        session.add(row)
        if newly_locked:
            record_event(session, actor=username[:KEY_LENGTH], action="auth.locked", subject=f"{kind}:{key}",
                         payload={"failures": counter.failures, "until": counter.locked_until.isoformat()})
    record_event(session, actor=username[:KEY_LENGTH], action="auth.failed", subject=f"address:{address or ''}")
    session.flush()


def clear_user_failures(session: Session, *, username: str) -> None:
    """A successful sign-in forgets the user name's failures (not the address's: others share it)."""
    row = _row(session, USER, username.strip().lower()[:KEY_LENGTH], lock=True)
    if row is not None:
        session.delete(row)
        session.flush()
