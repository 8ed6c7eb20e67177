"""The demo contest on SQLite and PostgreSQL: what it creates, that it keeps the rules, that it runs once."""

from __future__ import annotations

from collections import Counter

import pytest
from actors import as_user
from sqlmodel import select

from judging.cli import main
from judging.core.passwords import verify_password
from judging.core.permissions import SYSTEM
from judging.core.scoring import missing_comments
from judging.demo import DEMO_PASSWORD, TRACKS, DemoError, build_demo, plan_sheets
from judging.store.advancement import advancement_preview, confirm_advancement
from judging.store.assignment import conflicts_of
from judging.store.audit_log import verify_audit_chain
from judging.store.db import read_session
from judging.store.editions import (
    entries_of,
    entries_of_round,
    list_editions,
    round_rubric,
    rounds_of,
    tracks_of,
)
from judging.store.live import open_live_entry, ordinary_sheets, set_panel
from judging.store.models import Assignment, Comment, Score, ScoreSheet, User, Veto
from judging.store.people import list_judges
from judging.store.scores import load_scores_frame
from judging.store.sheets import assigned_entries


@pytest.fixture
def demo(engine):
    edition_id = build_demo(engine, seed=2026)
    with read_session(engine) as session:
        yield session, edition_id


def test_demo_builds_the_edition_tracks_rounds_entries_and_accounts(demo):
    session, edition_id = demo

    [edition] = list_editions(session)
    rounds = rounds_of(session, edition_id)
    users = session.exec(select(User)).all()

    assert (edition.id, edition.name, edition.year) == (edition_id, "2026年信息消费创新大赛(演示)", 2026)
    assert [(t.key, t.name_zh) for t in tracks_of(session, edition_id)] == [(k, zh) for k, zh, _ in TRACKS]
    assert [(r.key, r.name, r.status, r.judges_per_entry) for r in rounds] == [
        ("preliminary", "初评", "open", 5), ("final", "终评/路演", "draft", 7)]
    assert round_rubric(rounds[0]).key == "innovation_contest"
    entries = entries_of(session, edition_id)
    assert len(entries) == 150
    assert set(Counter(e.track_id for e in entries).values()) == {30}
    assert Counter(u.role for u in users) == {"judge": 24, "organiser": 1, "announcer": 1, "auditor": 1}
    assert all(u.organisation and u.expertise and u.title for u in users if u.role == "judge")
    assert len({u.password_hash for u in users}) == 1  # one argon2 hash of the public demo password
    assert verify_password(DEMO_PASSWORD, users[0].password_hash)


def test_demo_assignment_gives_five_judges_per_entry_and_avoids_every_conflict(demo):
    session, edition_id = demo
    preliminary = rounds_of(session, edition_id)[0]

    pairs = {(a.judge_id, a.entry_id) for a in session.exec(select(Assignment).where(Assignment.round_id == preliminary.id))}
    conflicts = conflicts_of(session, edition_id)
    loads = Counter(j for j, _ in pairs).values()

    assert len(conflicts) >= 5  # the sample files hold real conflicts by organisation and recommending unit
    assert {c.source for c in conflicts} == {"organisation", "recommending_unit"}
    assert pairs.isdisjoint((c.judge_id, c.entry_id) for c in conflicts)
    assert set(Counter(e for _, e in pairs).values()) == {5}
    assert len(pairs) == 150 * 5
    assert max(loads) - min(loads) <= 1


