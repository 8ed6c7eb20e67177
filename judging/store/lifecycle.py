"""A round's lifecycle in the database: the writes a published or frozen list refuses, and the
timeline of its transitions (draft → open → closed → published → frozen, reopenings) from the audit trail.

A published list stands on the round's scores, vetoes, conflicts, rubric and settings: once it is
published (公示) or frozen, no store function may change them. ``round_write`` marks the store
functions that write to one round; the 公示 workflow itself (tier changes, objections, the panel's
decisions) goes on until the list is frozen and checks that itself.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session, select

from judging.core.lifecycle import Transition, transitions
from judging.core.permissions import Actor
from judging.errors import PermissionDenied, Problem
from judging.store.guard import guarded
from judging.store.models import AuditEvent, Publication, Round, RoundEntry, Score

F = TypeVar("F", bound=Callable)
TIMELINE_ACTIONS = ("round.create", "round.update", "publication.publish", "publication.freeze", "publication.reopen")


def _publication_status(session: Session, round_id: int) -> str:
    status = session.exec(select(Publication.status).where(Publication.round_id == round_id)).first()
    return status or ""


def check_round_unpublished(session: Session, *, round_id: int) -> None:
    """Refuse a write to a round whose list is published or frozen, saying which."""
    status = _publication_status(session, round_id)
    if status:
        rnd = session.get(Round, round_id)
        key = "lifecycle.round_frozen" if status == "frozen" else "lifecycle.round_published"
        raise PermissionDenied(Problem(key, {"round": rnd.name if rnd else round_id}))


def round_write(function: F) -> F:
    """Mark a store function that writes to the round named by its ``round_id``: refused once that
    round's list is published (公示) or frozen. Put it under ``@guarded`` (access is checked first)."""
    signature = inspect.signature(function)
    if "round_id" not in signature.parameters:
        raise TypeError(f"{function.__qualname__}: a round write takes a round_id")

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        bound = signature.bind_partial(*args, **kwargs).arguments
        check_round_unpublished(bound["session"], round_id=bound["round_id"])
        return function(*args, **kwargs)

    wrapper.round_write = True
    return wrapper  # type: ignore[return-value]


def check_edition_open_to_entries(session: Session, *, edition_id: int) -> None:
    """Refuse new or changed entries in an edition whose round of every entry (a round without its own
    list of entries: the first) has a published list: they would join or change that list's round."""
    rounds = session.exec(select(Round.id).where(Round.edition_id == edition_id)).all()
    with_own = set(session.exec(select(RoundEntry.round_id).where(RoundEntry.round_id.in_(rounds))).all())
    for round_id in rounds:
        if round_id not in with_own:
            check_round_unpublished(session, round_id=round_id)


def check_conflict_leaves_lists_alone(session: Session, *, judge_id: int, entry_id: int) -> None:
    """Refuse a conflict that would withdraw a judge's scores from a published list (the judge scored
    the entry in a round whose list is published or frozen)."""
    scored = session.exec(select(Score.round_id).where(Score.judge_id == judge_id, Score.entry_id == entry_id)
                          .distinct()).all()
    for round_id in scored:
        check_round_unpublished(session, round_id=round_id)


@guarded("audit.read")
def round_timeline(session: Session, *, edition_id: int, actor: Actor) -> list[Transition]:
    """Every transition of the edition's rounds, oldest first, from the audit trail."""
    rounds = {r.id: r.name for r in session.exec(select(Round).where(Round.edition_id == edition_id))}
    publications = {p.id: p.round_id for p in session.exec(select(Publication).where(
        Publication.edition_id == edition_id))}
    subjects = [f"round:{i}" for i in rounds] + [f"publication:{i}" for i in publications]
    if not subjects:
        return []
    events = session.exec(select(AuditEvent).where(AuditEvent.action.in_(TIMELINE_ACTIONS),
                                                   AuditEvent.subject.in_(subjects)).order_by(AuditEvent.id))
    rows = [(e.at, e.actor, e.action, e.subject, json.loads(e.payload or "{}")) for e in events]
    return [t for t in transitions(rows, publication_rounds=publications) if t.round_id in rounds]

