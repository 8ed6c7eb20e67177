"""Storing imports on SQLite and PostgreSQL: all or nothing, automatic conflicts, score upserts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from judging.core.import_matches import DuplicateEntries
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.core.scores_io import read_scores_csv, write_scores_csv
from judging.errors import ImportValidationError, ScoreError
from judging.store.audit_log import verify_audit_chain
from judging.store.db import read_session, write_session
from judging.store.editions import add_round, create_edition, entries_of
from judging.store.imports import import_entries, import_judges, import_scores
from judging.store.models import Assignment, AuditEvent, Conflict, Entry, User
from judging.store.people import create_user, get_user, list_judges
from judging.store.scores import count_scores, load_scores_frame
from judging.store.sheets import load_sheet

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
TRACKS = [("life", "生活类信息消费", "Life services"), ("public", "公共服务类信息消费", "Public services")]

ENTRIES_GBK = (
    "作品编号,作品名称,申报单位,推荐单位,赛道,联系电话\r\n"
    "ＬＳ－００１,智慧养老服务平台,甲科技有限公司,某市经信局,生活类,１３８００１３８０００\r\n"
    ",社区团购小程序,乙网络公司,,生活类信息消费,\r\n"
    ",一网通办,丙大数据中心,某市经信局,public,010-12345678\r\n"
).encode("gbk")
JUDGES = (
    "评委编号,姓名,工作单位,专业领域\n"
    "j1,张伟,甲科技有限公司,生活类；人工智能\n"
    "j2,李娜,某市经信局,public\n"
    "j3,王芳,丁大学,\n"
).encode("utf-8-sig")


@pytest.fixture
def edition(engine):
    with write_session(engine) as s:
        edition = create_edition(s, name="测试大赛", year=2026, tracks=TRACKS, actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
    return {"edition": edition.id, "round": rnd.id}


def _codes(engine, edition_id):
    with read_session(engine) as s:
        return [(e.code, e.title) for e in entries_of(s, edition_id)]


def _conflicts(engine):
    with read_session(engine) as s:
        rows = s.exec(select(User.username, Entry.code, Conflict.source)
                      .join(User, User.id == Conflict.judge_id).join(Entry, Entry.id == Conflict.entry_id)).all()
    return sorted(tuple(r) for r in rows)


def test_import_entries_gbk_file_inserts_every_entry(engine, edition):
    with write_session(engine) as s:
        outcome = import_entries(s, edition_id=edition["edition"], data=ENTRIES_GBK, actor=SYSTEM)

    assert outcome.imported == 3
    assert _codes(engine, edition["edition"]) == [
        ("LS-001", "智慧养老服务平台"), ("life-001", "社区团购小程序"), ("public-001", "一网通办"),
    ]


def test_import_entries_with_one_bad_row_imports_nothing(engine, edition):
    data = ENTRIES_GBK + ",,无标题单位,,life,\r\n".encode("gbk")

    with pytest.raises(ImportValidationError) as caught, write_session(engine) as s:
        import_entries(s, edition_id=edition["edition"], data=data, actor=SYSTEM)

    assert [(p.code, p.row) for p in caught.value.problems] == [("import.required", 5)]
    assert _codes(engine, edition["edition"]) == []


def test_import_entries_again_lists_the_entries_already_in_the_edition(engine, edition):
    with write_session(engine) as s:
        import_entries(s, edition_id=edition["edition"], data=ENTRIES_GBK, actor=SYSTEM)

    with pytest.raises(DuplicateEntries) as caught, write_session(engine) as s:
        import_entries(s, edition_id=edition["edition"], data=ENTRIES_GBK, actor=SYSTEM)

    assert [(m.position, m.existing_code, m.by) for m in caught.value.matches] == [
        (1, "LS-001", "id"), (2, "life-001", "title"), (3, "public-001", "title")]
    assert len(_codes(engine, edition["edition"])) == 3


def test_import_judges_creates_judge_users_and_their_automatic_conflicts(engine, edition):
    with write_session(engine) as s:
        import_entries(s, edition_id=edition["edition"], data=ENTRIES_GBK, actor=SYSTEM)

    with write_session(engine) as s:
        outcome = import_judges(s, data=JUDGES, edition_id=edition["edition"], actor=SYSTEM)

    assert (outcome.imported, outcome.conflicts) == (3, 3)
    with read_session(engine) as s:
        assert [(u.username, u.display_name, u.role, u.expertise) for u in list_judges(s, actor=SYSTEM)] == [
            ("j1", "张伟", "judge", "life;人工智能"), ("j2", "李娜", "judge", "public"), ("j3", "王芳", "judge", ""),
        ]
    assert _conflicts(engine) == [
        ("j1", "LS-001", "organisation"), ("j2", "LS-001", "recommending_unit"),
        ("j2", "public-001", "recommending_unit"),
    ]


def test_import_entries_after_judges_records_conflicts_too(engine, edition):
    with write_session(engine) as s:
        import_judges(s, data=JUDGES, edition_id=edition["edition"], actor=SYSTEM)

    with write_session(engine) as s:
        outcome = import_entries(s, edition_id=edition["edition"], data=ENTRIES_GBK, actor=SYSTEM)

    assert outcome.conflicts == 3
    assert _conflicts(engine)[0] == ("j1", "LS-001", "organisation")


def test_import_judges_existing_username_imports_nothing(engine, edition):
    with write_session(engine) as s:
        create_user(s, username="j2", display_name="已有", actor=SYSTEM)

    with pytest.raises(ImportValidationError) as caught, write_session(engine) as s:
        import_judges(s, data=JUDGES, actor=SYSTEM)

    assert [(p.code, p.row, p.column) for p in caught.value.problems] == [("import.id_exists", 3, "评委编号")]
    with read_session(engine) as s:
        assert [u.username for u in list_judges(s, actor=SYSTEM)] == ["j2"]


def test_import_is_audited(engine, edition):
    with write_session(engine) as s:
        import_entries(s, edition_id=edition["edition"], data=ENTRIES_GBK, actor=SYSTEM)
        import_judges(s, data=JUDGES, edition_id=edition["edition"], actor=SYSTEM)

    with read_session(engine) as s:
        events = s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert verify_audit_chain(s, actor=SYSTEM) == []
    actions = [e.action for e in events if e.action != "audit.chain_opened"]
    assert actions[-5:] == ["entries.import", "user.create", "user.create", "user.create", "conflicts.auto"]
    # each new account's chain is opened with it, so that its first save waits for no other
    created = [e.subject for e in events if e.action == "user.create"][-3:]
    opened = [e.subject for e in events if e.action == "audit.chain_opened"][-3:]
    assert opened == [f"user:{subject.split(':')[1]}" for subject in created]


# --- scores ------------------------------------------------------------------------------------

@pytest.fixture
def people(engine, edition):
    with write_session(engine) as s:
        import_entries(s, edition_id=edition["edition"], data=ENTRIES_GBK, actor=SYSTEM)
        import_judges(s, data=JUDGES, edition_id=edition["edition"], actor=SYSTEM)
    return edition


SCORES = (
    "judge_id,entry_id,criterion,score,comment\n"
    "j3,LS-001,core_technology,85,技术扎实\n"
    "j3,LS-001,application_effect,70.5,\n"
    "j1,public-001,推广价值,90,\n"
)


def _export(engine, round_id) -> bytes:
    with read_session(engine) as s:
        return write_scores_csv(load_scores_frame(s, round_id=round_id, actor=SYSTEM))


def test_import_scores_creates_assignments_scores_and_comments(engine, people):
    with write_session(engine) as s:
        outcome = import_scores(s, people["round"], read_scores_csv(SCORES, RUBRIC), SYSTEM)

    assert (outcome.rows, outcome.changed, outcome.assignments) == (3, 4, 2)
    assert _export(engine, people["round"]).decode("utf-8-sig").splitlines() == [
        "judge_id,entry_id,criterion,score,track,round,comment,overall_comment",
        "j3,LS-001,application_effect,70.5,life,prelim,,",
        "j3,LS-001,core_technology,85,life,prelim,技术扎实,",
        "j1,public-001,promotion_value,90,public,prelim,,",
    ]
    with read_session(engine) as s:
        assert len(s.exec(select(Assignment)).all()) == 2


def test_import_scores_export_then_import_changes_nothing_and_exports_the_same_bytes(engine, people):
    with write_session(engine) as s:
        import_scores(s, people["round"], read_scores_csv(SCORES, RUBRIC), SYSTEM)
    first = _export(engine, people["round"])

    with write_session(engine) as s:
        outcome = import_scores(s, people["round"], read_scores_csv(first, RUBRIC), SYSTEM)

    assert outcome.changed == 0
    assert _export(engine, people["round"]) == first


def test_import_scores_changed_value_gets_a_new_version(engine, people):
    with write_session(engine) as s:
        import_scores(s, people["round"], read_scores_csv(SCORES, RUBRIC), SYSTEM)

    with write_session(engine) as s:
        outcome = import_scores(s, people["round"], read_scores_csv(SCORES.replace(",85,", ",88,"), RUBRIC), SYSTEM)

    assert outcome.changed == 1
    with read_session(engine) as s:
        j3 = get_user(s, "j3", actor=SYSTEM)
        entry = next(e for e in entries_of(s, people["edition"]) if e.code == "LS-001")
        state = load_sheet(s, round_id=people["round"], judge_id=j3.id, entry_id=entry.id, actor=SYSTEM)
    assert (state.scores["core_technology"].value, state.scores["core_technology"].version) == (88, 2)


def test_import_scores_refuses_unknown_people_conflicts_and_wrong_round_and_writes_nothing(engine, people):
    text = (
        "judge_id,entry_id,criterion,score,track,round\n"
        "nobody,LS-001,core_technology,85,,\n"
        "j3,NOPE,core_technology,85,,\n"
        "j1,LS-001,core_technology,85,,\n"        # j1 works for the applicant (回避)
        "j3,life-001,core_technology,85,,final\n"
        "j3,public-001,core_technology,85,life,\n"
        "j3,LS-001,core_technology,85,,\n"        # fine, but the file has errors
    )

    with pytest.raises(ScoreError) as caught, write_session(engine) as s:
        import_scores(s, people["round"], read_scores_csv(text, RUBRIC), SYSTEM)

    assert [p.code for p in caught.value.problems] == [
        "scores.unknown_judge", "scores.unknown_entry", "scores.in_conflict", "scores.wrong_round",
        "scores.wrong_track",
    ]
    assert caught.value.problems[2].where == "j1 × LS-001 × core_technology"
    with read_session(engine) as s:
        assert count_scores(s, round_id=people["round"], actor=SYSTEM) == 0
