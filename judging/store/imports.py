"""Storing imports: entries, judges (with their automatic conflicts) and long-format scores.

Each function checks the whole input first (with the core parsers, against what the database
already holds) and writes only when nothing is wrong, inside the caller's ``write_session``; an
error raised half-way rolls the whole transaction back, so an import is all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import insert, update
from sqlmodel import Session, select

from judging.core.import_matches import (
    MATCH_CHOICES,
    REFUSE,
    UPDATE,
    UPDATED_FIELDS,
    DuplicateEntries,
    EntryMatch,
    find_entry_matches,
    fresh_codes,
)
from judging.core.imports import check_entries, check_judges, organisation_conflicts
from judging.core.permissions import Actor, Role
from judging.core.scoring import score_problem
from judging.core.states import SheetStatus
from judging.core.uploads import check_upload_size
from judging.errors import ImportValidationError, Problem, ScoreError
from judging.store.assignment import assign, conflicts_of
from judging.store.audit_log import record_event, record_events
from judging.store.editions import get_round, round_rubric, tracks_of
from judging.store.guard import guarded
from judging.store.lifecycle import check_edition_open_to_entries, round_write
from judging.store.models import (
    Assignment,
    Comment,
    Conflict,
    Entry,
    Score,
    ScoreSheet,
    Track,
    User,
    stored_id,
    utcnow,
)
from judging.store.people import create_user, list_judges

JUDGE_ROLE = Role.JUDGE


@dataclass(frozen=True)
class ImportOutcome:
    imported: int  # entries or judges inserted
    conflicts: int  # automatic conflicts (回避) recorded
    updated: int = 0  # entries already in the edition that the file updated
    notes: tuple[Problem, ...] = ()  # what was read differently, e.g. a header found below a title row


@dataclass(frozen=True)
class ScoresOutcome:
    rows: int  # rows in the file
    changed: int  # scores or comments that were new or different
    assignments: int  # assignments created for pairs that had none


@dataclass(frozen=True)
class EntryImportPlan:
    """What an entry file would import: its records (ids as they would be stored), the rows that are
    already entries of the edition, or the problems that stop it."""

    records: list[dict[str, str]] = field(default_factory=list)
    matches: list[EntryMatch] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # e.g. the header found below a title row


def _entry_plan(session: Session, *, edition_id: int, data: bytes) -> EntryImportPlan:
    tracks = tracks_of(session, edition_id)
    existing = [{"code": c, "title": t, "organisation": o} for c, t, o in session.exec(
        select(Entry.code, Entry.title, Entry.organisation).where(Entry.edition_id == edition_id))]
    codes = {e["code"] for e in existing}
    report = check_entries(data, tracks=tracks, existing_ids=codes)
    if any(p.code != "import.id_exists" for p in report.problems):  # these stop the file, as before
        return EntryImportPlan(problems=report.problems)
    if not report.problems and not find_entry_matches(report.records, existing, ids_in_file=()):
        return EntryImportPlan(report.records, notes=report.notes)  # nothing of it is in the edition yet: the usual case
    # Rows the edition has: read the file without the edition's ids (so ids it has are matches, not
    # problems), then with every id it holds, so that exactly the ids the file gives come back as taken
    rows = check_entries(data, tracks=tracks, existing_ids=())
    if rows.problems:
        return EntryImportPlan(problems=rows.problems)
    probe = check_entries(data, tracks=tracks, existing_ids={r["code"] for r in rows.records})
    given = {str(p.params["value"]) for p in probe.problems if p.code == "import.id_exists"}
    records = [r | {GIVEN_ID: r["code"] in given} for r in rows.records]
    numbered = _numbered(records, taken=codes | given)
    return EntryImportPlan(numbered, find_entry_matches(numbered, existing, ids_in_file=given), notes=rows.notes)


GIVEN_ID = "_id_in_file"  # whether a record's id came from the file (else it is numbered <track>-NNN)


def _numbered(records: list[dict], *, taken: set[str]) -> list[dict]:
    """The records with the rows without an id numbered afresh after the ids ``taken``."""
    return fresh_codes(records, taken=taken, renew={i for i, r in enumerate(records, start=1)
                                                    if not r.get(GIVEN_ID, True)})


@guarded("people.manage")
def entry_import_plan(session: Session, *, edition_id: int, data: bytes, actor: Actor) -> EntryImportPlan:
    """Check an entry file against the edition without storing anything: the imports page's preview."""
    check_upload_size(name="", size=len(data))
    return _entry_plan(session, edition_id=edition_id, data=data)


