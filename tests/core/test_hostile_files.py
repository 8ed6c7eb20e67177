"""Files a careless or hostile organiser sends: mixed encodings, a title above the header, ids Excel turned
into dates or rounded numbers, and files past the size, row and cell limits (refused before or while
they are read, never loaded whole). Also deeply nested TOML/JSON and rubric numbers past sane ranges."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from judging.core import tabular
from judging.core.bundle import verify_bundle
from judging.core.editions import EditionError, parse_edition_toml
from judging.core.imports import check_entries, check_judges
from judging.core.rubric import load_rubric, parse_rubric, rubric_from_json, rubric_to_toml
from judging.core.tabular import MAX_CELL_CHARS, MAX_ROWS, read_table
from judging.errors import RubricError
from judging.resources import rubrics_dir

TRACKS = [("life", "生活类信息消费", "Life services"), ("public", "公共服务类信息消费", "Public services")]
HEADER = "作品编号,作品名称,申报单位,赛道,联系电话"
RUBRIC = load_rubric(rubrics_dir() / "innovation_contest.toml")


def _codes(report):
    return [(p.code, p.row, p.column) for p in report.problems]


def _xlsx(rows, *, formats=None, merge=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for (row, column), number_format in (formats or {}).items():
        sheet.cell(row=row, column=column).number_format = number_format
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- encodings ----------------------------------------------------------------------------------

def test_a_gbk_file_with_one_utf8_row_is_refused_naming_that_row():
    lines = [HEADER, "E1,智慧养老平台,甲公司,生活类,", "E2,数字乡村,乙公司,生活类,", "E3,城市大脑,丙公司,生活类,"]
    data = b"\r\n".join(line.encode("gbk") for line in lines[:2]) + b"\r\n" + lines[2].encode("utf-8") + b"\r\n" \
        + lines[3].encode("gbk") + b"\r\n"

    report = check_entries(data, tracks=TRACKS)

    assert _codes(report) == [("import.mixed_encoding", 3, None)]
    assert report.problems[0].params["encoding"] == "UTF-8"
    assert report.records == []


def test_a_utf8_file_with_one_gbk_row_is_refused_naming_that_row():
    lines = [HEADER, "E1,智慧养老平台,甲公司,生活类,", "E2,数字乡村,乙公司,生活类,", "E3,城市大脑,丙公司,生活类,"]
    data = "\n".join(lines[:3]).encode("utf-8") + b"\n" + lines[3].encode("gbk") + b"\n"

    report = check_entries(data, tracks=TRACKS)

    assert _codes(report) == [("import.mixed_encoding", 4, None)]
    assert report.problems[0].params["encoding"] == "GBK/GB18030"


CHINESE = st.text(alphabet=st.sampled_from("数字乡村智慧养老平台城市大脑公司单位信息消费创新大赛作品名称"), min_size=2, max_size=12)


@settings(max_examples=200, deadline=None)
@given(titles=st.lists(CHINESE, min_size=2, max_size=12), odd=st.integers(min_value=0, max_value=11))
def test_no_row_is_ever_imported_as_mojibake(titles, odd):
    odd %= len(titles)
    gbk_rows = [f"E{i},{t},甲公司,生活类,".encode("gbk") for i, t in enumerate(titles)]
    assume(all(_not_utf8(row) for row in gbk_rows))  # a short GBK text can happen to be valid UTF-8 too
    rows = list(gbk_rows)
    rows[odd] = f"E{odd},{titles[odd]},甲公司,生活类,".encode()
    data = HEADER.encode("gbk") + b"\n" + b"\n".join(rows) + b"\n"

    report = check_entries(data, tracks=TRACKS)

    if report.ok:  # only when every row says what it said
        assert [r["title"] for r in report.records] == titles
    else:
        assert report.problems[0].code == "import.mixed_encoding"
        assert report.problems[0].row == odd + 2


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


# --- the organisers' id column and the header row ---------------------------------------------

@pytest.mark.parametrize("header", ["申报编号", "参赛编号", "编号", "作品编号"])
def test_the_organisers_id_column_is_the_entry_id(header):
    data = f"{header},作品名称,申报单位,赛道\nSB-７,甲,甲公司,生活类\nSB-8,乙,乙公司,生活类\n".encode()

    report = check_entries(data, tracks=TRACKS)

    assert [r["code"] for r in report.records] == ["SB-7", "SB-8"]


def test_row_numbering_is_the_id_only_when_no_other_id_column_exists():
    alone = "序号,作品名称,申报单位,赛道\n1,甲,甲公司,生活类\n2,乙,乙公司,生活类\n".encode()
    beside = "序号,作品编号,作品名称,申报单位,赛道\n1,A-1,甲,甲公司,生活类\n2,A-2,乙,乙公司,生活类\n".encode()

    assert [r["code"] for r in check_entries(alone, tracks=TRACKS).records] == ["1", "2"]
    assert [r["code"] for r in check_entries(beside, tracks=TRACKS).records] == ["A-1", "A-2"]


def test_duplicate_ids_are_reported_after_full_width_digits_are_made_half_width():
    data = "申报编号,作品名称,申报单位,赛道\n００１,甲,甲公司,生活类\n001,乙,乙公司,生活类\n".encode()

    report = check_entries(data, tracks=TRACKS)

    assert _codes(report) == [("import.duplicate_id", 3, "申报编号")]


def test_a_merged_title_row_above_the_header_is_skipped_and_said():
    data = _xlsx([["2026年信息消费创新大赛报名汇总表", None, None, None], ["作品编号", "作品名称", "申报单位", "赛道"],
                  ["E1", "甲", "甲公司", "生活类"], ["E1", "乙", "乙公司", "生活类"]], merge="A1:D1")

    report = check_entries(data, tracks=TRACKS)

    # the header is found on row 2, so the duplicate is reported on the row the organiser sees
    assert _codes(report) == [("import.duplicate_id", 4, "作品编号")]
    fixed = check_entries(_xlsx([["报名汇总表", None, None, None], ["作品编号", "作品名称", "申报单位", "赛道"],
                                 ["E1", "甲", "甲公司", "生活类"]], merge="A1:D1"), tracks=TRACKS)
    assert [r["code"] for r in fixed.records] == ["E1"]
    assert [(n.code, n.row, n.params["n"]) for n in fixed.notes] == [("import.header_found_below", 2, 1)]


def test_a_title_with_no_header_below_is_explained():
    data = "2026年信息消费创新大赛报名汇总表\n甲,甲公司,生活类\n".encode()

    report = check_entries(data, tracks=TRACKS)

    assert report.problems[0].code == "import.header_not_found"
    assert report.problems[0].params["text"] == "2026年信息消费创新大赛报名汇总表"
    assert {p.code for p in report.problems[1:]} == {"import.missing_column"}


# --- what Excel did to ids and phones ---------------------------------------------------------

def test_an_excel_date_in_the_id_column_is_refused():
    data = _xlsx([["作品编号", "作品名称", "申报单位", "赛道"], [datetime(2026, 1, 2), "甲", "甲公司", "生活类"]])

    report = check_entries(data, tracks=TRACKS)

    assert _codes(report) == [("import.excel_date", 2, "作品编号")]
    assert report.problems[0].params["value"] == "2026-01-02"


def test_a_phone_shown_in_scientific_notation_is_refused_not_rounded_silently():
    rows = [["作品名称", "申报单位", "赛道", "联系电话"], ["甲", "甲公司", "生活类", 13800000000],
            ["乙", "乙公司", "生活类", 13800138000]]
    data = _xlsx(rows, formats={(2, 4): "0.00E+00"})

    report = check_entries(data, tracks=TRACKS)

    assert _codes(report) == [("import.excel_scientific", 2, "联系电话")]
    assert report.problems[0].params["value"] == "1.38E+10"


def test_a_phone_in_scientific_notation_in_a_csv_is_refused():
    data = "作品名称,申报单位,赛道,联系电话\n甲,甲公司,生活类,1.38E+10\n".encode()

    assert _codes(check_entries(data, tracks=TRACKS)) == [("import.excel_scientific", 2, "联系电话")]


def test_a_phone_stored_as_a_plain_number_is_kept_as_its_digits():
    data = _xlsx([["作品名称", "申报单位", "赛道", "联系电话"], ["甲", "甲公司", "生活类", 13800138000]])

    assert [r["phone"] for r in check_entries(data, tracks=TRACKS).records] == ["13800138000"]


def test_a_judge_id_that_excel_made_a_date_is_refused():
    data = _xlsx([["评委编号", "姓名"], [datetime(2026, 3, 1), "张三"]])

    assert _codes(check_judges(data)) == [("import.excel_date", 2, "评委编号")]


# --- limits: checked before or while reading ---------------------------------------------------

def _rewrite(data: bytes, name: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


def test_an_xlsx_claiming_millions_of_rows_is_refused_before_loading():
    small = _xlsx([["作品名称", "申报单位", "赛道"], ["甲", "甲公司", "生活类"]])
    lying = _rewrite(small, "xl/worksheets/sheet1.xml",
                     lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C3000000"', xml))

    table, problems = read_table(lying)

    assert [(p.code, p.row) for p in problems] == [("import.too_many_rows", 3_000_000)]
    assert table.rows == []


def test_an_xlsx_that_unpacks_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_XLSX_UNCOMPRESSED", 1024 * 1024)
    bomb = _rewrite(_xlsx([["作品名称"], ["甲"]]), "xl/theme/theme1.xml", lambda xml: xml + b" " * 2 * 1024 * 1024)

    _, problems = read_table(bomb)

    assert [p.code for p in problems] == ["import.xlsx_too_big"]


def test_an_xlsx_with_more_data_rows_than_the_limit_stops_at_the_limit():
    rows = [["作品名称", "申报单位", "赛道"]] + [[f"作品{i}", "甲公司", "生活类"] for i in range(60)]

    table, problems = read_table(_xlsx(rows), max_rows=40)

    assert [p.code for p in problems] == ["import.too_many_rows"]
    assert problems[0].params == {"max": 40}


def test_an_xlsx_without_a_dimension_is_counted_before_loading():
    rows = [["作品名称", "申报单位", "赛道"]] + [[f"作品{i}", "甲公司", "生活类"] for i in range(60)]
    unsized = _rewrite(_xlsx(rows), "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(unsized)).read("xl/worksheets/sheet1.xml")

    _, refused = read_table(unsized, max_rows=40)
    table, problems = read_table(unsized, max_rows=100)

    assert [p.code for p in refused] == ["import.too_many_rows"]
    assert (problems, len(table.rows), table.rows[-1][1]) == ([], 60, ["作品59", "甲公司", "生活类"])


def test_a_csv_past_the_row_limit_is_refused():
    data = ("作品名称,申报单位,赛道\n" + "甲,甲公司,生活类\n" * (MAX_ROWS + tabular.MAX_HEADER_SCAN + 1)).encode()

    report = check_entries(data, tracks=TRACKS)

    assert [p.code for p in report.problems] == ["import.too_many_rows"]


def test_a_cell_past_the_length_limit_is_refused_with_its_column_letter():
    data = ("作品名称,申报单位,赛道,简介\n甲,甲公司,生活类," + "长" * (MAX_CELL_CHARS + 1) + "\n").encode()

    assert _codes(check_entries(data, tracks=TRACKS)) == [("import.cell_too_long", 2, "D")]


def test_a_file_past_the_upload_limit_is_refused_before_parsing():
    data = b"a,b\n" + b"x,y\n" * (tabular.MAX_UPLOAD_BYTES // 4 + 1)

    _, problems = read_table(data)

    assert [p.code for p in problems] == ["import.file_too_big"]


# --- nesting and numbers -----------------------------------------------------------------------

@pytest.mark.parametrize("depth", [200, 100_000])
def test_deeply_nested_toml_is_refused_without_a_traceback(depth):
    text = "nested = " + "[" * depth + "]" * depth + "\n" + rubric_to_toml(RUBRIC)

    with pytest.raises(RubricError) as refused:
        parse_rubric(text, source="deep.toml")
    with pytest.raises(EditionError) as edition:
        parse_edition_toml("x = " + "{a=" * depth + "1" + "}" * depth, source="edition.toml")

    # 200 levels are read (and the unknown key is refused); 100,000 would exhaust the parser's stack
    assert [p.code for p in refused.value.problems][:1] == (["file.too_deep"] if depth > 10_000 else ["rubric.unknown_key"])
    assert [p.code for p in edition.value.problems][:1] == (["file.too_deep"] if depth > 10_000
                                                            else ["edition.unknown_key"])
    assert refused.value.problems[0].message("en")


def test_deeply_nested_award_settings_are_refused(tmp_path):
    from judging.core.award_settings import parse_round_awards_toml
    from judging.core.ranking import load_award_config
    from judging.errors import RankingError

    deep = "x = " + "[" * 100_000 + "]" * 100_000
    (tmp_path / "awards.toml").write_text(deep)

    with pytest.raises(RankingError) as uploaded:
        parse_round_awards_toml(deep, source="awards.toml")
    with pytest.raises(RankingError) as loaded:
        load_award_config(tmp_path / "awards.toml")

    assert [p.code for p in uploaded.value.problems] == [p.code for p in loaded.value.problems] == ["file.too_deep"]


def test_deeply_nested_json_rubric_is_refused():
    with pytest.raises(RubricError) as refused:
        rubric_from_json("[" * 100_000 + "]" * 100_000, source="rubric.json")

    assert [p.code for p in refused.value.problems] == ["file.too_deep"]


def test_a_bundle_with_a_deeply_nested_file_is_refused_not_crashed():
    out = io.BytesIO()
    deep = b"[" * 100_000 + b"]" * 100_000
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("SHA256SUMS", b"")
        archive.writestr("manifest.json", deep)

    report = verify_bundle(out.getvalue())

    assert not report.ok
    assert "bundle.unreadable" in [p.code for p in report.problems]


@pytest.mark.parametrize("field, value", [("max", "1e308"), ("max", "2e6"), ("min", "-1e7")])
def test_a_rubric_scale_past_sane_numbers_is_refused(field, value):
    text = re.sub(r"^scale = .*$", "", rubric_to_toml(RUBRIC), flags=re.MULTILINE)
    scale = {"min": "0", "max": "100", "step": "1"} | {field: value}
    text = text + "\n[scale]\n" + "\n".join(f"{k} = {v}" for k, v in scale.items()) + "\n"

    with pytest.raises(RubricError) as refused:
        parse_rubric(text, source="huge.toml")

    assert "rubric.number_too_large" in [p.code for p in refused.value.problems]


def test_a_rubric_step_too_small_is_refused():
    text = re.sub(r"^scale = .*$", "scale = { min = 0, max = 100, step = 1e-9 }", rubric_to_toml(RUBRIC),
                  flags=re.MULTILINE)

    with pytest.raises(RubricError) as refused:
        parse_rubric(text)

    assert "rubric.step_too_small" in [p.code for p in refused.value.problems]


def test_the_shipped_rubrics_are_within_the_bounds():
    assert [load_rubric(p).key for p in sorted(rubrics_dir().glob("*.toml"))]  # none is refused


def test_json_of_a_rubric_round_trips():
    from judging.core.rubric import rubric_to_mapping

    assert rubric_from_json(json.dumps(rubric_to_mapping(RUBRIC))) == RUBRIC


# --- fuzzing the streaming readers ---------------------------------------------------------------

CSV_TEXT = st.lists(st.lists(st.text(alphabet=st.sampled_from('ab甲,"\n '), max_size=6), min_size=1, max_size=4),
                    min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(rows=CSV_TEXT, ending=st.sampled_from(["\n", "\r\n"]), quoted=st.booleans())
def test_the_line_streamer_reads_what_the_csv_module_reads_from_a_whole_text(rows, ending, quoted):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending, quoting=csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL).writerows(rows)
    text = buffer.getvalue()

    streamed = list(csv.reader(tabular._lines(text), strict=True))
    whole = list(csv.reader(io.StringIO(text, newline=""), strict=True))

    assert "".join(tabular._lines(text)) == text
    assert streamed == whole


@settings(max_examples=200, deadline=None)
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=8))
def test_a_damaged_xlsx_is_reported_never_raised(flips):
    data = bytearray(_xlsx([["作品名称", "申报单位", "赛道"], ["甲", "甲公司", "生活类"], ["乙", "乙公司", "公共服务类"]]))
    for position, value in flips:
        data[4 + position % (len(data) - 4)] = value  # keep the ZIP signature: the XLSX path is what is fuzzed

    table, problems = read_table(bytes(data))
    report = check_entries(bytes(data), tracks=TRACKS)

    assert problems or table.header
    assert report.ok or all(p.message("zh") and p.message("en") for p in report.problems)


@pytest.fixture(scope="module")
def small_bundle() -> bytes:
    from judging.core.bundle import BundleSettings, build_bundle, canonical_scores
    from judging.core.simulate import simulate_contest

    settings_ = BundleSettings(method="raw", seed=1, n_draws=20)
    scores = canonical_scores(simulate_contest(seed=5, rubric=RUBRIC, n_entries=12, n_judges=5).scores, RUBRIC)
    return build_bundle(rubric=RUBRIC, scores=scores, settings=settings_, result=settings_.rank(scores, RUBRIC, None),
                        changes=[], edition={"name": "甲"}, created_at="2026-11-30T09:00:00+00:00")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1,
                      max_size=6))
def test_a_damaged_bundle_is_reported_never_raised(small_bundle, flips):
    from judging.core.bundle import verify_bundle
    from judging.errors import JudgingError

    data = bytearray(small_bundle)
    for position, value in flips:
        data[position % len(data)] = value

    try:
        report = verify_bundle(bytes(data))
    except JudgingError as exc:  # not a ZIP at all, or too big: our own error, with a message
        assert all(p.message("en") for p in exc.problems)
    else:
        if bytes(data) == small_bundle:  # every flip wrote the byte that was there
            assert report.ok
        assert all(p.message("zh") for p in report.problems)
