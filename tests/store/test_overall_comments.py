"""Overall comments in score files (SQLite and PostgreSQL): imported as the sheet's ``comment:`` field,
exported on every row of the sheet, the same file imported twice changes nothing, and rows of one sheet
that disagree are refused with the sheet named."""

from __future__ import annotations

from pathlib import Path

import pytest

from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.core.scores_io import read_scores_csv, write_scores_csv
from judging.errors import ScoreError
from judging.store.audit_log import score_mismatches, verify_audit_chain
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition
from judging.store.imports import import_scores
from judging.store.people import create_user
from judging.store.scores import load_scores_frame
from judging.store.sheets import load_sheet

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
SCORES = (
    "评委编号,作品编号,评分项,分数,评语,总体评语\n"
    "j1,L-1,core_technology,85,技术扎实,推荐进入复评\n"
    "j1,L-1,application_effect,70,,推荐进入复评\n"
    "j1,L-2,core_technology,60,,\n"
    "j1,L-2,application_effect,65,,应用场景不清晰\n"
)


@pytest.fixture
def round_id(engine):
    with write_session(engine) as s:
        edition = create_edition(s, name="大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"L-{i}", "track": "life", "title": f"作品{i}"} for i in (1, 2)], actor=SYSTEM)
        create_user(s, username="j1", display_name="张三", actor=SYSTEM)
    return rnd.id


def _export(engine, round_id: int) -> bytes:
    with read_session(engine) as s:
        return write_scores_csv(load_scores_frame(s, round_id=round_id, actor=SYSTEM))


def test_overall_comments_import_into_the_sheet_and_export_on_each_of_its_rows(engine, round_id):
    with write_session(engine) as s:
        outcome = import_scores(s, round_id, read_scores_csv(SCORES.encode("utf-8"), RUBRIC), SYSTEM)
    with read_session(engine) as s:
        sheet = load_sheet(s, round_id=round_id, judge_id=1, entry_id=1, actor=SYSTEM)
        events_ok = (verify_audit_chain(s, actor=SYSTEM), score_mismatches(s, actor=SYSTEM))

    assert outcome.changed == 4 + 1 + 2  # four scores, one criterion comment, two overall comments
    assert sheet.comment_texts == {"core_technology": "技术扎实", "": "推荐进入复评"}
    assert events_ok == ([], [])
    assert _export(engine, round_id).decode("utf-8-sig").splitlines() == [
        "judge_id,entry_id,criterion,score,track,round,comment,overall_comment",
        "j1,L-1,application_effect,70,life,prelim,,推荐进入复评",
        "j1,L-1,core_technology,85,life,prelim,技术扎实,推荐进入复评",
        "j1,L-2,application_effect,65,life,prelim,,应用场景不清晰",
        "j1,L-2,core_technology,60,life,prelim,,应用场景不清晰",
    ]


def test_an_export_imported_again_changes_nothing(engine, round_id):
    with write_session(engine) as s:
        import_scores(s, round_id, read_scores_csv(SCORES.encode("utf-8"), RUBRIC), SYSTEM)
    first = _export(engine, round_id)

    with write_session(engine) as s:
        again = import_scores(s, round_id, read_scores_csv(first, RUBRIC), SYSTEM)

    assert again.changed == 0
    assert _export(engine, round_id) == first


def test_rows_of_one_sheet_with_different_overall_comments_are_refused(engine, round_id):
    text = SCORES.replace("j1,L-1,application_effect,70,,推荐进入复评", "j1,L-1,application_effect,70,,不推荐")

    with write_session(engine) as s, pytest.raises(ScoreError) as refused:
        import_scores(s, round_id, read_scores_csv(text.encode("utf-8"), RUBRIC), SYSTEM)

    assert refused.value.render("zh") == ("j1 × L-1 × application_effect: 评委 j1 对作品 L-1 的总体评语在各行不一致："
                                          "同一评分表的每一行应填写相同的总体评语（或只在一行填写）")
    assert _export(engine, round_id).decode("utf-8-sig").splitlines()[1:] == []
