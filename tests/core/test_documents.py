"""The 公文-grade documents opened as their readers open them: the announcement (python-docx), the PDF
list and the certificates (PDFium: page size, where the text sits, the font and size of every
character), and the spreadsheets' print setup (openpyxl); the numbering and column-width rules alone."""

from __future__ import annotations

import ctypes
import io
import os
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.core import documents
from judging.core.documents import (
    DocumentSettings,
    DocumentSettingsError,
    ListChange,
    certificate_numbers,
    change_notes,
    check_document_settings,
    fit_column_widths,
)
from judging.core.exports import EditionInfo, ExportError, render
from judging.i18n import TEXTS

MM_PER_PT = 25.4 / 72
DOCS_IMG = Path(__file__).parents[2] / "docs" / "img"
EDITION = EditionInfo(
    name="2026年信息消费创新大赛", year=2026, organiser="某市经济和信息化局",
    track_names={"life": "生活类", "public": "公共服务类"}, track_order=("life", "public"),
    publication_start=date(2026, 11, 23), publication_end=date(2026, 11, 27), contact="010-12345678",
    issued_on=date(2026, 12, 1), certificate_scheme="{year}信创赛证字第{seq:03d}号",
)
ENGINE_NOTES = [TEXTS[k]["zh"] for k in TEXTS if k.startswith("rank.flag.")]
TRACK_KEYS = ("life", "public")


def award_list() -> pd.DataFrame:
    """Six winners in two tracks, with the engine's flags on most and an upheld objection on one."""
    rows = []
    for n, (title, org) in enumerate([("智慧社区居家养老综合服务平台", "杭州某某智能科技有限公司"),
                                      ("县域数字乡村一张图", "浙江某某信息技术股份有限公司"),
                                      ("家庭智能终端", "宁波某电子有限公司"),
                                      ("城市大脑一网统管", "深圳市某某数字城市科技有限公司"),
                                      ("政务服务“一网通办”移动端", "上海某某软件有限公司"),
                                      ("未获奖的作品", "某单位")]):
        rows.append({"entry_id": f"E-{n + 1:03d}", "track": "life" if n < 3 else "public", "title": title,
                     "organisation": org, "recommending_unit": "浙江省经济和信息化厅" if n % 2 == 0 else "",
                     "tier": ["first", "second", "third", "first", "second", None][n], "rank": n % 3 + 1,
                     "score": 90.0 - n, "score_low": 85.0 - n, "score_high": 95.0 - n,
                     "flags": "boundary;tie" if n != 2 else "", "change_note": ""})
    frame = pd.DataFrame(rows)
    frame.loc[2, "change_note"] = "经异议复核，由二等奖调整为三等奖（成果与申报不符）"
    return frame


@pytest.fixture(scope="module")
def docx_document():
    return Document(io.BytesIO(render("docx", award_list(), EDITION)))


@pytest.fixture(scope="module")
def pdf_list():
    return render("pdf", award_list(), EDITION)


@pytest.fixture(scope="module")
def certificates():
    return render("certificates", award_list(), EDITION)


# --- reading PDFs --------------------------------------------------------------------------------

def pdf_chars(page) -> list[tuple[str, str, float, tuple[float, float, float, float]]]:
    """Every character of a page: (character, font name without its subset tag, size in pt, box in mm
    from the page's left and top edges as left, top, right, bottom)."""
    text = page.get_textpage()
    height = page.get_size()[1]
    buffer, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    chars = []
    for i in range(text.count_chars()):
        ch = chr(pdfium_c.FPDFText_GetUnicode(text.raw, i))
        if not ch.strip():
            continue
        pdfium_c.FPDFText_GetFontInfo(text.raw, i, buffer, len(buffer), ctypes.byref(flags))
        left, bottom, right, top = text.get_charbox(i)
        chars.append((ch, buffer.value.decode().split("+")[-1], pdfium_c.FPDFText_GetFontSize(text.raw, i),
                      (left * MM_PER_PT, (height - top) * MM_PER_PT, right * MM_PER_PT, (height - bottom) * MM_PER_PT)))
    return chars


def pdf_text(data: bytes) -> str:
    return "".join("".join(page.get_textpage().get_text_range().split()) for page in pdfium.PdfDocument(data))


def fonts_of(chars, text: str) -> set[tuple[str, float]]:
    """The (font, size) pairs of the characters of the first occurrence of ``text``."""
    joined = "".join(c[0] for c in chars)
    start = joined.index(text)
    return {(c[1], c[2]) for c in chars[start:start + len(text)]}


