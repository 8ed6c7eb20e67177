"""The audit trail read back (SQLite and PostgreSQL): replaying the score events rebuilds the score
table exactly, and ``judging audit verify`` fails after any direct edit of a score or an event."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pandas as pd
import pytest
from actors import as_user
from sqlalchemy import text

from judging.cli import main
from judging.core.permissions import CLI, SYSTEM
from judging.core.rubric import load_rubric
from judging.store.assignment import add_conflict, assign, remove_assignment
from judging.store.audit_log import replay_scores, score_mismatches, stored_scores, verify_audit_chain
from judging.store.db import read_session, write_session
from judging.store.editions import (
    add_entries,
    add_round,
    create_edition,
    entries_of,
    save_round_rubric,
    update_round,
)
from judging.store.imports import import_scores
from judging.store.people import create_user
from judging.store.sheets import clear_score, save_score

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")


@pytest.fixture
def contest(engine):
    with write_session(engine) as s:
        edition = create_edition(s, name="测试大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"L-{i:03d}", "track": "life", "title": f"作品{i}"} for i in range(1, 5)], actor=SYSTEM)
        judges = [create_user(s, username=f"j{k}", display_name=f"评委{k}", actor=SYSTEM) for k in range(1, 4)]
        entries = entries_of(s, edition.id)
        assign(s, round_id=rnd.id, pairs=[(j.id, e.id) for j in judges for e in entries], actor=SYSTEM)
        return {"round": rnd.id, "judges": {j.id: j.username for j in judges},
                "entries": {e.id: e.code for e in entries}}


def _random_history(engine, contest, *, seed: int, steps: int) -> None:
    """Saves, repeated saves, clears and a bulk import, in a seeded random order."""
    rng = random.Random(seed)
    criteria = list(RUBRIC.criterion_keys)
    for step in range(steps):
        judge = rng.choice(list(contest["judges"]))
        entry = rng.choice(list(contest["entries"]))
        where = {"round_id": contest["round"], "judge_id": judge, "entry_id": entry}
        with write_session(engine) as s:
            actor = as_user(s, contest["judges"][judge])
            if rng.random() < 0.2:
                clear_score(s, **where, criterion=rng.choice(criteria), actor=actor)
            else:
                save_score(s, **where, criterion=rng.choice(criteria), value=float(rng.randint(0, 100)),
                                actor=actor)
        if step == steps // 2:
            rows = [{"judge_id": contest["judges"][j], "entry_id": contest["entries"][e], "criterion": c,
                     "score": float(rng.randint(0, 100)), "track": "life", "round": "prelim", "comment": ""}
                    for j in contest["judges"] for e in list(contest["entries"])[:2] for c in criteria]
            with write_session(engine) as s:
                import_scores(s, contest["round"], pd.DataFrame(rows), CLI)


def test_replaying_the_score_events_rebuilds_the_score_table_exactly(engine, contest):
    _random_history(engine, contest, seed=7, steps=60)

    with read_session(engine) as s:
        replayed = replay_scores(s, contest["round"], actor=SYSTEM)
        stored = stored_scores(s, contest["round"], actor=SYSTEM)[contest["round"]]

    assert replayed == stored and len(stored) > 10
    assert any(v.version > 1 for v in stored.values())


def _verify(engine) -> int:
    return main(["audit", "verify", "--db", engine.url.render_as_string(hide_password=False)])


@pytest.mark.parametrize(("tamper", "finds"), [
    ("UPDATE score SET value = value + 1 WHERE id = (SELECT MIN(id) FROM score)", "audit.score_mismatch"),
    ("UPDATE score SET version = version + 5 WHERE id = (SELECT MIN(id) FROM score)", "audit.score_mismatch"),
    ("DELETE FROM score WHERE id = (SELECT MIN(id) FROM score)", "audit.score_mismatch"),
    ("DELETE FROM audit_event WHERE id = (SELECT MAX(id) FROM audit_event WHERE action = 'score.save')", "any"),
    ("UPDATE audit_event SET actor = 'someone' WHERE id = (SELECT MIN(id) FROM audit_event)", "chain"),
    ("UPDATE audit_event SET payload = REPLACE(payload, '\"value\": ', '\"value\": 1') "
     "WHERE id = (SELECT MAX(id) FROM audit_event WHERE action = 'score.save')", "chain"),
])
def test_audit_verify_passes_when_clean_and_fails_after_a_direct_edit(engine, contest, tamper, finds, capsys):
    _random_history(engine, contest, seed=3, steps=20)
    assert _verify(engine) == 0

    with engine.begin() as conn:
        conn.execute(text(tamper))

    assert _verify(engine) == 1
    with read_session(engine) as s:
        chain, scores = verify_audit_chain(s, actor=SYSTEM), score_mismatches(s, actor=SYSTEM)
    if finds == "chain":
        assert chain
    elif finds == "audit.score_mismatch":
        assert [p.code for p in scores][:1] == ["audit.score_mismatch"]
    else:
        assert chain or scores


def test_a_score_inserted_past_the_repository_is_found(engine, contest):
    _random_history(engine, contest, seed=5, steps=5)
    judge, entry = next(iter(contest["judges"])), list(contest["entries"])[-1]

    with engine.begin() as conn:
        conn.execute(text("DELETE FROM score WHERE judge_id = :j AND entry_id = :e AND criterion = 'promotion_value'"),
                     {"j": judge, "e": entry})
        conn.execute(text("INSERT INTO score (round_id, judge_id, entry_id, criterion, value, version, updated_at) "
                          "VALUES (:r, :j, :e, 'promotion_value', 99, 1, CURRENT_TIMESTAMP)"),
                     {"r": contest["round"], "j": judge, "e": entry})

    with read_session(engine) as s:
        problems = score_mismatches(s, actor=SYSTEM)
    assert len(problems) == 1 and problems[0].params["table"] == "99 v1"


def _last_action(engine) -> str:
    with read_session(engine) as s:
        return s.exec(text("SELECT action FROM audit_event ORDER BY id DESC LIMIT 1")).one()[0]


def test_every_kind_of_change_is_an_event(engine, contest):
    from judging.errors import PermissionDenied

    judge, entry = next(iter(contest["judges"])), next(iter(contest["entries"]))
    other_entry = list(contest["entries"])[1]
    where = {"round_id": contest["round"], "judge_id": judge, "entry_id": entry}
    steps = [
        ("score.save", lambda s: save_score(s, **where, criterion="core_technology", value=80.0, actor=as_user(s, "j1"))),
        ("score.clear", lambda s: clear_score(s, **where, criterion="core_technology", actor=as_user(s, "j1"))),
        ("round.update", lambda s: update_round(s, round_id=contest["round"], name="初评（网评）",
                                                          actor=CLI)),
        ("round.rubric_new_version", lambda s: save_round_rubric(
            s, round_id=contest["round"], rubric=dataclasses.replace(RUBRIC, version=2), reason="修订评分说明",
            actor=CLI)),
        ("assignment.remove", lambda s: remove_assignment(
            s, round_id=contest["round"], judge_id=judge, entry_id=other_entry, reason="回避", actor=CLI)),
        ("conflict.add", lambda s: add_conflict(s, judge_id=judge, entry_id=other_entry, actor=CLI)),
    ]
    for action, step in steps:
        with write_session(engine) as s:
            step(s)
        assert _last_action(engine) == action
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        save_score(s, **where, criterion="core_technology", value=90.0, actor=as_user(s, "j2"))
    assert _last_action(engine) == "permission.refused"
    with read_session(engine) as s:
        assert verify_audit_chain(s, actor=SYSTEM) == [] and score_mismatches(s, actor=SYSTEM) == []
