"""Extra judges for the must-discuss entries (judging.store.assignment): the proposal respects 回避 and
load, writes nothing, and a confirmed proposal is assigned all or nothing with its event (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from judging.core.assignment import AssignmentError
from judging.core.editions import parse_edition_toml
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.errors import PermissionDenied
from judging.store.assignment import (
    add_conflict,
    add_extra_seats,
    assignment_pairs,
    generate_assignment,
    propose_extra_seats,
    round_inputs,
)
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, create_edition_from_spec, entries_of, rounds_of, update_round
from judging.store.models import AuditEvent
from judging.store.people import create_user, resolve_actor

ROOT = Path(__file__).parents[2]
RUBRIC = load_rubric(ROOT / "rubrics" / "innovation_contest.toml")


def _contest(engine, *, judges=6, entries=6, k=3):
    """An open round with ``entries`` entries, ``judges`` judges and a generated k-per-entry assignment."""
    spec = parse_edition_toml((ROOT / "data" / "edition_example.toml").read_text(encoding="utf-8"))
    with write_session(engine) as s:
        edition_id = create_edition_from_spec(s, spec=spec, rubrics={"innovation_contest": RUBRIC}, actor=SYSTEM).id
        rnd = rounds_of(s, edition_id)[0]
        update_round(s, round_id=rnd.id, actor=SYSTEM, judges_per_entry=k)
        add_entries(s, edition_id=edition_id, records=[
            {"code": f"L-{i}", "track": "life", "title": f"作品{i}"} for i in range(entries)], actor=SYSTEM)
        for i in range(judges):
            create_user(s, username=f"j{i}", display_name=f"评委{i}", expertise="life", actor=SYSTEM)
    with write_session(engine) as s:
        generate_assignment(s, round_id=rnd.id, seed=1, actor=SYSTEM)
    return edition_id, rnd.id


def _inputs(engine, round_id):
    with read_session(engine) as s:
        return round_inputs(s, round_id=round_id, actor=SYSTEM)


def test_the_proposal_skips_conflicts_and_judges_already_on_the_entry_and_levels_the_load(engine):
    edition_id, round_id = _contest(engine)
    before = _inputs(engine, round_id)
    free = sorted(set(before.judges) - {j for j, e in before.pairs if e == "L-0"})
    with write_session(engine) as s:  # 回避 for one of the judges who could have taken L-0
        add_conflict(s, judge_id=before.judge_ids[free[0]], entry_id=before.entry_ids["L-0"], actor=SYSTEM)

    with read_session(engine) as s:
        proposal = propose_extra_seats(s, round_id=round_id, entry_codes=["L-0", "L-1"], extra=2, seed=4, actor=SYSTEM)

    assert Counter(e for _, e in proposal) == {"L-0": 2, "L-1": 2}
    assert (free[0], "L-0") not in proposal
    assert not set(proposal) & set(before.pairs)
    load = Counter(j for j, _ in [*before.pairs, *proposal])
    assert max(load.values()) - min(load.values()) <= 1  # 18 seats + 4 went to the least loaded judges
    assert sorted(_inputs(engine, round_id).pairs) == sorted(before.pairs)  # a proposal writes nothing


def test_a_confirmed_proposal_is_assigned_with_one_event(engine):
    edition_id, round_id = _contest(engine)
    with read_session(engine) as s:
        proposal = propose_extra_seats(s, round_id=round_id, entry_codes=["L-2"], extra=3, seed=0, actor=SYSTEM)

    with write_session(engine) as s:
        added = add_extra_seats(s, round_id=round_id, pairs=proposal, reason="待议作品增派评委", actor=SYSTEM)

    inputs = _inputs(engine, round_id)
    with read_session(engine) as s:
        pairs = assignment_pairs(s, round_id=round_id)
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "assignment.extra_judges")).one()
    assert len(added) == 3 and set(added) <= set(pairs)
    assert sum(1 for _, e in pairs if e == inputs.entry_ids["L-2"]) == 6
    assert json.loads(event.payload) == {"added": [list(p) for p in added], "reason": "待议作品增派评委"}


def test_a_stale_proposal_is_refused_whole(engine):
    edition_id, round_id = _contest(engine)
    with read_session(engine) as s:
        proposal = propose_extra_seats(s, round_id=round_id, entry_codes=["L-3", "L-4"], extra=1, seed=2, actor=SYSTEM)
    inputs = _inputs(engine, round_id)
    judge, code = proposal[-1]
    with write_session(engine) as s:  # declared after the proposal was shown
        add_conflict(s, judge_id=inputs.judge_ids[judge], entry_id=inputs.entry_ids[code], actor=SYSTEM)

    with pytest.raises(AssignmentError) as refused, write_session(engine) as s:
        add_extra_seats(s, round_id=round_id, pairs=proposal, reason="", actor=SYSTEM)

    assert [p.code for p in refused.value.problems] == ["oc.asg.in_conflict"]
    assert sorted(_inputs(engine, round_id).pairs) == sorted(inputs.pairs)  # nothing of it was assigned


def test_too_few_free_judges_is_said_per_entry(engine):
    edition_id, round_id = _contest(engine, judges=4, entries=4, k=3)

    with pytest.raises(AssignmentError) as refused, read_session(engine) as s:
        propose_extra_seats(s, round_id=round_id, entry_codes=["L-0"], extra=2, seed=0, actor=SYSTEM)

    assert [(p.code, p.params["entry"]) for p in refused.value.problems] == [("oc.asg.no_replacement", "L-0")]


def test_a_judge_cannot_add_seats(engine):
    edition_id, round_id = _contest(engine)
    with read_session(engine) as s:
        judge = _inputs(engine, round_id).judge_ids["j0"]
        actor = resolve_actor(s, user_id=judge)

    with pytest.raises(PermissionDenied), write_session(engine) as s:
        add_extra_seats(s, round_id=round_id, pairs=[("j0", "L-0")], reason="", actor=actor)


def test_entries_are_kept_in_the_round_entries(engine):
    edition_id, round_id = _contest(engine)
    with read_session(engine) as s:
        codes = [e.code for e in entries_of(s, edition_id)]
        proposal = propose_extra_seats(s, round_id=round_id, entry_codes=["nope", codes[0]], extra=1, seed=0,
                                       actor=SYSTEM)

    assert [e for _, e in proposal] == [codes[0]]  # an unknown code is not proposed for


def test_with_precision_the_seats_go_to_the_most_precise_free_judges_respecting_conflicts(engine):
    edition_id, round_id = _contest(engine, judges=8, entries=8, k=3)
    before = _inputs(engine, round_id)
    ranked = sorted(before.judges)  # j0 the most precise, j7 the least
    precision = {j: float(len(ranked) - n) for n, j in enumerate(ranked)}
    best_free = next(j for j in ranked if (j, "L-0") not in set(before.pairs))
    with write_session(engine) as s:  # 回避 for the most precise judge free for L-0
        add_conflict(s, judge_id=before.judge_ids[best_free], entry_id=before.entry_ids["L-0"], actor=SYSTEM)

    with read_session(engine) as s:
        proposal = propose_extra_seats(s, round_id=round_id, entry_codes=["L-0"], extra=1, seed=4, actor=SYSTEM,
                                       precision=precision)
        plain = propose_extra_seats(s, round_id=round_id, entry_codes=["L-0"], extra=1, seed=4, actor=SYSTEM)

    taken = {j for j, e in before.pairs if e == "L-0"} | {best_free}
    assert proposal == [(next(j for j in ranked if j not in taken), "L-0")]
    assert proposal[0][0] != best_free and plain[0][0] != best_free
