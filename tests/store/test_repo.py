"""Repository tests, run on SQLite and on PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest
from actors import as_user
from sqlalchemy import text

from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.errors import PermissionDenied, ScoreError, StaleWriteError
from judging.store.assignment import add_conflict, assign
from judging.store.audit_log import verify_audit_chain
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of, set_round_rubric
from judging.store.people import create_user
from judging.store.scores import count_scores, load_scores_frame
from judging.store.sheets import assigned_entries, save_comment, save_score

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")


@pytest.fixture
def contest(engine):
    """One edition, two tracks, an open round, three entries, two judges, all assigned."""
    with write_session(engine) as s:
        edition = create_edition(s, name="测试大赛", year=2026, tracks=[("life", "生活类", "Life"), ("public", "公共服务类", "Public")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": "L-001", "track": "life", "title": "智慧养老平台", "organisation": "甲公司"},
            {"code": "L-002", "track": "life", "title": "社区团购", "organisation": "乙公司"},
            {"code": "P-001", "track": "public", "title": "政务服务一网通办", "organisation": "丙公司"},
        ], actor=SYSTEM)
        j1 = create_user(s, username="j1", display_name="张三", organisation="丁大学", actor=SYSTEM)
        j2 = create_user(s, username="j2", display_name="李四", organisation="戊研究院", actor=SYSTEM)
        entries = entries_of(s, edition.id)
        assign(s, round_id=rnd.id, pairs=[(j.id, e.id) for j in (j1, j2) for e in entries], actor=SYSTEM)
        ids = {"round": rnd.id, "edition": edition.id, "j1": j1.id, "j2": j2.id} | {e.code: e.id for e in entries}
    return ids


def _save(engine, ids, judge, entry, criterion, value, **kw):
    with write_session(engine) as s:
        return save_score(s, round_id=ids["round"], judge_id=ids[judge], entry_id=ids[entry],
                               criterion=criterion, value=value, actor=as_user(s, judge), **kw)


def test_save_score_new_value_is_version_one_and_loads_in_long_format(engine, contest):
    _save(engine, contest, "j1", "L-001", "core_technology", 85.5)

    with read_session(engine) as s:
        frame = load_scores_frame(s, round_id=contest["round"], actor=SYSTEM)

    assert frame.to_dict("records") == [
        {"judge_id": "j1", "entry_id": "L-001", "criterion": "core_technology", "score": 85.5,
         "track": "life", "round": "prelim", "comment": "", "overall_comment": ""}
    ]


def test_scores_frame_of_an_empty_round_has_the_columns_and_types_of_a_full_one(engine, contest):
    with read_session(engine) as s:
        frame = load_scores_frame(s, round_id=contest["round"], actor=SYSTEM)

    assert list(frame.columns) == ["judge_id", "entry_id", "criterion", "score", "track", "round", "comment",
                                   "overall_comment"]
    assert (len(frame), frame["score"].dtype.kind, frame["judge_id"].dtype.kind) == (0, "f", "O")


def test_scores_frame_sees_a_score_of_the_same_transaction_not_yet_flushed(engine, contest):
    from judging.store.models import Score

    with write_session(engine) as s:
        s.add(Score(round_id=contest["round"], judge_id=contest["j2"], entry_id=contest["P-001"],
                    criterion="promotion_value", value=66.0))
        frame = load_scores_frame(s, round_id=contest["round"], actor=SYSTEM)

    assert frame[["judge_id", "entry_id", "score"]].values.tolist() == [["j2", "P-001", 66.0]]


def test_save_score_change_increments_version(engine, contest):
    _save(engine, contest, "j1", "L-001", "core_technology", 80, expected_version=0)

    score = _save(engine, contest, "j1", "L-001", "core_technology", 82, expected_version=1)

    assert (score.value, score.version) == (82, 2)


def test_save_score_same_value_keeps_version(engine, contest):
    _save(engine, contest, "j1", "L-001", "core_technology", 80)

    score = _save(engine, contest, "j1", "L-001", "core_technology", 80)

    assert score.version == 1


def test_save_score_stale_version_is_refused_with_current_value(engine, contest):
    _save(engine, contest, "j1", "L-001", "core_technology", 80, expected_version=0)
    _save(engine, contest, "j1", "L-001", "core_technology", 90, expected_version=1)  # the other tab

    with pytest.raises(StaleWriteError) as caught:
        _save(engine, contest, "j1", "L-001", "core_technology", 70, expected_version=1)

    assert (caught.value.current_value, caught.value.current_version) == (90, 2)
    with read_session(engine) as s:
        assert load_scores_frame(s, round_id=contest["round"], actor=SYSTEM)["score"].tolist() == [90]


@pytest.mark.parametrize("criterion, value", [("core_technology", 100.5), ("core_technology", -1),
                                              ("core_technology", 80.3), ("beauty", 80)])
def test_save_score_invalid_value_is_refused_and_nothing_stored(engine, contest, criterion, value):
    with pytest.raises(ScoreError):
        _save(engine, contest, "j1", "L-001", criterion, value)

    with read_session(engine) as s:
        assert count_scores(s, round_id=contest["round"], actor=SYSTEM) == 0


def test_save_score_unassigned_judge_is_refused(engine, contest):
    with write_session(engine) as s:
        outsider = create_user(s, username="j9", display_name="王五", actor=SYSTEM)
    contest["j9"] = outsider.id

    with pytest.raises(PermissionDenied):
        _save(engine, contest, "j9", "L-001", "core_technology", 80)


def test_conflict_excludes_scores_from_the_frame(engine, contest):
    _save(engine, contest, "j1", "L-001", "core_technology", 80)
    _save(engine, contest, "j2", "L-001", "core_technology", 70)

    with write_session(engine) as s:
        add_conflict(s, judge_id=contest["j1"], entry_id=contest["L-001"], reason="曾参与该项目", actor=SYSTEM)
    with read_session(engine) as s:
        frame = load_scores_frame(s, round_id=contest["round"], actor=SYSTEM)
        assigned = [e.code for e in assigned_entries(s, round_id=contest["round"], judge_id=contest["j1"], actor=SYSTEM)]

    assert frame["judge_id"].tolist() == ["j2"]
    assert assigned == ["L-002", "P-001"]


def test_conflicted_judge_cannot_score(engine, contest):
    with write_session(engine) as s:
        add_conflict(s, judge_id=contest["j1"], entry_id=contest["L-002"], actor=SYSTEM)

    with pytest.raises(PermissionDenied):
        _save(engine, contest, "j1", "L-002", "core_technology", 80)


def test_assign_conflicted_pair_is_refused_and_nothing_assigned(engine, contest):
    with write_session(engine) as s:
        j3 = create_user(s, username="j3", display_name="赵六", actor=SYSTEM)
        add_conflict(s, judge_id=j3.id, entry_id=contest["L-001"], source="organisation", actor=SYSTEM)
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        assign(s, round_id=contest["round"], pairs=[(j3.id, contest["L-002"]), (j3.id, contest["L-001"])], actor=SYSTEM)

    with read_session(engine) as s:
        assert assigned_entries(s, round_id=contest["round"], judge_id=j3.id, actor=SYSTEM) == []


def test_first_score_freezes_the_round_rubric(engine, contest):
    with write_session(engine) as s:
        set_round_rubric(s, round_id=contest["round"], rubric=RUBRIC, actor=SYSTEM)
    _save(engine, contest, "j1", "L-001", "core_technology", 80)

    with pytest.raises(PermissionDenied), write_session(engine) as s:
        set_round_rubric(s, round_id=contest["round"], rubric=RUBRIC, actor=SYSTEM)


def test_comment_is_loaded_beside_its_score(engine, contest):
    _save(engine, contest, "j1", "L-001", "core_technology", 50)
    with write_session(engine) as s:
        save_comment(s, round_id=contest["round"], judge_id=contest["j1"], entry_id=contest["L-001"],
                          criterion="core_technology", text_value="技术方案陈旧", actor=as_user(s, "j1"))

    with read_session(engine) as s:
        frame = load_scores_frame(s, round_id=contest["round"], actor=SYSTEM)

    assert frame["comment"].tolist() == ["技术方案陈旧"]


def test_audit_chain_is_intact_after_writes_and_detects_an_edit(engine, contest):
    _save(engine, contest, "j1", "L-001", "core_technology", 80)
    with read_session(engine) as s:
        assert verify_audit_chain(s, actor=SYSTEM) == []

    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET payload = '{}' WHERE action = 'score.save'"))

    with read_session(engine) as s:
        assert verify_audit_chain(s, actor=SYSTEM) != []