# --- the announcement (DOCX) -------------------------------------------------------------------------

def test_announcement_is_a4_with_the_standard_margins(docx_document):
    section = docx_document.sections[0]

    twips = [int(v.twips) for v in (section.page_width, section.page_height, section.top_margin,
                                     section.bottom_margin, section.left_margin, section.right_margin)]

    # A4 is 11906 × 16838 twips as Word writes it; 37, 35, 28 and 26 mm to the twip
    assert twips == [11906, 16838, 2098, 1984, 1587, 1474]


def test_announcement_title_is_xiaobiaosong_22pt_and_body_fangsong_16pt(docx_document):
    paragraphs = docx_document.paragraphs
    title = paragraphs[0].runs[0]
    body = next(p for p in paragraphs if p.text.startswith("经专家评审")).runs[0]
    heading = next(p for p in paragraphs if p.text.startswith("一、")).runs[0]

    assert (title._element.rPr.rFonts.get(qn("w:eastAsia")), title.font.size.pt) == ("方正小标宋简体", 22.0)
    assert (body._element.rPr.rFonts.get(qn("w:eastAsia")), body.font.size.pt) == ("仿宋_GB2312", 16.0)
    assert (heading._element.rPr.rFonts.get(qn("w:eastAsia")), heading.font.size.pt) == ("黑体", 16.0)
    normal = docx_document.styles["Normal"]
    assert (normal.element.rPr.rFonts.get(qn("w:eastAsia")), normal.font.size.pt) == ("仿宋_GB2312", 16.0)
    assert round(normal.paragraph_format.line_spacing.pt, 1) == 29.0  # 22 lines fill the 225 mm text block
    assert next(p for p in paragraphs if p.text.startswith("经专家评审")).paragraph_format.first_line_indent.pt == 32


def test_every_run_of_the_announcement_names_a_chinese_font(docx_document):
    runs = [r for p in docx_document.paragraphs for r in p.runs if r.text] + [
        r for table in docx_document.tables for row in table.rows for c in row.cells for p in c.paragraphs
        for r in p.runs]

    fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs}

    assert fonts == {"方正小标宋简体", "仿宋_GB2312", "黑体"}


def test_font_table_names_the_standard_fonts_with_alternatives(docx_document):
    xml = docx_document.part.part_related_by(RT.FONT_TABLE).blob.decode("utf-8")

    for name, alt in (("仿宋_GB2312", "仿宋"), ("方正小标宋简体", "小标宋"), ("黑体", "SimHei")):
        assert f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>' in xml


def test_announcement_columns_fit_their_content(docx_document):
    table = docx_document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    widths = dict(zip(header, [c.width.mm for c in table.rows[1].cells], strict=True))

    assert header == ["序号", "作品名称", "申报单位", "推荐单位", "奖项等级"]
    assert sum(widths.values()) == pytest.approx(156, abs=0.5)  # the text block's width
    assert widths["序号"] < widths["奖项等级"] < widths["作品名称"]
    assert widths["序号"] < 15 and widths["作品名称"] > 45
    assert [round(c.width.mm, 1) for c in table.columns] == [round(w, 1) for w in widths.values()]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page


def test_a_track_without_recommending_units_has_no_such_column():
    frame = award_list()
    frame.loc[frame["track"] == "public", "recommending_unit"] = ""

    tables = Document(io.BytesIO(render("docx", frame, EDITION))).tables

    assert [c.text for c in tables[1].rows[0].cells] == ["序号", "作品名称", "申报单位", "奖项等级"]
    assert [c.text for c in tables[0].rows[0].cells] == ["序号", "作品名称", "申报单位", "推荐单位", "奖项等级"]


def test_a_change_on_the_list_is_noted_under_its_table(docx_document):
    body = docx_document.element.body
    table = docx_document.tables[0]._tbl
    after = table.getnext()

    assert after.xpath("string(.)") == "注：《家庭智能终端》经异议复核，由二等奖调整为三等奖（成果与申报不符）。"
    assert body.index(after) == body.index(table) + 1


def test_page_numbers_read_dash_number_dash_right_on_odd_left_on_even(docx_document):
    section = docx_document.sections[0]

    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]

    assert docx_document.settings.odd_and_even_pages_header_footer
    for paragraph, alignment in ((odd, "right"), (even, "left")):
        xml = paragraph._p.xml
        assert paragraph.text == "— 1 —"
        assert "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in xml
        assert f'<w:jc w:val="{alignment}"/>' in xml
        assert {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in paragraph.runs} == {"宋体"}
        assert {r.font.size.pt for r in paragraph.runs} == {14.0}


