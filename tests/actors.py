"""Actors for the tests: an account's actor as a shell resolves it at the start of a request.

Imported as ``actors`` (``pythonpath = ["tests"]`` in pyproject.toml). The trusted shells' actors
(``SYSTEM``, ``CLI``, ``DEMO``) come from ``judging.core.permissions`` itself.
"""

from __future__ import annotations

from sqlmodel import Session, select

from judging.core.permissions import Actor
from judging.store.models import User
from judging.store.people import resolve_actor

NO_SUCH_ID = -1


def as_user(session: Session, username: str) -> Actor:
    """The actor of the account ``username``; for a name with no account, an actor that no account
    matches (the store refuses it), never a trusted one."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        return Actor(id=NO_SUCH_ID, username=username, role="organiser")
    return resolve_actor(session, user_id=user.id)
