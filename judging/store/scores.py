"""A round's scores as a whole: the score frame, counts, versions, sheet states and vetoes."""

from __future__ import annotations

from operator import itemgetter

import pandas as pd
from sqlalchemy import (
    func,
    literal,
)
from sqlmodel import Session, select

from judging.core.permissions import Actor
from judging.core.round_data import RoundData
from judging.errors import NotFound, Problem
from judging.store.editions import get_round, round_rubric
from judging.store.guard import guarded
from judging.store.models import (
    Assignment,
    AuditEvent,
    Comment,
    Conflict,
    Entry,
    Round,
    Score,
    ScoreSheet,
    Track,
    User,
    Veto,
)


def _fetch_rows(session: Session, stmt) -> list[tuple]:
    """The rows of a select of plain columns as tuples, read through the driver's own cursor.

    For the tens of thousands of scores of a national round: SQLAlchemy's result rows cost as much
    as the query itself (``benchmarks/monitor.py``).
    """
    session.flush()  # what this session added is in the result, as with session.execute
    connection = session.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args = tuple(params[name] for name in compiled.positiontup) if compiled.positional else params
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        return list(cursor.fetchall())
    finally:
        cursor.close()


@guarded("scores.read")
def load_scores_frame(session: Session, *, round_id: int, include_conflicted: bool = False,
                      actor: Actor) -> pd.DataFrame:
    """The round's scores in long format: ``judge_id, entry_id, criterion, score, track, round, comment,
    overall_comment`` (the sheet's overall comment on each of its rows).

    Ids are the external ones (username, entry code). Scores of a judge on an entry they are in
    conflict with are left out unless ``include_conflicted``.
    """
    rnd = get_round(session, round_id)
    rows = _fetch_rows(session, (
        select(User.username, Entry.code, Score.criterion, Score.value, Track.key, Score.judge_id, Score.entry_id)
        .join(User, User.id == Score.judge_id)
        .join(Entry, Entry.id == Score.entry_id)
        .join(Track, Track.id == Entry.track_id)
        .where(Score.round_id == round_id)
    ))
    if not include_conflicted and rows:
        conflicted = set(_fetch_rows(session, select(Conflict.judge_id, Conflict.entry_id)
                                     .join(Entry, Entry.id == Conflict.entry_id)
                                     .where(Entry.edition_id == rnd.edition_id)))
        rows = [row for row in rows if (row[5], row[6]) not in conflicted]
    comments = dict(((j, e, c), text_value) for j, e, c, text_value in _fetch_rows(
        session, select(Comment.judge_id, Comment.entry_id, Comment.criterion, Comment.text)
        .where(Comment.round_id == round_id)))
    # plain lists first, one DataFrame at the end: pandas is slow at growing and iterating text columns
    judge_ids, entry_codes, criteria, values, tracks, judges, entries = (
        list(map(itemgetter(i), rows)) for i in range(7))
    frame = pd.DataFrame({
        "judge_id": judge_ids, "entry_id": entry_codes, "criterion": criteria,
        "score": pd.Series(values, dtype=float), "track": tracks, "round": [rnd.key] * len(rows),
        "comment": [comments.get(key, "") for key in zip(judges, entries, criteria, strict=True)],
        "overall_comment": [comments.get((j, e, ""), "") for j, e in zip(judges, entries, strict=True)],
    }, dtype=None if rows else object)
    if not rows:
        frame["score"] = frame["score"].astype(float)
    return frame.sort_values(["entry_id", "judge_id", "criterion"], kind="stable").reset_index(drop=True)


@guarded("scores.read")
def count_scores(session: Session, *, round_id: int, actor: Actor) -> int:
    return session.exec(select(func.count()).select_from(Score).where(Score.round_id == round_id)).one()


# the audit events of the writes that change a round's ranking inputs
INPUT_EVENTS = ("score.save", "score.clear", "veto.save", "veto.clear", "conflict.add", "conflicts.auto",
                "entries.import", "round.rubric", "round.rubric_new_version", "round.update")


@guarded("scores.read")
def round_score_version(session: Session, *, round_id: int, actor: Actor) -> tuple:
    """A value that changes whenever the round's ``round_data`` could: its scores (how many, their
    versions, newest id and update time), its vetoes, the edition's conflicts and entries, and the
    round's method and rubric.

    One query, read on every tick of the progress monitor, which refits the ranking only when this
    changes. A score changed, cleared or added changes the count, the version sum, the newest id or
    the newest score event; update times alone could miss a write from a replica whose clock is behind.
    """
    scores = select(func.count(Score.id), func.coalesce(func.sum(Score.version), 0), func.max(Score.id),
                    func.max(Score.updated_at)).where(Score.round_id == round_id).subquery()
    conflicts = (select(func.count(Conflict.id), func.max(Conflict.id))
                 .join(Entry, Entry.id == Conflict.entry_id)
                 .join(Round, Round.edition_id == Entry.edition_id)
                 .where(Round.id == round_id).subquery())
    vetoes = select(func.count(Veto.id), func.max(Veto.id)).where(Veto.round_id == round_id).subquery()
    entries = (select(func.count(Entry.id), func.max(Entry.id))
               .join(Round, Round.edition_id == Entry.edition_id).where(Round.id == round_id).subquery())
    # SQLite hands a deleted highest row id out again: a score cleared and another saved could leave
    # count, version sum and newest id as they were; the newest event of such a write only ever grows
    # (a veto's reason changes in place, so its event is what shows the change)
    events = (select(func.max(AuditEvent.id))
              .where(AuditEvent.action.in_(INPUT_EVENTS)).scalar_subquery())
    row = session.execute(
        select(scores, conflicts, vetoes, entries, events, Round.method, Round.rubric_json)
        .select_from(Round).join(scores, literal(True)).join(conflicts, literal(True))
        .join(vetoes, literal(True)).join(entries, literal(True))
        .where(Round.id == round_id)
    ).first()
    if row is None:
        raise NotFound(Problem("store.not_found", {"what": "round", "id": round_id}))
    return tuple(row)