def test_issuer_and_chinese_date_close_the_announcement(docx_document):
    paragraphs = [p for p in docx_document.paragraphs if p.text]
    issuer, dated = paragraphs[-2], paragraphs[-1]

    assert (issuer.text, dated.text) == ("某市经济和信息化局", "2026年12月1日")
    assert (issuer.alignment, dated.alignment) == (2, 2)  # right
    assert issuer.paragraph_format.keep_with_next  # never a page between the issuer and the date
    # 7.3.5.2: the issuer two characters in from the right, the date centred under it
    assert issuer.paragraph_format.right_indent.pt == 32
    assert dated.paragraph_format.right_indent.pt == pytest.approx(32 + (9 - 6.5) / 2 * 16)  # digits: ½ each


def test_announcement_has_no_engine_notes_and_no_track_keys(docx_document):
    text = "\n".join([p.text for p in docx_document.paragraphs] + [
        c.text for table in docx_document.tables for row in table.rows for c in row.cells])

    assert not [note for note in ENGINE_NOTES if note in text]
    assert not [key for key in TRACK_KEYS if key in text]
    assert "经异议复核，由二等奖调整为三等奖（成果与申报不符）" in text


@pytest.mark.parametrize("kind", ["docx", "pdf", "certificates"])
def test_documents_are_refused_without_an_issuer(kind):
    edition = EditionInfo(name="2026年大赛", year=2026, track_names=EDITION.track_names)

    with pytest.raises(ExportError) as caught:
        render(kind, award_list(), edition)

    message = caught.value.render("zh")
    assert "未设置主办单位" in message and "公文与证书" in message and "judging documents set" in message


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_lists_are_made_without_an_issuer(kind):
    assert render(kind, award_list(), EditionInfo(name="2026年大赛", year=2026))


# --- the PDF list ------------------------------------------------------------------------------------

def test_pdf_list_is_a4_and_its_text_stays_in_the_text_block(pdf_list):
    document = pdfium.PdfDocument(pdf_list)
    for number, page in enumerate(document, start=1):
        chars = pdf_chars(page)
        body = [c for c in chars if c[2] != documents.SIZE_4]  # all but the page number
        footer = "".join(c[0] for c in chars if c[2] == documents.SIZE_4)

        assert [round(v, 1) for v in page.get_size()] == [595.3, 841.9]
        assert min(c[3][0] for c in body) >= 28 - 0.5
        assert max(c[3][2] for c in body) <= 210 - 26 + 0.5
        assert min(c[3][1] for c in body) >= 37 - 0.5
        assert max(c[3][3] for c in body) <= 297 - 35 + 0.5
        assert footer == f"—{number}—"
        assert all(297 - 35 < c[3][1] for c in chars if c[2] == documents.SIZE_4)  # under the text block


def test_pdf_list_sets_title_body_headings_and_tables_in_their_fonts(pdf_list):
    chars = [c for page in pdfium.PdfDocument(pdf_list) for c in pdf_chars(page)]

    assert fonts_of(chars, "2026年信息消费创新大赛拟获奖名单公示") == {("NotoSerifCJKSCBold", 22.0)}
    assert fonts_of(chars, "经专家评审") == {("NotoSerifCJKSC", 16.0)}
    assert fonts_of(chars, "一、生活类（3项）") == {("NotoSansCJKSC", 16.0)}
    assert fonts_of(chars, "作品名称") == {("NotoSansCJKSC", 12.0)}
    assert fonts_of(chars, "智慧社区") == {("NotoSerifCJKSC", 12.0)}
    assert fonts_of(chars, "某市经济和信息化局") == {("NotoSerifCJKSC", 16.0)}


def test_pdf_list_closes_with_issuer_and_date_on_the_right(pdf_list):
    chars = [c for page in pdfium.PdfDocument(pdf_list) for c in pdf_chars(page)]
    joined = "".join(c[0] for c in chars)
    issuer = chars[joined.index("某市经济和信息化局"):][:9]
    dated = chars[joined.index("2026年12月1日"):][:10]

    # two characters (2 × 16 pt) in from the text block's right edge, the date centred under the issuer
    assert issuer[-1][3][2] == pytest.approx(210 - 26 - 2 * 16 * MM_PER_PT, abs=0.8)
    centre = (issuer[0][3][0] + issuer[-1][3][2]) / 2
    assert (dated[0][3][0] + dated[-1][3][2]) / 2 == pytest.approx(centre, abs=1.5)
    assert dated[0][3][1] > issuer[0][3][3]


