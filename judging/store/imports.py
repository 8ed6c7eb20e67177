"""Storing imports: entries, judges (with their automatic conflicts) and long-format scores.

Each function checks the whole input first (with the core parsers, against what the database
already holds) and writes only when nothing is wrong, inside the caller's ``write_session``; an
error raised half-way rolls the whole transaction back, so an import is all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import insert, update
from sqlmodel import Session, select

from judging.core.imports import organisation_conflicts, parse_entries, parse_judges
from judging.core.permissions import Actor, Role
from judging.core.scoring import score_problem
from judging.core.states import SheetStatus
from judging.core.uploads import check_upload_size
from judging.errors import Problem, ScoreError
from judging.store.assignment import assign, conflicts_of
from judging.store.audit_log import record_event, record_events
from judging.store.editions import get_round, round_rubric, tracks_of
from judging.store.guard import guarded
from judging.store.models import Assignment, Comment, Conflict, Entry, Score, ScoreSheet, Track, User, utcnow
from judging.store.people import create_user, list_judges

JUDGE_ROLE = Role.JUDGE


@dataclass(frozen=True)
class ImportOutcome:
    imported: int  # entries or judges inserted
    conflicts: int  # automatic conflicts (回避) recorded


@dataclass(frozen=True)
class ScoresOutcome:
    rows: int  # rows in the file
    changed: int  # scores or comments that were new or different
    assignments: int  # assignments created for pairs that had none


@guarded("people.manage")
def import_entries(session: Session, *, edition_id: int, data: bytes, actor: Actor) -> ImportOutcome:
    """Check an entry file against the edition and insert every entry, or raise ``ImportValidationError``.

    Conflicts with judges already in the system (same organisation or recommending unit) are
    recorded in the same transaction.
    """
    check_upload_size(name="", size=len(data))
    tracks = tracks_of(session, edition_id)
    existing = set(session.exec(select(Entry.code).where(Entry.edition_id == edition_id)))
    records = parse_entries(data, tracks=tracks, existing_ids=existing)
    count = _insert_entries(session, edition_id=edition_id, tracks=tracks, records=records, actor=actor)
    conflicts = _add_conflicts(session, edition_id=edition_id, judges=list_judges(session, actor=actor), entries=records,
                               actor=actor)
    return ImportOutcome(count, conflicts)


def _insert_entries(session: Session, *, edition_id: int, tracks: list[Track], records: list[dict], actor: Actor) -> int:
    """``add_entries`` as one multi-row INSERT: building 10,000 ORM objects takes seconds, this a fraction."""
    track_ids = {t.key: t.id for t in tracks}
    fields = [name for name in Entry.model_fields if name not in ("id", "edition_id", "track_id")]
    rows = [{"edition_id": edition_id, "track_id": track_ids[r["track"]]} | {k: r.get(k, "") for k in fields}
            for r in records]
    if rows:
        session.execute(insert(Entry), rows)
    record_event(session, actor=actor, action="entries.import", subject=f"edition:{edition_id}",
                      payload={"count": len(rows)})
    return len(rows)


@guarded("people.manage")
def import_judges(session: Session, *, data: bytes, edition_id: int | None = None, actor: Actor) -> ImportOutcome:
    """Check a judge file and create each judge as a user with the judge role, or raise.

    With an edition, expertise that names one of its tracks becomes the track key, and conflicts
    with that edition's entries are recorded; without one, conflicts with the entries of every edition.
    """
    check_upload_size(name="", size=len(data))
    tracks = tracks_of(session, edition_id) if edition_id is not None else []
    existing = set(session.exec(select(User.username)))
    records = parse_judges(data, tracks=tracks, existing_usernames=existing)
    for record in records:
        fields = {k: v for k, v in record.items() if k not in ("username", "display_name")}
        create_user(session, username=record["username"], display_name=record["display_name"],
                         role=JUDGE_ROLE, actor=actor, **fields)
    stmt = select(Entry)
    if edition_id is not None:
        stmt = stmt.where(Entry.edition_id == edition_id)
    conflicts = _add_conflicts(session, edition_id=edition_id, judges=records, entries=list(session.exec(stmt)),
                               actor=actor)
    return ImportOutcome(len(records), conflicts)


def _add_conflicts(
    session: Session, *, edition_id: int | None, judges: Iterable, entries: Iterable, actor: Actor
) -> int:
    """Insert the automatic conflicts between ``judges`` and ``entries`` not yet recorded (one audit event)."""
    found = organisation_conflicts(entries, judges)
    if not found:
        return 0
    user_ids = dict(session.exec(select(User.username, User.id).where(User.username.in_({c.judge for c in found}))).all())
    entry_stmt = select(Entry.code, Entry.id).where(Entry.code.in_({c.entry for c in found}))
    if edition_id is not None:
        entry_stmt = entry_stmt.where(Entry.edition_id == edition_id)
    entry_ids: dict[str, list[int]] = {}
    for code, entry_id in session.exec(entry_stmt):
        entry_ids.setdefault(code, []).append(entry_id)
    existing = set(session.exec(
        select(Conflict.judge_id, Conflict.entry_id).where(Conflict.judge_id.in_(set(user_ids.values())))
    ))
    rows = []
    now = utcnow()
    for conflict in found:
        for entry_id in entry_ids.get(conflict.entry, ()):
            pair = (user_ids[conflict.judge], entry_id)
            if pair not in existing:
                existing.add(pair)
                rows.append({"judge_id": pair[0], "entry_id": entry_id, "source": conflict.source,
                             "reason": conflict.organisation, "created_at": now})
    if rows:
        session.execute(insert(Conflict), rows)
        record_event(session, actor=actor, action="conflicts.auto", subject=f"edition:{edition_id or '*'}",
                          payload={"count": len(rows), "pairs": [[r["judge_id"], r["entry_id"]] for r in rows]})
    return len(rows)


# --- scores ------------------------------------------------------------------------------------

@guarded("scores.import")
def import_scores(session: Session, round_id: int, frame: pd.DataFrame, actor: Actor) -> ScoresOutcome:
    """Upsert a long-format score frame (from ``read_scores_csv``) into a round.

    Every row is checked first: the judge and entry exist (entry in the round's edition), the
    round and track columns (when filled) match, the score fits the round's rubric, and the pair
    is not in conflict. Then missing assignments are created, and only scores and comments that
    differ are written, versioned and audited as ``save_score``/``save_comment`` would (in bulk:
    a round of a few thousand scores imports in a second or two). An empty comment leaves a stored
    comment as it is; submitted sheets are updated too (the organiser's import is the record). Raises ``ScoreError`` listing every problem.
    """
    rnd = get_round(session, round_id)
    rubric = round_rubric(rnd)
    judges = dict(session.exec(select(User.username, User.id).where(User.username.in_(set(frame["judge_id"])))).all())
    entries = {
        code: (entry_id, track)
        for code, entry_id, track in session.exec(
            select(Entry.code, Entry.id, Track.key).join(Track, Track.id == Entry.track_id)
            .where(Entry.edition_id == rnd.edition_id, Entry.code.in_(set(frame["entry_id"])))
        )
    }
    conflicted = {(c.judge_id, c.entry_id) for c in conflicts_of(session, rnd.edition_id)}
    problems = []
    rows = []
    for row in frame.itertuples(index=False):
        where = f"{row.judge_id} × {row.entry_id} × {row.criterion}"
        found = []
        judge_id = judges.get(row.judge_id)
        entry_id, track = entries.get(row.entry_id, (None, None))
        if judge_id is None:
            found.append(Problem("scores.unknown_judge", {"value": row.judge_id}, column="judge_id"))
        if entry_id is None:
            found.append(Problem("scores.unknown_entry", {"value": row.entry_id}, column="entry_id"))
        if getattr(row, "round", "") and row.round != rnd.key:
            found.append(Problem("scores.wrong_round", {"value": row.round, "round": rnd.key}, column="round"))
        if track is not None and getattr(row, "track", "") and row.track != track:
            found.append(Problem("scores.wrong_track", {"value": row.track, "track": track}, column="track"))
        problem = score_problem(rubric=rubric, criterion=row.criterion, value=float(row.score))
        if problem is not None:
            found.append(Problem(problem.code, problem.params, column="score"))
        if (judge_id, entry_id) in conflicted:
            found.append(Problem("scores.in_conflict", {"judge": row.judge_id, "entry": row.entry_id}))
        problems.extend(Problem(p.code, p.params, where=where, column=p.column) for p in found)
        if not found:
            rows.append((judge_id, entry_id, row.criterion, float(row.score), getattr(row, "comment", "") or ""))
    if problems:
        raise ScoreError(problems)

    assigned = set(session.exec(
        select(Assignment.judge_id, Assignment.entry_id).where(Assignment.round_id == round_id)
    ))
    missing = sorted({(j, e) for j, e, *_ in rows} - assigned)
    if missing:
        assign(session, round_id=round_id, pairs=missing, actor=actor)
    changed = _write_scores(session, rnd=rnd, rows=rows, actor=actor)
    return ScoresOutcome(len(frame), changed, len(missing))


def _write_scores(session: Session, *, rnd, rows: list[tuple], actor: Actor) -> int:
    """Insert or update the scores and comments that differ, in bulk, with the rows and audit events
    ``save_score``/``save_comment`` would have written one by one (versions, sheets, frozen rubric)."""
    round_id = rnd.id
    scores = {
        (j, e, c): (score_id, value, version)
        for score_id, j, e, c, value, version in session.exec(
            select(Score.id, Score.judge_id, Score.entry_id, Score.criterion, Score.value, Score.version)
            .where(Score.round_id == round_id)
        )
    }
    comments = {
        (j, e, c): (comment_id, text, version)
        for comment_id, j, e, c, text, version in session.exec(
            select(Comment.id, Comment.judge_id, Comment.entry_id, Comment.criterion, Comment.text, Comment.version)
            .where(Comment.round_id == round_id)
        )
    }
    now = utcnow()
    subject = f"round:{round_id}"
    inserts: dict[type, list[dict]] = {Score: [], Comment: []}
    updates: dict[type, list[dict]] = {Score: [], Comment: []}
    events, touched = [], set()
    for judge_id, entry_id, criterion, value, comment in rows:
        key = (judge_id, entry_id, criterion)
        pair = {"round_id": round_id, "judge_id": judge_id, "entry_id": entry_id, "criterion": criterion}
        old_id, old, version = scores.get(key, (None, None, 0))
        if old != value:
            if old_id is None:
                inserts[Score].append(pair | {"value": value, "version": 1, "updated_at": now})
            else:
                updates[Score].append({"id": old_id, "value": value, "version": version + 1, "updated_at": now})
            events.append((actor, "score.save", subject, {"judge_id": judge_id, "entry_id": entry_id,
                           "criterion": criterion, "old": old, "value": value, "version": version + 1}))
            touched.add((judge_id, entry_id))
        old_id, old_text, version = comments.get(key, (None, None, 0))
        if comment and old_text != comment:
            if old_id is None:
                inserts[Comment].append(pair | {"text": comment, "version": 1, "updated_at": now})
            else:
                updates[Comment].append({"id": old_id, "text": comment, "version": version + 1, "updated_at": now})
            events.append((actor, "comment.save", subject, {"judge_id": judge_id, "entry_id": entry_id,
                           "criterion": criterion, "text": comment, "version": version + 1}))
            touched.add((judge_id, entry_id))
    if not events:
        return 0
    for table in (Score, Comment):
        if inserts[table]:
            session.execute(insert(table), inserts[table])
        if updates[table]:
            session.execute(update(table), updates[table])
    sheets = {
        (j, e): sheet_id for j, e, sheet_id in session.exec(
            select(ScoreSheet.judge_id, ScoreSheet.entry_id, ScoreSheet.id).where(ScoreSheet.round_id == round_id))
    }
    new_sheets = [{"round_id": round_id, "judge_id": j, "entry_id": e, "status": SheetStatus.DRAFT, "updated_at": now}
                  for j, e in sorted(touched) if (j, e) not in sheets]
    old_sheets = [{"id": sheets[p], "updated_at": now} for p in sorted(touched) if p in sheets]
    if new_sheets:
        session.execute(insert(ScoreSheet), new_sheets)
    if old_sheets:
        session.execute(update(ScoreSheet), old_sheets)
    record_events(session, events)
    if not rnd.rubric_frozen:
        rnd.rubric_frozen = True  # as the first save_score would
        session.add(rnd)
    session.flush()
    return len(events)
