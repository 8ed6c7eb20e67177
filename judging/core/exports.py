"""Export rendering: an award list as XLSX, CSV, a PDF 公示名单, a DOCX announcement and certificates.

Pure functions: a final-list DataFrame and an ``EditionInfo`` in, ``bytes`` out. The list has one
row per entry with at least ``entry_id, track, title, organisation, tier, rank, score``;
``recommending_unit`` and ``change_note`` (what a change on the list did, in words) are used when
present. ``tier`` holds an award key (``first, second, third, excellence``), a label such as 一等奖,
or nothing for "no award". The engine's own columns (intervals, flags) are never printed.

What makes the files open correctly in China (see RECIPES.md): CSV in UTF-8 with a BOM, XLSX text
cells written as strings with Excel's quote prefix, CSV text cells that could start a formula
prefixed with ``'`` (OWASP, CWE-1236). The announcement, the PDF list and the certificates follow
GB/T 9704-2012 (A4, its margins, 小标宋/仿宋_GB2312/黑体 with the Noto CJK faces embedded in their
place in PDFs, page numbers ``— 1 —``; see ``judging.core.documents`` and docs/documents.md), and
are refused without an issuer (主办单位).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from judging.core import documents
from judging.core.checkpoint import short_form
from judging.core.panel import panel_notes
from judging.errors import JudgingError, Problem
from judging.i18n import TEXTS, t

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")  # OWASP CSV-injection list
XLSX_SHEET_NAME_MAX = 31  # Excel's limit
XLSX_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
FILENAME_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')  # not allowed in Windows file names

TIER_KEYS = ("first", "second", "third", "excellence")
TIER_LABELS = {
    "first": ("一等奖", "First prize"),
    "second": ("二等奖", "Second prize"),
    "third": ("三等奖", "Third prize"),
    "excellence": ("优秀奖", "Award of excellence"),
}
NO_AWARD = ("", "none", "no_award", "nan")

REQUIRED_COLUMNS = ("entry_id", "track", "title", "organisation", "tier", "rank", "score")
OPTIONAL_COLUMNS = {"recommending_unit": "", "score_low": math.nan, "score_high": math.nan, "flags": "",
                    "change_note": ""}


class ExportError(JudgingError):
    """An export cannot be rendered (missing columns, missing font)."""


@dataclass(frozen=True)
class EditionInfo:
    """What the documents say about the edition; ``track_names`` maps track keys to display names."""

    name: str
    year: int
    organiser: str = ""
    track_names: Mapping[str, str] = field(default_factory=dict)
    track_order: Sequence[str] = ()
    publication_start: date | None = None
    publication_end: date | None = None
    contact: str = ""
    issued_on: date | None = None
    final: bool = False  # False: 公示 (provisional list); True: the final announced list
    # recorded with the publication (its latest publish or freeze): printed so that a reader can check a
    # bundle (judging verify BUNDLE.zip --digest ...) and the audit trail's signed checkpoint
    bundle_digest: str = ""
    checkpoint_digest: str = ""
    public_key: str = ""
    # the certificates' numbers: a scheme of judging.core.documents, and the organiser's short name per track
    certificate_scheme: str = documents.DEFAULT_CERTIFICATE_SCHEME
    track_prefixes: Mapping[str, str] = field(default_factory=dict)

    def track_name(self, key: str) -> str:
        return self.track_names.get(key, key)


# --- shared helpers --------------------------------------------------------------------------

def tier_key(value: object) -> str:
    """The award key of a tier value (``first`` ... ``excellence``), the value itself, or ``""``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    if text.lower() in NO_AWARD:
        return ""
    for key, labels in TIER_LABELS.items():
        if text in labels or text.lower() == key:
            return key
    return text


def tier_label(value: object, lang: str = "zh") -> str:
    key = tier_key(value)
    labels = TIER_LABELS.get(key)
    if labels is None:
        return key
    return labels[1] if lang == "en" else labels[0]


def tier_position(value: object) -> int:
    key = tier_key(value)
    if key in TIER_KEYS:
        return TIER_KEYS.index(key)
    return len(TIER_KEYS) + (0 if key else 1)  # unknown tiers after the known ones, no award last


def formula_safe(value: object) -> str:
    """Text that a spreadsheet will not run: a leading ``= + - @``, tab, CR or NUL gets a ``'``."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def flags_text(value: object, lang: str = "zh") -> str:
    """The engine's ``;``-separated flag codes in words (codes without a text are kept as they are)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    codes = [str(v) for v in value] if isinstance(value, list | tuple | set | frozenset) else str(value).split(";")
    return "；".join(t(f"rank.flag.{c}", lang) if f"rank.flag.{c}" in TEXTS else c for c in codes if c.strip())