@guarded("scores.read")
def sheet_status_rows(session: Session, *, round_id: int, actor: Actor) -> list[dict]:
    """One row per assigned (judge, entry) with the number of criteria scored and the sheet status.

    Read straight from the database on every call (the monitoring page refreshes from it).
    """
    rnd = get_round(session, round_id)
    conflicted = set(session.exec(select(Conflict.judge_id, Conflict.entry_id).join(Entry, Entry.id == Conflict.entry_id)
                                  .where(Entry.edition_id == rnd.edition_id)).all())
    scored = {
        (j, e): n for j, e, n in session.exec(
            select(Score.judge_id, Score.entry_id, func.count()).where(Score.round_id == round_id)
            .group_by(Score.judge_id, Score.entry_id))
    }
    status = {(s.judge_id, s.entry_id): s.status
              for s in session.exec(select(ScoreSheet).where(ScoreSheet.round_id == round_id))}
    stmt = (select(Assignment.judge_id, Assignment.entry_id, User.username, User.display_name, Entry.code,
                   Entry.title, Track.key, Track.name_zh)
            .join(User, User.id == Assignment.judge_id).join(Entry, Entry.id == Assignment.entry_id)
            .join(Track, Track.id == Entry.track_id).where(Assignment.round_id == round_id))
    rows = []
    for judge_id, entry_id, username, display, code, title, track, track_name in session.exec(stmt):
        if (judge_id, entry_id) in conflicted:
            continue
        rows.append({"judge_id": judge_id, "entry_id": entry_id, "judge": username, "judge_name": display,
                     "entry": code, "title": title, "track": track, "track_name": track_name,
                     "scored": scored.get((judge_id, entry_id), 0), "status": status.get((judge_id, entry_id), "")})
    return rows


def entries_frame(session: Session, *, edition_id: int) -> pd.DataFrame:
    """``entry_id, track, title, organisation, recommending_unit`` of an edition (ids are entry codes)."""
    rows = session.exec(
        select(Entry.code, Track.key, Entry.title, Entry.organisation, Entry.recommending_unit)
        .join(Track, Track.id == Entry.track_id).where(Entry.edition_id == edition_id).order_by(Entry.code)
    ).all()
    return pd.DataFrame(rows, columns=["entry_id", "track", "title", "organisation", "recommending_unit"])


@guarded("scores.read")
def vetoes_frame(session: Session, *, round_id: int, include_conflicted: bool = False, actor: Actor) -> pd.DataFrame:
    """The round's vetoes: ``entry_id, judge_id, veto_key, reason`` (entry codes and user names). Like
    their scores, the vetoes of a judge in conflict with the entry are left out unless ``include_conflicted``."""
    stmt = (select(Entry.code, User.username, Veto.veto_key, Veto.reason)
            .join(Entry, Entry.id == Veto.entry_id).join(User, User.id == Veto.judge_id)
            .where(Veto.round_id == round_id).order_by(Entry.code, User.username, Veto.veto_key))
    if not include_conflicted:
        stmt = stmt.where(~select(Conflict.id).where(Conflict.judge_id == Veto.judge_id,
                                                     Conflict.entry_id == Veto.entry_id).exists())
    rows = session.exec(stmt).all()
    return pd.DataFrame(rows, columns=["entry_id", "judge_id", "veto_key", "reason"])


@guarded("scores.read")
def round_data(session: Session, *, round_id: int, actor: Actor) -> RoundData:
    """Everything the round's ranking needs, as stored now: the one read behind every ranking."""
    rnd = get_round(session, round_id)
    # read before the rows: a write in between makes the next read differ, never a stale pair
    version = round_score_version(session, round_id=round_id, actor=actor)
    rubric = round_rubric(rnd)
    scores = load_scores_frame(session, round_id=round_id, actor=actor)
    return RoundData(round_id=rnd.id, round_key=rnd.key, method=rnd.method, rubric=rubric, scores=scores,
                     vetoes=vetoes_frame(session, round_id=round_id, actor=actor),
                     entries=entries_frame(session, edition_id=rnd.edition_id), version=version)
