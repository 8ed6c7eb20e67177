"""Long-format score files: reading with every problem reported, writing, and the round trip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.core.rubric import load_rubric
from judging.core.scores_io import (
    SCORE_COLUMNS,
    empty_scores_frame,
    format_number,
    parse_number,
    read_scores_csv,
    write_scores_csv,
)
from judging.errors import ScoreError

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")


def _frame(rows):
    return pd.DataFrame({
        name: pd.Series([r.get(name, "") for r in rows], dtype=float if name == "score" else "str")
        for name in SCORE_COLUMNS
    })


def _problems(source):
    with pytest.raises(ScoreError) as caught:
        read_scores_csv(source, RUBRIC)
    return [(p.code, p.row, p.column) for p in caught.value.problems]


def test_read_english_header_gives_keys_and_floats():
    text = "judge_id,entry_id,criterion,score\nj1,L-001,core_technology,85\nj1,L-001,application_effect,72.5\n"

    frame = read_scores_csv(text, RUBRIC)

    assert frame.equals(_frame([
        {"judge_id": "j1", "entry_id": "L-001", "criterion": "core_technology", "score": 85.0},
        {"judge_id": "j1", "entry_id": "L-001", "criterion": "application_effect", "score": 72.5},
    ]))


def test_read_gbk_chinese_headers_labels_and_full_width_digits():
    text = ("评委编号,作品编号,评分项,分数,赛道,评审阶段,评语,总体评语\n"
            "ｊ１,Ｌ－００１,核心技术水平,８５．５,life,初评,技术扎实，有创新。,推荐进入复评\n")

    frame = read_scores_csv(text.encode("gbk"), RUBRIC)

    assert frame.to_dict("records") == [{
        "judge_id": "j1", "entry_id": "L-001", "criterion": "core_technology", "score": 85.5,
        "track": "life", "round": "初评", "comment": "技术扎实，有创新。", "overall_comment": "推荐进入复评",
    }]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_read_each_encoding_excel_writes(encoding):
    text = "评委编号,作品编号,评分项,分数\n张评委,生活-1,应用效果,90\n"

    frame = read_scores_csv(text.encode(encoding), RUBRIC)

    assert frame[["judge_id", "entry_id", "criterion", "score"]].values.tolist() == [["张评委", "生活-1", "application_effect", 90.0]]


def test_read_path_and_path_string(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_bytes("judge_id,entry_id,criterion,score\nj1,E1,promotion_value,60\n".encode("utf-8-sig"))

    assert read_scores_csv(path, RUBRIC).equals(read_scores_csv(str(path), RUBRIC))


def test_read_reports_every_bad_row_with_its_spreadsheet_row_number():
    text = (
        "judge_id,entry_id,criterion,score\n"
        "j1,E1,core_technology,85\n"       # row 2 fine
        "j1,E1,core_technology,86\n"       # row 3 duplicate of row 2
        "j1,E2,novelty,80\n"               # row 4 unknown criterion
        "j1,E3,core_technology,101\n"      # row 5 out of range
        "j1,E4,core_technology,abc\n"      # row 6 not a number
        "j1,E5,core_technology,80.3\n"     # row 7 off the 0.5 step
        ",E6,core_technology,80\n"         # row 8 no judge
        "j1,E7,core_technology,nan\n"      # row 9 not a number
    )

    assert _problems(text) == [
        ("scores.duplicate_row", 3, None),
        ("score.unknown_criterion", 4, "criterion"),
        ("score.out_of_range", 5, "score"),
        ("score.not_number", 6, "score"),
        ("score.off_step", 7, "score"),
        ("import.required", 8, "judge_id"),
        ("score.not_number", 9, "score"),
    ]


def test_read_same_pair_in_two_rounds_is_not_a_duplicate():
    text = "judge_id,entry_id,criterion,score,round\nj1,E1,core_technology,85,prelim\nj1,E1,core_technology,86,final\n"

    assert len(read_scores_csv(text, RUBRIC)) == 2


def test_read_missing_required_columns_are_each_named():
    assert _problems("judge_id,entry,comment\nj1,E1,x\n") == [
        ("import.missing_column", 1, "criterion"),
        ("import.missing_column", 1, "score"),
    ]


@pytest.mark.parametrize("data, code", [
    (b"", "import.empty_file"),
    (b"\r\n\r\n", "import.empty_file"),
    (b"\xff\xfe\x00", "import.undecodable"),
    (b"\x81\x30", "import.undecodable"),
    (b"judge_id,entry_id\x00,criterion,score\n", "import.not_a_table"),
    (b'judge_id,entry_id,criterion,score\nj1,"E1,core_technology,80\n', "import.bad_csv"),
])
def test_read_unusable_files_are_refused(data, code):
    assert [c for c, _, _ in _problems(data)] == [code]


def test_read_header_only_is_an_empty_frame():
    assert read_scores_csv("judge_id,entry_id,criterion,score\n", RUBRIC).equals(empty_scores_frame())


def test_write_is_bom_utf8_sorted_with_all_columns_and_guarded_formulas():
    frame = _frame([
        {"judge_id": "j2", "entry_id": "B", "criterion": "core_technology", "score": 80.0, "comment": "=1+1"},
        {"judge_id": "j1", "entry_id": "-A1", "criterion": "core_technology", "score": 85.5, "comment": "好"},
    ])

    data = write_scores_csv(frame)

    assert data == (
        "\ufeffjudge_id,entry_id,criterion,score,track,round,comment,overall_comment\r\n"
        "j1,'-A1,core_technology,85.5,,,好,\r\n"
        "j2,B,core_technology,80,,,'=1+1,\r\n"
    ).encode("utf-8")


def test_write_then_read_gives_back_ids_that_start_with_formula_characters():
    frame = _frame([
        {"judge_id": "@j", "entry_id": "-A1", "criterion": "core_technology", "score": 85.0,
         "comment": "'=quoted"},
        {"judge_id": "+j", "entry_id": "'B", "criterion": "core_technology", "score": 85.0,
         "comment": "\tindented\r\nsecond line"},
    ]).sort_values("entry_id").reset_index(drop=True)

    assert read_scores_csv(write_scores_csv(frame), RUBRIC).equals(frame)


def test_write_missing_optional_columns_are_written_empty():
    frame = pd.DataFrame({"judge_id": ["j1"], "entry_id": ["E"], "criterion": ["core_technology"], "score": [70]})

    assert write_scores_csv(frame).decode("utf-8-sig").splitlines()[1] == "j1,E,core_technology,70,,,,"


@pytest.mark.parametrize("value, text", [(85.0, "85"), (85.5, "85.5"), (0.1, "0.1"), (-0.0, "0"), (1e-7, "1e-07")])
def test_format_number_is_short_and_parses_back(value, text):
    assert format_number(value) == text
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity", "1_000", "85,5", "", "8 5", "0x10"])
def test_parse_number_refuses_what_is_not_a_plain_decimal(text):
    assert parse_number(text) is None


# --- properties ---------------------------------------------------------------------------------

_ID_CHARS = st.characters(
    categories=("L", "N", "P", "S", "Zs"),
    exclude_characters="\x00\u3000\u00a0\u200b\ufeff",
)


def _id():
    # ids are stored trimmed and with half-width characters (the imports normalise them)
    return st.text(_ID_CHARS, min_size=1, max_size=12).map(lambda s: s.translate(
        {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}).strip()).filter(bool)


_rows = st.lists(
    st.fixed_dictionaries({
        "judge_id": _id(),
        "entry_id": _id(),
        "criterion": st.sampled_from(RUBRIC.criterion_keys),
        "score": st.integers(0, 200).map(lambda n: n / 2),
        "track": st.one_of(st.just(""), _id()),
        "round": st.sampled_from(["", "prelim", "初评"]),
        "comment": st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=30),
    }),
    max_size=15,
    unique_by=lambda r: (r["judge_id"], r["entry_id"], r["criterion"], r["round"]),
)


@settings(max_examples=150, deadline=None)
@given(_rows)
def test_property_write_then_read_is_the_identity_on_sorted_frames(rows):
    frame = _frame(rows).sort_values(["round", "entry_id", "judge_id", "criterion"], kind="stable").reset_index(drop=True)

    assert read_scores_csv(write_scores_csv(frame), RUBRIC).equals(frame)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_property_arbitrary_bytes_give_a_frame_or_a_score_error(data):
    try:
        frame = read_scores_csv(data, RUBRIC)
    except ScoreError as exc:
        assert exc.problems
    else:
        assert list(frame.columns) == list(SCORE_COLUMNS)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_property_arbitrary_text_after_a_valid_header_never_crashes(text):
    try:
        read_scores_csv("judge_id,entry_id,criterion,score,comment\n" + text, RUBRIC)
    except ScoreError as exc:
        assert all(p.row is None or p.row >= 1 for p in exc.problems)
