"""A round's award settings in the database: every saved version (the form and the TOML upload write
the same rows), the one in force, and the refusal to change them once the round's list is published.

Each save is a new version with an audit event carrying the whole settings; nothing is overwritten.
A round without a saved version uses ``default_round_awards()``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from judging.core.award_settings import (
    RoundAwards,
    default_round_awards,
    parse_round_awards,
    round_awards_from_json,
)
from judging.core.permissions import Actor
from judging.errors import PermissionDenied, Problem, StaleWriteError
from judging.store.audit_log import record_event
from judging.store.editions import get_round, round_rubric
from judging.store.guard import guarded
from judging.store.models import Publication, RoundAwardSettings

SOURCES = ("form", "toml")


@dataclass(frozen=True)
class StoredAwards:
    """The award settings in force for a round and their version (0: never saved, the default)."""

    version: int
    awards: RoundAwards
    created_by: str = ""


def _latest(session: Session, round_id: int) -> RoundAwardSettings | None:
    return session.exec(select(RoundAwardSettings).where(RoundAwardSettings.round_id == round_id)
                        .order_by(RoundAwardSettings.version.desc()).limit(1)).first()


@guarded("scores.read")
def award_settings_of(session: Session, *, round_id: int, actor: Actor) -> StoredAwards:
    """The round's award settings in force: its latest saved version, or the default."""
    get_round(session, round_id)
    row = _latest(session, round_id)
    if row is None:
        return StoredAwards(0, default_round_awards())
    return StoredAwards(row.version, round_awards_from_json(row.settings_json, source=f"round {round_id}"),
                        row.created_by)


@guarded("scores.read")
def award_settings_history(session: Session, *, round_id: int, actor: Actor) -> list[RoundAwardSettings]:
    """Every saved version of the round's award settings, newest first."""
    return list(session.exec(select(RoundAwardSettings).where(RoundAwardSettings.round_id == round_id)
                             .order_by(RoundAwardSettings.version.desc())))


@guarded("edition.manage")
def save_award_settings(session: Session, *, round_id: int, awards: RoundAwards, based_on: int,
                        source: str = "form", actor: Actor) -> StoredAwards:
    """Save ``awards`` as the round's next version.

    ``based_on`` is the version the organiser edited: a save over a version saved meanwhile (another
    tab, another organiser) is refused rather than silently replacing it. Refused once the round's
    list is published (公示 or frozen): the list stands on the settings it was computed with. The tie
    break chain is checked against the round's rubric.
    """
    if source not in SOURCES:
        raise ValueError(f"not a source of award settings: {source}")
    rnd = get_round(session, round_id)
    if session.exec(select(Publication.id).where(Publication.round_id == round_id)).first() is not None:
        raise PermissionDenied(Problem("aws.round_published", {"round": rnd.name}))
    checked = parse_round_awards(awards.to_mapping(), criteria=round_rubric(rnd).criterion_keys)
    current = session.exec(select(func.max(RoundAwardSettings.version))
                           .where(RoundAwardSettings.round_id == round_id)).one() or 0
    if based_on != current:
        raise StaleWriteError(Problem("aws.stale", {"version": current, "based_on": based_on}),
                              current_version=current)
    text = checked.to_json()
    row = RoundAwardSettings(round_id=round_id, version=current + 1, settings_json=text, source=source,
                             created_by=actor.username)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # another save took the same version number at the same moment
        raise StaleWriteError(Problem("aws.stale", {"version": current + 1, "based_on": based_on}),
                              current_version=current + 1) from exc
    record_event(session, actor=actor, action="round.award_settings", subject=f"round:{round_id}",
                 payload={"version": row.version, "source": source, "settings": checked.to_mapping(),
                          "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
    return StoredAwards(row.version, checked, actor.username)
