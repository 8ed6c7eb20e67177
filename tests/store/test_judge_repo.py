"""Repository functions of the judge workspace, on SQLite and PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest
from actors import as_user

from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.core.states import SheetProgress
from judging.errors import PermissionDenied, ScoreError, StaleWriteError
from judging.store.assignment import add_conflict, assign, conflict_rows
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.models import AuditEvent
from judging.store.people import create_user, resolve_actor
from judging.store.scores import load_scores_frame, round_score_version
from judging.store.sheets import (
    StoredValue,
    clear_score,
    clear_veto,
    declare_conflict,
    judge_entry_rows,
    load_sheet,
    open_rounds_of_judge,
    reopen_sheet,
    save_comment,
    save_score,
    save_veto,
    submit_sheet,
    submitted_sheets,
)

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
GOOD = {"core_technology": 80.0, "application_effect": 70.0, "promotion_value": 90.0}


@pytest.fixture
def contest(engine):
    with write_session(engine) as s:
        edition = create_edition(s, name="测试大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"L-{i:03d}", "track": "life", "title": f"作品{i}"} for i in range(1, 7)
        ], actor=SYSTEM)
        j1 = create_user(s, username="j1", display_name="张三", actor=SYSTEM)
        j2 = create_user(s, username="j2", display_name="李四", actor=SYSTEM)
        entries = entries_of(s, edition.id)
        assign(s, round_id=rnd.id, pairs=[(j.id, e.id) for j in (j1, j2) for e in entries], actor=SYSTEM)
        return {"round": rnd.id, "j1": j1.id, "j2": j2.id, "entries": [e.id for e in entries]}


def _where(c, judge="j1", entry=0):
    return {"round_id": c["round"], "judge_id": c[judge], "entry_id": c["entries"][entry]}


def _fill(engine, c, scores=GOOD, judge="j1", entry=0):
    with write_session(engine) as s:
        for criterion, value in scores.items():
            save_score(s, criterion=criterion, value=value, actor=as_user(s, judge), **_where(c, judge, entry))


def _actions(engine):
    with read_session(engine) as s:
        return [e.action for e in s.exec(AuditEvent.__table__.select().order_by(AuditEvent.id))]


def test_load_sheet_returns_values_versions_and_only_this_judges_rows(engine, contest):
    _fill(engine, contest, {"core_technology": 80})
    _fill(engine, contest, {"core_technology": 85})
    _fill(engine, contest, {"core_technology": 40}, judge="j2")
    with write_session(engine) as s:
        save_comment(s, criterion="", text_value="总体不错", actor=as_user(s, "j1"), **_where(contest))

    with read_session(engine) as s:
        sheet = load_sheet(s, **_where(contest), actor=SYSTEM)

    assert sheet.scores == {"core_technology": StoredValue(85.0, 2)}
    assert sheet.comments == {"": StoredValue("总体不错", 1)}
    assert (sheet.status, sheet.state(RUBRIC)) == ("draft", SheetProgress.IN_PROGRESS)


def test_judge_entry_rows_order_is_stable_and_differs_between_judges(engine, contest):
    with read_session(engine) as s:
        first = [r.entry.id for r in judge_entry_rows(s, round_id=contest["round"], judge_id=contest["j1"], actor=SYSTEM)]
        again = [r.entry.id for r in judge_entry_rows(s, round_id=contest["round"], judge_id=contest["j1"], actor=SYSTEM)]
        other = [r.entry.id for r in judge_entry_rows(s, round_id=contest["round"], judge_id=contest["j2"], actor=SYSTEM)]

    assert first == again
    assert sorted(first) == sorted(other) == contest["entries"]
    assert first != other  # sha256 of (round, judge, entry): these two judges do not share an order


def test_judge_entry_rows_report_state_scored_and_total(engine, contest):
    _fill(engine, contest, entry=0)
    _fill(engine, contest, {"core_technology": 50}, entry=1)  # needs a comment, two criteria missing

    with read_session(engine) as s:
        rows = {r.entry.id: r for r in judge_entry_rows(s, round_id=contest["round"], judge_id=contest["j1"], actor=SYSTEM)}

    e = contest["entries"]
    assert (rows[e[0]].state, rows[e[0]].scored, rows[e[0]].total) == (SheetProgress.COMPLETE, 3, 80.0)
    assert (rows[e[1]].state, rows[e[1]].scored, rows[e[1]].total) == (SheetProgress.IN_PROGRESS, 1, None)
    assert rows[e[2]].state == SheetProgress.NOT_STARTED


def test_submit_sheet_locks_and_is_logged(engine, contest):
    _fill(engine, contest)

    with write_session(engine) as s:
        submit_sheet(s, actor=as_user(s, "j1"), **_where(contest))

    with pytest.raises(PermissionDenied):
        _fill(engine, contest, {"core_technology": 60})
    with read_session(engine) as s:
        assert load_sheet(s, **_where(contest), actor=SYSTEM).state(RUBRIC) == SheetProgress.SUBMITTED
    assert _actions(engine)[-2:] == ["sheet.submit", "permission.refused"]


def test_submit_sheet_refuses_missing_scores(engine, contest):
    _fill(engine, contest, {"core_technology": 80})

    with pytest.raises(ScoreError) as caught, write_session(engine) as s:
        submit_sheet(s, actor=as_user(s, "j1"), **_where(contest))

    assert caught.value.problems[0].code == "sheet.missing_scores"


def test_submit_sheet_refuses_missing_required_comment(engine, contest):
    _fill(engine, contest, GOOD | {"promotion_value": 98})  # above 95: a comment is required

    with pytest.raises(ScoreError) as caught, write_session(engine) as s:
        submit_sheet(s, actor=as_user(s, "j1"), **_where(contest))

    assert caught.value.problems[0].params == {"criteria": "推广价值"}


def test_reopen_sheet_by_organiser_unlocks_and_is_logged(engine, contest):
    _fill(engine, contest)
    with write_session(engine) as s:
        submit_sheet(s, actor=as_user(s, "j1"), **_where(contest))

    with write_session(engine) as s:
        reopen_sheet(s, reason="评委要求修改", actor=SYSTEM, **_where(contest))
    _fill(engine, contest, {"core_technology": 60})

    with read_session(engine) as s:
        assert load_sheet(s, **_where(contest), actor=SYSTEM).status == "draft"
    assert "sheet.reopen" in _actions(engine)


def test_reopen_sheet_refused_for_a_judge(engine, contest):
    _fill(engine, contest)
    with write_session(engine) as s:
        submit_sheet(s, actor=as_user(s, "j1"), **_where(contest))

    with pytest.raises(PermissionDenied), write_session(engine) as s:
        reopen_sheet(s, actor=as_user(s, "j1"), **_where(contest))


def test_declare_conflict_removes_entry_and_excludes_scores(engine, contest):
    _fill(engine, contest)

    with write_session(engine) as s:
        declare_conflict(s, round_id=contest["round"], judge_id=contest["j1"], entry_id=contest["entries"][0], reason="曾任顾问", actor=as_user(s, "j1"))

    with read_session(engine) as s:
        rows = judge_entry_rows(s, round_id=contest["round"], judge_id=contest["j1"], actor=SYSTEM)
        frame = load_scores_frame(s, round_id=contest["round"], actor=SYSTEM)
        declared = conflict_rows(s, source="declared", actor=SYSTEM)
    assert contest["entries"][0] not in [r.entry.id for r in rows]
    assert frame.empty
    assert [(d.judge.username, d.entry.id, d.conflict.reason) for d in declared] == [
        ("j1", contest["entries"][0], "曾任顾问")
    ]


def test_declare_conflict_needs_a_reason(engine, contest):
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        declare_conflict(s, round_id=contest["round"], judge_id=contest["j1"], entry_id=contest["entries"][0], reason="  ", actor=as_user(s, "j1"))


def test_clear_score_removes_it_and_refuses_a_stale_version(engine, contest):
    _fill(engine, contest, {"core_technology": 80})
    _fill(engine, contest, {"core_technology": 85})  # version 2

    with pytest.raises(StaleWriteError), write_session(engine) as s:
        clear_score(s, criterion="core_technology", expected_version=1, actor=as_user(s, "j1"), **_where(contest))
    with write_session(engine) as s:
        clear_score(s, criterion="core_technology", expected_version=2, actor=as_user(s, "j1"), **_where(contest))

    with read_session(engine) as s:
        assert load_sheet(s, **_where(contest), actor=SYSTEM).scores == {}


def test_veto_save_and_clear(engine, contest):
    veto = RUBRIC.veto_items[0].key
    with write_session(engine) as s:
        save_veto(s, veto_key=veto, reason="存在知识产权纠纷", actor=as_user(s, "j1"), **_where(contest))
    with read_session(engine) as s:
        assert load_sheet(s, **_where(contest), actor=SYSTEM).vetoes == {veto: "存在知识产权纠纷"}

    with write_session(engine) as s:
        clear_veto(s, veto_key=veto, actor=as_user(s, "j1"), **_where(contest))

    with read_session(engine) as s:
        assert load_sheet(s, **_where(contest), actor=SYSTEM).vetoes == {}


def test_submitted_sheets_lists_only_submitted(engine, contest):
    _fill(engine, contest, entry=0)
    _fill(engine, contest, entry=1)
    with write_session(engine) as s:
        submit_sheet(s, actor=as_user(s, "j1"), **_where(contest, entry=1))

    with read_session(engine) as s:
        rows = submitted_sheets(s, round_id=contest["round"], actor=SYSTEM)

    assert [(r.judge.username, r.entry.id) for r in rows] == [("j1", contest["entries"][1])]


def test_open_rounds_of_judge_lists_rounds_with_assignments(engine, contest):
    with read_session(engine) as s:
        rounds = open_rounds_of_judge(s, judge_id=contest["j1"], actor=SYSTEM)

    assert [r.id for r in rounds] == [contest["round"]]


def test_round_score_version_changes_when_the_newest_score_is_cleared_and_another_saved(engine, contest):
    # SQLite reuses the highest row id after a delete: count, version sum and newest id can come back,
    # and a replica whose clock lags can write the same update time as before
    from sqlalchemy import text

    def version():
        with read_session(engine) as s:
            return round_score_version(s, round_id=contest["round"], actor=SYSTEM)

    _fill(engine, contest, {"core_technology": 80})
    before = version()
    with write_session(engine) as s:
        clear_score(s, criterion="core_technology", actor=as_user(s, "j1"), **_where(contest))
    _fill(engine, contest, {"application_effect": 80})
    with write_session(engine) as s:  # the lagging clock
        s.execute(text("UPDATE score SET updated_at = :at"), {"at": before[3]})

    assert version() != before


def test_round_score_version_changes_with_every_change_the_fit_reads_and_only_then(engine, contest):
    def version():
        with read_session(engine) as s:
            return round_score_version(s, round_id=contest["round"], actor=SYSTEM)

    seen = [version()]
    _fill(engine, contest, {"core_technology": 80})  # a new score
    seen.append(version())
    _fill(engine, contest, {"core_technology": 85})  # the same score changed
    seen.append(version())
    with write_session(engine) as s:
        save_comment(s, criterion="", text_value="总体不错", actor=as_user(s, "j1"), **_where(contest))
    assert version() == seen[-1]  # a comment does not change the fit
    with write_session(engine) as s:
        clear_score(s, criterion="core_technology", actor=as_user(s, "j1"), **_where(contest))  # cleared
    seen.append(version())
    with write_session(engine) as s:
        add_conflict(s, judge_id=contest["j2"], entry_id=contest["entries"][1], source="organiser",
                          actor=SYSTEM)
    seen.append(version())

    assert len(seen) == 5 and all(before != after for before, after in zip(seen, seen[1:], strict=False))


@pytest.mark.parametrize(("case", "message"), [
    ("submitted", "您已提交这件作品的评分表，不能再声明回避；请联系组织方：组织方可登记回避并处理已提交的分数。"),
    ("unassigned", "这件作品没有分配给您，无需声明回避；如有利害关系，请告知组织方。"),
])
def test_conflict_on_a_submitted_sheet_or_an_unassigned_entry_is_refused_and_says_whom_to_ask(
        engine, contest, case, message):
    entry = contest["entries"][0]
    if case == "submitted":
        _fill(engine, contest)
        with write_session(engine) as s:
            submit_sheet(s, **_where(contest), actor=as_user(s, "j1"))
    else:
        with write_session(engine) as s:
            j3 = create_user(s, username="j3", display_name="王五", actor=SYSTEM)
        contest = contest | {"j1": j3.id}
    with pytest.raises(PermissionDenied) as refused, write_session(engine) as s:
        declare_conflict(s, round_id=contest["round"], judge_id=contest["j1"], entry_id=entry, reason="亲属",
                         actor=resolve_actor(s, user_id=contest["j1"]))

    with read_session(engine) as s:
        conflicts = conflict_rows(s, actor=SYSTEM)
    assert (refused.value.render("zh"), conflicts) == (message, [])


def test_the_sheets_saved_time_is_its_newest_change(engine, contest):
    # the sheet shows 已保存 hh:mm:ss from this: a save changes the score's row only, not the sheet's
    def saved_at():
        with read_session(engine) as s:
            return load_sheet(s, actor=SYSTEM, **_where(contest)).updated_at

    times = []
    _fill(engine, contest, {"core_technology": 80})  # the first save makes the sheet
    times.append(saved_at())
    with write_session(engine) as s:
        save_comment(s, criterion="", text_value="总体不错", actor=as_user(s, "j1"), **_where(contest))
    times.append(saved_at())
    _fill(engine, contest, {"core_technology": 81})
    times.append(saved_at())
    with write_session(engine) as s:
        clear_score(s, criterion="core_technology", actor=as_user(s, "j1"), **_where(contest))
    times.append(saved_at())

    assert None not in times and times == sorted(times) and len(set(times)) == 4


def test_a_save_for_an_entry_that_does_not_exist_is_refused_and_recorded_not_a_database_failure(engine, contest):
    # the sheet's first save makes its row: the rules come first, or the row's foreign key fails instead
    missing = {**_where(contest), "entry_id": max(contest["entries"]) + 1000}
    for write in (lambda s: save_score(s, criterion="core_technology", value=80.0, actor=as_user(s, "j1"), **missing),
                  lambda s: save_comment(s, criterion="", text_value="好", actor=as_user(s, "j1"), **missing),
                  lambda s: submit_sheet(s, actor=as_user(s, "j1"), **missing)):
        with pytest.raises(PermissionDenied), write_session(engine) as s:
            write(s)

    assert _actions(engine).count("permission.refused") == 3
