"""Signed-in browser sessions: issue a random token, restore a tab from it, record activity, revoke.

The browser keeps the token (a cookie); the database keeps only its SHA-256, so a copy of the table
(a backup, a leaked dump) signs nobody in, and a lookup by the digest compares nothing secret. Every
check reads the account as stored now: a session fails closed when its token is unknown, past its
absolute expiry, idle for longer than the time-out (measured on the server's last activity), revoked,
or when its account is switched off, deleted, or has another role than it signed in with.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from judging.core.permissions import Actor
from judging.errors import PermissionDenied, Problem
from judging.store.audit_log import record_event
from judging.store.guard import guarded
from judging.store.models import SessionToken, User, utcnow

TOKEN_BYTES = 32  # 256 random bits (secrets.token_urlsafe): not guessable, not enumerable

# Why a session ended; the shells show a text for each.
UNKNOWN = "unknown"  # no such token (tampered, from another installation, or its rows were removed)
EXPIRED = "expired"  # past its absolute lifetime (JUDGING_SESSION_HOURS)
IDLE = "idle"  # no activity for longer than the idle time-out
INACTIVE = "inactive"  # the account was switched off or deleted
ROLE_CHANGED = "role_changed"  # the account's role is not the one it signed in with
SIGN_OUT = "sign_out"  # the person signed out (in this tab or another tab of the browser)
ORGANISER = "organiser"  # an organiser signed the account out everywhere
DISABLED = "disabled"  # the account was switched off (revoked at that moment)
PASSWORD = "password"  # the account's password was changed or a new one issued


@dataclass(frozen=True)
class SessionCheck:
    """The outcome of checking a token: the account's actor as stored now, or why the session ended."""

    actor: Actor | None
    reason: str = ""  # "" when the session is good; else one of the reasons above

    @property
    def ok(self) -> bool:
        return self.actor is not None


def token_digest(token: str) -> str:
    """The stored form of a token: hex SHA-256. A token of 256 random bits needs no salt or slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def issue_session(session: Session, *, actor: Actor, hours: float, now: datetime | None = None) -> str:
    """A new session token for the account that has just signed in (its password, single sign-on or
    the first-run form was checked by the caller); returns the token, stores only its digest.

    Refused unless ``actor`` is an active account as stored now, under the same name and role.
    """
    now = now or utcnow()
    user = session.get(User, actor.id) if isinstance(actor, Actor) and actor.id else None
    if user is None or not user.active or user.username != actor.username or user.role != actor.role:
        raise PermissionDenied(Problem("trust.refused", {"action": "session.issue"}))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(SessionToken(user_id=user.id, token_hash=token_digest(token), role=user.role, created_at=now,
                             expires_at=now + timedelta(hours=hours), last_seen_at=now))
    session.flush()
    return token


def check_session(session: Session, *, token: str, idle_minutes: float, now: datetime | None = None) -> SessionCheck:
    """The actor of the session ``token`` when it is still good, else the reason it is not (reads only)."""
    now = now or utcnow()
    row = session.exec(select(SessionToken).where(SessionToken.token_hash == token_digest(token))).first() \
        if token else None
    if row is None:
        return SessionCheck(None, UNKNOWN)
    if row.revoked_at is not None:
        return SessionCheck(None, row.revoked_reason or SIGN_OUT)
    if _aware(row.expires_at) <= now:
        return SessionCheck(None, EXPIRED)
    if now - _aware(row.last_seen_at) > timedelta(minutes=idle_minutes):
        return SessionCheck(None, IDLE)
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return SessionCheck(None, INACTIVE)
    if user.role != row.role:
        return SessionCheck(None, ROLE_CHANGED)
    return SessionCheck(Actor(id=user.id, username=user.username, role=user.role, active=user.active))


def touch_session(session: Session, *, token: str, now: datetime | None = None) -> bool:
    """Record activity on a live session (its last-seen time); whether there was one to touch."""
    now = now or utcnow()
    result = session.execute(update(SessionToken)
                             .where(SessionToken.token_hash == token_digest(token), SessionToken.revoked_at.is_(None))
                             .values(last_seen_at=now))
    return result.rowcount > 0


def revoke_session(session: Session, *, token: str, reason: str, unless_seen_since: datetime | None = None,
                   now: datetime | None = None) -> bool:
    """End the session ``token`` (holding the token is the right to end it); whether it was live.

    With ``unless_seen_since`` it is ended only when nobody used it since then: a tab signed out for
    being idle does not end the session another tab of the same browser is working in.
    """
    now = now or utcnow()
    stmt = (update(SessionToken)
            .where(SessionToken.token_hash == token_digest(token), SessionToken.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason))
    if unless_seen_since is not None:
        stmt = stmt.where(SessionToken.last_seen_at < unless_seen_since)
    return session.execute(stmt).rowcount > 0


def revoke_user_sessions(session: Session, *, user_id: int, reason: str, now: datetime | None = None) -> int:
    """End every live session of the account ``user_id`` (switched off, new password); how many.

    Called by the guarded store functions that make such a change, in their transaction.
    """
    now = now or utcnow()
    result = session.execute(update(SessionToken)
                             .where(SessionToken.user_id == user_id, SessionToken.revoked_at.is_(None))
                             .values(revoked_at=now, revoked_reason=reason))
    return result.rowcount


@guarded("people.manage")
def sign_out_everywhere(session: Session, *, user_id: int, actor: Actor) -> int:
    """An organiser ends every session of an account (a lost laptop, a judge leaving the panel); how many."""
    ended = revoke_user_sessions(session, user_id=user_id, reason=ORGANISER)
    record_event(session, actor=actor, action="auth.signed_out_everywhere", subject=f"user:{user_id}",
                 payload={"sessions": ended})
    return ended


@guarded("people.read")
def live_session_counts(session: Session, *, actor: Actor, now: datetime | None = None) -> dict[int, int]:
    """How many sessions each account has that have not ended (revoked or expired), by account id."""
    now = now or utcnow()
    rows = session.exec(select(SessionToken.user_id, SessionToken.expires_at)
                        .where(SessionToken.revoked_at.is_(None)))
    counts: dict[int, int] = {}
    for user_id, expires_at in rows:
        if _aware(expires_at) > now:
            counts[user_id] = counts.get(user_id, 0) + 1
    return counts
