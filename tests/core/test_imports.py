"""Entry and judge files: encodings, Chinese headers, normalisation, the report, conflicts."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.core.imports import (
    AutoConflict,
    check_entries,
    check_judges,
    email_problem,
    organisation_conflicts,
    parse_entries,
    parse_judges,
    phone_problem,
    track_matcher,
)
from judging.errors import ImportValidationError

TRACKS = [
    ("life", "生活类信息消费", "Life services"),
    ("public", "公共服务类信息消费", "Public services"),
    ("industry", "行业类信息消费", "Industry"),
]
ENTRY_HEADER_ZH = "作品编号,作品名称,申报单位,推荐单位,赛道,简介,联系人,邮箱,联系电话,材料链接"


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as Excel keeps a typed '=x
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _problems(report):
    return [(p.code, p.row, p.column) for p in report.problems]


# --- entries ------------------------------------------------------------------------------------

def test_entries_gbk_chinese_headers_full_width_digits_import():
    text = (
        ENTRY_HEADER_ZH + "\r\n"
        "ＬＳ－００１, 智慧养老服务平台 ,北京某某科技有限公司,北京市经济和信息化局,生活类信息消费,"
        "面向社区的养老服务，覆盖１２个街道。,张三,ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ,１３８　００１３　８０００,"
        "https://example.com/a.pdf\r\n"
    )

    records = parse_entries(text.encode("gbk"), tracks=TRACKS)

    assert records == [{
        "code": "LS-001", "track": "life", "title": "智慧养老服务平台", "organisation": "北京某某科技有限公司",
        "recommending_unit": "北京市经济和信息化局", "summary": "面向社区的养老服务，覆盖12个街道。",
        "contact": "张三", "email": "zhang@example.com", "phone": "138 0013 8000",
        "materials": "https://example.com/a.pdf",
    }]


def test_entries_utf8_bom_english_headers_and_track_by_key_or_english_name():
    text = "title,organisation,track\nA,Org A,public\nB,Org B,Industry\nC,Org C,生活类\n"

    records = parse_entries(text.encode("utf-8-sig"), tracks=TRACKS)

    assert [(r["code"], r["track"]) for r in records] == [
        ("public-001", "public"), ("industry-001", "industry"), ("life-001", "life"),
    ]


def test_entries_xlsx_first_sheet_with_numbers_as_excel_stores_them():
    data = _xlsx([
        ["编号", "项目名称", "申报单位", "组别", "联系电话"],
        ["P-1", "一网通办", "某市大数据中心", "公共服务类信息消费", 13800138000],
        [None, None, None, None, None],
        ["P-2", "电子证照", "某区政务服务局", "public", "010-12345678"],
    ])

    records = parse_entries(data, tracks=TRACKS)

    assert [(r["code"], r["title"], r["phone"]) for r in records] == [
        ("P-1", "一网通办", "13800138000"), ("P-2", "电子证照", "010-12345678"),
    ]


def test_entries_generated_ids_follow_the_track_and_skip_taken_ones():
    text = "作品编号,作品名称,申报单位,赛道\n,甲,甲公司,life\nlife-002,乙,乙公司,life\n,丙,丙公司,life\n,丁,丁公司,public\n"

    records = parse_entries(text.encode(), tracks=TRACKS, existing_ids={"life-001"})

    assert [r["code"] for r in records] == ["life-003", "life-002", "life-004", "public-001"]


def test_entries_with_errors_import_nothing_and_every_bad_row_is_reported():
    text = _csv([
        ["作品编号", "作品名称", "申报单位", "赛道", "邮箱", "联系电话"],
        ["E1", "好作品", "甲公司", "life", "a@b.cn", "13800138000"],   # row 2: fine
        ["E2", "", "乙公司", "life", "", ""],                          # row 3: no title
        ["E3", "丙作品", "", "火星类", "", ""],                         # row 4: no organisation, unknown track
        ["E1", "丁作品", "丁公司", "life", "", ""],                     # row 5: duplicate of row 2
        ["OLD-1", "戊作品", "戊公司", "", "not-an-email", "12345"],     # row 6: exists, no track, email, phone
    ])

    report = check_entries(text.encode("gbk"), tracks=TRACKS, existing_ids={"OLD-1"})

    assert report.records == []
    assert _problems(report) == [
        ("import.required", 3, "作品名称"),
        ("import.required", 4, "申报单位"),
        ("import.unknown_track", 4, "赛道"),
        ("import.duplicate_id", 5, "作品编号"),
        ("import.id_exists", 6, "作品编号"),
        ("import.required", 6, "赛道"),
        ("import.bad_email", 6, "邮箱"),
        ("import.bad_phone", 6, "联系电话"),
    ]
    with pytest.raises(ImportValidationError) as caught:
        parse_entries(text.encode("gbk"), tracks=TRACKS, existing_ids={"OLD-1"})
    assert len(caught.value.problems) == 8


def test_entries_report_messages_say_what_to_fix_in_both_languages():
    report = check_entries("作品名称,申报单位,赛道\n甲,甲公司,火星\n".encode(), tracks=TRACKS)

    assert report.problems[0].render("zh") == (
        "第 2 行, 列“赛道”: 赛道“火星”不存在：请填写赛道名称或代码（可选：生活类信息消费（life）、"
        "公共服务类信息消费（public）、行业类信息消费（industry））"
    )
    assert report.problems[0].render("en").startswith("row 2, column '赛道': there is no track '火星'")


def test_entries_missing_required_columns_are_each_named_on_the_header_row():
    report = check_entries("作品编号,简介\nE1,x\n".encode(), tracks=TRACKS)

    assert _problems(report) == [
        ("import.missing_column", 1, "title"), ("import.missing_column", 1, "organisation"),
        ("import.missing_column", 1, "track"),
    ]


def test_entries_two_columns_for_one_field_are_refused():
    report = check_entries("作品名称,项目名称,申报单位,赛道\n甲,乙,丙,life\n".encode(), tracks=TRACKS)

    assert _problems(report) == [("import.duplicate_column", 1, "项目名称")]


@pytest.mark.parametrize("data, code", [
    (b"", "import.empty_file"),
    ("作品名称,申报单位,赛道\r\n".encode(), "import.no_rows"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "import.not_a_table"),
    (b"PK\x03\x04 not really a zip", "import.bad_xlsx"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "import.not_a_table"),
    (b"\xff\xff\xff\xff", "import.undecodable"),
])
def test_entries_files_that_are_no_table_are_refused(data, code):
    assert [p.code for p in check_entries(data, tracks=TRACKS).problems] == [code]


def test_entries_header_decorations_and_leading_blank_rows_are_tolerated():
    text = "\n\n作品名称（必填）,申报单位*,赛道：\n甲,甲公司,life\n,,\n乙,乙公司,life\n"

    report = check_entries(text.encode(), tracks=TRACKS)

    assert [r["title"] for r in report.records] == ["甲", "乙"]


def test_entries_bad_rows_are_numbered_as_the_spreadsheet_shows_them():
    text = "\n作品名称,申报单位,赛道\n甲,甲公司,life\n\n乙,,life\n"

    assert _problems(check_entries(text.encode(), tracks=TRACKS)) == [("import.required", 5, "申报单位")]


def test_entries_quoted_multiline_summary_counts_as_one_row():
    text = '作品名称,申报单位,赛道,简介\n甲,甲公司,life,"第一段\n第二段"\n乙,,life,\n'

    assert _problems(check_entries(text.encode(), tracks=TRACKS)) == [("import.required", 3, "申报单位")]


def test_entries_cells_beyond_the_header_are_reported():
    text = "作品名称,申报单位,赛道\n甲,北京,某公司,life\n"

    assert ("import.extra_cells", 2, None) in _problems(check_entries(text.encode(), tracks=TRACKS))


def test_entries_formula_guard_from_our_own_exports_is_removed():
    text = "作品编号,作品名称,申报单位,赛道\n'-A1,'=标题,甲公司,life\n"

    assert [(r["code"], r["title"]) for r in parse_entries(text.encode(), tracks=TRACKS)] == [("-A1", "=标题")]


# --- judges -------------------------------------------------------------------------------------

def test_judges_chinese_headers_expertise_split_into_track_keys_and_tags():
    text = (
        "评委编号,姓名,工作单位,专业领域,职称,邮箱,手机\n"
        "zhang,张　伟,清华大学,生活类信息消费；public、人工智能,教授,zw@tsinghua.edu.cn,１３９１１１１２２２２\n"
        "li,李娜,,industry;industry,,,\n"
    )

    records = parse_judges(text.encode("gb18030"), tracks=TRACKS)

    assert records == [
        {"username": "zhang", "display_name": "张 伟", "organisation": "清华大学", "expertise": "life;public;人工智能",
         "title": "教授", "email": "zw@tsinghua.edu.cn", "phone": "13911112222"},
        {"username": "li", "display_name": "李娜", "organisation": "", "expertise": "industry", "title": "",
         "email": "", "phone": ""},
    ]


def test_judges_duplicate_and_existing_usernames_and_missing_names_are_reported():
    text = "账号,姓名\nj1,甲\nj1,乙\nold,丙\nj4,\n"

    report = check_judges(text.encode(), existing_usernames={"old"})

    assert _problems(report) == [
        ("import.duplicate_id", 3, "账号"), ("import.id_exists", 4, "账号"), ("import.required", 5, "姓名"),
    ]


@pytest.mark.parametrize("name", ["system", "cli"])
def test_judges_named_like_a_trusted_shell_are_refused(name):
    report = check_judges(f"账号,姓名\nj1,甲\n{name},乙\n".encode())

    assert _problems(report) == [("user.reserved_name", 3, "账号")]
    assert name in report.problems[0].render("zh")


def test_judges_xlsx():
    data = _xlsx([["judge_id", "name", "organisation", "expertise"], ["j1", "Wang", "PKU", "life, Industry"]])

    assert parse_judges(data, tracks=TRACKS)[0]["expertise"] == "life;industry"


# --- validators and matching ------------------------------------------------------------------

@pytest.mark.parametrize("value", ["13800138000", "+86 138 0013 8000", "010-12345678", "(0755)1234567",
                                   "0755-12345678-801", "400-123-4567", "010-12345678；13912345678", ""])
def test_phone_accepted(value):
    assert phone_problem(value) is None


@pytest.mark.parametrize("value", ["12345", "138001380001", "23800138000", "电话", "010-123"])
def test_phone_refused(value):
    assert phone_problem(value).code == "import.bad_phone"


@pytest.mark.parametrize("value, ok", [("a@b.cn", True), ("first.last@mail.example.com", True), ("", True),
                                       ("a@b", False), ("a b@c.cn", False), ("@c.cn", False), ("a@@c.cn", False)])
def test_email(value, ok):
    assert (email_problem(value) is None) == ok


@pytest.mark.parametrize("written, key", [("life", "life"), ("LIFE", "life"), ("生活类信息消费", "life"),
                                          ("生活类", "life"), ("Public Services", "public"), ("ｌｉｆｅ", "life"),
                                          ("信息消费", None), ("类", None), ("", None)])
def test_track_matcher(written, key):
    assert track_matcher(TRACKS)(written) == key


def test_organisation_conflicts_same_organisation_or_recommending_unit_normalised():
    entries = [
        {"code": "E1", "organisation": "北京某某科技有限公司", "recommending_unit": "北京市经信局"},
        {"code": "E2", "organisation": "上海某某（集团）公司", "recommending_unit": ""},
        {"code": "E3", "organisation": "", "recommending_unit": ""},
    ]
    judges = [
        {"username": "j1", "organisation": "北京某某科技有限公司 "},
        {"username": "j2", "organisation": "北京市 经信局"},
        {"username": "j3", "organisation": "上海某某(集团)公司"},
        {"username": "j4", "organisation": ""},
    ]

    assert organisation_conflicts(entries, judges) == [
        AutoConflict("j1", "E1", "organisation", "北京某某科技有限公司"),
        AutoConflict("j2", "E1", "recommending_unit", "北京市经信局"),
        AutoConflict("j3", "E2", "organisation", "上海某某（集团）公司"),
    ]


def test_organisation_conflicts_one_pair_when_both_organisation_and_unit_match():
    entries = [{"code": "E1", "organisation": "甲", "recommending_unit": "甲"}]

    assert organisation_conflicts(entries, [{"username": "j", "organisation": "甲"}]) == [
        AutoConflict("j", "E1", "organisation", "甲")
    ]


# --- properties ---------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_property_arbitrary_bytes_give_records_or_an_import_validation_error(data):
    for parse in (lambda d: parse_entries(d, tracks=TRACKS), lambda d: parse_judges(d, tracks=TRACKS)):
        try:
            records = parse(data)
        except ImportValidationError as exc:
            assert exc.problems
        else:
            assert isinstance(records, list)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_property_bytes_after_a_valid_header_never_crash(tail):
    data = ENTRY_HEADER_ZH.encode("gbk") + b"\n" + tail
    try:
        parse_entries(data, tracks=TRACKS)
    except ImportValidationError as exc:
        assert all(p.row is None or p.row >= 1 for p in exc.problems)


_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\u3000\u00a0\u200b\ufeff"),
    min_size=1, max_size=20,
).map(str.strip).filter(lambda s: s and not s.startswith("'"))
_ENTRY = st.fixed_dictionaries({
    "title": _TEXT, "organisation": _TEXT, "track": st.sampled_from([t[0] for t in TRACKS]),
    "summary": st.one_of(st.just(""), _TEXT),
})


def _normalised(value: str) -> str:
    from judging.core.tabular import normalise_text

    return normalise_text(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(_ENTRY, min_size=1, max_size=10), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "xlsx"]))
def test_property_valid_generated_tables_round_trip(entries, encoding):
    rows = [["作品名称", "申报单位", "赛道", "简介"]] + [[e["title"], e["organisation"], e["track"], e["summary"]]
                                               for e in entries]
    data = _xlsx(rows) if encoding == "xlsx" else _csv(rows).encode(encoding)

    records = parse_entries(data, tracks=TRACKS)

    assert [(r["title"], r["organisation"], r["track"], r["summary"]) for r in records] == [
        (_normalised(e["title"]), _normalised(e["organisation"]), e["track"], _normalised(e["summary"]))
        for e in entries
    ]
