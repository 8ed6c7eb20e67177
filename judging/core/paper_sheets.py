"""Paper score sheets: the printable PDF (one page per assigned entry, one file per judge), the typing
file the organiser's staff fill in from the signed sheets, and the reading of that file back.

Each page carries its sheet id with a check character (``judging.core.sheet_ids``), the entry, the
rubric's criteria with their weights, bands and a box for the score, a box for the comment, and
lines for the judge's signature and date. The typing file has one row per sheet: its id, one column
per criterion and the comment; it is read back with every problem named by row and sheet id.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from judging.core.rubric import Rubric
from judging.core.scores_io import MAX_SCORE_BYTES, format_number, parse_number
from judging.core.scoring import score_problem
from judging.core.sheet_ids import parse_sheet_code
from judging.core.tabular import (
    Column,
    formula_safe,
    match_columns,
    normalise_code,
    normalise_header,
    read_table,
)
from judging.errors import JudgingError, Problem, ScoreError
from judging.i18n import t

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONT_INDEX = 2  # Noto Sans CJK SC in Debian's collection (JP, KR, SC, TC, HK)
MAX_TYPED_SHEETS = 50_000  # rows of one typing file: a national round prints a few tens of thousands
SCORE_BOX_MM = (28.0, 12.0)  # wide and tall enough for "100.5" written by hand
COMMENT_BOX_MM = 38.0


class PaperError(JudgingError):
    """A paper sheet cannot be printed or typed in as given."""


@dataclass(frozen=True)
class PrintedSheet:
    """What one printed page says: the sheet's id, and whose sheet on which entry in which round."""

    code: str
    edition: str
    round_name: str
    judge_username: str
    judge_name: str
    entry_code: str
    entry_title: str
    track: str
    deadline: str = ""


@dataclass(frozen=True)
class TypedSheet:
    """One row of a typing file (or one typed-in form): the sheet's serial, its scores and comments."""

    code: str
    serial: int
    scores: dict[str, float]
    comments: dict[str, str] = field(default_factory=dict)  # criterion key → text; "" is the whole sheet's
    row: int | None = None


def render_paper_sheets(sheets: list[PrintedSheet], rubric: Rubric, *, lang: str = "zh") -> bytes:
    """One A4 page per sheet, in the order given (a judge's sheets in their entry order)."""
    from fpdf import FPDF

    if not CJK_FONT.exists():
        raise PaperError(Problem("export.font_missing", {"path": str(CJK_FONT)}))
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("NotoSansSC", fname=str(CJK_FONT), collection_font_number=CJK_FONT_INDEX)
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_creator("judging")
    pdf.set_title(t("paper.pdf_title", lang))
    for sheet in sheets:
        _page(pdf, sheet, rubric, lang)
    return bytes(pdf.output())


