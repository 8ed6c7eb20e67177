"""Paper score sheets: the ids of printed sheets, and typing their scores in through the score store.

A sheet's id is the serial of its ``paper_sheet`` row (one per judge and entry of a round, the same
on every reprint) with its check character. Typed-in scores go through ``save_score`` and
``save_comment`` (checked and audited as every score is), after the rules of a paper sheet: the id
is one this database printed, it was not typed in before, the round is open and its list not
published, the entry is still the judge's without a conflict, the judge's online sheet is not
submitted and has no other score for a criterion, and every comment the rubric asks for is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from judging.core.paper_sheets import PrintedSheet, TypedSheet
from judging.core.permissions import Actor
from judging.core.rubric import Rubric
from judging.core.scoring import missing_comments
from judging.core.sheet_ids import parse_sheet_code, sheet_code
from judging.core.states import RoundStatus, SheetStatus
from judging.errors import Problem, ScoreError
from judging.store.audit_log import record_event, record_events
from judging.store.editions import get_round, round_rubric
from judging.store.guard import guarded
from judging.store.imports import (
    _write_scores as write_scores,  # the bulk writer of score files: save_score's rows
)
from judging.store.lifecycle import check_round_unpublished
from judging.store.models import Assignment, Conflict, Edition, Entry, Score, ScoreSheet, Track, User, utcnow
from judging.store.models_mail import PaperSheet
from judging.store.sheets import stable_order_key


@guarded("scores.import")
def print_sheets(session: Session, *, round_id: int, judge_id: int | None = None,
                 actor: Actor) -> tuple[Rubric, dict[str, list[PrintedSheet]]]:
    """The round's rubric and, per judge (user name), their sheets to print in their entry order:
    every assigned entry without a conflict, each with its id (made now for a sheet printed first)."""
    rnd = get_round(session, round_id)
    edition = session.get(Edition, rnd.edition_id)
    conflicted = select(Conflict.id).where(Conflict.judge_id == Assignment.judge_id,
                                           Conflict.entry_id == Assignment.entry_id).exists()
    stmt = (select(Assignment.judge_id, Assignment.entry_id, User.username, User.display_name, Entry.code,
                   Entry.title, Track.name_zh)
            .join(User, User.id == Assignment.judge_id).join(Entry, Entry.id == Assignment.entry_id)
            .join(Track, Track.id == Entry.track_id).where(Assignment.round_id == round_id, ~conflicted))
    if judge_id is not None:
        stmt = stmt.where(Assignment.judge_id == judge_id)
    rows = sorted(session.exec(stmt).all(),
                  key=lambda r: (r[2], stable_order_key(round_id=round_id, judge_id=r[0], entry_id=r[1])))
    existing = {(p.judge_id, p.entry_id): p for p in session.exec(select(PaperSheet).where(PaperSheet.round_id == round_id))}
    new = []
    for judge, entry, *_ in rows:
        if (judge, entry) not in existing:
            existing[(judge, entry)] = PaperSheet(round_id=round_id, judge_id=judge, entry_id=entry,
                                                  printed_by=actor.username)
            new.append(existing[(judge, entry)])
    session.add_all(new)
    session.flush()
    if rows:
        record_event(session, actor=actor, action="paper.printed", subject=f"round:{round_id}",
                     payload={"sheets": len(rows), "new_ids": len(new), "judge_id": judge_id})
    by_judge: dict[str, list[PrintedSheet]] = {}
    for judge, entry, username, display, code, title, track in rows:
        by_judge.setdefault(username, []).append(PrintedSheet(
            code=sheet_code(existing[(judge, entry)].id), edition=edition.name if edition else "",
            round_name=rnd.name, judge_username=username, judge_name=display, entry_code=code, entry_title=title,
            track=track, deadline=rnd.ends_on))
    return round_rubric(rnd), by_judge


@dataclass(frozen=True)
class PaperView:
    """A typed id as the form shows it back: whose sheet on which entry, and whether it is in already."""

    code: str
    round_id: int
    round_name: str
    judge_username: str
    judge_name: str
    entry_code: str
    entry_title: str
    typed_at: datetime | None
    typed_by: str
    rubric: Rubric


@guarded("scores.import")
def paper_sheet_view(session: Session, *, code: str, actor: Actor) -> PaperView:
    """The printed sheet of a typed id; ``ScoreError`` for a wrong form, a wrong check character or an
    id this database never printed."""
    sheet = _sheet_of(session, code)
    rnd = get_round(session, sheet.round_id)
    judge, entry = session.get(User, sheet.judge_id), session.get(Entry, sheet.entry_id)
    return PaperView(sheet_code(sheet.id), rnd.id, rnd.name, judge.username, judge.display_name, entry.code,
                     entry.title, sheet.typed_at, sheet.typed_by, round_rubric(rnd))


def _sheet_of(session: Session, code: str) -> PaperSheet:
    serial, problem = parse_sheet_code(code)
    if problem is not None:
        raise ScoreError(Problem(problem.code, problem.params, where=str(code).strip()[:40]))
    sheet = session.get(PaperSheet, serial)
    if sheet is None:
        raise ScoreError(Problem("paper.unknown_sheet", {"code": sheet_code(serial)}, where=sheet_code(serial)))
    return sheet


@guarded("scores.import")
def type_in_sheets(session: Session, *, sheets: list[TypedSheet], round_id: int | None = None,
                   actor: Actor) -> int:
    """Store the scores and comments of typed paper sheets and submit those sheets; all or nothing.

    ``ScoreError`` lists every problem by sheet id (and row of the typing file); nothing is stored
    then. ``round_id``, when given, is the round the file is for: a sheet of another round is refused.
    """
    problems: list[Problem] = []
    ready: list[tuple[TypedSheet, PaperSheet]] = []
    for typed in sheets:
        sheet, found = _sheet_problems(session, typed, round_id=round_id)
        problems.extend(Problem(p.code, p.params, where=sheet_code(typed.serial) if typed.serial else typed.code,
                                row=typed.row, column=p.column) for p in found)
        if sheet is not None and not found:
            ready.append((typed, sheet))
    if problems:
        raise ScoreError(problems)
    by_round: dict[int, list[tuple[TypedSheet, PaperSheet]]] = {}
    for typed, sheet in ready:
        by_round.setdefault(sheet.round_id, []).append((typed, sheet))
    for rid, typed_sheets in by_round.items():
        _store_round(session, rnd=get_round(session, rid), typed_sheets=typed_sheets, actor=actor)
    return len(ready)


def _store_round(session: Session, *, rnd, typed_sheets: list[tuple[TypedSheet, PaperSheet]], actor: Actor) -> None:
    """The scores and comments in bulk (the rows, versions and ``score.save``/``comment.save`` events
    ``save_score``/``save_comment`` would write one by one: a typing file of thousands of sheets holds
    SQLite's write lock for seconds, not minutes), then the sheets submitted and marked typed, one
    ``paper.typed`` event each."""
    check_round_unpublished(session, round_id=rnd.id)
    rows = [(sheet.judge_id, sheet.entry_id, key, value, typed.comments.get(key, ""))
            for typed, sheet in typed_sheets for key, value in typed.scores.items()]
    overall = {(sheet.judge_id, sheet.entry_id): typed.comments[""] for typed, sheet in typed_sheets
               if typed.comments.get("")}
    write_scores(session, rnd=rnd, rows=rows, actor=actor, overall=overall)
    pairs = {(sheet.judge_id, sheet.entry_id) for _, sheet in typed_sheets}
    now = utcnow()
    for online in session.exec(select(ScoreSheet).where(ScoreSheet.round_id == rnd.id)):
        if (online.judge_id, online.entry_id) in pairs:
            online.status, online.submitted_at, online.updated_at = SheetStatus.SUBMITTED, now, now
            session.add(online)
    events = []
    for typed, sheet in typed_sheets:
        sheet.typed_at, sheet.typed_by = now, actor.username
        session.add(sheet)
        events.append((actor, "paper.typed", f"round:{rnd.id}", {
            "sheet": sheet_code(sheet.id), "judge_id": sheet.judge_id, "entry_id": sheet.entry_id,
            "scores": typed.scores}))
    session.flush()
    record_events(session, events)


def _sheet_problems(session: Session, typed: TypedSheet, *, round_id: int | None) -> tuple[PaperSheet | None, list[Problem]]:
    # locked: two staff typing the same sheet at once (PostgreSQL) are one after the other, the second refused
    sheet = session.exec(select(PaperSheet).where(PaperSheet.id == typed.serial).with_for_update()).first()
    if sheet is None:
        return None, [Problem("paper.unknown_sheet", {"code": sheet_code(typed.serial) if typed.serial else typed.code})]
    if round_id is not None and sheet.round_id != round_id:
        other = get_round(session, sheet.round_id)
        return sheet, [Problem("paper.wrong_round", {"round": other.name})]
    if sheet.typed_at is not None:
        return sheet, [Problem("paper.typed_twice", {"at": f"{sheet.typed_at:%Y-%m-%d %H:%M}", "by": sheet.typed_by})]
    rnd = get_round(session, sheet.round_id)
    rubric = round_rubric(rnd)
    problems = []
    if rnd.status != RoundStatus.OPEN:
        problems.append(Problem("store.round_not_open", {"round": rnd.name}))
    where = (Assignment.round_id == sheet.round_id, Assignment.judge_id == sheet.judge_id,
             Assignment.entry_id == sheet.entry_id)
    if session.exec(select(Assignment.id).where(*where)).first() is None:
        problems.append(Problem("paper.not_assigned", {}))
    if session.exec(select(Conflict.id).where(Conflict.judge_id == sheet.judge_id,
                                              Conflict.entry_id == sheet.entry_id)).first() is not None:
        problems.append(Problem("store.in_conflict", {}))
    own = dict(round_id=sheet.round_id, judge_id=sheet.judge_id, entry_id=sheet.entry_id)
    online = session.exec(select(ScoreSheet.status).where(*(getattr(ScoreSheet, k) == v for k, v in own.items()))).first()
    if online == SheetStatus.SUBMITTED:
        problems.append(Problem("paper.submitted_online", {}))
    stored = dict(session.exec(select(Score.criterion, Score.value).where(
        *(getattr(Score, k) == v for k, v in own.items()))).all())
    for key, value in typed.scores.items():
        if key in stored and float(stored[key]) != float(value):
            problems.append(Problem("paper.differs_online", {"criterion": rubric.criterion(key).label.zh,
                                                             "online": f"{stored[key]:g}", "paper": f"{value:g}"}))
    missing = [k for k in rubric.criterion_keys if k not in typed.scores]
    if missing:
        problems.append(Problem("paper.score_missing", {"criterion": "、".join(rubric.criterion(k).label.zh for k in missing)}))
    need = missing_comments(scores=typed.scores, comments=typed.comments, rubric=rubric)
    if need:
        problems.append(Problem("paper.comment_required", {"criteria": "、".join(rubric.criterion(k).label.zh for k in need)}))
    return sheet, problems
