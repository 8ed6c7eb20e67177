"""Hostile and broken files fuzzed through every importer and the rubric loader (hypothesis).

Each file ends in a clear error (our own exception, with problems that render in both languages)
or a correct import; never another exception, never a partial import. Every run tries 1,000
generated files per importer and for the rubric loader (the same ones each time);
``JUDGING_FUZZ_EXAMPLES=5000 pytest tests/core/test_hostile_input.py`` is a longer, random run.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judging.core.imports import ENTRY_COLUMNS, JUDGE_COLUMNS, TrackName, parse_entries, parse_judges
from judging.core.rubric import load_rubric, parse_rubric, rubric_from_json, rubric_to_toml
from judging.core.scores_io import read_scores_csv
from judging.errors import ImportValidationError, JudgingError, RubricError, ScoreError

ROOT = Path(__file__).parents[2]
RUBRIC_PATH = ROOT / "rubrics" / "innovation_contest.toml"
RUBRIC = load_rubric(RUBRIC_PATH)
TRACKS = [TrackName("life", "生活类", "Life"), TrackName("public", "公共服务类", "Public")]
EXAMPLES = int(os.environ.get("JUDGING_FUZZ_EXAMPLES", "1000"))  # 4 × 1,000 files; about 45 s
# the default run is the same every time (CI never flakes on a new example); the long run explores
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="JUDGING_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])

HOSTILE = [
    "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "'=1",
    "<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "**粗体** _斜_ `code`",
    "[链接](javascript:alert(1))", "![图](http://evil.example/x.png)", "# 标题", ":red[红色]", "$x^2$",
    "智慧养老平台", "生活类", "public", "Life", "j1", "甲公司", "x@example.cn", "13800138000", "１２３",
    "", " ", "\u200b", "\ufeff", "\x00", "a,b", '"quoted"', "line\nbreak", "🙂", "\u202eRTL",
]
SCORE_HEADERS = ["judge_id", "entry_id", "criterion", "score", "track", "round", "comment", "评委编号", "作品编号",
                 "评分项", "分数", "评语"]
CRITERIA = [*RUBRIC.criterion_keys, *(c.label.zh for c in RUBRIC.criteria), "unknown"]


def _aliases(columns) -> list[str]:
    return [alias for column in columns for alias in column.aliases]


cell = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.sampled_from(CRITERIA),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-1000, 1000).map(str),
    st.integers(0, 120).map(str),
    st.just("A" * 70_000),  # a huge cell
)


@st.composite
def table(draw, headers: list[str]) -> list[list[str]]:
    header = draw(st.lists(st.sampled_from(headers + ["多余的列", "extra", ""]), min_size=0, max_size=9))
    width = len(header)
    rows = draw(st.lists(st.lists(cell, min_size=max(0, width - 2), max_size=width + 2), max_size=8))
    return [header, *rows]


def _csv(rows: list[list[str]]) -> str:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _xlsx(rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value[:32_000])
    book.close()
    return out.getvalue()


@st.composite
def hostile_file(draw, headers: list[str]) -> bytes:
    rows = draw(table(headers))
    kind = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "latin-1", "xlsx", "junk",
                                 "truncated-xlsx", "prefix-junk"]))
    if kind == "junk":
        return draw(st.binary(max_size=3000))
    if kind == "xlsx":
        return _xlsx(rows)
    if kind == "truncated-xlsx":
        data = _xlsx(rows)
        share = draw(st.floats(0, 1))  # not integers(…, len(data)): the XLSX length varies with its timestamp
        return data[: 4 + int(share * max(0, len(data) - 5))]
    text = _csv(rows)
    if kind == "prefix-junk":
        return draw(st.binary(min_size=1, max_size=50)) + text.encode("utf-8")
    return text.encode(kind, errors="replace")


def _clear(error: JudgingError) -> None:
    """A clear error: at least one problem, and every problem renders in both languages."""
    assert error.problems
    for problem in error.problems:
        assert problem.render("zh") and problem.render("en")


@FUZZ
@given(data=hostile_file(_aliases(ENTRY_COLUMNS)))
def test_entry_files_import_correctly_or_fail_clearly(data):
    try:
        records = parse_entries(data, tracks=TRACKS)
    except ImportValidationError as error:
        _clear(error)
        return
    for record in records:
        assert record["title"].strip() and record["organisation"].strip()
        assert record["track"] in {"life", "public"}
        assert len({r["code"] for r in records}) == len(records)


@FUZZ
@given(data=hostile_file(_aliases(JUDGE_COLUMNS)))
def test_judge_files_import_correctly_or_fail_clearly(data):
    try:
        records = parse_judges(data, tracks=TRACKS)
    except ImportValidationError as error:
        _clear(error)
        return
    assert all(r["username"].strip() and r["display_name"].strip() for r in records)
    assert len({r["username"] for r in records}) == len(records)


@FUZZ
@given(data=hostile_file(SCORE_HEADERS))
def test_score_files_import_correctly_or_fail_clearly(data):
    try:
        frame = read_scores_csv(data, RUBRIC)
    except ScoreError as error:
        _clear(error)
        return
    assert set(frame["criterion"]) <= set(RUBRIC.criterion_keys)
    for criterion, score in zip(frame["criterion"], frame["score"], strict=True):
        scale = RUBRIC.criterion(criterion)
        assert scale is not None and score == score  # a number, never NaN


RUBRIC_LINES = RUBRIC_PATH.read_text(encoding="utf-8").splitlines()


@st.composite
def broken_rubric(draw) -> str:
    lines = list(RUBRIC_LINES)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "replace", "duplicate", "value"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "replace":
            lines[i] = draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)))
        elif "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            value = draw(st.sampled_from(['"<script>alert(1)</script>"', "-5", "1e309", "nan", "[]", "{}", '""',
                                          "true", '"' + "长" * 5000 + '"', "999999999999999999999", '"=1+1"']))
            lines[i] = f"{key}= {value}"
        if not lines:
            break
    return "\n".join(lines)


@FUZZ
@given(text=st.one_of(broken_rubric(), st.text(max_size=300),
                      st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_rubric_files_load_correctly_or_fail_clearly(text):
    try:
        rubric = parse_rubric(text, source="fuzz.toml")
    except RubricError as error:
        _clear(error)
        return
    assert rubric_from_json(rubric.to_json()) == rubric


@pytest.mark.parametrize("name", ["innovation_contest.toml"])
def test_shipped_rubric_still_loads(name):
    assert parse_rubric((ROOT / "rubrics" / name).read_text(encoding="utf-8")) == RUBRIC


def test_rubric_without_an_optional_description_round_trips():
    # found by the fuzzing above: the frozen JSON copy of such a rubric did not load back
    text = "\n".join(line for line in RUBRIC_LINES if not line.startswith("description"))
    rubric = parse_rubric(text, source="bare.toml")

    assert rubric_from_json(rubric.to_json()) == rubric
    assert parse_rubric(rubric_to_toml(rubric)) == rubric


def test_rubric_with_an_empty_text_label_is_refused_clearly():
    # found by the fuzzing above: label = "" loaded, but its frozen JSON copy did not load back
    top = next(i for i, line in enumerate(RUBRIC_LINES) if line.startswith("label = "))
    text = "\n".join('label = ""' if i == top else line for i, line in enumerate(RUBRIC_LINES))

    with pytest.raises(RubricError) as caught:
        parse_rubric(text, source="empty.toml")

    assert [p.code for p in caught.value.problems] == ["rubric.label_missing_language"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_rubric_with_a_non_finite_weight_is_refused_clearly(value):
    # found by the fuzzing above: weight = nan loaded (and made every total NaN)
    first = next(i for i, line in enumerate(RUBRIC_LINES) if line.startswith("weight = "))
    text = "\n".join(f"weight = {value}" if i == first else line for i, line in enumerate(RUBRIC_LINES))

    with pytest.raises(RubricError) as caught:
        parse_rubric(text, source="nan.toml")

    assert "rubric.wrong_type" in [p.code for p in caught.value.problems]


def test_entry_file_with_an_over_long_cell_in_a_column_without_its_own_limit_is_refused_clearly():
    # found by the fuzzing above: a 10,001-character track crashed with KeyError
    data = ("作品名称,赛道,申报单位\r\n作品," + "生" * 10_001 + ",甲公司\r\n").encode("utf-8")

    with pytest.raises(ImportValidationError) as caught:
        parse_entries(data, tracks=TRACKS)

    assert "import.too_long" in [p.code for p in caught.value.problems]