def test_pdf_list_table_columns_fit_their_content(pdf_list):
    chars = pdf_chars(pdfium.PdfDocument(pdf_list)[0])
    joined = "".join(c[0] for c in chars)

    def left(text: str) -> float:
        return chars[joined.index(text)][3][0]

    no_to_title = left("作品名称") - left("序号")
    title_to_org = left("申报单位") - left("作品名称")
    assert no_to_title < title_to_org  # 序号 narrow, 作品名称 wide (its header is centred in its cell)
    assert "智慧社区居家养老综合服务平台" in joined  # on one line


def test_a_long_pdf_list_repeats_the_table_header_and_numbers_odd_pages_right_even_left():
    frame = pd.DataFrame({"entry_id": [f"E{i:03d}" for i in range(60)], "track": "life",
                          "title": [f"智慧社区服务平台第{i}期" for i in range(60)], "organisation": "杭州某某科技有限公司",
                          "recommending_unit": "", "tier": "excellence", "rank": range(1, 61), "score": 80.0})

    pages = list(pdfium.PdfDocument(render("pdf", frame, EDITION)))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        chars = pdf_chars(page)
        footer = [c for c in chars if c[2] == documents.SIZE_4]
        body = "".join(c[0] for c in chars if c[2] != documents.SIZE_4)
        centre = (footer[0][3][0] + footer[-1][3][2]) / 2
        # one character (14 pt) in from the text block's right edge on odd pages, its left edge on even ones
        if number % 2:
            assert footer[-1][3][2] == pytest.approx(210 - 26 - 14 * MM_PER_PT, abs=0.6) and centre > 105
        else:
            assert footer[0][3][0] == pytest.approx(28 + 14 * MM_PER_PT, abs=0.6) and centre < 105
        if 1 < number < len(pages):
            assert body.startswith("序号作品名称申报单位奖项等级")  # the header row heads every page of the table


def test_pdf_list_has_no_engine_notes_and_no_track_keys(pdf_list):
    text = pdf_text(pdf_list)

    assert not [note for note in ENGINE_NOTES if note.replace(" ", "") in text]
    assert not [key for key in TRACK_KEYS if key in text]
    assert "未获奖的作品" not in text


# --- certificates ----------------------------------------------------------------------------------

def test_certificates_are_numbered_in_the_scheme_without_track_keys(certificates):
    pages = [("".join(page.get_textpage().get_text_range().split())) for page in pdfium.PdfDocument(certificates)]

    numbers = [p[p.index("证书编号："):] for p in pages]
    assert numbers == [f"证书编号：2026信创赛证字第{n:03d}号" for n in range(1, 6)]
    assert not [key for key in TRACK_KEYS for p in pages if key in p]
    assert all("某市经济和信息化局" in p and "2026年12月1日" in p for p in pages)


def test_certificates_are_landscape_a4_in_the_standard_fonts(certificates):
    page = pdfium.PdfDocument(certificates)[0]
    chars = pdf_chars(page)

    assert [round(v, 1) for v in page.get_size()] == [841.9, 595.3]
    assert fonts_of(chars, "荣誉证书") == {("NotoSerifCJKSCBold", documents.SIZE_CERT_TITLE)}
    assert fonts_of(chars, "杭州某某智能科技有限公司") == {("NotoSerifCJKSC", 20.0)}
    assert fonts_of(chars, "一等奖") == {("NotoSerifCJKSCBold", documents.SIZE_CERT_TIER)}
    assert fonts_of(chars, "某市经济和信息化局") == {("NotoSerifCJKSC", 16.0)}


def test_certificate_number_per_track_with_the_organisers_prefix():
    edition = EditionInfo(name="2026年大赛", year=2026, organiser="某局", track_names=EDITION.track_names,
                          certificate_scheme="〔{year}〕{prefix}证字第{seq:02d}号", track_prefixes={"public": "公服"})

    text = pdf_text(render("certificates", award_list(), edition))

    for number in ("〔2026〕生活类证字第01号", "〔2026〕生活类证字第03号", "〔2026〕公服证字第01号", "〔2026〕公服证字第02号"):
        assert number in text