def test_demo_scores_are_on_the_scale_with_required_comments_visible_progress_and_an_audit_trail(demo):
    session, edition_id = demo
    preliminary = rounds_of(session, edition_id)[0]
    rubric = round_rubric(preliminary)

    scores = session.exec(select(Score).where(Score.round_id == preliminary.id)).all()
    sheets = session.exec(select(ScoreSheet).where(ScoreSheet.round_id == preliminary.id)).all()
    comments = {(c.judge_id, c.entry_id, c.criterion): c.text
                for c in session.exec(select(Comment).where(Comment.round_id == preliminary.id))}
    by_sheet: dict[tuple[int, int], dict[str, float]] = {}
    for s in scores:
        by_sheet.setdefault((s.judge_id, s.entry_id), {})[s.criterion] = s.value

    assert all(0 <= s.value <= 100 and (s.value * 2).is_integer() for s in scores)
    assert {s.criterion for s in scores} == set(rubric.criterion_keys)
    assert 0.05 <= 1 - len(sheets) / 750 <= 0.2  # about a tenth not started
    submitted = [s for s in sheets if s.status == "submitted"]
    assert 0.7 * 750 <= len(submitted) < len(sheets)
    for sheet in submitted:
        values = by_sheet[(sheet.judge_id, sheet.entry_id)]
        sheet_comments = {c: t for (j, e, c), t in comments.items() if (j, e) == (sheet.judge_id, sheet.entry_id)}
        assert set(values) == set(rubric.criterion_keys)
        assert missing_comments(scores=values, comments=sheet_comments, rubric=rubric) == []
    assert preliminary.rubric_frozen
    assert len(session.exec(select(Veto)).all()) == 1
    judge_means = load_scores_frame(session, round_id=preliminary.id, actor=SYSTEM).groupby("judge_id")["score"].mean()
    assert judge_means.max() - judge_means.min() > 8  # harsh and lenient judges, for the calibration to correct
    assert verify_audit_chain(session, actor=SYSTEM) == []


def test_demo_refuses_a_second_run(engine):
    build_demo(engine, seed=1)

    with pytest.raises(DemoError) as caught:
        build_demo(engine, seed=1)

    assert [p.code for p in caught.value.problems] == ["demo.database_not_empty"]
    with read_session(engine) as session:
        assert len(list_editions(session)) == 1


def test_demo_command_builds_then_refuses(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "en")
    url = f"sqlite:///{tmp_path / 'demo.db'}"

    first = main(["demo", "--db", url, "--seed", "3"])
    out = capsys.readouterr().out
    second = main(["demo", "--db", url])
    err = capsys.readouterr().err

    assert first == 0
    assert "150 entries, 24 judges" in out and DEMO_PASSWORD in out
    assert second == 2
    assert "the database is not empty (1 edition(s), 27 account(s))" in err


def test_simulated_sheets_are_deterministic_for_a_seed():
    from judging.core.rubric import load_rubric
    from judging.demo import RUBRICS_DIR

    rubric = load_rubric(RUBRICS_DIR / "innovation_contest.toml")
    pairs = [(j, e) for e in range(40) for j in range(e % 7, e % 7 + 5)]

    first = plan_sheets(rubric=rubric, pairs=pairs, entries=list(range(40)), judges=list(range(12)), seed=5)
    again = plan_sheets(rubric=rubric, pairs=pairs, entries=list(range(40)), judges=list(range(12)), seed=5)
    other = plan_sheets(rubric=rubric, pairs=pairs, entries=list(range(40)), judges=list(range(12)), seed=6)

    assert first == again
    assert first != other


def test_demo_final_runs_as_a_live_final_after_advancement(engine):
    from judging.store.db import write_session

    edition_id = build_demo(engine, seed=2026)
    with write_session(engine) as s:
        preliminary, final = rounds_of(s, edition_id)
        preview = advancement_preview(s, round_id=preliminary.id, actor=as_user(s, "organiser"))
        codes = preview.loc[preview["advance"], "entry_id"].tolist()
        confirm_advancement(s, round_id=preliminary.id, codes=codes, actor=as_user(s, "organiser"))
        panel = [j.id for j in list_judges(s, actor=SYSTEM)[:7]]
        set_panel(s, round_id=final.id, judge_ids=panel, actor=as_user(s, "organiser"))
        first = entries_of_round(s, round_id=final.id)[0]
        seats = open_live_entry(s, round_id=final.id, entry_id=first.id, actor=as_user(s, "organiser"))
    with read_session(engine) as s:
        seen = {tuple(e.code for e in assigned_entries(s, round_id=final.id, judge_id=j, actor=as_user(s, "organiser")))
                for j in panel}
        assert ordinary_sheets(s, round_id=final.id, actor=as_user(s, "organiser")) == 0
    assert len(codes) >= 30 and 1 <= seats <= 7 and seen <= {(first.code,), ()}
