"""Server-side permission checks for store functions, and the ``permission.refused`` audit events.

Store functions that change something carry ``@guarded(action)``: the ``actor`` they are called
with is looked up (its role as stored now, and whether it is active) and checked against the table
in ``judging.core.permissions``. A refusal raises ``PermissionDenied``; the session helpers
(``write_session``/``read_session``) record a ``permission.refused`` event for it in a transaction
of its own once the refused one has rolled back, so that the refusal itself is never lost.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from judging.core.permissions import OWN, SYSTEM_ROLE, scope
from judging.errors import PermissionDenied, Problem
from judging.store.models import User

F = TypeVar("F", bound=Callable)

# Inside an authorised store call, the store functions it calls itself are not checked again
# (``declare_conflict`` by a judge calls ``add_conflict``, which is an organiser's action).
_authorised: ContextVar[bool] = ContextVar("judging_authorised", default=False)


def actor_role(session: Session, actor: str) -> tuple[User | None, str | None]:
    """The account named ``actor`` and its role; a name with no account is a trusted shell (``system``).

    An inactive account has no role (None): it may do nothing.
    """
    user = session.exec(select(User).where(User.username == actor)).first()
    if user is None:
        return None, SYSTEM_ROLE
    return user, (user.role if user.active else None)


def refuse(*, actor: str, action: str, reason: str, detail: dict | None = None,
           problem: Problem | None = None) -> PermissionDenied:
    """A ``PermissionDenied`` that the session helpers will record as a ``permission.refused`` event."""
    exc = PermissionDenied(problem or Problem("trust.refused", {"action": action}))
    _mark(exc, actor=actor, action=action, reason=reason, detail=detail)
    return exc


def _mark(exc: PermissionDenied, *, actor: str, action: str, reason: str, detail: dict | None) -> None:
    if getattr(exc, "refusal", None) is None:
        exc.refusal = {"actor": actor, "action": action, "reason": reason,
                       "problem": exc.problems[0].code if exc.problems else "", **(detail or {})}
        exc.refusal_recorded = False


def authorize(session: Session, *, actor: str, action: str, judge_id: int | None = None,
              round_id: int | None = None, entry_id: int | None = None, check_sheet: bool = False) -> str:
    """Raise ``PermissionDenied`` unless ``actor`` may do ``action``; returns the actor's role.

    For a judge (scope OWN) the object must be their own sheet: ``judge_id`` is their account;
    with ``check_sheet`` also assigned, without a conflict, in an open round, not yet submitted.
    """
    user, role = actor_role(session, actor)
    detail = {k: v for k, v in (("judge_id", judge_id), ("round_id", round_id), ("entry_id", entry_id)) if v is not None}
    if role is None:
        raise refuse(actor=actor, action=action, reason="inactive", detail=detail)
    granted = scope(role, action)
    if granted is None:
        raise refuse(actor=actor, action=action, reason=f"role:{role}", detail=detail)
    if granted == OWN:
        if judge_id is None or user is None or judge_id != user.id:
            raise refuse(actor=actor, action=action, reason="not_own_sheet", detail=detail)
        if check_sheet and round_id is not None and entry_id is not None:
            from judging.store.editions import get_round
            from judging.store.sheets import check_judge_may_score

            try:
                check_judge_may_score(session, rnd=get_round(session, round_id), judge_id=judge_id, entry_id=entry_id)
            except PermissionDenied as exc:
                _mark(exc, actor=actor, action=action, reason="sheet_rule", detail=detail)
                raise
    return role


def guarded(action: str, *, check_sheet: bool = False, unassigned_action: str | None = None) -> Callable[[F], F]:
    """Check ``action`` for the call's ``actor`` before running a store function (see ``authorize``).

    ``unassigned_action`` is checked instead when the call passes ``enforce_assignment=False``: a
    write that skips the judge's assignment and round checks (paper sheets typed in) is not a
    judge's own sheet any more. Every ``PermissionDenied`` the function raises itself (frozen
    rubric, conflict, closed round ...) is marked for a ``permission.refused`` event too.
    """
    def decorate(function: F) -> F:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if _authorised.get():
                return function(*args, **kwargs)
            bound = signature.bind_partial(*args, **kwargs).arguments
            session, actor = bound["session"], bound.get("actor", "")
            where = {k: bound.get(k) for k in ("judge_id", "round_id", "entry_id")}
            checked = action
            if unassigned_action is not None and not bound.get("enforce_assignment", True):
                checked = unassigned_action
            authorize(session, actor=actor, action=checked, check_sheet=check_sheet and checked == action, **where)
            token = _authorised.set(True)
            try:
                return function(*args, **kwargs)
            except PermissionDenied as exc:
                _mark(exc, actor=actor, action=checked, reason="rule",
                      detail={k: v for k, v in where.items() if v is not None})
                raise
            finally:
                _authorised.reset(token)

        wrapper.guarded_action = action
        return wrapper  # type: ignore[return-value]
    return decorate


def record_refusal(engine: Engine, exc: BaseException) -> None:
    """Record the ``permission.refused`` event of a marked refusal once (its own short transaction)."""
    refusal = getattr(exc, "refusal", None)
    if refusal is None or getattr(exc, "refusal_recorded", True):
        return
    from judging.store.audit_log import record_event
    from judging.store.db import write_session

    with write_session(engine) as session:
        record_event(session, actor=refusal["actor"], action="permission.refused",
                     subject=refusal["action"], payload=refusal)
    exc.refusal_recorded = True  # only once it is stored: a refusal whose event failed is tried again