def test_certificates_of_a_track_without_a_chinese_name_are_refused():
    edition = EditionInfo(name="2026年大赛", year=2026, organiser="某局", track_names={"life": "生活类"})

    with pytest.raises(ExportError, match="public"):
        render("certificates", award_list(), edition)


def test_pdfs_render_to_pictures(pdf_list, certificates, tmp_path):
    # docs/img with JUDGING_UPDATE_SCREENSHOTS=1 (the pictures in docs/documents.md and the README)
    folder = DOCS_IMG if os.environ.get("JUDGING_UPDATE_SCREENSHOTS") == "1" else tmp_path
    for name, data in (("document_pdf_list", pdf_list), ("document_certificate", certificates)):
        page = pdfium.PdfDocument(data)[0]
        image = page.render(scale=110 / 72).to_pil().convert("RGB")  # 110 dpi: an A4 page 909 px wide
        path = folder / f"{name}.png"
        image.save(path, optimize=True)

        grey = image.convert("L")
        assert abs(image.size[0] - page.get_size()[0] * 110 / 72) <= 1
        assert grey.getextrema()[0] < 60 and grey.getextrema()[1] == 255  # dark text on white paper
        if name == "document_pdf_list":  # the top 37 mm are blank: the text block starts under the margin
            assert grey.crop((0, 0, image.size[0], int(36 / 25.4 * 110))).getextrema() == (255, 255)


# --- the spreadsheets -----------------------------------------------------------------------------

def test_xlsx_prints_on_a4_one_page_wide_with_the_header_on_every_page():
    book = openpyxl.load_workbook(io.BytesIO(render("xlsx", award_list(), EDITION)))

    for name in ("生活类", "公共服务类"):
        sheet = book[name]
        assert sheet.print_title_rows == "$1:$1"
        assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "landscape")
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        # one page wide (1 is the attribute's default, left out by xlsxwriter), as many down as it takes
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.oddFooter.center.text == "— &P —"
    assert book["汇总"].page_setup.paperSize == 9


def test_xlsx_and_csv_show_tier_title_units_and_change_notes_but_no_engine_notes():
    book = openpyxl.load_workbook(io.BytesIO(render("xlsx", award_list(), EDITION)))
    csv_text = render("csv", award_list(), EDITION).decode("utf-8-sig")

    life = [[c.value for c in row] for row in book["生活类"].iter_rows()]
    assert life[0] == ["排名", "作品编号", "作品名称", "申报单位", "推荐单位", "奖项等级", "得分", "备注"]
    assert life[3][2:] == ["家庭智能终端", "宁波某电子有限公司", "浙江省经济和信息化厅", "三等奖", 88,
                           "经异议复核，由二等奖调整为三等奖（成果与申报不符）"]
    cells = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    for text in (cells, csv_text):
        assert not [note for note in ENGINE_NOTES if note in text]
        assert "区间" not in text and "提示" not in text


# --- the rules alone -----------------------------------------------------------------------------

def test_column_widths_golden_case():
    header = ["序号", "作品名称", "申报单位", "奖项等级"]

    widths = fit_column_widths(header, [["1", "城市大脑一网统管", "深圳市某公司", "三等奖"]], total_mm=156, font_pt=12)

    # 序号 and 奖项等级 keep what their headers need (2 and 4 characters of 12 pt, 3.8 mm padding);
    # the space left goes to the two columns of text
    assert [round(w, 1) for w in widths] == [12.3, 69.3, 53.7, 20.7]


texts = st.text(alphabet=st.sampled_from("智慧城市大脑ab1（）"), max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(texts, min_size=4, max_size=4), min_size=1, max_size=8),
       st.floats(min_value=60, max_value=300))
def test_column_widths_fill_the_width_and_keep_short_columns_whole(rows, total):
    header = ["序号", "作品名称", "申报单位", "奖项等级"]

    widths = fit_column_widths(header, rows, total_mm=total, font_pt=12)

    assert sum(widths) == pytest.approx(total)
    assert all(w > 0 for w in widths)
    em = 12 * MM_PER_PT
    asked = [max(1, min(24, max(documents.text_ems(c) for c in [h, *(r[i] for r in rows)]))) * em + 3.8
             for i, h in enumerate(header)]
    if sum(asked) <= total:
        assert all(w >= a - 1e-9 for w, a in zip(widths, asked, strict=True))
    elif asked[0] <= total / 4:  # 序号 asks for less than an equal share: it keeps it
        assert widths[0] == pytest.approx(asked[0])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["life", "public", "industry"]), min_size=1, max_size=40),
       st.sampled_from(["{year}证字第{seq:03d}号", "〔{year}〕{prefix}第{seq}号", "{track}-{seq:04d}"]))
