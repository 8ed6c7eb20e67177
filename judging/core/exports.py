"""Export rendering: an award list as XLSX, CSV, a PDF 公示名单, a DOCX announcement and certificates.

Pure functions: a final-list DataFrame and an ``EditionInfo`` in, ``bytes`` out. The list has one
row per entry with at least ``entry_id, track, title, organisation, tier, rank, score``;
``recommending_unit, score_low, score_high, flags`` are used when present. ``tier`` holds an award
key (``first, second, third, excellence``), a label such as 一等奖, or nothing for "no award".

What makes the files open correctly in China (see RECIPES.md): CSV in UTF-8 with a BOM, XLSX text
cells written as strings with Excel's quote prefix, CSV text cells that could start a formula
prefixed with ``'`` (OWASP, CWE-1236), the PDF with an embedded subset of Noto Sans CJK SC, and
the DOCX with the East-Asian font set on the style and on every run.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from judging.core.checkpoint import short_form
from judging.core.panel import panel_notes
from judging.errors import JudgingError, Problem
from judging.i18n import TEXTS, t

CJK_FONT_PATH = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_BOLD_FONT_PATH = CJK_FONT_PATH.with_name("NotoSansCJK-Bold.ttc")  # optional: table headings
CJK_FONT_COLLECTION_NUMBER = 2  # index 2 of NotoSansCJK-Regular.ttc is Noto Sans CJK SC (simplified)
DOCX_EAST_ASIAN_FONT = "宋体"  # the font Chinese Windows announcements are set in
DOCX_LATIN_FONT = "Times New Roman"
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
OPTIONAL_COLUMNS = {"recommending_unit": "", "score_low": math.nan, "score_high": math.nan, "flags": ""}


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
    for column in ("entry_id", "track", "title", "organisation", "recommending_unit"):
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
    """(column, header) of the spreadsheet exports."""
    keys = ["rank", "entry_id", "title", "organisation", "recommending_unit", "track", "tier",
            "score", "score_low", "score_high", "flags"]
    return [(k, t(f"export.col.{k}", lang)) for k in keys]


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
        "score": numbers("score", 2), "score_low": numbers("score_low", 2), "score_high": numbers("score_high", 2),
        "flags": data["flags"].tolist(),
    }
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


NUMERIC_COLUMNS = {"rank", "score", "score_low", "score_high"}


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

    columns = [(k, h) for k, h in _table_columns(lang) if k != "track"]
    widths = {"rank": 6, "entry_id": 14, "title": 36, "organisation": 28, "recommending_unit": 22,
              "tier": 12, "score": 9, "score_low": 9, "score_high": 9, "flags": 24}
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
    book.close()
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------

def _cjk_pdf(orientation: str = "P"):
    """An FPDF document with Noto Sans CJK SC embedded (subset), or ExportError if the font is missing."""
    from fpdf import FPDF

    if not CJK_FONT_PATH.exists():
        raise ExportError(Problem("export.font_missing", {"path": str(CJK_FONT_PATH)}))
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font("NotoSansSC", fname=str(CJK_FONT_PATH), collection_font_number=CJK_FONT_COLLECTION_NUMBER)
    if CJK_BOLD_FONT_PATH.exists():
        pdf.add_font("NotoSansSC", style="B", fname=str(CJK_BOLD_FONT_PATH),
                     collection_font_number=CJK_FONT_COLLECTION_NUMBER)
    pdf.set_font("NotoSansSC", size=11)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_creator("judging")
    return pdf


def _dates_line(edition: EditionInfo, lang: str) -> str:
    if edition.publication_start and edition.publication_end:
        return t("export.publication_period", lang, start=_date_text(edition.publication_start, lang),
                 end=_date_text(edition.publication_end, lang))
    return ""


def _date_text(day: date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


PDF_TABLE_FONT_SIZE = 9
PDF_CELL_PADDING = 1.2  # mm between a cell's border and its text
HEADER_FILL = (221, 235, 247)


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


def _draw_table(pdf, *, header: list[str], rows: list[list[str]], widths: list[float], line_height: float) -> None:
    """A bordered table that breaks across pages and repeats its header row on each new page."""
    cache: dict[tuple[str, str], float] = {}
    bold = "B" if CJK_BOLD_FONT_PATH.exists() else ""

    def char_width(ch: str) -> float:
        key = (pdf.font_style, ch)
        if key not in cache:
            cache[key] = pdf.get_string_width(ch)
        return cache[key]

    def draw_row(cells: list[str], *, heading: bool) -> None:
        wrapped = [_wrap(str(c), w - 2 * PDF_CELL_PADDING, char_width) for c, w in zip(cells, widths, strict=True)]
        height = max(len(lines) for lines in wrapped) * line_height + PDF_CELL_PADDING
        if pdf.get_y() + height > pdf.page_break_trigger and not heading:
            pdf.add_page()
            pdf.set_font(style=bold, size=PDF_TABLE_FONT_SIZE)
            draw_row(header, heading=True)
            pdf.set_font(style="", size=PDF_TABLE_FONT_SIZE)
        x, y = pdf.l_margin, pdf.get_y()
        for lines, w in zip(wrapped, widths, strict=True):
            pdf.rect(x, y, w, height, style="DF" if heading else "D")
            for k, line in enumerate(lines):
                if line:
                    pdf.text(x + PDF_CELL_PADDING, y + PDF_CELL_PADDING / 2 + (k + 0.78) * line_height, line)
            x += w
        pdf.set_xy(pdf.l_margin, y + height)

    pdf.set_fill_color(*HEADER_FILL)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.set_font(style=bold, size=PDF_TABLE_FONT_SIZE)
    if pdf.get_y() + 2 * line_height > pdf.page_break_trigger:
        pdf.add_page()
    draw_row(header, heading=True)
    pdf.set_font(style="", size=PDF_TABLE_FONT_SIZE)
    for row in rows:
        draw_row(row, heading=False)


PDF_COLUMNS = (("no", 12), ("title", 62), ("organisation", 52), ("recommending_unit", 38), ("tier", 26))


def render_pdf_list(frame: pd.DataFrame, edition: EditionInfo, *, lang: str = "zh") -> bytes:
    """The 公示名单 (or the final list): per track, the winners in tier order, with the objection notice."""
    data = winners(prepare_final_list(frame, edition, lang))
    pdf = _cjk_pdf()
    pdf.add_page()
    title_key = "export.pdf_title_final" if edition.final else "export.pdf_title"
    pdf.set_font(size=16)
    pdf.multi_cell(0, 9, t(title_key, lang, edition=edition.name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(size=10.5)
    intro = t("export.pdf_intro_final" if edition.final else "export.pdf_intro", lang, edition=edition.name)
    for line in (intro, _dates_line(edition, lang),
                 t("export.contact_line", lang, contact=edition.contact) if edition.contact else ""):
        if line:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    line_height = 4.6
    for track in dict.fromkeys(data["track"]):
        rows = data[data["track"] == track]
        pdf.ln(3)
        pdf.set_font(size=12)
        pdf.cell(0, 8, t("export.track_heading", lang, track=edition.track_name(track), n=len(rows)),
                 new_x="LMARGIN", new_y="NEXT")
        body = [[str(n), *row] for n, row in enumerate(
            rows[["title", "organisation", "recommending_unit", "tier_text"]].itertuples(index=False), start=1)]
        _draw_table(pdf, header=[t(f"export.col.{k}", lang) for k, _ in PDF_COLUMNS], rows=body,
                    widths=[w for _, w in PDF_COLUMNS], line_height=line_height)
        pdf.set_font(size=10.5)
    notes = _panel_notes(frame, lang)
    if notes:
        pdf.ln(3)
        pdf.multi_cell(0, 6, t("panel.notes_heading", lang), new_x="LMARGIN", new_y="NEXT")
        for n, note in enumerate(notes, start=1):
            pdf.multi_cell(0, 6, f"{n}. {note}", new_x="LMARGIN", new_y="NEXT")
    if edition.organiser:
        pdf.ln(6)
        pdf.multi_cell(0, 6, edition.organiser, align="R", new_x="LMARGIN", new_y="NEXT")
    if edition.issued_on:
        pdf.multi_cell(0, 6, _date_text(edition.issued_on, lang), align="R", new_x="LMARGIN", new_y="NEXT")
    lines = digest_lines(edition, lang)
    if lines:
        pdf.ln(4)
        pdf.set_font(size=8)
        for line in lines:
            pdf.multi_cell(0, 4.2, line, new_x="LMARGIN", new_y="NEXT")
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


def render_certificates(frame: pd.DataFrame, edition: EditionInfo, *, lang: str = "zh") -> bytes:
    """One landscape A4 page per winner: organisation, entry, track, tier, edition, organiser and date.

    Text is placed with ``cell``/``text`` and wrapped by ``_wrap``: fpdf2's ``multi_cell`` made
    5,000 certificates take 40 s.
    """
    data = winners(prepare_final_list(frame, edition, lang))
    if data.empty:
        raise ExportError(Problem("export.no_winners", {}))
    pdf = _cjk_pdf("L")
    pdf.set_auto_page_break(auto=False)
    width, height = pdf.w, pdf.h
    text_width = width - 80
    widths: dict[tuple[float, str], float] = {}

    def char_width(ch: str) -> float:
        key = (pdf.font_size_pt, ch)
        if key not in widths:
            widths[key] = pdf.get_string_width(ch)
        return widths[key]

    def lines(x: float, y: float, text: str, line_height: float) -> float:
        for k, line in enumerate(_wrap(text, text_width, char_width)):
            pdf.text(x, y + k * line_height, line)
        return y + (k + 1) * line_height

    colon = "：" if lang == "zh" else ":"
    for row in data.to_dict("records"):
        pdf.add_page()
        pdf.set_draw_color(176, 141, 87)
        pdf.set_line_width(1.6)
        pdf.rect(10, 10, width - 20, height - 20)
        pdf.set_line_width(0.4)
        pdf.rect(14, 14, width - 28, height - 28)
        pdf.set_text_color(160, 20, 20)
        pdf.set_font(size=34)
        pdf.set_xy(20, 32)
        pdf.cell(width - 40, 16, t("export.cert_title", lang), align="C")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(size=16)
        y = lines(40, 72, f"{row['organisation']}{colon}", 10)
        body = t("export.cert_body", lang, title=row["title"], edition=edition.name,
                 track=edition.track_name(row["track"]))
        y = lines(40, y, body, 10)
        pdf.set_font(size=30)
        pdf.set_text_color(160, 20, 20)
        pdf.set_xy(40, y)
        pdf.cell(text_width, 20, row["tier_text"], align="C")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(size=14)
        lines(40, y + 30, t("export.cert_closing", lang), 9)
        pdf.set_xy(width - 140, height - 52)
        if edition.organiser:
            pdf.cell(100, 8, edition.organiser, align="C", new_x="LEFT", new_y="NEXT")
        if edition.issued_on:
            pdf.cell(100, 8, _date_text(edition.issued_on, lang), align="C")
        pdf.set_font(size=9)
        pdf.set_text_color(110, 110, 110)
        pdf.set_xy(24, height - 28)
        pdf.cell(120, 6, t("export.cert_number", lang, code=row["entry_id"], year=edition.year))
        pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())


# --- DOCX ------------------------------------------------------------------------------------

def _set_run_fonts(run, east_asian: str = DOCX_EAST_ASIAN_FONT) -> None:
    from docx.oxml.ns import qn

    run.font.name = DOCX_LATIN_FONT
    r_fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), east_asian)


def _set_style_fonts(style, east_asian: str = DOCX_EAST_ASIAN_FONT) -> None:
    from docx.oxml.ns import qn

    style.font.name = DOCX_LATIN_FONT
    r_pr = style.element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def render_docx(frame: pd.DataFrame, edition: EditionInfo, *, lang: str = "zh") -> bytes:
    """The announcement (通知/公示) in Word: title, intro, a table of winners per track, organiser and date."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    data = winners(prepare_final_list(frame, edition, lang))
    document = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        _set_style_fonts(document.styles[name])
    document.styles["Normal"].font.size = Pt(12)

    def paragraph(text: str, *, size: float | None = None, bold: bool = False, align=None):
        p = document.add_paragraph()
        run = p.add_run(xml_safe(text))
        _set_run_fonts(run)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        return p

    title_key = "export.pdf_title_final" if edition.final else "export.pdf_title"
    paragraph(t(title_key, lang, edition=edition.name), size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(t("export.pdf_intro_final" if edition.final else "export.pdf_intro", lang, edition=edition.name))
    for line in (_dates_line(edition, lang),
                 t("export.contact_line", lang, contact=edition.contact) if edition.contact else ""):
        if line:
            paragraph(line)
    columns = [k for k, _ in PDF_COLUMNS]
    for track in dict.fromkeys(data["track"]):
        rows = data[data["track"] == track]
        paragraph(t("export.track_heading", lang, track=edition.track_name(track), n=len(rows)), size=14, bold=True)
        cells = [[t(f"export.col.{k}", lang) for k in columns]]
        for n, row in enumerate(rows[["title", "organisation", "recommending_unit", "tier_text"]]
                                .itertuples(index=False), start=1):
            cells.append([str(n), *row])
        _add_table(document, cells)
    notes = _panel_notes(frame, lang)
    if notes:
        paragraph(t("panel.notes_heading", lang), bold=True)
        for n, note in enumerate(notes, start=1):
            paragraph(f"{n}. {note}")
    if edition.organiser:
        paragraph(edition.organiser, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if edition.issued_on:
        paragraph(_date_text(edition.issued_on, lang), align=WD_ALIGN_PARAGRAPH.RIGHT)
    for line in digest_lines(edition, lang):
        paragraph(line, size=8)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


def xml_safe(text: str) -> str:
    return XML_FORBIDDEN.sub("", text)


def _run_prototype(*, bold: bool):
    """A ``w:r`` with the Latin and East-Asian fonts set and an empty ``w:t``, to be copied per cell."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:ascii"), DOCX_LATIN_FONT)
    fonts.set(qn("w:hAnsi"), DOCX_LATIN_FONT)
    fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIAN_FONT)
    r_pr.append(fonts)
    if bold:
        r_pr.append(OxmlElement("w:b"))
    run.append(r_pr)
    text = OxmlElement("w:t")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(text)
    return run


def _add_table(document, cells: list[list[str]]) -> None:
    """A grid table whose rows are built by copying one prototype row and run: python-docx's cell
    API is far too slow for lists of thousands of winners (a 5,000-row table took 25 s)."""
    from copy import deepcopy

    table = document.add_table(rows=1, cols=len(cells[0]))
    table.style = document.styles["Table Grid"]
    tbl = table._tbl
    prototype_row = deepcopy(tbl.tr_lst[0])
    runs = {True: _run_prototype(bold=True), False: _run_prototype(bold=False)}
    tbl.remove(tbl.tr_lst[0])
    for n, values in enumerate(cells):
        tr = deepcopy(prototype_row)
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