def _page(pdf, sheet: PrintedSheet, rubric: Rubric, lang: str) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.add_page()
    pdf.set_font("NotoSansSC", size=15)
    pdf.cell(width, 8, t("paper.heading", lang, edition=sheet.edition, round=sheet.round_name), align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(size=13)
    pdf.cell(width, 9, t("paper.sheet_id", lang, code=sheet.code), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(size=10.5)
    for line in (t("paper.entry_line", lang, code=sheet.entry_code, title=sheet.entry_title, track=sheet.track),
                 t("paper.judge_line", lang, name=sheet.judge_name, username=sheet.judge_username),
                 t("paper.scale_line", lang, min=format_number(rubric.scale.min), max=format_number(rubric.scale.max),
                   step=format_number(rubric.scale.step),
                   deadline=sheet.deadline or t("mail.no_deadline", lang))):
        _lines(pdf, width, 6, line)
    pdf.ln(2)
    box_w, box_h = SCORE_BOX_MM
    text_w = width - box_w - 4
    for criterion in rubric.criteria:
        top = pdf.get_y()
        if top + 30 > pdf.h - pdf.b_margin:
            _continued(pdf, sheet, width, lang)
            top = pdf.get_y()
        pdf.set_font(size=11)
        _lines(pdf, text_w, 6, t("paper.criterion_line", lang, label=criterion.label.get(lang),
                                 weight=format_number(criterion.weight)))
        pdf.set_font(size=8.5)
        for item in criterion.sub_items:  # what the criterion looks at (考察要点), with their points when set
            points = "" if item.points is None else t("paper.sub_item_points", lang, points=format_number(item.points))
            _lines(pdf, text_w, 4.4, t("paper.sub_item_line", lang, label=item.label.get(lang), points=points,
                                       description=item.description.get(lang)))
        for band in criterion.bands:
            _lines(pdf, text_w, 4.4, t("paper.band_line", lang, label=band.label.get(lang),
                                       low=format_number(band.low), high=format_number(band.high),
                                       description=band.description.get(lang)))
        bottom = pdf.get_y()
        pdf.set_font(size=8)
        pdf.set_xy(pdf.l_margin + text_w + 4, top)
        pdf.cell(box_w, 4, t("paper.score_box", lang), align="C")
        pdf.rect(pdf.l_margin + text_w + 4, top + 4.5, box_w, box_h)
        pdf.set_xy(pdf.l_margin, max(bottom, top + 4.5 + box_h) + 2)
        pdf.line(pdf.l_margin, pdf.get_y() - 1, pdf.l_margin + width, pdf.get_y() - 1)
    if pdf.get_y() + COMMENT_BOX_MM + 22 > pdf.h - pdf.b_margin:
        _continued(pdf, sheet, width, lang)
    pdf.set_font(size=10.5)
    rule = rubric.comment_rule
    hint = t("paper.comment_hint", lang, below=format_number(rule.below) if rule.below is not None else "—",
             above=format_number(rule.above) if rule.above is not None else "—")
    _lines(pdf, width, 6, t("paper.comment_box", lang) + "  " + hint)
    pdf.rect(pdf.l_margin, pdf.get_y(), width, COMMENT_BOX_MM)
    pdf.set_y(pdf.get_y() + COMMENT_BOX_MM + 6)
    pdf.cell(width, 7, t("paper.signature_line", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(size=8)
    pdf.cell(width, 5, t("paper.footer", lang, code=sheet.code), align="C")


def _continued(pdf, sheet: PrintedSheet, width: float, lang: str) -> None:
    """A new page for the rest of a sheet, headed with its id and whose it is (a loose page is matched)."""
    pdf.add_page()
    size = pdf.font_size_pt
    pdf.set_font(size=10.5)
    pdf.cell(width, 7, t("paper.continued", lang, code=sheet.code, entry=sheet.entry_code, name=sheet.judge_name),
             align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(size=size)


def _lines(pdf, width: float, height: float, text: str) -> None:
    """``text`` in lines no wider than ``width`` from the left margin, broken between any two characters
    (Chinese has no spaces): fpdf2's ``multi_cell`` costs about 5 ms a call, this a tenth of it."""
    widths = pdf.__dict__.setdefault("_judging_char_widths", {})
    size = pdf.font_size_pt
    line: list[str] = []
    used = 0.0
    for ch in text.replace("\r", "").replace("\n", " "):
        w = widths.get((size, ch))
        if w is None:
            w = widths[(size, ch)] = pdf.get_string_width(ch)
        if line and used + w > width:
            pdf.cell(width, height, "".join(line), new_x="LMARGIN", new_y="NEXT")
            line, used = [], 0.0
        line.append(ch)
        used += w
    pdf.cell(width, height, "".join(line), new_x="LMARGIN", new_y="NEXT")


# --- the typing file ---------------------------------------------------------------------------

SHEET_COLUMN = Column("sheet_id", ("评分表编号", "纸质评分表编号", "sheet", "sheet id"), required=True)
COMMENT_COLUMN = Column("comment", ("评语", "总体评语", "意见", "评审意见"))
COMMENT_SUFFIX = "评语"  # "核心技术水平评语": the comment on one criterion


def is_typing_file(header: list[str]) -> bool:
    """Whether a score file's header has a sheet id column (a typing file, not the long format)."""
    names = {normalise_header(h) for h in header}
    return bool(names & {normalise_header(a) for a in (SHEET_COLUMN.field, *SHEET_COLUMN.aliases)})


def is_typing_data(data: bytes) -> bool:
    """Whether a score file (CSV or XLSX) is a typing file: its header has a sheet id column."""
    table, problems = read_table(data, max_rows=MAX_TYPED_SHEETS, max_bytes=MAX_SCORE_BYTES)
    return not problems and is_typing_file(table.header)


def typing_csv(sheets: list[PrintedSheet], rubric: Rubric, *, lang: str = "zh") -> bytes:
    """The file the staff type into: one row per sheet with its id (and, to check against the paper,
    the judge and the entry), empty score and comment columns. UTF-8 with BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([SHEET_COLUMN.label, t("paper.col_judge", lang), t("paper.col_entry", lang),
                     *[c.label.zh for c in rubric.criteria], COMMENT_COLUMN.label,
                     *[f"{c.label.zh}{COMMENT_SUFFIX}" for c in rubric.criteria]])
    for s in sheets:
        writer.writerow([s.code, formula_safe(s.judge_username), formula_safe(s.entry_code),
                         *[""] * (1 + 2 * len(rubric.criteria))])
    return out.getvalue().encode("utf-8-sig")


def read_typing_file(data: bytes, rubric: Rubric) -> list[TypedSheet]:
    """The typed rows; ``ScoreError`` naming the row and the sheet id of every problem (a wrong id or
    check character, a sheet typed twice in the file, a score missing, not a number or off the scale)."""
    table, problems = read_table(data, max_rows=MAX_TYPED_SHEETS, max_bytes=MAX_SCORE_BYTES)
    if problems:
        raise ScoreError(problems)
    columns = [SHEET_COLUMN, COMMENT_COLUMN]
    for c in rubric.criteria:
        columns.append(Column(f"score:{c.key}", (c.label.zh, c.key, c.label.en), required=True))
        columns.append(Column(f"comment:{c.key}", (f"{c.label.zh}{COMMENT_SUFFIX}", f"{c.key}_comment")))
    found, problems = match_columns(table.header, columns, header_row=table.header_row)
    if problems:
        raise ScoreError(problems)
    sheets: list[TypedSheet] = []
    first_row: dict[int, int] = {}
    for number, cells in table.rows:
        def cell(name: str, cells: list[str] = cells) -> str:
            index = found.get(name)
            return cells[index] if index is not None and index < len(cells) else ""
        typed = TypedSheet(code=normalise_code(cell("sheet_id")), serial=0, scores={}, row=number)
        row_problems = []
        serial, problem = parse_sheet_code(typed.code)
        if problem is not None or serial is None:
            row_problems.append(problem or Problem("paper.bad_code", {"value": typed.code, "example": ""}))
        elif serial in first_row:
            row_problems.append(Problem("paper.typed_twice_in_file", {"first": first_row[serial]}))
        else:
            first_row[serial] = number
        scores, comments = {}, {}
        for c in rubric.criteria:
            text = normalise_code(cell(f"score:{c.key}"))
            value = parse_number(text) if text else None
            if not text:
                row_problems.append(Problem("paper.score_missing", {"criterion": c.label.zh}))
            elif value is None:
                row_problems.append(Problem("score.not_number", {"value": text}, column=c.label.zh))
            elif (p := score_problem(rubric=rubric, criterion=c.key, value=value)) is not None:
                row_problems.append(Problem(p.code, p.params, column=c.label.zh))
            else:
                scores[c.key] = value
            if cell(f"comment:{c.key}").strip():
                comments[c.key] = cell(f"comment:{c.key}").strip()
        if cell("comment").strip():
            comments[""] = cell("comment").strip()
        where = typed.code or "—"
        problems.extend(Problem(p.code, p.params, where=where, row=number, column=p.column) for p in row_problems)
        if not row_problems and serial is not None:
            sheets.append(TypedSheet(typed.code, serial, scores, comments, number))
    if problems:
        raise ScoreError(problems)
    if not sheets:
        raise ScoreError(Problem("import.empty_file", row=table.header_row + 1))
    return sheets
