"""The live final (路演答辩): its panel, the entry open to it, and the live board."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from judging.core.live import live_result
from judging.core.permissions import Actor, Role
from judging.core.states import LiveState, RoundStatus
from judging.errors import PermissionDenied, Problem
from judging.store.assignment import conflict_pairs
from judging.store.audit_log import record_event
from judging.store.editions import get_round, round_entry_rows, round_rubric
from judging.store.guard import guarded
from judging.store.lifecycle import round_write
from judging.store.models import (
    Assignment,
    Entry,
    PanelMember,
    Round,
    RoundEntry,
    Score,
    User,
    utcnow,
)
from judging.store.scores import round_data


@guarded("assignment.manage")
@round_write
def set_panel(session: Session, *, round_id: int, judge_ids: Iterable[int], actor: Actor) -> None:
    """The round's live-final panel; refused for a round assigned or scored the ordinary way, whose
    panel judges would otherwise see it as a live final that never opens an entry."""
    wanted = set(judge_ids)
    if wanted:
        ordinary = ordinary_sheets(session, round_id=round_id, actor=actor)
        if ordinary:
            rnd = get_round(session, round_id)
            raise PermissionDenied(Problem("oc.live.ordinary_round", {"round": rnd.name, "n": ordinary}))
    current = {p.judge_id: p for p in session.exec(select(PanelMember).where(PanelMember.round_id == round_id))}
    for judge_id, row in current.items():
        if judge_id not in wanted:
            session.delete(row)
    session.add_all(PanelMember(round_id=round_id, judge_id=j) for j in wanted - set(current))
    session.flush()
    record_event(session, actor=actor, action="panel.set", subject=f"round:{round_id}",
                      payload={"judges": sorted(wanted)})


@guarded("people.read")
def panel_of(session: Session, *, round_id: int, actor: Actor) -> list[User]:
    stmt = (select(User).join(PanelMember, PanelMember.judge_id == User.id)
            .where(PanelMember.round_id == round_id).order_by(User.username))
    return list(session.exec(stmt))


@guarded("scores.read")
def ordinary_sheets(session: Session, *, round_id: int, actor: Actor) -> int:
    """How many judge–entry pairs of the round are scored the ordinary way, outside the live final.

    A live round has seats only on the entry open to the panel (closing an entry takes its seats
    away) and scores only on entries that were opened; any other seat or score was assigned the
    ordinary way (评委分配) and would mix the two modes.
    """
    live = select(RoundEntry.entry_id).where(RoundEntry.round_id == round_id, RoundEntry.live_state == LiveState.OPEN)
    opened = select(RoundEntry.entry_id).where(RoundEntry.round_id == round_id,
                                               RoundEntry.live_state.in_((LiveState.OPEN, LiveState.CLOSED)))
    seats = {tuple(p) for p in session.exec(select(Assignment.judge_id, Assignment.entry_id).where(
        Assignment.round_id == round_id, Assignment.entry_id.not_in(live)))}
    scored = {tuple(p) for p in session.exec(select(Score.judge_id, Score.entry_id).distinct().where(
        Score.round_id == round_id, Score.entry_id.not_in(opened)))}
    return len(seats | scored)


def _live_row(session: Session, round_id: int, entry_id: int) -> RoundEntry:
    row = session.exec(select(RoundEntry).where(RoundEntry.round_id == round_id,
                                                RoundEntry.entry_id == entry_id)).first()
    if row is None:  # a round that takes every entry gets its rows on first use
        position = len(round_entry_rows(session, round_id=round_id))
        row = RoundEntry(round_id=round_id, entry_id=entry_id, position=position)
        session.add(row)
        session.flush()
    return row


@guarded("edition.manage")
@round_write
def open_live_entry(session: Session, *, round_id: int, entry_id: int, actor: Actor) -> int:
    """Open one entry to the panel: each panel judge without a conflict gets it (and only it) to score.

    Refused while another entry is open. Opens the round if it was a draft. Returns the panel size.
    """
    rnd = get_round(session, round_id)
    if session.exec(select(RoundEntry).where(RoundEntry.round_id == round_id, RoundEntry.live_state == LiveState.OPEN)).first():
        raise PermissionDenied(Problem("oc.live.one_at_a_time", {}))
    panel = [j.id for j in panel_of(session, round_id=round_id, actor=actor)]
    if not panel:
        raise PermissionDenied(Problem("oc.live.no_panel", {}))
    ordinary = ordinary_sheets(session, round_id=round_id, actor=actor)
    if ordinary:
        raise PermissionDenied(Problem("oc.live.ordinary_round", {"round": rnd.name, "n": ordinary}))
    conflicted = {j for j, e in conflict_pairs(session, edition_id=rnd.edition_id) if e == entry_id}
    row = _live_row(session, round_id, entry_id)
    if row.live_state == LiveState.CLOSED:
        raise PermissionDenied(Problem("oc.live.already_closed", {}))
    row.live_state, row.opened_at = LiveState.OPEN, utcnow()
    session.add(row)
    if rnd.status != RoundStatus.OPEN:
        rnd.status = RoundStatus.OPEN
        session.add(rnd)
    seats = [j for j in panel if j not in conflicted]
    assigned = {a.judge_id for a in session.exec(select(Assignment).where(
        Assignment.round_id == round_id, Assignment.entry_id == entry_id))}
    session.add_all(Assignment(round_id=round_id, judge_id=j, entry_id=entry_id) for j in seats if j not in assigned)
    session.flush()
    record_event(session, actor=actor, action="live.open", subject=f"round:{round_id}",
                      payload={"entry_id": entry_id, "panel": seats})
    return len(seats)


@guarded("edition.manage")
@round_write
def close_live_entry(session: Session, *, round_id: int, entry_id: int, actor: Actor) -> None:
    """Close the open entry: the panel's marks are final and the entry leaves the judges' lists."""
    row = _live_row(session, round_id, entry_id)
    if row.live_state != LiveState.OPEN:
        raise PermissionDenied(Problem("oc.live.not_open", {}))
    row.live_state, row.closed_at = LiveState.CLOSED, utcnow()
    session.add(row)
    for a in session.exec(select(Assignment).where(Assignment.round_id == round_id, Assignment.entry_id == entry_id)):
        session.delete(a)
    session.flush()
    record_event(session, actor=actor, action="live.close", subject=f"round:{round_id}",
                      payload={"entry_id": entry_id})


@dataclass(frozen=True)
class LiveBoard:
    """What the big screen shows."""

    round_name: str
    method: str
    current: Entry | None  # the open entry
    panel: int  # judges who may score the open entry
    scored: int  # of them, those with every criterion scored
    last: Entry | None  # the entry closed last
    result: object | None  # ``judging.core.live.LiveResult`` of ``last``
    names: dict[str, str]  # username → display name


@guarded("scores.read")
def live_board(session: Session, *, round_id: int, actor: Actor) -> LiveBoard:
    """Read on every refresh: the open entry with how many have scored, and the last closed entry's result."""
    rnd = get_round(session, round_id)
    rubric = round_rubric(rnd)
    rows = round_entry_rows(session, round_id=round_id)
    open_row = next((r for r in rows if r.live_state == LiveState.OPEN), None)
    closed = sorted((r for r in rows if r.live_state == LiveState.CLOSED and r.closed_at is not None),
                    key=lambda r: r.closed_at)  # type: ignore[return-value]  # not None: filtered
    current = session.get(Entry, open_row.entry_id) if open_row else None
    panel = scored = 0
    if current is not None:
        seats = [a.judge_id for a in session.exec(select(Assignment).where(
            Assignment.round_id == round_id, Assignment.entry_id == current.id))]
        panel = len(seats)
        counts = dict(session.exec(select(Score.judge_id, func.count()).where(
            Score.round_id == round_id, Score.entry_id == current.id).group_by(Score.judge_id)).all())
        scored = sum(1 for j in seats if counts.get(j, 0) >= len(rubric.criteria))
    last = session.get(Entry, closed[-1].entry_id) if closed else None
    result = None
    if last is not None:
        scores = round_data(session, round_id=round_id, actor=actor).scores
        closed_codes = {session.get(Entry, r.entry_id).code for r in closed}
        scores = scores[scores["entry_id"].isin(closed_codes)]
        result = live_result(scores, rubric, entry_id=last.code, method=rnd.method)
    names = dict(session.exec(select(User.username, User.display_name).where(User.role == Role.JUDGE)).all())
    return LiveBoard(rnd.name, rnd.method, current, panel, scored, last, result, names)


def live_round_id(session: Session, *, edition_id: int) -> int | None:
    """The round of the edition whose live final was used last (for the big screen's default)."""
    row = session.exec(
        select(RoundEntry.round_id).join(Round, Round.id == RoundEntry.round_id)
        .where(Round.edition_id == edition_id, RoundEntry.live_state != LiveState.WAITING)
        .order_by(RoundEntry.opened_at.desc()).limit(1)).first()
    return row
