"""Every export opened by a reader library, its contents asserted; formula-looking text stays inert."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile
from datetime import date

import openpyxl
import pandas as pd
import pypdfium2 as pdfium
import pytest
from docx import Document
from docx.oxml.ns import qn

from judging.core import documents
from judging.core.exports import EditionInfo, ExportError, export_filename, formula_safe, render

EDITION = EditionInfo(
    name="2026年信息消费创新大赛", year=2026, organiser="某市经济和信息化局",
    track_names={"life": "生活类", "public": "公共服务类"}, track_order=("life", "public"),
    publication_start=date(2026, 11, 23), publication_end=date(2026, 11, 27), contact="010-12345678",
    issued_on=date(2026, 11, 23),
)
INJECTION = '=HYPERLINK("http://evil.example","点击")'


def final_list() -> pd.DataFrame:
    return pd.DataFrame([
        {"entry_id": "LS-002", "track": "life", "title": INJECTION, "organisation": "+北京某公司",
         "recommending_unit": "", "tier": "second", "rank": 2, "score": 85.0, "score_low": 82.0, "score_high": 88.0},
        {"entry_id": "LS-001", "track": "life", "title": "智慧社区养老服务平台", "organisation": "杭州某科技有限公司",
         "recommending_unit": "浙江省经济和信息化厅", "tier": "first", "rank": 1, "score": 91.25,
         "score_low": 89.0, "score_high": 93.5, "flags": ["boundary"]},
        {"entry_id": "PS-001", "track": "public", "title": "城市大脑一网统管", "organisation": "深圳市某公司",
         "recommending_unit": "", "tier": "三等奖", "rank": 1, "score": 80.0, "score_low": 78.0, "score_high": 82.0},
        {"entry_id": "PS-002", "track": "public", "title": "未获奖的作品", "organisation": "某单位",
         "recommending_unit": "", "tier": None, "rank": 2, "score": 60.0, "score_low": 58.0, "score_high": 62.0},
    ])


def pdf_text(data: bytes) -> list[str]:
    """Text of each page without whitespace, extracted by PDFium (Chrome's PDF engine).

    pypdf and pdfminer.six cannot read fpdf2's two-byte CMap encoding of CFF fonts (pypdf garbles
    every glyph code above 255); PDFium reads it as viewers do.
    """
    document = pdfium.PdfDocument(data)
    return ["".join(page.get_textpage().get_text_range().split()) for page in document]


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+86 10", "'+86 10"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("\0x", "'\0x"), ("智慧城市", "智慧城市"), ("a=b", "a=b"), ("", ""),
])
def test_formula_safe_prefixes_only_formula_triggers(value, expected):
    assert formula_safe(value) == expected


def test_csv_opens_with_utf8_sig_and_formula_text_is_inert():
    data = render("csv", final_list(), EDITION)

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["排名", "作品编号", "作品名称", "申报单位", "推荐单位", "赛道", "奖项等级", "得分", "备注"]
    assert rows[1] == ["1", "LS-001", "智慧社区养老服务平台", "杭州某科技有限公司", "浙江省经济和信息化厅",
                       "生活类", "一等奖", "91.25", ""]
    assert rows[2][2:4] == ["'" + INJECTION, "'+北京某公司"]
    assert [r[1] for r in rows[1:]] == ["LS-001", "LS-002", "PS-001", "PS-002"]
    assert rows[4][6] == ""


def test_xlsx_has_a_summary_and_a_sheet_per_track_with_inert_text():
    data = render("xlsx", final_list(), EDITION)

    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["汇总", "生活类", "公共服务类"]
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows(min_row=3)]
    assert summary == [["赛道", "一等奖", "二等奖", "三等奖", "获奖合计", "参评数"],
                       ["生活类", 1, 1, 0, 2, 2], ["公共服务类", 0, 0, 1, 1, 2]]
    life = book["生活类"]
    assert [c.value for c in life[1]][:4] == ["排名", "作品编号", "作品名称", "申报单位"]
    assert [c.value for c in life[2]][:3] == [1, "LS-001", "智慧社区养老服务平台"]
    injected = life.cell(row=3, column=3)
    assert (injected.value, injected.data_type, injected.quotePrefix) == (INJECTION, "s", True)
    assert life.cell(row=3, column=4).quotePrefix is True
    assert life.cell(row=2, column=7).value == 91.25
    assert [c.value for c in book["公共服务类"]["F"]][1:] == ["三等奖", None]


def test_xlsx_has_no_formula_cells():
    data = render("xlsx", final_list(), EDITION)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet for sheet in sheets)


def test_xlsx_sheet_names_are_made_valid_and_unique():
    edition = EditionInfo(name="x", year=2026, track_names={"a": "生活/服务:类[一]", "b": "生活/服务:类[一]"})
    frame = final_list().assign(track=["a", "a", "b", "b"])

    book = openpyxl.load_workbook(io.BytesIO(render("xlsx", frame, edition)))

    assert book.sheetnames == ["汇总", "生活_服务_类_一_", "生活_服务_类_一_(2)"]


def test_pdf_list_embeds_the_chinese_font_and_lists_the_winners():
    data = render("pdf", final_list(), EDITION)

    text = "".join(pdf_text(data))
    assert "2026年信息消费创新大赛拟获奖名单公示" in text
    assert "公示期：2026年11月23日至2026年11月27日" in text
    for name in ("智慧社区养老服务平台", "杭州某科技有限公司", "城市大脑一网统管", "一等奖", "三等奖"):
        assert name in text
    assert "未获奖的作品" not in text
    assert text.index("生活类") < text.index("智慧社区养老服务平台") < text.index("公共服务类")
    assert b"/FontFile3" in data  # the CFF font program is embedded (a subset)
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSerifCJKSC", data)


def test_final_pdf_list_has_the_final_title():
    edition = EditionInfo(name="2026年新产品评选", year=2026, final=True, organiser="某市经信局")

    text = "".join(pdf_text(render("pdf", final_list(), edition)))

    assert "2026年新产品评选获奖名单" in text and "公示期" not in text


def test_certificates_have_one_page_per_winner():
    data = render("certificates", final_list(), EDITION)

    pages = pdf_text(data)
    assert len(pages) == 3
    assert "荣誉证书" in pages[0]
    assert "杭州某科技有限公司" in pages[0] and "智慧社区养老服务平台" in pages[0] and "一等奖" in pages[0]
    assert "2026年信息消费创新大赛（生活类）" in pages[0]
    assert "证书编号：〔2026〕生活类证字第001号" in pages[0]
    assert "证书编号：〔2026〕公共服务类证字第001号" in pages[2]
    assert "三等奖" in pages[2] and "城市大脑一网统管" in pages[2]


def test_certificates_without_winners_is_an_error():
    frame = final_list().assign(tier=None)

    with pytest.raises(ExportError, match="no winners"):
        render("certificates", frame, EDITION)


def test_docx_announcement_sets_east_asian_fonts_and_lists_winners():
    data = render("docx", final_list(), EDITION)

    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "2026年信息消费创新大赛拟获奖名单公示"
    assert "公示期：2026年11月23日至2026年11月27日" in paragraphs
    assert ["一、生活类（2项）", "二、公共服务类（1项）"] == [p for p in paragraphs if "项）" in p]
    assert paragraphs[-2:] == ["某市经济和信息化局", "2026年11月23日"]
    assert len(document.tables) == 2
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows == [["序号", "作品名称", "申报单位", "推荐单位", "奖项等级"],
                    ["1", "智慧社区养老服务平台", "杭州某科技有限公司", "浙江省经济和信息化厅", "一等奖"],
                    ["2", INJECTION, "+北京某公司", "", "二等奖"]]
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"
    runs = [r for p in document.paragraphs for r in p.runs] + [
        r for row in document.tables[1].rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) in ("仿宋_GB2312", "方正小标宋简体", "黑体")
                        for r in runs)


def test_missing_columns_are_named():
    with pytest.raises(ExportError, match="title"):
        render("csv", final_list().drop(columns=["title"]), EDITION)


def test_missing_font_is_a_clear_error(monkeypatch, tmp_path):
    body = dataclasses.replace(documents.BODY_FONT, fallback=tmp_path / "missing.ttc")
    monkeypatch.setattr(documents, "DOCUMENT_FONTS", (documents.TITLE_FONT, body))

    with pytest.raises(ExportError, match="fonts-noto-cjk"):
        render("pdf", final_list(), EDITION)


@pytest.mark.parametrize(("kind", "name"), [
    ("xlsx", "2026年信息消费创新大赛_获奖名单.xlsx"), ("csv", "2026年信息消费创新大赛_获奖名单.csv"),
    ("pdf", "2026年信息消费创新大赛_公示名单.pdf"), ("docx", "2026年信息消费创新大赛_公告.docx"),
    ("certificates", "2026年信息消费创新大赛_获奖证书.pdf"),
])
def test_file_names_are_chinese(kind, name):
    assert export_filename(EDITION, kind) == name


def test_file_names_drop_characters_windows_refuses():
    assert export_filename(EditionInfo(name='2026/大赛:"终评"', year=2026), "csv") == "2026_大赛__终评__获奖名单.csv"


def test_pdf_list_with_hundreds_of_distinct_characters_extracts_exactly():
    chars = [chr(0x4E00 + 7 * i) for i in range(400)]  # more glyphs than a one-byte encoding can hold
    titles = ["".join(chars[i:i + 20]) for i in range(0, 400, 20)]
    frame = pd.DataFrame({"entry_id": [f"E{i:02d}" for i in range(20)], "track": "life", "title": titles,
                          "organisation": "某公司", "tier": "excellence", "rank": range(1, 21), "score": 80.0})

    text = "".join(pdf_text(render("pdf", frame, EDITION)))

    assert all(title in text for title in titles)


def test_docx_drops_characters_xml_cannot_hold():
    frame = final_list().assign(title=["甲\x0b乙", "丙\x00丁", "戊", "己"])

    document = Document(io.BytesIO(render("docx", frame, EDITION)))

    assert [row.cells[1].text for row in document.tables[0].rows[1:]] == ["丙丁", "甲乙"]