def prepare_final_list(frame: pd.DataFrame, edition: EditionInfo, lang: str = "zh") -> pd.DataFrame:
    """The list with every column present, in announcement order: track, tier, rank."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ExportError(Problem("export.missing_columns", {"columns": ", ".join(missing)}))
    out = frame.copy()
    for column, default in OPTIONAL_COLUMNS.items():
        if column not in out.columns:
            out[column] = default
    for column in ("entry_id", "track", "title", "organisation", "recommending_unit", "change_note"):
        out[column] = out[column].fillna("").astype(str)
    flag_words: dict[object, str] = {}
    out["flags"] = [flag_words.setdefault(v, flags_text(v, lang)) if isinstance(v, str) else flags_text(v, lang)
                    for v in out["flags"]]
    keys: dict[object, str] = {}
    out["tier_key"] = [keys.setdefault(v, tier_key(v)) if isinstance(v, str) else tier_key(v) for v in out["tier"]]
    given = out["tier_label"].fillna("").astype(str) if "tier_label" in out.columns else pd.Series("", index=out.index)
    out["tier_text"] = [g if (g and k and lang == "zh") else tier_label(v, lang)
                        for g, k, v in zip(given, out["tier_key"], out["tier"], strict=True)]
    order = list(edition.track_order) or list(dict.fromkeys(out["track"]))
    out["_track_pos"] = [order.index(k) if k in order else len(order) for k in out["track"]]
    out["_tier_pos"] = [tier_position(v) for v in out["tier_key"]]
    out = out.sort_values(["_track_pos", "track", "_tier_pos", "rank", "entry_id"], kind="stable")
    return out.drop(columns=["_track_pos", "_tier_pos"]).reset_index(drop=True)


def winners(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["tier_key"] != ""]


def export_filename(edition: EditionInfo, kind: str, lang: str = "zh") -> str:
    """A file name such as ``2026年信息消费创新大赛_公示名单.pdf`` (Chinese, safe on Windows)."""
    suffix = {"xlsx": "xlsx", "csv": "csv", "pdf": "pdf", "docx": "docx", "certificates": "pdf", "bundle": "zip"}[kind]
    label_key = "export.file_pdf_final" if kind == "pdf" and edition.final else f"export.file_{kind}"
    stem = f"{edition.name}_{t(label_key, lang)}"
    stem = FILENAME_FORBIDDEN.sub("_", stem).strip(" .") or "export"
    return f"{stem}.{suffix}"


def _number(value: object, digits: int = 2) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]  # anything float() takes; the rest is None
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else round(number, digits)


def _table_columns(lang: str) -> list[tuple[str, str]]:
    """(column, header) of the spreadsheet lists: what an announced list says, and a note where a change
    on the list (an upheld objection, a review) moved an entry; never the engine's intervals or flags."""
    keys = ["rank", "entry_id", "title", "organisation", "recommending_unit", "track", "tier", "score", "note"]
    return [(k, _column_header(k, lang)) for k in keys]


def _display_rows(data: pd.DataFrame, edition: EditionInfo) -> list[dict[str, object]]:
    """One dict per row with the values the spreadsheets show (numbers rounded, None when missing)."""
    def numbers(column: str, digits: int) -> list[float | None]:
        values = pd.to_numeric(data[column], errors="coerce").round(digits)
        return [None if pd.isna(v) else float(v) for v in values]

    columns = {
        "rank": [None if v is None else int(v) for v in numbers("rank", 0)],
        "entry_id": data["entry_id"].tolist(), "title": data["title"].tolist(),
        "organisation": data["organisation"].tolist(), "recommending_unit": data["recommending_unit"].tolist(),
        "track": [edition.track_name(k) for k in data["track"]], "tier": data["tier_text"].tolist(),
        "score": numbers("score", 2), "note": data["change_note"].tolist(),
    }
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


NUMERIC_COLUMNS = {"rank", "score"}


# --- CSV -------------------------------------------------------------------------------------

def render_csv(frame: pd.DataFrame, edition: EditionInfo, *, lang: str = "zh") -> bytes:
    """All rows in one table, UTF-8 with a BOM and CRLF (what Excel on Chinese Windows expects)."""
    data = prepare_final_list(frame, edition, lang)
    columns = _table_columns(lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _, header in columns])
    for values in _display_rows(data, edition):
        writer.writerow([
            ("" if values[k] is None else values[k]) if k in NUMERIC_COLUMNS else formula_safe(values[k])
            for k, _ in columns
        ])
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX ------------------------------------------------------------------------------------

def _sheet_name(name: str, used: set[str]) -> str:
    base = XLSX_SHEET_FORBIDDEN.sub("_", name).strip("'") or "sheet"
    base = base[:XLSX_SHEET_NAME_MAX]
    candidate, n = base, 2
    while candidate.lower() in used:
        tail = f"({n})"
        candidate = base[: XLSX_SHEET_NAME_MAX - len(tail)] + tail
        n += 1
    used.add(candidate.lower())
    return candidate


XLSX_PAPER_A4 = 9  # Excel's paper code for A4
XLSX_MARGIN_INCH = 0.6


def _print_setup(sheet, edition: EditionInfo, *, landscape: bool) -> None:
    """A4, as wide as one page (as many pages down as it takes), centred, with the edition in the
    header and ``— 1 —`` in the footer."""
    sheet.set_paper(XLSX_PAPER_A4)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    sheet.set_margins(left=XLSX_MARGIN_INCH, right=XLSX_MARGIN_INCH, top=0.8, bottom=0.8)
    name = edition.name.replace("&", "&&")
    sheet.set_header(f"&C{name}")
    sheet.set_footer("&C\u2014 &P \u2014")


