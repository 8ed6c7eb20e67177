"""A judge's score sheets: save, clear, submit and reopen, and the judge's own reads of them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Float,
    Integer,
    String,
    bindparam,
    case,
    cast,
    literal,
    literal_column,
    null,
    or_,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from judging.core.permissions import Actor, Person
from judging.core.rubric import Rubric
from judging.core.scoring import check_score, missing_comments, sheet_complete, weighted_total
from judging.core.sheet_rules import DECLARING, SheetFacts, check_may_score
from judging.core.states import LiveState, RoundStatus, SheetProgress, SheetStatus
from judging.errors import NotFound, PermissionDenied, Problem, ScoreError, StaleWriteError
from judging.store.assignment import add_conflict
from judging.store.audit_log import record_event
from judging.store.editions import entry_as_seen, get_round, round_rubric
from judging.store.guard import guarded
from judging.store.lifecycle import round_write
from judging.store.models import (
    Assignment,
    Comment,
    Conflict,
    Entry,
    PanelMember,
    Round,
    RoundEntry,
    Score,
    ScoreSheet,
    Track,
    User,
    Veto,
    utcnow,
)


@guarded("sheet.read")
def assigned_entries(session: Session, *, round_id: int, judge_id: int, actor: Actor) -> list[Entry]:
    """The entries a judge is assigned in a round, without those they are in conflict with."""
    conflicted = select(Conflict.entry_id).where(Conflict.judge_id == judge_id)
    stmt = (
        select(Entry)
        .join(Assignment, Assignment.entry_id == Entry.id)
        .where(Assignment.round_id == round_id, Assignment.judge_id == judge_id, Entry.id.not_in(conflicted))
        .order_by(Entry.code)
    )
    return list(session.exec(stmt))


_FACTS: dict[tuple[bool, bool], object] = {}  # the facts' statements, built once (see _facts_statement)


def _facts_statement(*, enforce_assignment: bool, locking: bool):
    """The round, whether the entry is assigned and unconflicted, and the judge's sheet row, in one
    statement with the ids as parameters. ``locking``: only where the sheet row exists (an inner join),
    which it locks (``FOR UPDATE OF score_sheet`` on PostgreSQL; SQLite has one writer)."""
    key = (enforce_assignment, locking)
    if key not in _FACTS:
        round_id, judge_id, entry_id = (bindparam(name, type_=Integer) for name in ("round_id", "judge_id", "entry_id"))
        assigned: ColumnElement[bool] = select(Assignment.id).where(
            Assignment.round_id == round_id, Assignment.judge_id == judge_id, Assignment.entry_id == entry_id
        ).exists()
        conflict: ColumnElement[bool] = select(Conflict.id).where(
            Conflict.judge_id == judge_id, Conflict.entry_id == entry_id).exists()
        if not enforce_assignment:
            assigned, conflict = literal(True), literal(False)
        on = (ScoreSheet.round_id == Round.id) & (ScoreSheet.judge_id == judge_id) & (ScoreSheet.entry_id == entry_id)
        stmt = select(Round, assigned, conflict, ScoreSheet)
        stmt = stmt.join(ScoreSheet, on) if locking else stmt.outerjoin(ScoreSheet, on)
        stmt = stmt.where(Round.id == round_id)
        if locking:  # read again, not taken from the session: another transaction may have changed it meanwhile
            stmt = stmt.with_for_update(of=ScoreSheet).execution_options(populate_existing=True)
        _FACTS[key] = stmt
    return _FACTS[key]


def _facts_of(row) -> tuple[Round, SheetFacts, ScoreSheet | None]:
    rnd, is_assigned, in_conflict, sheet = row
    facts = SheetFacts(round_name=rnd.name, round_open=rnd.status == RoundStatus.OPEN, assigned=bool(is_assigned),
                       in_conflict=bool(in_conflict), submitted=sheet is not None and sheet.status == SheetStatus.SUBMITTED)
    return rnd, facts, sheet


def sheet_facts(
    session: Session, *, round_id: int, judge_id: int, entry_id: int, enforce_assignment: bool = True
) -> tuple[Round, SheetFacts, ScoreSheet | None]:
    """The round, what the sheet rules need to know (``SheetFacts``) and the judge's sheet row (None
    if absent), in one round trip, nothing locked.

    Without ``enforce_assignment`` (paper sheets typed in) the entry counts as assigned and unconflicted.
    """
    row = session.exec(_facts_statement(enforce_assignment=enforce_assignment, locking=False),
                       params={"round_id": round_id, "judge_id": judge_id, "entry_id": entry_id}).first()
    if row is None:
        raise NotFound(Problem("store.not_found", {"what": "round", "id": round_id}))
    return _facts_of(row)


def _sheet_for_write(session: Session, *, round_id: int, judge_id: int, entry_id: int,
                     rules: Callable[[Round, SheetFacts], None], enforce_assignment: bool = True,
                     make: bool = True) -> tuple[Round, ScoreSheet | None]:
    """The round and the judge's sheet row locked until the transaction ends (made first when missing
    and ``make``; else None when missing), once ``rules(round, facts)`` passes: it refuses what the
    write may not do, with the sheet row as read under the lock (a submit that committed while this
    write waited is seen; PostgreSQL reads the round, assignment and conflict as the statement
    began, as before the lock), and before a missing row is made (an entry that does not exist is refused,
    not a foreign-key failure).

    Every write to a sheet takes this lock before it reads the rows it changes, so that writes to one
    sheet happen one after the other: two first saves at the same instant (two tabs, two criteria) make
    one sheet row, not a unique violation, and a save racing a submit in another tab either comes first
    (and is in the submitted sheet) or is refused, never a score changed in a submitted sheet. On
    PostgreSQL this is the row lock; on SQLite every write transaction holds the database's write lock.
    Where the sheet exists (every save but a sheet's first) it is one statement.
    """
    params = {"round_id": round_id, "judge_id": judge_id, "entry_id": entry_id}
    row = session.exec(_facts_statement(enforce_assignment=enforce_assignment, locking=True),
                       params=params).first()
    if row is not None:
        rnd, facts, sheet = _facts_of(row)
        rules(rnd, facts)
        return rnd, sheet
    rnd, facts, _ = sheet_facts(session, enforce_assignment=enforce_assignment, **params)  # no round: NotFound
    rules(rnd, facts)
    sheet = _lock_sheet(session, **params) if make else _locked_sheet(session, **params)
    rules(rnd, replace(facts, submitted=sheet is not None and sheet.status == SheetStatus.SUBMITTED))
    return rnd, sheet


def _may_score(_rnd: Round, facts: SheetFacts) -> None:
    check_may_score(facts)


def check_judge_may_score(session: Session, *, round_id: int, judge_id: int, entry_id: int) -> Round:
    """The round, once ``check_may_score`` passes for the judge's sheet on the entry (else it refuses)."""
    rnd, facts, _ = sheet_facts(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)
    check_may_score(facts)
    return rnd


def _lock_sheet(session: Session, *, round_id: int, judge_id: int, entry_id: int) -> ScoreSheet:
    """The judge's sheet row, made first when missing, locked until the transaction ends (see ``_sheet_for_write``)."""
    sheet = _locked_sheet(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)
    if sheet is not None:
        return sheet
    # on the transaction's connection, below the ORM (not a bulk statement, whose seals would be found by
    # id range, which another transaction's rows share on PostgreSQL); the row is then changed through
    # the ORM, which seals it by its id
    make = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.connection().execute(
        make(ScoreSheet.__table__).values(round_id=round_id, judge_id=judge_id, entry_id=entry_id,
                                          status=SheetStatus.DRAFT, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["round_id", "judge_id", "entry_id"]))
    sheet = _locked_sheet(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)
    if sheet is None:  # cannot be: the row was just made, or another transaction made it first
        raise NotFound(Problem("store.not_found", {"what": "score sheet", "id": f"{round_id}/{judge_id}/{entry_id}"}))
    return _touch(session, sheet)


def _locked_sheet(session: Session, *, round_id: int, judge_id: int, entry_id: int) -> ScoreSheet | None:
    # read again, not taken from the session: another transaction may have changed it while this one waited
    return session.exec(
        select(ScoreSheet)
        .where(ScoreSheet.round_id == round_id, ScoreSheet.judge_id == judge_id, ScoreSheet.entry_id == entry_id)
        .with_for_update().execution_options(populate_existing=True)).first()


def _lock_judge_sheet(session: Session, *, round_id: int, judge_id: int, entry_id: int) -> tuple[Round, ScoreSheet]:
    """The judge's sheet locked (made when missing, ``_sheet_for_write``), once ``check_may_score`` passes for it."""
    rnd, sheet = _sheet_for_write(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id, rules=_may_score)
    assert sheet is not None  # made when missing
    return rnd, sheet


def _lock_existing_judge_sheet(session: Session, *, round_id: int, judge_id: int,
                              entry_id: int) -> tuple[Round, ScoreSheet | None]:
    """Like ``_lock_judge_sheet`` for a write that removes something: no sheet row is made (None: there
    is nothing to remove)."""
    return _sheet_for_write(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id, rules=_may_score,
                            make=False)


def _touch(session: Session, sheet: ScoreSheet) -> ScoreSheet:
    sheet.updated_at = utcnow()
    session.add(sheet)
    return sheet


UNSEEN = object()  # ``expected_value`` not given: only the version is compared
_Row = TypeVar("_Row", Score, Comment)


def _row_for_write(session: Session, model: type[_Row], *, round_id: int, judge_id: int,
                   entry_id: int, criterion: str) -> _Row | None:
    """The judge's score or comment row for one criterion, locked for the write (None when there is none)."""
    return session.exec(select(model).where(
        model.round_id == round_id, model.judge_id == judge_id, model.entry_id == entry_id,
        model.criterion == criterion,
    ).with_for_update()).first()


def _refuse_if_stale(row: Score | Comment | None, *, expected_version: int | None, expected_value: object,
                     stale: Callable[[Score | Comment | None], Problem]) -> None:
    """Optimistic versions: when ``expected_version`` is given (0 for "none yet") and the stored version
    differs, ``StaleWriteError`` carries what is stored now, with the problem ``stale(row)``. The value
    the writer saw (``expected_value``, None for "none") is compared too: a score cleared and stored
    again starts at version 1, so the version alone cannot tell "7, version 1" from "9, version 1".
    """
    current_version = row.version if row else 0
    current_value = None if row is None else row.value if isinstance(row, Score) else row.text
    if ((expected_version is not None and expected_version != current_version)
            or (expected_value is not UNSEEN and not same_value(expected_value, current_value))):
        raise StaleWriteError(stale(row), current_value=current_value, current_version=current_version)


def _score_stale(rubric: Rubric, criterion: str) -> Callable[[Score | None], Problem]:
    return lambda row: Problem("score.stale", {"criterion": rubric.criterion(criterion).label.zh,
                                               "current": "—" if row is None else f"{row.value:g}"})


def same_value(seen: object, stored: object) -> bool:
    """Whether the value a writer saw is the stored one (numbers by value; "" and None are one empty text)."""
    numbers = [v for v in (seen, stored) if isinstance(v, int | float) and not isinstance(v, bool)]
    if numbers:
        return len(numbers) == 2 and float(seen) == float(stored)
    return (seen or "") == (stored or "")


@guarded("sheet.write", unassigned_action="scores.import")
@round_write
def save_score(
    session: Session,
    *,
    round_id: int,
    judge_id: int,
    entry_id: int,
    criterion: str,
    value: float,
    expected_version: int | None = None,
    expected_value: object = UNSEEN,
    actor: Actor,
    enforce_assignment: bool = True,
) -> Score:
    """Store one criterion score at once.

    ``expected_version`` is the version the writer last saw (0 for "no score yet"); when the stored
    version differs, ``StaleWriteError`` carries the current value so that the judge can choose;
    ``expected_value`` (the value the writer saw, None for none) is compared as well. The first score
    of a round freezes its rubric. ``enforce_assignment=False`` (paper sheets typed in) skips the assignment and round checks and so needs the right to import scores, which no
    judge has.
    """
    def rules(rnd: Round, facts: SheetFacts) -> None:
        check_score(rubric=round_rubric(rnd), criterion=criterion, value=value)
        if enforce_assignment:
            check_may_score(facts)

    rnd, _ = _sheet_for_write(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id, rules=rules,
                              enforce_assignment=enforce_assignment)  # locked, made when missing
    rubric = round_rubric(rnd)
    score = _row_for_write(session, Score, round_id=round_id, judge_id=judge_id, entry_id=entry_id,
                           criterion=criterion)
    _refuse_if_stale(score, expected_version=expected_version, expected_value=expected_value,
                     stale=_score_stale(rubric, criterion))
    old = None if score is None else score.value
    if score is None:
        score = Score(round_id=round_id, judge_id=judge_id, entry_id=entry_id, criterion=criterion, value=value)
    elif score.value == value:
        return score
    else:
        score.value = value
        score.version += 1
        score.updated_at = utcnow()
    session.add(score)  # the sheet row stays as it is: the score's own time says when the sheet last changed
    if not rnd.rubric_frozen:
        rnd.rubric_frozen = True
        session.add(rnd)
    session.flush()
    record_event(session, actor=actor, action="score.save", subject=f"round:{round_id}",
                 payload={"judge_id": judge_id, "entry_id": entry_id, "criterion": criterion,
                          "old": old, "value": value, "version": score.version})
    return score


@guarded("sheet.write", unassigned_action="scores.import")
@round_write
def save_comment(
    session: Session,
    *,
    round_id: int,
    judge_id: int,
    entry_id: int,
    criterion: str,
    text_value: str,
    expected_version: int | None = None,
    expected_value: object = UNSEEN,
    actor: Actor,
    enforce_assignment: bool = True,
) -> Comment:
    """Store a comment (for a criterion, or the whole sheet when ``criterion`` is empty); like ``save_score``,
    ``enforce_assignment=False`` needs the right to import scores."""
    rules = _may_score if enforce_assignment else lambda _rnd, _facts: None
    _sheet_for_write(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id, rules=rules,
                     enforce_assignment=enforce_assignment)  # locked, made when missing; no round: refused
    comment = _row_for_write(session, Comment, round_id=round_id, judge_id=judge_id, entry_id=entry_id,
                             criterion=criterion)
    _refuse_if_stale(comment, expected_version=expected_version, expected_value=expected_value,
                     stale=lambda row: Problem("comment.stale", {}))
    if comment is None:
        comment = Comment(round_id=round_id, judge_id=judge_id, entry_id=entry_id, criterion=criterion, text=text_value)
    elif comment.text == text_value:
        return comment
    else:
        comment.text = text_value
        comment.version += 1
        comment.updated_at = utcnow()
    session.add(comment)
    session.flush()
    record_event(session, actor=actor, action="comment.save", subject=f"round:{round_id}",
                 payload={"judge_id": judge_id, "entry_id": entry_id, "criterion": criterion,
                          "text": text_value, "version": comment.version})
    return comment


def _veto_for_write(session: Session, *, round_id: int, judge_id: int, entry_id: int, veto_key: str,
                    expected_reason: object) -> Veto | None:
    veto = session.exec(select(Veto).where(
        Veto.round_id == round_id, Veto.judge_id == judge_id, Veto.entry_id == entry_id, Veto.veto_key == veto_key
    ).with_for_update()).first()
    current = None if veto is None else veto.reason
    if expected_reason is not UNSEEN and expected_reason != current:
        raise StaleWriteError(Problem("veto.stale", {}), current_value=current, current_version=0)
    return veto


@guarded("sheet.write")
@round_write
def save_veto(
    session: Session, *, round_id: int, judge_id: int, entry_id: int, veto_key: str, reason: str,
    expected_reason: object = UNSEEN, actor: Actor,
) -> Veto:
    """Raise a veto (or change its reason); ``expected_reason`` is the reason the writer saw (None: no
    veto), refused with ``StaleWriteError`` when another window changed it since. (A veto makes no sheet
    row: a sheet without one has no scores and cannot be submitted, so there is nothing to race.)"""
    _lock_existing_judge_sheet(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)
    veto = _veto_for_write(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id, veto_key=veto_key,
                           expected_reason=expected_reason)
    if veto is None:
        veto = Veto(round_id=round_id, judge_id=judge_id, entry_id=entry_id, veto_key=veto_key, reason=reason)
    veto.reason = reason
    session.add(veto)
    session.flush()
    record_event(session, actor=actor, action="veto.save", subject=f"round:{round_id}",
                 payload={"judge_id": judge_id, "entry_id": entry_id, "veto": veto_key, "reason": reason})
    return veto


@dataclass(frozen=True)
class StoredValue:
    """A stored score or comment with the version a later write must name as ``expected_version``."""

    value: float | str
    version: int


@dataclass
class SheetState:
    """One judge's sheet for one entry as stored: only this judge's rows (blind judging)."""

    round_id: int
    judge_id: int
    entry_id: int
    status: str = SheetStatus.DRAFT
    scores: dict[str, StoredValue] = field(default_factory=dict)
    comments: dict[str, StoredValue] = field(default_factory=dict)  # "" is the sheet's overall comment
    vetoes: dict[str, str] = field(default_factory=dict)  # veto key -> reason
    updated_at: datetime | None = None
    submitted_at: datetime | None = None

    @property
    def score_values(self) -> dict[str, float]:
        return {key: float(stored.value) for key, stored in self.scores.items()}

    @property
    def comment_texts(self) -> dict[str, str]:
        return {key: str(stored.value) for key, stored in self.comments.items()}

    def state(self, rubric: Rubric) -> SheetProgress:
        if self.status == SheetStatus.SUBMITTED:
            return SheetProgress.SUBMITTED
        if not self.scores:
            return SheetProgress.NOT_STARTED
        if sheet_complete(scores=self.score_values, comments=self.comment_texts, rubric=rubric):
            return SheetProgress.COMPLETE
        return SheetProgress.IN_PROGRESS


@dataclass(frozen=True)
class JudgeEntryRow:
    """One line of a judge's entry list."""

    entry: Entry
    track: Track
    state: str
    scored: int  # criteria scored
    total: float | None  # weighted total once every criterion is scored


def stable_order_key(*, round_id: int, judge_id: int, entry_id: int) -> str:
    """A per-judge pseudo-random but stable sort key, so that judges do not all start with the same entry."""
    return hashlib.sha256(f"{round_id}:{judge_id}:{entry_id}".encode()).hexdigest()


def _live_seats(judge_id: int):
    """``(round_id, entry_id)`` of the live-final entries open to the judge now: their seat on it, no conflict."""
    conflicted = select(Conflict.entry_id).where(Conflict.judge_id == judge_id)
    return (select(RoundEntry.round_id, RoundEntry.entry_id)
            .join(Assignment, (Assignment.round_id == RoundEntry.round_id)
                  & (Assignment.entry_id == RoundEntry.entry_id))
            .where(RoundEntry.live_state == LiveState.OPEN, Assignment.judge_id == judge_id,
                   RoundEntry.entry_id.not_in(conflicted)))


@guarded("sheet.read")
def open_rounds_of_judge(session: Session, *, judge_id: int, actor: Actor) -> list[Round]:
    """Open rounds in which the judge has entries assigned or sits on the live-final panel (路演答辩:
    between two entries they have none), newest edition first; a round whose live entry is open to
    them comes before every other, so that their list opens on it."""
    assigned = select(Assignment.round_id).where(Assignment.judge_id == judge_id)
    on_panel = select(PanelMember.round_id).where(PanelMember.judge_id == judge_id)
    live = select(_live_seats(judge_id).subquery().c.round_id)
    stmt = (
        select(Round)
        .where(Round.status == RoundStatus.OPEN, or_(Round.id.in_(assigned), Round.id.in_(on_panel)))
        .order_by(case((Round.id.in_(live), 0), else_=1), Round.edition_id.desc(), Round.position)
    )
    return list(session.exec(stmt))


@dataclass(frozen=True)
class JudgeLiveFinal:
    """Where a judge stands in the live finals (路演答辩) of open rounds."""

    panel: frozenset[int]  # rounds whose panel they sit on
    open_entries: dict[int, int]  # round id → the entry open to them in it now


@guarded("sheet.read")
def live_final_of_judge(session: Session, *, judge_id: int, actor: Actor) -> JudgeLiveFinal:
    """The open rounds whose live-final panel the judge sits on, and the entry open to them in each open round."""
    is_open = select(Round.id).where(Round.status == RoundStatus.OPEN)
    panel = session.exec(select(PanelMember.round_id).where(PanelMember.judge_id == judge_id,
                                                            PanelMember.round_id.in_(is_open))).all()
    seats = session.execute(_live_seats(judge_id).where(RoundEntry.round_id.in_(is_open))).all()
    return JudgeLiveFinal(frozenset(panel), {r: e for r, e in seats})


def _sheet_rows(session: Session, *, round_id: int, judge_id: int, entry_id: int | None = None):
    """One query for a judge's sheet rows, scores, comments and vetoes in a round (one entry, or all):
    ``(kind, entry_id, key, number, text, version, updated_at, submitted_at)`` rows, read on every
    rerun of the judge's pages. Only this judge's rows (blind judging)."""
    no_num, no_text = cast(null(), Float), cast(null(), String)
    no_time, no_version = cast(null(), DateTime), literal_column("0", Integer)

    def own(model):
        where = (model.round_id == round_id) & (model.judge_id == judge_id)
        return where if entry_id is None else where & (model.entry_id == entry_id)

    # the sheet row comes first: its columns give the union's result types
    return session.execute(union_all(
        select(literal_column("'sheet'").label("kind"), ScoreSheet.entry_id, ScoreSheet.status.label("key"),
               no_num.label("num"), no_text.label("txt"), no_version.label("version"),
               ScoreSheet.updated_at.label("updated_at"), ScoreSheet.submitted_at.label("submitted_at"))
        .where(own(ScoreSheet)),
        select(literal_column("'score'"), Score.entry_id, Score.criterion, Score.value, no_text, Score.version,
               Score.updated_at, no_time).where(own(Score)),
        select(literal_column("'comment'"), Comment.entry_id, Comment.criterion, no_num, Comment.text,
               Comment.version, Comment.updated_at, no_time).where(own(Comment)),
        select(literal_column("'veto'"), Veto.entry_id, Veto.veto_key, no_num, Veto.reason, no_version,
               no_time, no_time).where(own(Veto)),
    ))


def _fill_state(state: SheetState, kind: str, key: str, num, txt, version: int, updated_at, submitted_at) -> None:
    # the sheet's last change: its row's time (made, cleared, submitted, reopened) or its newest score or comment
    if updated_at is not None and (state.updated_at is None or updated_at > state.updated_at):
        state.updated_at = updated_at
    if kind == "score":
        state.scores[key] = StoredValue(num, version)
    elif kind == "comment":
        state.comments[key] = StoredValue(txt, version)
    elif kind == "veto":
        state.vetoes[key] = txt
    else:
        state.status, state.submitted_at = key, submitted_at


@guarded("sheet.read")
def load_sheet(session: Session, *, round_id: int, judge_id: int, entry_id: int, actor: Actor) -> SheetState:
    """The judge's stored sheet for one entry: values, versions, vetoes, status (never other judges' rows).

    One query: the score sheet reads this from the database on every rerun.
    """
    state = SheetState(round_id=round_id, judge_id=judge_id, entry_id=entry_id)
    for kind, _, *values in _sheet_rows(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id):
        _fill_state(state, kind, *values)
    return state


@guarded("sheet.read")
def judge_entry_rows(session: Session, *, round_id: int, judge_id: int, actor: Actor) -> list[JudgeEntryRow]:
    """The judge's entries in a round (conflicts left out) in their stable per-judge order, with progress."""
    rubric = round_rubric(get_round(session, round_id))
    entries = assigned_entries(session, round_id=round_id, judge_id=judge_id, actor=actor)
    tracks = {t.id: t for t in session.exec(select(Track).where(Track.id.in_({e.track_id for e in entries})))}
    states = {e.id: SheetState(round_id=round_id, judge_id=judge_id, entry_id=e.id) for e in entries}
    for kind, entry_id, *values in _sheet_rows(session, round_id=round_id, judge_id=judge_id):
        if entry_id in states:
            _fill_state(states[entry_id], kind, *values)
    rows = [
        JudgeEntryRow(
            entry=e, track=tracks[e.track_id], state=states[e.id].state(rubric),
            scored=sum(1 for k in rubric.criterion_keys if k in states[e.id].scores),
            total=weighted_total(scores=states[e.id].score_values, rubric=rubric),
        )
        for e in entries
    ]
    rows.sort(key=lambda r: stable_order_key(round_id=round_id, judge_id=judge_id, entry_id=r.entry.id))
    return rows


@guarded("sheet.write")
@round_write
def clear_score(
    session: Session, *, round_id: int, judge_id: int, entry_id: int, criterion: str,
    expected_version: int | None = None, expected_value: object = UNSEEN, actor: Actor,
) -> None:
    """Remove one criterion score (the judge emptied the field); refused when stale, like ``save_score``."""
    rnd, sheet = _lock_existing_judge_sheet(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)
    score = _row_for_write(session, Score, round_id=round_id, judge_id=judge_id, entry_id=entry_id,
                           criterion=criterion)
    if score is None:
        return
    _refuse_if_stale(score, expected_version=expected_version, expected_value=expected_value,
                     stale=_score_stale(round_rubric(rnd), criterion))
    session.delete(score)
    if sheet is not None:
        _touch(session, sheet)
    session.flush()
    record_event(session, actor=actor, action="score.clear", subject=f"round:{round_id}",
                 payload={"judge_id": judge_id, "entry_id": entry_id, "criterion": criterion,
                          "old": score.value, "version": score.version})


@guarded("sheet.write")
@round_write
def clear_veto(session: Session, *, round_id: int, judge_id: int, entry_id: int, veto_key: str,
               expected_reason: object = UNSEEN, actor: Actor) -> None:
    """Withdraw a veto the judge raised (only while the sheet is not submitted); ``expected_reason`` as
    for ``save_veto``."""
    _, sheet = _lock_existing_judge_sheet(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)
    veto = _veto_for_write(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id, veto_key=veto_key,
                           expected_reason=expected_reason)
    if veto is None:
        return
    session.delete(veto)
    if sheet is not None:  # a veto raised before any score has no sheet row
        _touch(session, sheet)
    session.flush()
    record_event(session, actor=actor, action="veto.clear", subject=f"round:{round_id}",
                 payload={"judge_id": judge_id, "entry_id": entry_id, "veto": veto_key})


@guarded("sheet.write")
@round_write
def submit_sheet(session: Session, *, round_id: int, judge_id: int, entry_id: int, actor: Actor) -> ScoreSheet:
    """Lock a complete sheet (every criterion scored, every required comment written)."""
    rnd, sheet = _lock_judge_sheet(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)
    rubric = round_rubric(rnd)
    state = load_sheet(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id, actor=actor)
    missing = [c.label.zh for c in rubric.criteria if c.key not in state.scores]
    if missing:
        raise ScoreError(Problem("sheet.missing_scores", {"criteria": "、".join(missing)}))
    need = missing_comments(scores=state.score_values, comments=state.comment_texts, rubric=rubric)
    if need:
        raise ScoreError(Problem("sheet.missing_comments",
                                 {"criteria": "、".join(rubric.criterion(k).label.zh for k in need)}))
    sheet = _touch(session, sheet)
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = utcnow()
    session.add(sheet)
    session.flush()
    record_event(session, actor=actor, action="sheet.submit", subject=f"round:{round_id}",
                 payload={"judge_id": judge_id, "entry_id": entry_id,
                          "scores": state.score_values, "total": weighted_total(scores=state.score_values, rubric=rubric)})
    return sheet


@guarded("sheet.reopen")
@round_write
def reopen_sheet(
    session: Session, *, round_id: int, judge_id: int, entry_id: int, reason: str = "", actor: Actor
) -> ScoreSheet:
    """An organiser sets a submitted sheet back to draft so that the judge can change it (logged)."""
    sheet = _locked_sheet(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)
    if sheet is None:
        raise NotFound(Problem("store.not_found", {"what": "score sheet", "id": f"{round_id}/{judge_id}/{entry_id}"}))
    sheet.status = SheetStatus.DRAFT
    sheet.submitted_at = None
    sheet.updated_at = utcnow()
    session.add(sheet)
    session.flush()
    record_event(session, actor=actor, action="sheet.reopen", subject=f"round:{round_id}",
                 payload={"judge_id": judge_id, "entry_id": entry_id, "reason": reason})
    return sheet


@guarded("conflict.declare")
@round_write
def declare_conflict(session: Session, *, round_id: int, judge_id: int, entry_id: int, reason: str,
                     actor: Actor) -> Conflict:
    """A judge declares a conflict (回避) with a reason from their sheet in ``round_id``; the entry
    leaves their list and their scores are excluded.

    Only while they may still change that sheet: in an open round, on an entry assigned to them, not
    yet submitted. Otherwise the refusal says to ask the organiser, who records conflicts at any time.
    """
    if not reason.strip():
        raise PermissionDenied(Problem("conflict.reason_required", {}))
    _, facts, _ = sheet_facts(session, round_id=round_id, judge_id=judge_id, entry_id=entry_id)
    check_may_score(facts, codes=DECLARING)
    return add_conflict(session, judge_id=judge_id, entry_id=entry_id, source="declared",
                        reason=reason.strip(), actor=actor)


@dataclass(frozen=True)
class SubmittedSheetRow:
    sheet: ScoreSheet
    judge: Person
    entry: Entry
    round: Round


@guarded("scores.read")
def submitted_sheets(session: Session, *, round_id: int | None = None, actor: Actor) -> list[SubmittedSheetRow]:
    """Submitted sheets with judge, entry and round (for the organiser's reopen list)."""
    stmt = (
        select(ScoreSheet, User.id, User.username, User.display_name, Entry, Round)
        .join(User, User.id == ScoreSheet.judge_id)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .join(Round, Round.id == ScoreSheet.round_id)
        .where(ScoreSheet.status == SheetStatus.SUBMITTED)
        .order_by(ScoreSheet.submitted_at.desc(), ScoreSheet.id.desc())
    )
    if round_id is not None:
        stmt = stmt.where(ScoreSheet.round_id == round_id)
    return [SubmittedSheetRow(sheet, Person(uid, name, display), entry_as_seen(entry, actor), rnd)
            for sheet, uid, name, display, entry, rnd in session.exec(stmt)]


@dataclass(frozen=True)
class QueueItem:
    entry_id: int
    submitted: bool


@guarded("sheet.read")
def judge_queue(session: Session, *, round_id: int, judge_id: int, actor: Actor) -> list[QueueItem]:
    """The judge's entries in a round (conflicts left out) in their stable order, ids only: the
    cheap form of ``judge_entry_rows`` that the score sheet reads on every rerun (one query)."""
    conflicted = select(Conflict.entry_id).where(Conflict.judge_id == judge_id)
    rows = session.execute(
        select(Assignment.entry_id, ScoreSheet.status)
        .outerjoin(ScoreSheet, (ScoreSheet.round_id == Assignment.round_id) & (ScoreSheet.judge_id == judge_id)
                   & (ScoreSheet.entry_id == Assignment.entry_id))
        .where(Assignment.round_id == round_id, Assignment.judge_id == judge_id, Assignment.entry_id.not_in(conflicted))
    ).all()
    rows.sort(key=lambda r: stable_order_key(round_id=round_id, judge_id=judge_id, entry_id=r[0]))
    return [QueueItem(e, status == SheetStatus.SUBMITTED) for e, status in rows]
