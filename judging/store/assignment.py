"""Who judges what: assignments, conflicts of interest (回避), generated assignments and their changes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlmodel import Session, select

from judging.core.assignment import AssignmentError, assign_judges
from judging.core.assignment_changes import check_addition, fill_gaps
from judging.core.extra_judges import propose_extra_judges
from judging.core.permissions import Actor, Person, Role
from judging.core.states import SheetStatus
from judging.errors import PermissionDenied, Problem
from judging.store.audit_log import record_event
from judging.store.editions import entries_of_round, entry_as_seen, get_round, is_live_round, tracks_of
from judging.store.guard import guarded
from judging.store.lifecycle import check_conflict_leaves_lists_alone, round_write
from judging.store.models import (
    Assignment,
    Conflict,
    Entry,
    Round,
    Score,
    ScoreSheet,
    User,
    stored_id,
)
from judging.store.people import list_judges


@guarded("assignment.manage")
def add_conflict(
    session: Session, *, judge_id: int, entry_id: int, source: str = "declared", reason: str = "", actor: Actor
) -> Conflict:
    """Record a conflict (回避); any scores the judge gave the entry are left out of rankings from now on."""
    existing = session.exec(
        select(Conflict).where(Conflict.judge_id == judge_id, Conflict.entry_id == entry_id)
    ).first()
    if existing:
        return existing
    check_conflict_leaves_lists_alone(session, judge_id=judge_id, entry_id=entry_id)
    conflict = Conflict(judge_id=judge_id, entry_id=entry_id, source=source, reason=reason)
    session.add(conflict)
    session.flush()
    record_event(session, actor=actor, action="conflict.add", subject=f"entry:{entry_id}",
                 payload={"judge_id": judge_id, "source": source, "reason": reason})
    return conflict


def conflicts_of(session: Session, edition_id: int) -> list[Conflict]:
    stmt = select(Conflict).join(Entry, Entry.id == Conflict.entry_id).where(Entry.edition_id == edition_id)
    return list(session.exec(stmt))


@guarded("assignment.manage")
@round_write
def assign(session: Session, *, round_id: int, pairs: Iterable[tuple[int, int]], actor: Actor) -> int:
    """Assign ``(judge_id, entry_id)`` pairs to a round; conflicted pairs are refused."""
    pairs = list(pairs)
    conflicted = {
        (c.judge_id, c.entry_id)
        for c in session.exec(select(Conflict).where(Conflict.entry_id.in_({e for _, e in pairs})))
    }
    refused = [p for p in pairs if p in conflicted]
    if refused:
        raise PermissionDenied(Problem("store.assign_conflict", {"count": len(refused)}))
    session.add_all(Assignment(round_id=round_id, judge_id=j, entry_id=e) for j, e in pairs)
    session.flush()
    record_event(session, actor=actor, action="assignment.add", subject=f"round:{round_id}",
                 payload={"pairs": len(pairs)})
    return len(pairs)


@dataclass(frozen=True)
class ConflictRow:
    conflict: Conflict
    judge: Person
    entry: Entry


@guarded("scores.read")
def conflict_rows(session: Session, *, edition_id: int | None = None, source: str | None = None,
                  actor: Actor) -> list[ConflictRow]:
    """Conflicts with their judge and entry, newest first (the organiser's list of declarations)."""
    stmt = (
        select(Conflict, User.id, User.username, User.display_name, Entry)
        .join(User, User.id == Conflict.judge_id)
        .join(Entry, Entry.id == Conflict.entry_id)
        .order_by(Conflict.created_at.desc(), Conflict.id.desc())
    )
    if edition_id is not None:
        stmt = stmt.where(Entry.edition_id == edition_id)
    if source is not None:
        stmt = stmt.where(Conflict.source == source)
    return [ConflictRow(c, Person(uid, name, display), entry_as_seen(e, actor))
            for c, uid, name, display, e in session.exec(stmt)]


def assignment_pairs(session: Session, *, round_id: int) -> list[tuple[int, int]]:
    return [(a.judge_id, a.entry_id) for a in session.exec(select(Assignment).where(Assignment.round_id == round_id))]


def conflict_pairs(session: Session, *, edition_id: int) -> set[tuple[int, int]]:
    return {(c.judge_id, c.entry_id) for c in conflicts_of(session, edition_id)}


def _refuse_if_live(session: Session, rnd: Round) -> None:
    """A live final's seats come from its panel, one open entry at a time: no ordinary assignment in it."""
    if is_live_round(session, round_id=rnd.id):
        raise PermissionDenied(Problem("oc.asg.live_round", {"round": rnd.name}))


@guarded("assignment.manage")
@round_write
def replace_assignment(session: Session, *, round_id: int, pairs: Iterable[tuple[int, int]], seed: int,
                       actor: Actor) -> int:
    """Make ``pairs`` the round's whole assignment (refused once any score is stored in the round)."""
    rnd = get_round(session, round_id)
    _refuse_if_live(session, rnd)
    if session.exec(select(Score.id).where(Score.round_id == round_id).limit(1)).first() is not None:
        raise PermissionDenied(Problem("oc.asg.scored_round", {"round": rnd.name}))
    for old in session.exec(select(Assignment).where(Assignment.round_id == round_id)):
        session.delete(old)
    session.flush()
    pairs = list(pairs)
    assign(session, round_id=round_id, pairs=pairs, actor=actor)
    record_event(session, actor=actor, action="assignment.generate", subject=f"round:{round_id}",
                      payload={"pairs": len(pairs), "seed": seed})
    return len(pairs)


@guarded("assignment.manage")
@round_write
def remove_assignment(session: Session, *, round_id: int, judge_id: int, entry_id: int, reason: str,
                      actor: Actor) -> None:
    """Take an entry off a judge's list; their stored scores stay in the audit trail and the database."""
    row = session.exec(select(Assignment).where(Assignment.round_id == round_id, Assignment.judge_id == judge_id,
                                                Assignment.entry_id == entry_id)).first()
    if row is None:
        return
    session.delete(row)
    session.flush()
    record_event(session, actor=actor, action="assignment.remove", subject=f"round:{round_id}",
                      payload={"judge_id": judge_id, "entry_id": entry_id, "reason": reason})


@guarded("assignment.manage")
@round_write
def add_assignment(session: Session, *, round_id: int, judge_id: int, entry_id: int, reason: str,
                   actor: Actor) -> None:
    """Give a judge one more entry, with the same checks as the automatic assignment."""
    rnd = get_round(session, round_id)
    _refuse_if_live(session, rnd)
    judge = session.get(User, judge_id)
    entry = session.get(Entry, entry_id)
    pair = (judge.username if judge else str(judge_id), entry.code if entry else str(entry_id))
    assigned = session.exec(select(Assignment.id).where(Assignment.round_id == round_id, Assignment.judge_id == judge_id,
                                                         Assignment.entry_id == entry_id)).first()
    conflict = session.exec(select(Conflict.id).where(Conflict.judge_id == judge_id,
                                                      Conflict.entry_id == entry_id)).first()
    check_addition(judge_id=pair[0], entry_id=pair[1],
                   judge_ok=judge is not None and judge.role == Role.JUDGE and judge.active,
                   same_edition=entry is not None and entry.edition_id == rnd.edition_id,
                   assigned={pair} if assigned else set(), conflicts={pair} if conflict else set())
    session.add(Assignment(round_id=round_id, judge_id=judge_id, entry_id=entry_id))
    session.flush()
    record_event(session, actor=actor, action="assignment.add_one", subject=f"round:{round_id}",
                      payload={"judge_id": judge_id, "entry_id": entry_id, "reason": reason})


@dataclass(frozen=True)
class RoundInputs:
    """What the assignment needs for a round, keyed by entry code and username (so messages name them)."""

    entries: dict[str, str]  # entry code → track key
    judges: dict[str, tuple[str, ...]]  # username of an active judge → expertise
    conflicts: set[tuple[str, str]]  # (username, code)
    pairs: list[tuple[str, str]]  # the current assignment
    entry_ids: dict[str, int]
    judge_ids: dict[str, int]

    def to_ids(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[int, int]]:
        return [(self.judge_ids[j], self.entry_ids[e]) for j, e in pairs]


@guarded("assignment.manage")
def round_inputs(session: Session, *, round_id: int, actor: Actor) -> RoundInputs:
    rnd = get_round(session, round_id)
    tracks = {t.id: t.key for t in tracks_of(session, rnd.edition_id)}
    entries = entries_of_round(session, round_id=round_id)
    judges = list_judges(session, actor=actor)
    code = {e.id: e.code for e in entries}
    name = {j.id: j.username for j in judges}
    return RoundInputs(
        entries={e.code: tracks[e.track_id] for e in entries},
        judges={j.username: tuple(x for x in j.expertise.split(";") if x) for j in judges if j.active},
        conflicts={(name[j], code[e]) for j, e in conflict_pairs(session, edition_id=rnd.edition_id)
                   if j in name and e in code},
        pairs=[(name[j], code[e]) for j, e in assignment_pairs(session, round_id=round_id) if j in name and e in code],
        entry_ids={e.code: stored_id(e) for e in entries}, judge_ids={j.username: stored_id(j) for j in judges},
    )


@guarded("assignment.manage")
@round_write
def generate_assignment(session: Session, *, round_id: int, seed: int, actor: Actor) -> int:
    """Run the automatic assignment for the round (k per entry, 回避, balanced, expertise, connected)."""
    rnd = get_round(session, round_id)
    _refuse_if_live(session, rnd)
    inputs = round_inputs(session, round_id=round_id, actor=actor)
    pairs = assign_judges(entries=inputs.entries, judges=inputs.judges, k=rnd.judges_per_entry,
                          conflicts=inputs.conflicts, seed=seed)
    return replace_assignment(session, round_id=round_id, pairs=inputs.to_ids(pairs), seed=seed, actor=actor)


@guarded("assignment.manage")
@round_write
def fill_round_gaps(session: Session, *, round_id: int, seed: int, actor: Actor,
                    exclude_judges: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Give every entry of the round ``k`` judges again (after conflicts or a drop-out); the pairs added."""
    rnd = get_round(session, round_id)
    _refuse_if_live(session, rnd)
    inputs = round_inputs(session, round_id=round_id, actor=actor)
    judges = dict(inputs.judges)
    for judge_id in exclude_judges:
        judges.pop(next(n for n, i in inputs.judge_ids.items() if i == judge_id), None)
    added = inputs.to_ids(fill_gaps(pairs=inputs.pairs, entries=inputs.entries, judges=judges,
                                    k=rnd.judges_per_entry, conflicts=inputs.conflicts, seed=seed))
    if added:
        session.add_all(Assignment(round_id=round_id, judge_id=j, entry_id=e) for j, e in added)
        session.flush()
        record_event(session, actor=actor, action="assignment.fill", subject=f"round:{round_id}",
                          payload={"added": [list(p) for p in added], "seed": seed})
    return added


@guarded("assignment.manage")
@round_write
def judge_drops_out(session: Session, *, round_id: int, judge_id: int, seed: int, reason: str,
                    actor: Actor) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Take a judge off every entry of the round they have not submitted, and give those entries other judges.

    Submitted sheets stay. Returns (pairs removed, pairs added); all or nothing.
    """
    submitted = {s.entry_id for s in session.exec(select(ScoreSheet).where(
        ScoreSheet.round_id == round_id, ScoreSheet.judge_id == judge_id, ScoreSheet.status == SheetStatus.SUBMITTED))}
    rows = list(session.exec(select(Assignment).where(Assignment.round_id == round_id,
                                                      Assignment.judge_id == judge_id)))
    removed = [(a.judge_id, a.entry_id) for a in rows if a.entry_id not in submitted]
    for a in rows:
        if a.entry_id not in submitted:
            session.delete(a)
    session.flush()
    record_event(session, actor=actor, action="assignment.drop_out", subject=f"round:{round_id}",
                      payload={"judge_id": judge_id, "removed": len(removed), "reason": reason})
    added = fill_round_gaps(session, round_id=round_id, seed=seed, actor=actor, exclude_judges=[judge_id])
    return removed, added


@guarded("assignment.manage")
def propose_extra_seats(session: Session, *, round_id: int, entry_codes: Iterable[str], extra: int, seed: int,
                        actor: Actor, precision: Mapping[str, float] | None = None) -> list[tuple[str, str]]:
    """``extra`` more judges for each of ``entry_codes`` (most urgent first), as ``(username, code)`` pairs:
    回避 respected, the least loaded active judges first, expertise preferred, seeded; with ``precision``
    (by user name, ``judge_precision`` of the ranking) the most precise free judges first, none over
    ``DEFAULT_LOAD_CAP`` × an even share. Nothing is written; ``add_extra_seats`` assigns a proposal once
    the organiser confirms it."""
    rnd = get_round(session, round_id)
    _refuse_if_live(session, rnd)
    inputs = round_inputs(session, round_id=round_id, actor=actor)
    proposal = propose_extra_judges(pairs=inputs.pairs, listed=[c for c in entry_codes if c in inputs.entries],
                                    entries=inputs.entries, judges=inputs.judges, extra=extra,
                                    conflicts=inputs.conflicts, seed=seed, precision=precision)
    return [(str(judge), str(entry)) for judge, entry in proposal]  # user names and entry codes


@guarded("assignment.manage")
@round_write
def add_extra_seats(session: Session, *, round_id: int, pairs: Iterable[tuple[str, str]], reason: str,
                    actor: Actor) -> list[tuple[int, int]]:
    """Assign a confirmed proposal of extra judges (``(username, code)`` pairs), all or nothing: each pair
    is checked as a manual addition is (an active judge, not yet on the entry, no 回避), against the
    round as it is now, so a proposal that went stale since it was shown is refused, not half applied."""
    rnd = get_round(session, round_id)
    _refuse_if_live(session, rnd)
    inputs = round_inputs(session, round_id=round_id, actor=actor)
    assigned, pairs = set(inputs.pairs), list(dict.fromkeys(pairs))
    problems = []
    for judge, code in pairs:
        try:
            check_addition(judge_id=judge, entry_id=code, judge_ok=judge in inputs.judges,
                           same_edition=code in inputs.entries, assigned=assigned, conflicts=inputs.conflicts)
        except AssignmentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AssignmentError(problems)
    added = inputs.to_ids(pairs)
    session.add_all(Assignment(round_id=round_id, judge_id=j, entry_id=e) for j, e in added)
    session.flush()
    record_event(session, actor=actor, action="assignment.extra_judges", subject=f"round:{round_id}",
                 payload={"added": [list(p) for p in added], "reason": reason})
    return added