def render_xlsx(frame: pd.DataFrame, edition: EditionInfo, *, lang: str = "zh") -> bytes:
    """A summary sheet (count per track and tier) and one sheet per track.

    Text cells are written as strings (``strings_to_formulas`` off), and text that starts like a
    formula also carries Excel's quote prefix, so that editing the cell later cannot turn it into a
    formula; the text itself is kept as written.
    """
    import xlsxwriter  # the document libraries load when a document is made: pages that only use its helpers do not pay

    data = prepare_final_list(frame, edition, lang)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    font = {"font_name": "等线", "font_size": 11}
    title_fmt = book.add_format({**font, "bold": True, "font_size": 14})
    header_fmt = book.add_format({**font, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    text_fmt = book.add_format({**font, "border": 1})
    quoted_fmt = book.add_format({**font, "border": 1, "quote_prefix": True})
    number_fmt = book.add_format({**font, "border": 1, "num_format": "0.00"})
    int_fmt = book.add_format({**font, "border": 1, "num_format": "0"})
    used: set[str] = set()

    tracks = list(dict.fromkeys(data["track"]))
    tiers_present = sorted({k for k in data["tier_key"] if k}, key=tier_position)
    summary = book.add_worksheet(_sheet_name(t("export.sheet_summary", lang), used))
    summary.write_string(0, 0, formula_safe(f"{edition.name} {t('export.summary_title', lang)}"), title_fmt)
    headers = [t("export.col.track", lang)] + [tier_label(k, lang) for k in tiers_present] + [
        t("export.col.awarded", lang), t("export.col.entries", lang)]
    for col, header in enumerate(headers):
        summary.write_string(2, col, header, header_fmt)
    for r, track in enumerate(tracks, start=3):
        rows = data[data["track"] == track]
        counts = rows["tier_key"].value_counts()
        summary.write_string(r, 0, formula_safe(edition.track_name(track)), text_fmt)
        for c, key in enumerate(tiers_present, start=1):
            summary.write_number(r, c, int(counts.get(key, 0)), int_fmt)
        summary.write_number(r, len(tiers_present) + 1, int((rows["tier_key"] != "").sum()), int_fmt)
        summary.write_number(r, len(tiers_present) + 2, len(rows), int_fmt)
    summary.set_column(0, 0, 24)
    summary.set_column(1, len(headers), 12)
    _print_setup(summary, edition, landscape=False)

    columns = [(k, h) for k, h in _table_columns(lang) if k != "track"]
    widths = {"rank": 6, "entry_id": 14, "title": 36, "organisation": 28, "recommending_unit": 22,
              "tier": 10, "score": 8, "note": 36}
    text_fmt = book.add_format({**font, "border": 1, "text_wrap": True, "valign": "top"})
    quoted_fmt = book.add_format({**font, "border": 1, "quote_prefix": True, "text_wrap": True, "valign": "top"})
    for track in tracks:
        sheet = book.add_worksheet(_sheet_name(edition.track_name(track), used))
        for col, (key, header) in enumerate(columns):
            sheet.write_string(0, col, header, header_fmt)
            sheet.set_column(col, col, widths[key])
        sheet.freeze_panes(1, 0)
        rows = data[data["track"] == track]
        for r, values in enumerate(_display_rows(rows, edition), start=1):
            for col, (key, _) in enumerate(columns):
                value = values[key]
                if key in NUMERIC_COLUMNS:
                    if value is None:
                        sheet.write_blank(r, col, None, text_fmt)
                    else:
                        sheet.write_number(r, col, value, int_fmt if key == "rank" else number_fmt)
                else:
                    text = str(value)
                    if not text:
                        sheet.write_blank(r, col, None, text_fmt)
                    else:
                        sheet.write_string(r, col, text, quoted_fmt if starts_like_formula(text) else text_fmt)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        _print_setup(sheet, edition, landscape=True)
        sheet.repeat_rows(0)  # 打印标题: the header row on every printed page
    book.close()
    return buffer.getvalue()


# --- what the documents share (GB/T 9704-2012: see judging.core.documents) ------------------------

def _require_issuer(edition: EditionInfo) -> None:
    """An announcement or certificate without its issuing body is not a document anyone can issue."""
    if not edition.organiser.strip():
        raise ExportError(Problem("doc.no_issuer", {}))


CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_ordinal(n: int) -> str:
    """``一`` … ``九十九``: the numbers of first-level headings (一、二、……)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def _dates_line(edition: EditionInfo, lang: str) -> str:
    if edition.publication_start and edition.publication_end:
        return t("export.publication_period", lang, start=_date_text(edition.publication_start, lang),
                 end=_date_text(edition.publication_end, lang))
    return ""


def _date_text(day: date, lang: str) -> str:
    return documents.chinese_date(day) if lang == "zh" else day.isoformat()


def signature_indents(issuer: str, dated: str) -> tuple[float, float]:
    """Right indents (in characters) of the issuer and the date under the text, without a seal
    (GB/T 9704-2012, 7.3.5.2): the issuer 2 characters from the right, the date centred under it;
    a date longer than the issuer is set 2 from the right and the issuer centred over it."""
    issuer_ems, date_ems = documents.text_ems(issuer), documents.text_ems(dated)
    if date_ems <= issuer_ems:
        return 2.0, 2.0 + (issuer_ems - date_ems) / 2
    return 2.0 + (date_ems - issuer_ems) / 2, 2.0


def _document_columns(rows: pd.DataFrame) -> list[str]:
    """A track's table columns in a document: 推荐单位 only when one of its winners has one. What a
    change on the list did is said under the table (注：), not in a column that would squeeze the titles."""
    columns = ["no", "title", "organisation"]
    if (rows["recommending_unit"].str.strip() != "").any():
        columns.append("recommending_unit")
    columns.append("tier")
    return columns


def _table_notes(rows: pd.DataFrame, lang: str) -> list[str]:
    """``注：《title》经异议复核，由二等奖调整为一等奖（理由）。`` for each winner a change on the list moved."""
    return [t("doc.table_note", lang, title=title, note=note)
            for title, note in zip(rows["title"], rows["change_note"], strict=True) if note.strip()]


def _document_rows(rows: pd.DataFrame, columns: Sequence[str]) -> list[list[str]]:
    values = {"title": rows["title"], "organisation": rows["organisation"],
              "recommending_unit": rows["recommending_unit"], "tier": rows["tier_text"]}
    body = [[str(n)] for n in range(1, len(rows) + 1)]
    for column in columns[1:]:
        for cells, value in zip(body, values[column], strict=True):
            cells.append(str(value))
    return body


def _column_header(column: str, lang: str) -> str:
    return t("doc.col.note" if column == "note" else f"export.col.{column}", lang)


CENTRED_COLUMNS = {"no", "tier"}


def _fit_widths(header: list[str], cells: list[list[str]], font_pt: float) -> list[float]:
    return documents.fit_column_widths(header, cells, total_mm=documents.TEXT_WIDTH_MM, font_pt=font_pt)


# --- PDF -------------------------------------------------------------------------------------

PDF_TABLE_FONT_SIZE = documents.SIZE_SMALL_4
PDF_CELL_PADDING = documents.CELL_PADDING_MM / 2  # mm between a cell's border and its text
PDF_TABLE_LINE_MM = 6.0  # a 小四 line with room to breathe
PDF_BODY_LINE_MM = documents.LINE_PITCH_PT * documents.PT_TO_MM  # 22 lines in the 225 mm text block
HEADER_FILL = (242, 242, 242)
FONT_FAMILIES = {"serif": "GBSerif", "sans": "GBSans"}


def _font_of(pdf, font: documents.DocumentFont, size: float) -> None:
    pdf.set_font(FONT_FAMILIES[font.fallback_family], style=font.fallback_style, size=size)


def _gb_pdf(orientation: str = "P"):
    """An A4 FPDF document with the GB/T 9704 margins, the Noto CJK SC faces standing in for the
    standard's fonts (embedded as subsets), and the page number ``— 1 —`` under the text block,
    on the right of odd pages and the left of even ones (7.5); ExportError if a font is missing."""
    from fpdf import FPDF

    for font in documents.DOCUMENT_FONTS:
        if not font.fallback.exists():
            raise ExportError(Problem("export.font_missing", {"path": str(font.fallback)}))

    class GBDocument(FPDF):
        numbered = True

        def footer(self) -> None:
            if not self.numbered:
                return
            _font_of(self, documents.PAGE_NUMBER_FONT, documents.SIZE_4)
            self.set_y(-(documents.MARGIN_BOTTOM_MM - documents.FOOTER_DISTANCE_MM))
            text = documents.page_number_text(self.page_no())
            one_char = documents.SIZE_4 * documents.PT_TO_MM  # 单页码居右空一字，双页码居左空一字
            width = self.w - self.l_margin - self.r_margin - one_char
            if self.page_no() % 2:
                self.cell(width, 6, text, align="R")
            else:
                self.set_x(self.l_margin + one_char)
                self.cell(width, 6, text, align="L")

    pdf = GBDocument(orientation=orientation, unit="mm", format="A4")
    registered: set[tuple[str, str]] = set()
    for font in documents.DOCUMENT_FONTS:
        key = (font.fallback_family, font.fallback_style)
        if key not in registered:
            pdf.add_font(FONT_FAMILIES[font.fallback_family], style=font.fallback_style, fname=str(font.fallback),
                         collection_font_number=font.fallback_index)
            registered.add(key)
    pdf.set_margins(documents.MARGIN_LEFT_MM, documents.MARGIN_TOP_MM, documents.MARGIN_RIGHT_MM)
    pdf.c_margin = 0  # text runs to the text block's edges, as in Word; table cells pad themselves
    pdf.set_auto_page_break(auto=True, margin=documents.MARGIN_BOTTOM_MM)
    _font_of(pdf, documents.BODY_FONT, documents.SIZE_3)
    pdf.set_creator("judging")
    return pdf


def _wrap(text: str, width: float, char_width) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (mm), between any two characters.

    Chinese breaks between any two characters; a Latin word longer than the cell is broken too,
    which is rare in lists of titles and organisations. fpdf2's own line breaking (``multi_cell``,
    ``table``) took 45 s for 5,000 rows; this takes well under a second.
    """
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for ch in text.replace("\r", "").replace("\n", " "):
        w = char_width(ch)
        if line and used + w > width:
            lines.append("".join(line))
            line, used = [], 0.0
        line.append(ch)
        used += w
    lines.append("".join(line))
    return lines


def _char_widths(pdf):
    cache: dict[tuple[str, str, float, str], float] = {}

    def char_width(ch: str) -> float:
        key = (pdf.font_family, pdf.font_style, pdf.font_size_pt, ch)
        if key not in cache:
            cache[key] = pdf.get_string_width(ch)
        return cache[key]
    return char_width


def _pdf_paragraph(pdf, text: str, *, font: documents.DocumentFont, size: float, line: float,
                   align: str = "L", indent_chars: float = 0.0, right_chars: float = 0.0) -> None:
    """A paragraph wrapped between any two characters; ``indent_chars`` indents its first line (空二字)."""
    _font_of(pdf, font, size)
    em = size * documents.PT_TO_MM
    width = pdf.w - pdf.l_margin - pdf.r_margin - right_chars * em
    char_width = _char_widths(pdf)
    first = "\u3000" * int(indent_chars) + text
    for part in _wrap(first, width, char_width):
        if pdf.get_y() + line > pdf.page_break_trigger:
            pdf.add_page()
        pdf.set_x(pdf.l_margin)
        pdf.cell(width, line, part, align=align, new_x="LMARGIN", new_y="NEXT")


def _draw_table(pdf, *, header: list[str], rows: list[list[str]], widths: list[float], centred: Sequence[bool],
                line_height: float) -> None:
    """A bordered table that breaks across pages and repeats its header row on each new page."""
    char_width = _char_widths(pdf)

    def draw_row(cells: list[str], *, heading: bool) -> None:
        wrapped = [_wrap(str(c), w - 2 * PDF_CELL_PADDING, char_width) for c, w in zip(cells, widths, strict=True)]
        height = max(len(lines) for lines in wrapped) * line_height + PDF_CELL_PADDING
        if pdf.get_y() + height > pdf.page_break_trigger and not heading:
            pdf.add_page()
            _font_of(pdf, documents.HEADING_FONT, PDF_TABLE_FONT_SIZE)
            draw_row(header, heading=True)
            _font_of(pdf, documents.BODY_FONT, PDF_TABLE_FONT_SIZE)
        x, y = pdf.l_margin, pdf.get_y()
        for lines, w, centre in zip(wrapped, widths, centred, strict=True):
            pdf.rect(x, y, w, height, style="DF" if heading else "D")
            for k, text in enumerate(lines):
                if text:
                    dx = (w - sum(char_width(c) for c in text)) / 2 if (centre or heading) else PDF_CELL_PADDING
                    pdf.text(x + dx, y + PDF_CELL_PADDING / 2 + (k + 0.78) * line_height, text)
            x += w
        pdf.set_xy(pdf.l_margin, y + height)

    pdf.set_fill_color(*HEADER_FILL)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.25)
    _font_of(pdf, documents.HEADING_FONT, PDF_TABLE_FONT_SIZE)
    if pdf.get_y() + 2 * line_height > pdf.page_break_trigger:
        pdf.add_page()
    draw_row(header, heading=True)
    _font_of(pdf, documents.BODY_FONT, PDF_TABLE_FONT_SIZE)
    for row in rows:
        draw_row(row, heading=False)


def _pdf_signature(pdf, edition: EditionInfo, lang: str) -> None:
    """The issuer and the date under the text (下空一行), placed as 7.3.5.2 says."""
    dated = _date_text(edition.issued_on, lang) if edition.issued_on else ""
    issuer_right, date_right = signature_indents(edition.organiser, dated)
    if pdf.get_y() + 3 * PDF_BODY_LINE_MM > pdf.page_break_trigger:  # the issuer and the date stay together
        pdf.add_page()
    else:
        pdf.ln(PDF_BODY_LINE_MM)
    _pdf_paragraph(pdf, edition.organiser, font=documents.BODY_FONT, size=documents.SIZE_3, line=PDF_BODY_LINE_MM,
                   align="R", right_chars=issuer_right)
    if dated:
        _pdf_paragraph(pdf, dated, font=documents.BODY_FONT, size=documents.SIZE_3, line=PDF_BODY_LINE_MM,
                       align="R", right_chars=date_right)


def render_pdf_list(frame: pd.DataFrame, edition: EditionInfo, *, lang: str = "zh") -> bytes:
    """The 公示名单 (or the final list) as a 公文: title, text, the winners per track in tier order with
    the panel's notes, the issuer and the date, the digests to check it by."""
    _require_issuer(edition)
    data = winners(prepare_final_list(frame, edition, lang))
    pdf = _gb_pdf()
    pdf.add_page()

    def body(text: str) -> None:  # a paragraph of the text: 仿宋 三号, first line indented two characters
        _pdf_paragraph(pdf, text, font=documents.BODY_FONT, size=documents.SIZE_3, line=PDF_BODY_LINE_MM,
                       indent_chars=2)

    title_key = "export.pdf_title_final" if edition.final else "export.pdf_title"
    _pdf_paragraph(pdf, t(title_key, lang, edition=edition.name), font=documents.TITLE_FONT, size=documents.SIZE_2,
                   line=12.0, align="C")
    pdf.ln(PDF_BODY_LINE_MM)  # 标题下空一行
    intro = t("export.pdf_intro_final" if edition.final else "export.pdf_intro", lang, edition=edition.name)
    for line in (intro, _dates_line(edition, lang),
                 t("export.contact_line", lang, contact=edition.contact) if edition.contact else ""):
        if line:
            body(line)
    for n, track in enumerate(dict.fromkeys(data["track"]), start=1):
        rows = data[data["track"] == track]
        heading = f"{chinese_ordinal(n)}、" + t("export.track_heading", lang, track=edition.track_name(track),
                                                  n=len(rows))
        _pdf_paragraph(pdf, heading, font=documents.HEADING_FONT, size=documents.SIZE_3, line=PDF_BODY_LINE_MM,
                       indent_chars=2)
        columns = _document_columns(rows)
        header = [_column_header(c, lang) for c in columns]
        cells = _document_rows(rows, columns)
        widths = _fit_widths(header, cells, PDF_TABLE_FONT_SIZE)
        _draw_table(pdf, header=header, rows=cells, widths=widths, centred=[c in CENTRED_COLUMNS for c in columns],
                    line_height=PDF_TABLE_LINE_MM)
        pdf.ln(2)
        for note in _table_notes(rows, lang):
            body(note)
    notes = _panel_notes(frame, lang)
    if notes:
        _pdf_paragraph(pdf, t("panel.notes_heading", lang), font=documents.HEADING_FONT, size=documents.SIZE_3,
                       line=PDF_BODY_LINE_MM, indent_chars=2)
        for n, note in enumerate(notes, start=1):
            body(f"{n}. {note}")
    _pdf_signature(pdf, edition, lang)
    lines = digest_lines(edition, lang)
    if lines:
        pdf.ln(4)
        for line in lines:
            _pdf_paragraph(pdf, line, font=documents.BODY_FONT, size=8, line=4.2)
    return bytes(pdf.output())


def digest_lines(edition: EditionInfo, lang: str = "zh") -> list[str]:
    """The digests a 公示 document prints under the list: each in a short form to read aloud and in full."""
    lines = []
    if edition.bundle_digest:
        lines.append(t("export.bundle_digest_line", lang, short=short_form(edition.bundle_digest),
                       full=edition.bundle_digest))
    if edition.checkpoint_digest:
        lines.append(t("export.checkpoint_line", lang, short=short_form(edition.checkpoint_digest),
                       full=edition.checkpoint_digest, key=edition.public_key))
    return lines


def _panel_notes(frame: pd.DataFrame, lang: str) -> list[str]:
    """The notes on the panel's decisions (moves, 复评, more judges) a 公示 document prints under its tables."""
    labels = dict(zip(frame["tier"].astype(str), frame["tier_label"].astype(str), strict=True)) \
        if "tier_label" in frame.columns else {}
    return panel_notes(frame, labels=labels | {k: tier_label(k, lang) for k in TIER_KEYS}, lang=lang)


def certificate_numbers(data: pd.DataFrame, edition: EditionInfo) -> list[str]:
    """The winners' certificate numbers in the edition's scheme (``ExportError`` if a track has no name)."""
    try:
        return documents.certificate_numbers(list(data["track"]), scheme=edition.certificate_scheme,
                                             year=edition.year, track_names=edition.track_names,
                                             prefixes=edition.track_prefixes)
    except documents.DocumentSettingsError as exc:
        raise ExportError(exc.problems) from None


CERT_RED = (170, 20, 20)
CERT_GOLD = (176, 141, 87)


def render_certificates(frame: pd.DataFrame, edition: EditionInfo, *, lang: str = "zh") -> bytes:
    """One landscape A4 page per winner: organisation, entry, track, tier, the issuer and the date, and
    a number in the edition's Chinese scheme; the standard's fonts (their Noto stand-ins).

    Text is placed with ``cell``/``text`` and wrapped by ``_wrap``: fpdf2's ``multi_cell`` made
    5,000 certificates take 40 s.
    """
    _require_issuer(edition)
    data = winners(prepare_final_list(frame, edition, lang))
    if data.empty:
        raise ExportError(Problem("export.no_winners", {}))
    numbers = certificate_numbers(data, edition)
    pdf = _gb_pdf("L")
    pdf.numbered = False
    pdf.set_auto_page_break(auto=False)
    width, height = pdf.w, pdf.h
    left = 44.0
    text_width = width - 2 * left
    char_width = _char_widths(pdf)

    def lines(x: float, y: float, text: str, line_height: float) -> float:
        for k, line in enumerate(_wrap(text, text_width, char_width)):
            pdf.text(x, y + k * line_height, line)
        return y + (k + 1) * line_height

    colon = "：" if lang == "zh" else ":"
    dated = _date_text(edition.issued_on, lang) if edition.issued_on else ""
    issuer_right, date_right = signature_indents(edition.organiser, dated)
    for row, number in zip(data.to_dict("records"), numbers, strict=True):
        pdf.add_page()
        pdf.set_draw_color(*CERT_GOLD)
        pdf.set_line_width(1.6)
        pdf.rect(10, 10, width - 20, height - 20)
        pdf.set_line_width(0.4)
        pdf.rect(14, 14, width - 28, height - 28)
        pdf.set_text_color(*CERT_RED)
        _font_of(pdf, documents.TITLE_FONT, documents.SIZE_CERT_TITLE)
        pdf.set_xy(20, 30)
        pdf.cell(width - 40, 20, t("export.cert_title", lang), align="C")
        pdf.set_text_color(0, 0, 0)
        _font_of(pdf, documents.BODY_FONT, 20)
        y = lines(left, 78, f"{row['organisation']}{colon}", 12)
        body = t("export.cert_body", lang, title=row["title"], edition=edition.name,
                 track=edition.track_name(row["track"]))
        y = lines(left, y, body, 12)
        _font_of(pdf, documents.TITLE_FONT, documents.SIZE_CERT_TIER)
        pdf.set_text_color(*CERT_RED)
        pdf.set_xy(left, y)
        pdf.cell(text_width, 20, row["tier_text"], align="C")
        pdf.set_text_color(0, 0, 0)
        _font_of(pdf, documents.BODY_FONT, 20)
        lines(left, y + 34, t("export.cert_closing", lang), 12)
        _font_of(pdf, documents.BODY_FONT, documents.SIZE_3)
        em = documents.SIZE_3 * documents.PT_TO_MM
        pdf.set_xy(left, height - 56)
        pdf.cell(text_width - issuer_right * em, 9, edition.organiser, align="R")
        if dated:
            pdf.set_xy(left, height - 47)
            pdf.cell(text_width - date_right * em, 9, dated, align="R")
        _font_of(pdf, documents.BODY_FONT, documents.SIZE_SMALL_4)
        pdf.set_xy(left, height - 32)
        pdf.cell(text_width, 6, t("doc.cert_number", lang, number=number))
    return bytes(pdf.output())


# --- DOCX ------------------------------------------------------------------------------------

TABLE_STYLE_ID = "GBTableText"  # the cells' paragraph style: 小四, single spacing, no indent


def _fonts_element(font: documents.DocumentFont | None, *, latin: str = documents.LATIN_FONT):
    """A ``w:rFonts`` naming ``font`` for East-Asian text (and ``latin`` for Latin letters and digits)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    if font is not None:
        fonts.set(qn("w:eastAsia"), font.name)
        fonts.set(qn("w:hint"), "eastAsia")
    return fonts


def _run_properties(font: documents.DocumentFont, size: float, *, latin: str = documents.LATIN_FONT,
                    bold: bool = False):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r_pr = OxmlElement("w:rPr")
    r_pr.append(_fonts_element(font, latin=latin))
    if bold:
        r_pr.append(OxmlElement("w:b"))
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(int(round(size * 2))))
        r_pr.append(el)
    return r_pr


def _docx_run(paragraph, text: str, font: documents.DocumentFont, size: float, *,
              latin: str = documents.LATIN_FONT):
    from docx.oxml import OxmlElement

    run = paragraph.add_run()
    r = run._element
    existing = r.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rPr")
    if existing is not None:
        r.remove(existing)
    r.insert(0, _run_properties(font, size, latin=latin))
    if text:
        el = OxmlElement("w:t")
        el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        el.text = xml_safe(text)
        r.append(el)
    return run


def _set_style_fonts(style, font: documents.DocumentFont, size: float) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = documents.LATIN_FONT
    style.font.size = Pt(size)
    r_fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), font.name)
    r_fonts.set(qn("w:hint"), "eastAsia")


def _add_font_table_entries(document) -> None:
    """Name each of the standard's fonts in the font table with its alternative name and the GB2312
    character set, so that Word, WPS and LibreOffice without it pick a Chinese font of the same kind."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = document.part.part_related_by(RT.FONT_TABLE)
    xml = part.blob.decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{font.name}"><w:altName w:val="{font.alt_names[0]}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{"modern" if font.fallback_family == "serif" else "swiss"}"/>'
        f'<w:pitch w:val="variable"/></w:font>'
        for font in dict.fromkeys(documents.DOCUMENT_FONTS) if f'w:name="{font.name}"' not in xml)
    part._blob = xml.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _page_number_paragraph(footer, *, odd: bool) -> None:
    """``— PAGE —`` in 四号宋体, one character in from the right (odd pages) or the left (even pages)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    if odd:
        fmt.right_indent = Pt(documents.SIZE_4)
    else:
        fmt.left_indent = Pt(documents.SIZE_4)
    font, size = documents.PAGE_NUMBER_FONT, documents.SIZE_4
    _docx_run(paragraph, "\u2014 ", font, size, latin=font.name)
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        run = _docx_run(paragraph, "1" if (kind is None and instruction is None) else "", font, size,
                        latin=font.name)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        elif instruction:
            text = OxmlElement("w:instrText")
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            text.text = instruction
            run._element.append(text)
    _docx_run(paragraph, " \u2014", font, size, latin=font.name)


def _gb_document():
    """A python-docx Document on A4 with the GB/T 9704 margins, the body style (仿宋_GB2312 三号,
    22 lines to the page), a style for table text, the fonts' alternatives and the page numbers."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(documents.PAGE_WIDTH_MM), Mm(documents.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(documents.MARGIN_TOP_MM), Mm(documents.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(documents.MARGIN_LEFT_MM), Mm(documents.MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    footer_bottom = documents.MARGIN_BOTTOM_MM - documents.FOOTER_DISTANCE_MM - documents.SIZE_4 * documents.PT_TO_MM
    section.footer_distance = Mm(round(footer_bottom, 1))
    normal = document.styles["Normal"]
    _set_style_fonts(normal, documents.BODY_FONT, documents.SIZE_3)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(documents.LINE_PITCH_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False
    for name in ("Table Grid", "Footer", "Header"):
        _set_style_fonts(document.styles[name], documents.BODY_FONT, documents.SIZE_3)
    cells = document.styles.add_style(TABLE_STYLE_ID, WD_STYLE_TYPE.PARAGRAPH)
    cells.base_style = normal
    cells.element.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId", TABLE_STYLE_ID)
    _set_style_fonts(cells, documents.BODY_FONT, documents.SIZE_SMALL_4)
    cells.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cells.paragraph_format.first_line_indent = Pt(0)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number_paragraph(section.footer, odd=True)
    _page_number_paragraph(section.even_page_footer, odd=False)
    _add_font_table_entries(document)
    return document


def render_docx(frame: pd.DataFrame, edition: EditionInfo, *, lang: str = "zh") -> bytes:
    """The announcement (公示/公告) as a 公文 in Word (GB/T 9704-2012): the title in 小标宋 二号, the
    text in 仿宋_GB2312 三号, a table of winners per track under a 黑体 heading, the panel's notes, the
    issuer and the date (成文日期) under the text, page numbers ``— 1 —``."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    _require_issuer(edition)
    data = winners(prepare_final_list(frame, edition, lang))
    document = _gb_document()

    def paragraph(text: str, *, font: documents.DocumentFont = documents.BODY_FONT, size: float = documents.SIZE_3,
                  align=None, indent: bool = False, right_chars: float = 0.0, line_pt: float | None = None):
        p = document.add_paragraph()
        _docx_run(p, text, font, size)
        fmt = p.paragraph_format
        if align is not None:
            p.alignment = align
        if indent:
            fmt.first_line_indent = Pt(2 * size)  # 空二字
        if right_chars:
            fmt.right_indent = Pt(right_chars * size)
        if line_pt:
            fmt.line_spacing = Pt(line_pt)
        return p

    title_key = "export.pdf_title_final" if edition.final else "export.pdf_title"
    paragraph(t(title_key, lang, edition=edition.name), font=documents.TITLE_FONT, size=documents.SIZE_2,
              align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=2 * documents.SIZE_2 * 0.8)
    paragraph("")  # 标题下空一行
    intro = t("export.pdf_intro_final" if edition.final else "export.pdf_intro", lang, edition=edition.name)
    for line in (intro, _dates_line(edition, lang),
                 t("export.contact_line", lang, contact=edition.contact) if edition.contact else ""):
        if line:
            paragraph(line, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    for n, track in enumerate(dict.fromkeys(data["track"]), start=1):
        rows = data[data["track"] == track]
        paragraph(f"{chinese_ordinal(n)}、" + t("export.track_heading", lang, track=edition.track_name(track),
                                                n=len(rows)), font=documents.HEADING_FONT, indent=True)
        columns = _document_columns(rows)
        header = [_column_header(c, lang) for c in columns]
        cells = _document_rows(rows, columns)
        widths = _fit_widths(header, cells, documents.SIZE_SMALL_4)
        _add_table(document, [header, *cells], widths_mm=widths, centred=[c in CENTRED_COLUMNS for c in columns])
        for note in _table_notes(rows, lang):
            paragraph(note, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    notes = _panel_notes(frame, lang)
    if notes:
        paragraph(t("panel.notes_heading", lang), font=documents.HEADING_FONT, indent=True)
        for n, note in enumerate(notes, start=1):
            paragraph(f"{n}. {note}", indent=True)
    dated = _date_text(edition.issued_on, lang) if edition.issued_on else ""
    issuer_right, date_right = signature_indents(edition.organiser, dated)
    paragraph("").paragraph_format.keep_with_next = True  # 正文下空一行
    paragraph(edition.organiser, align=WD_ALIGN_PARAGRAPH.RIGHT,
              right_chars=issuer_right).paragraph_format.keep_with_next = True  # the date on the same page
    if dated:
        paragraph(dated, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=date_right)
    for line in digest_lines(edition, lang):
        paragraph(line, size=8, line_pt=10)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


def xml_safe(text: str) -> str:
    return XML_FORBIDDEN.sub("", text)


def _cell_run_prototype(*, heading: bool):
    """A ``w:r`` in the table font (黑体 for the header row, 仿宋 for the rest) with an empty ``w:t``."""
    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    font = documents.HEADING_FONT if heading else documents.BODY_FONT
    run.append(_run_properties(font, documents.SIZE_SMALL_4))
    text = OxmlElement("w:t")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(text)
    return run


def _add_table(document, cells: list[list[str]], *, widths_mm: Sequence[float], centred: Sequence[bool]) -> None:
    """A grid table with fixed column widths, its header row repeated on every page, built by copying
    one prototype row and run: python-docx's cell API is far too slow for lists of thousands of
    winners (a 5,000-row table took 25 s)."""
    from copy import deepcopy

    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = document.add_table(rows=1, cols=len(cells[0]))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    prototype_row = deepcopy(tbl.tr_lst[0])
    for tc, width, centre in zip(prototype_row.tc_lst, widths_mm, centred, strict=True):
        tc.width = Mm(width)
        p = tc.p_lst[0]
        p_pr = p.get_or_add_pPr()
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), TABLE_STYLE_ID)
        p_pr.insert(0, style)
        if centre:
            jc = OxmlElement("w:jc")
            jc.set(qn("w:val"), "center")
            p_pr.append(jc)
    header_row = deepcopy(prototype_row)
    tr_pr = header_row.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeated at the top of each page the table runs onto
    tr_pr.append(repeat)
    for p in (tc.p_lst[0] for tc in header_row.tc_lst):
        jc = p.pPr.find(qn("w:jc"))
        if jc is None:
            jc = OxmlElement("w:jc")
            p.pPr.append(jc)
        jc.set(qn("w:val"), "center")
    runs = {True: _cell_run_prototype(heading=True), False: _cell_run_prototype(heading=False)}
    tbl.remove(tbl.tr_lst[0])
    for n, values in enumerate(cells):
        tr = deepcopy(header_row if n == 0 else prototype_row)
        for tc, value in zip(tr.tc_lst, values, strict=True):
            run = deepcopy(runs[n == 0])
            run[-1].text = xml_safe(str(value))
            tc.p_lst[0].append(run)
        tbl.append(tr)


EXPORT_KINDS = ("xlsx", "csv", "pdf", "docx", "certificates")
MIME_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "certificates": "application/pdf",
    "bundle": "application/zip",
}


def render(kind: str, frame: pd.DataFrame, edition: EditionInfo, *, lang: str = "zh") -> bytes:
    """Render one export by its kind (one of ``EXPORT_KINDS``)."""
    renderers = {"xlsx": render_xlsx, "csv": render_csv, "pdf": render_pdf_list, "docx": render_docx,
                 "certificates": render_certificates}
    return renderers[kind](frame, edition, lang=lang)
