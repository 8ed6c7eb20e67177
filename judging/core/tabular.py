"""Reading spreadsheets people send: bytes (CSV in any encoding Excel writes, or XLSX) to rows of text.

Shared by the entry/judge imports and the long-format score files. Nothing here raises for bad
input: problems are returned (located by spreadsheet row, the header being row 1) so that the
caller reports every one of them under its own error class.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from judging.errors import Problem

# Cells a spreadsheet would run as a formula (OWASP "CSV injection", CWE-1236), plus the quote
# itself so that a text that really starts with "'" survives an export and re-import unchanged.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
_QUOTE = "'"

_FULL_WIDTH_ALL = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULL_WIDTH_ALNUM = {
    cp: cp - 0xFEE0
    for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
} | {0x3000: 0x20}
_EDGE_JUNK = " \t\r\n\u3000\u00a0\u200b\ufeff"
_HEADER_DECORATION = re.compile(r"[（(][^）)]*[）)]|[*＊:：]")
_HEADER_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise_text(value: str) -> str:
    """Free text: trimmed, full-width digits, letters and spaces made half-width (Chinese punctuation kept)."""
    return value.translate(_FULL_WIDTH_ALNUM).strip(_EDGE_JUNK)


def normalise_code(value: str) -> str:
    """Ids, emails, phones, numbers: every full-width ASCII character made half-width, trimmed."""
    return value.translate(_FULL_WIDTH_ALL).strip(_EDGE_JUNK)


def normalise_header(value: str) -> str:
    """A header cell as matched against aliases: '作品名称（必填）*' → '作品名称', 'Entry ID' → 'entryid'."""
    text = _HEADER_DECORATION.sub("", normalise_code(value))
    return _HEADER_SEPARATORS.sub("", text).lower()


def formula_safe(text: str) -> str:
    """A text cell for export: prefixed with ' when a spreadsheet would read it as a formula."""
    return _QUOTE + text if text.startswith(FORMULA_TRIGGERS + (_QUOTE,)) else text


def strip_formula_guard(text: str) -> str:
    """Undo ``formula_safe``: drop one leading ' when the next character is one it guards against.

    ``formula_safe`` adds ' before a text starting with = + - @ tab CR NUL or ' itself, so removing
    exactly one ' in front of those characters gives back the original text; a ' before anything else
    (a hand-typed "'abc") is kept as it is.
    """
    if len(text) >= 2 and text[0] == _QUOTE and text[1] in FORMULA_TRIGGERS + (_QUOTE,):
        return text[1:]
    return text


@dataclass
class Table:
    """A sheet as text: the header cells and the data rows with their spreadsheet row numbers."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    header_row: int = 1
    found: dict[str, int] = field(default_factory=dict)  # field name → column index, once matched


def read_table(data: bytes) -> tuple[Table, list[Problem]]:
    """The first sheet of an XLSX file, or a CSV (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK).

    Blank rows are skipped but keep their row numbers, as a spreadsheet shows them.
    """
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        return Table(), [Problem("import.empty_file", row=1)]
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return Table(), [Problem("import.not_a_table", {"detail": "Excel 97-2003 .xls"})]
    text = decode_text(data)
    if text is None:
        return Table(), [Problem("import.undecodable")]
    if "\x00" in text:
        return Table(), [Problem("import.not_a_table", {"detail": "binary data"})]
    return _read_csv(text)


def decode_text(data: bytes) -> str | None:
    """The text of a CSV: a BOM decides; otherwise UTF-8, else GB18030 (a superset of GBK); None if neither."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(text: str) -> tuple[Table, list[Problem]]:
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated; everything else we are sent uses commas
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    table = Table()
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        records = list(reader)
    except csv.Error as exc:
        return Table(), [Problem("import.bad_csv", {"detail": str(exc)})]
    return _to_table(records, table)


def _to_table(records: Sequence[Sequence[str]], table: Table) -> tuple[Table, list[Problem]]:
    header_seen = False
    for number, cells in enumerate(records, start=1):
        if not header_seen:
            if not any(c.strip(_EDGE_JUNK) for c in cells):
                # leading blank rows: the header is the first non-blank row, keep numbering as shown
                continue
            table.header, table.header_row = list(cells), number
            header_seen = True
            continue
        if any(c.strip(_EDGE_JUNK) for c in cells):
            table.rows.append((number, list(cells)))
    if not header_seen:
        return table, [Problem("import.empty_file", row=1)]
    return table, []


def _read_xlsx(data: bytes) -> tuple[Table, list[Problem]]:
    import openpyxl  # imported here: CSV-only callers do not pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; all mean "cannot read"
        return Table(), [Problem("import.bad_xlsx", {"detail": exc.__class__.__name__})]
    try:
        sheet = workbook.worksheets[0]
        records = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # damaged sheet XML
        return Table(), [Problem("import.bad_xlsx", {"detail": exc.__class__.__name__})]
    finally:
        workbook.close()
    return _to_table(records, Table())


def _cell_text(value: object) -> str:
    """An Excel cell as the text a person sees: 13800138000 not 1.3800138e10, 85 not 85.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Column:
    """A field a file may carry, with the header names people use for it (first: the canonical one)."""

    field: str
    aliases: tuple[str, ...]
    required: bool = False

    @property
    def label(self) -> str:
        return self.aliases[0]


def match_columns(
    header: Sequence[str], columns: Sequence[Column], *, header_row: int = 1
) -> tuple[dict[str, int], list[Problem]]:
    """Map each field to its column index by header name; problems for missing or doubled columns."""
    lookup = {normalise_header(alias): col for col in columns for alias in (col.field, *col.aliases)}
    found: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(header):
        col = lookup.get(normalise_header(cell))
        if col is None:
            continue  # extra columns (notes, a judge's name next to the id) are allowed and ignored
        if col.field in found:
            problems.append(Problem("import.duplicate_column", {
                "first": header[found[col.field]].strip(), "second": cell.strip(), "field": col.label,
            }, row=header_row, column=cell.strip()))
            continue
        found[col.field] = index
    for col in columns:
        if col.required and col.field not in found:
            problems.append(Problem("import.missing_column", {
                "column": col.label, "aliases": "、".join(dict.fromkeys((*col.aliases, col.field))),
            }, row=header_row, column=col.field))
    return found, problems


def row_cells(cells: Sequence[str], found: Mapping[str, int]) -> dict[str, str]:
    """The raw text of each matched field in one row ('' for cells the row does not reach)."""
    return {name: strip_formula_guard(cells[i]) if i < len(cells) else "" for name, i in found.items()}


def extra_cells(cells: Sequence[str], header: Sequence[str]) -> int:
    """How many non-empty cells a row has beyond the header (a sign of an unquoted comma)."""
    return sum(1 for c in cells[len(header):] if c.strip(_EDGE_JUNK))
