"""Server-side permission checks for store functions, and the marks of the ``permission.refused`` events.

Every store function that reads or writes protected data carries ``@guarded(action)``: the
``Actor`` it is called with is checked against the account as stored now (it must exist under that
id and name, and be active) and against the table in ``judging.core.permissions``. Anything that
is not such an actor (a bare name, an empty string, None, a deleted account) is refused: access
fails closed. A refusal raises ``PermissionDenied``; the session helpers (``write_session`` and
``read_session`` in ``judging.store.db``) record its ``permission.refused`` event in a transaction of
its own once the refused one has rolled back, so that the refusal itself is never lost.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from sqlmodel import Session

from judging.core.permissions import ANY, OWN, ROLES, SYSTEM_ROLE, Actor, actor_name, scope
from judging.errors import PermissionDenied, Problem
from judging.store.models import User

F = TypeVar("F", bound=Callable)

# Inside an authorised store call, the store functions it calls itself are not checked again
# (``declare_conflict`` by a judge calls ``add_conflict``, which is an organiser's action).
_authorised: ContextVar[bool] = ContextVar("judging_authorised", default=False)


def checked_role(session: Session, actor: object) -> tuple[str | None, str]:
    """The role ``actor`` holds now, or None with the reason it holds none.

    A trusted shell holds ``system``. An account must still exist with the same id and name and be
    active; its role is the stored one (an organiser demoted mid-request loses the rights at once).
    """
    if not isinstance(actor, Actor):
        return None, "unknown_actor"
    if actor.role == SYSTEM_ROLE:
        return (SYSTEM_ROLE, "") if actor.is_trusted_shell else (None, "unknown_actor")
    if actor.id is None:
        return None, "unknown_actor"
    user = session.get(User, actor.id)
    if user is None or user.username != actor.username:
        return None, "unknown_actor"
    if not (user.active and actor.active):
        return None, "inactive"
    if user.role not in ROLES:  # a role written past the store (or a shell's) grants nothing
        return None, "unknown_role"
    return user.role, ""


def refuse(*, actor: object, action: str, reason: str, detail: dict | None = None,
           problem: Problem | None = None) -> PermissionDenied:
    """A ``PermissionDenied`` that the session helpers will record as a ``permission.refused`` event."""
    exc = PermissionDenied(problem or Problem("trust.refused", {"action": action}))
    _mark(exc, actor=actor, action=action, reason=reason, detail=detail)
    return exc


def _mark(exc: PermissionDenied, *, actor: object, action: str, reason: str, detail: dict | None) -> None:
    if getattr(exc, "refusal", None) is None:
        exc.refusal = {"actor": actor_name(actor), "action": action, "reason": reason,
                       "problem": exc.problems[0].code if exc.problems else "", **(detail or {})}
        exc.refusal_recorded = False


def authorize(session: Session, *, actor: object, action: str, judge_id: int | None = None,
              round_id: int | None = None, entry_id: int | None = None) -> str:
    """Raise ``PermissionDenied`` unless ``actor`` may do ``action``; returns the actor's role.

    For a judge (scope OWN) the object must be their own sheet: ``judge_id`` is their account. The
    rules of the sheet itself (assigned, no conflict, open round, not submitted) are the store
    function's own (``judging.core.sheets.check_may_score``).
    """
    role, reason = checked_role(session, actor)
    detail = {k: v for k, v in (("judge_id", judge_id), ("round_id", round_id), ("entry_id", entry_id)) if v is not None}
    if role is None:
        raise refuse(actor=actor, action=action, reason=reason, detail=detail)
    granted = scope(role, action)
    if granted is None:
        raise refuse(actor=actor, action=action, reason=f"role:{role}", detail=detail)
    if granted == OWN and (judge_id is None or judge_id != actor.id):
        raise refuse(actor=actor, action=action, reason="not_own_sheet", detail=detail)
    assert granted in (ANY, OWN)
    return role


def guarded(action: str, *, unassigned_action: str | None = None) -> Callable[[F], F]:
    """Check ``action`` for the call's ``actor`` before running a store function (see ``authorize``).

    ``unassigned_action`` is checked instead when the call passes ``enforce_assignment=False``: a
    write that skips the judge's assignment and round checks (paper sheets typed in) is not a
    judge's own sheet any more. Every ``PermissionDenied`` the function raises itself (frozen
    rubric, conflict, closed round ...) is marked for a ``permission.refused`` event too.
    """
    def decorate(function: F) -> F:
        signature = inspect.signature(function)
        if "actor" not in signature.parameters or signature.parameters["actor"].default is not inspect.Parameter.empty:
            raise TypeError(f"{function.__qualname__}: a guarded store function takes a required actor")

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if _authorised.get():
                return function(*args, **kwargs)
            bound = signature.bind_partial(*args, **kwargs).arguments
            session, actor = bound["session"], bound.get("actor")
            where = {k: bound.get(k) for k in ("judge_id", "round_id", "entry_id")}
            checked = action
            if unassigned_action is not None and not bound.get("enforce_assignment", True):
                checked = unassigned_action
            authorize(session, actor=actor, action=checked, **where)
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