@guarded("people.manage")
def import_entries(session: Session, *, edition_id: int, data: bytes, on_match: str = REFUSE,
                   actor: Actor) -> ImportOutcome:
    """Check an entry file against the edition and insert every entry, or raise ``ImportValidationError``.

    Rows that are already entries of the edition (same id, or same title and organisation) stop the
    import with ``DuplicateEntries`` listing them row by row, unless ``on_match`` says what to do:
    ``update`` writes the file's values into the entries found (their ids stay) and adds the other
    rows; ``add`` adds every row as a new entry (a row whose id is taken gets a new one). Conflicts
    with judges already in the system (same organisation or recommending unit) are recorded in the
    same transaction.
    """
    if on_match not in MATCH_CHOICES:
        raise ValueError(f"not a choice for entries already in the edition: {on_match}")
    check_upload_size(name="", size=len(data))
    check_edition_open_to_entries(session, edition_id=edition_id)
    plan = _entry_plan(session, edition_id=edition_id, data=data)
    if plan.problems:
        raise ImportValidationError(plan.problems)
    if plan.matches and on_match == REFUSE:
        raise DuplicateEntries(plan.matches)
    tracks = tracks_of(session, edition_id)
    matched = {m.position: m for m in plan.matches}
    taken = set(session.exec(select(Entry.code).where(Entry.edition_id == edition_id)))
    if on_match == UPDATE:  # the rows found keep their entries' ids; the others are numbered without them
        changed = [dict(r) | {"code": matched[i].existing_code} for i, r in enumerate(plan.records, start=1)
                   if i in matched]
        _update_entries(session, edition_id=edition_id, tracks=tracks, records=changed, actor=actor)
        rest = [r for i, r in enumerate(plan.records, start=1) if i not in matched]
        new = _numbered(rest, taken=taken | {r["code"] for r in rest if r.get(GIVEN_ID, True)})
    else:  # every row is new: one whose id the edition has gets a new one
        new = fresh_codes(plan.records, taken=taken, renew={m.position for m in plan.matches if m.by == "id"})
        changed = []
    count = _insert_entries(session, edition_id=edition_id, tracks=tracks, records=new, actor=actor)
    conflicts = _add_conflicts(session, edition_id=edition_id, judges=list_judges(session, actor=actor),
                               entries=new + changed, actor=actor)
    return ImportOutcome(count, conflicts, len(changed), notes=tuple(plan.notes))


def _update_entries(session: Session, *, edition_id: int, tracks: list[Track], records: list[dict],
                    actor: Actor) -> None:
    """Write the file's values into entries of the edition (by code), with the old values in one audit event."""
    if not records:
        return
    track_ids = {t.key: stored_id(t) for t in tracks}
    track_keys = {t.id: t.key for t in tracks}
    entries = {e.code: e for e in session.exec(select(Entry).where(
        Entry.edition_id == edition_id, Entry.code.in_([r["code"] for r in records])))}
    changes = {}
    for record in records:
        entry = entries[record["code"]]
        before = {name: track_keys[entry.track_id] if name == "track" else getattr(entry, name)
                  for name in UPDATED_FIELDS}
        diff = {name: {"old": before[name], "new": record.get(name, "")} for name in UPDATED_FIELDS
                if record.get(name, "") != before[name]}
        if not diff:
            continue
        for name, value in diff.items():
            if name == "track":
                entry.track_id = track_ids[value["new"]]
            else:
                setattr(entry, name, value["new"])
        session.add(entry)
        changes[entry.code] = diff
    session.flush()
    record_event(session, actor=actor, action="entries.update", subject=f"edition:{edition_id}",
                 payload={"count": len(records), "changed": changes})


def _insert_entries(session: Session, *, edition_id: int, tracks: list[Track], records: list[dict], actor: Actor) -> int:
    """``add_entries`` as one multi-row INSERT: building 10,000 ORM objects takes seconds, this a fraction."""
    track_ids = {t.key: stored_id(t) for t in tracks}
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
    report = check_judges(data, tracks=tracks, existing_usernames=existing)
    if report.problems:
        raise ImportValidationError(report.problems)
    records = report.records
    for record in records:
        fields = {k: v for k, v in record.items() if k not in ("username", "display_name")}
        create_user(session, username=record["username"], display_name=record["display_name"],
                         role=JUDGE_ROLE, actor=actor, **fields)
    stmt = select(Entry)
    if edition_id is not None:
        stmt = stmt.where(Entry.edition_id == edition_id)
    conflicts = _add_conflicts(session, edition_id=edition_id, judges=records, entries=list(session.exec(stmt)),
                               actor=actor)
    return ImportOutcome(len(records), conflicts, notes=tuple(report.notes))


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
@round_write
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
    problems: list[Problem] = []
    rows = []
    overall: dict[tuple[int, int], str] = {}  # (judge, entry) -> the sheet's overall comment, the same on its rows
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
            text_value = getattr(row, "overall_comment", "") or ""
            if text_value and overall.setdefault((judge_id, entry_id), text_value) != text_value:
                problems.append(Problem("scores.overall_comment_differs", {"judge": row.judge_id,
                                                                          "entry": row.entry_id}, where=where))
    if problems:
        raise ScoreError(problems)

    assigned = set(session.exec(
        select(Assignment.judge_id, Assignment.entry_id).where(Assignment.round_id == round_id)
    ))
    missing = sorted({(j, e) for j, e, *_ in rows} - assigned)
    if missing:
        assign(session, round_id=round_id, pairs=missing, actor=actor)
    changed = _write_scores(session, rnd=rnd, rows=rows, actor=actor, overall=overall)
    return ScoresOutcome(len(frame), changed, len(missing))


def _write_scores(session: Session, *, rnd, rows: list[tuple], actor: Actor,
                  overall: dict[tuple[int, int], str] | None = None) -> int:
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
    events, touched, comment_rows = [], set(), []
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
        comment_rows.append((judge_id, entry_id, criterion, comment))
    # the sheets' overall comments (criterion ""), after the criteria's, as save_comment would write them
    comment_rows.extend((j, e, "", text_value) for (j, e), text_value in sorted((overall or {}).items()))
    for judge_id, entry_id, criterion, comment in comment_rows:
        key = (judge_id, entry_id, criterion)
        pair = {"round_id": round_id, "judge_id": judge_id, "entry_id": entry_id, "criterion": criterion}
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