def test_certificate_numbers_are_unique_and_never_show_track_keys(tracks, scheme):
    names = {"life": "生活类", "public": "公共服务类", "industry": "行业类"}

    numbers = certificate_numbers(tracks, scheme=scheme, year=2027, track_names=names)

    assert len(set(numbers)) == len(numbers)
    assert not [n for n in numbers if any(key in n for key in names)]


def test_scheme_fields_have_chinese_names_and_english_aliases():
    names = {"life": "生活类", "public": "公共服务类"}

    chinese = certificate_numbers(["life", "public"], scheme="〔{年份}〕{前缀}第{序号:03d}号（{赛道}）", year=2027,
                                  track_names=names, prefixes={"life": "生"})
    english = certificate_numbers(["life", "public"], scheme="〔{year}〕{prefix}第{seq:03d}号（{track}）", year=2027,
                                  track_names=names, prefixes={"life": "生"})

    assert chinese == english == ["〔2027〕生第001号（生活类）", "〔2027〕公共服务类第001号（公共服务类）"]
    assert documents.DEFAULT_CERTIFICATE_SCHEME == "〔{年份}〕{前缀}证字第{序号:03d}号"


def test_certificate_numbers_count_per_track_only_when_the_scheme_names_the_track():
    tracks = ["life", "life", "public"]
    names = {"life": "生活类", "public": "公共服务类"}

    assert certificate_numbers(tracks, scheme="{year}证字第{seq:03d}号", year=2027, track_names=names) == [
        "2027证字第001号", "2027证字第002号", "2027证字第003号"]
    assert certificate_numbers(tracks, scheme="{prefix}{seq}", year=2027, track_names=names,
                               prefixes={"life": "生"}) == ["生1", "生2", "公共服务类1"]


@pytest.mark.parametrize(("scheme", "code"), [
    ("{year}证字第号", "doc.scheme_no_seq"), ("{year}{key}{seq}", "doc.scheme_unknown"),
    ("{seq", "doc.scheme_syntax"), ("{seq:s}", "doc.scheme_format"), ("{seq}" * 20, "doc.scheme_too_long"),
])
def test_bad_schemes_are_refused_with_what_to_fix(scheme, code):
    with pytest.raises(DocumentSettingsError) as caught:
        check_document_settings(DocumentSettings(issuer="某局", certificate_scheme=scheme), track_names={})

    assert [p.code for p in caught.value.problems] == [code]
    message = caught.value.problems[0].message("zh")
    assert "{{" not in message and "证书编号格式" in message


def test_settings_check_collects_every_problem_and_trims_the_rest():
    with pytest.raises(DocumentSettingsError) as caught:
        check_document_settings(DocumentSettings(issuer="  ", certificate_scheme="{year}",
                                                 track_prefixes={"nope": "某"}), track_names={"life": "生活类"})
    assert [p.code for p in caught.value.problems] == ["doc.issuer_required", "doc.scheme_no_seq",
                                                       "doc.prefix_unknown_track"]

    checked = check_document_settings(DocumentSettings(issuer=" 某市  经信局 ", track_prefixes={"life": " 生活 "}),
                                      track_names={"life": "生活类"})
    assert checked == DocumentSettings(issuer="某市 经信局", track_prefixes={"life": "生活"})


def test_change_notes_say_what_changed_in_order():
    changes = [ListChange("E1", "second", "first", "objection:3", "评分有误"),
               ListChange("E2", "third", "", "manual", ""),
               ListChange("E1", "first", "second", "manual", "复核")]

    notes = change_notes(changes, labels={"first": "一等奖", "second": "二等奖", "third": "三等奖"})

    assert notes == {"E1": "经异议复核，由二等奖调整为一等奖（评分有误）；经复核，由一等奖调整为二等奖（复核）",
                     "E2": "经复核，由三等奖调整为不授奖"}


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五")])
def test_headings_are_numbered_in_chinese(n, text):
    from judging.core.exports import chinese_ordinal

    assert chinese_ordinal(n) == text


def test_page_setup_constants_are_the_standards():
    assert (documents.TEXT_WIDTH_MM, documents.TEXT_HEIGHT_MM) == (156, 225)
    assert Mm(documents.MARGIN_TOP_MM).twips == 2098
