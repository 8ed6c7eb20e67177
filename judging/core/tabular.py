"""Reading spreadsheets people send: bytes (CSV in any encoding Excel writes, or XLSX) to rows of text.

Shared by the entry/judge imports and the long-format score files. Nothing here raises for bad
input: problems are returned (located by spreadsheet row, the header being row 1) so that the
caller reports every one of them under its own error class.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from judging.core.uploads import MAX_UPLOAD_BYTES
from judging.errors import Problem

# Limits checked before and while a file is read, so that a small hostile file cannot fill the memory.
MAX_ROWS = 100_000  # data rows; a national contest has a few thousand entries and judges
MAX_CELL_CHARS = 32_000  # Excel itself stops at 32,767 characters per cell
MAX_COLUMNS = 200  # the entry template has 10 columns; 200 leaves room for notes
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024  # 100,000 rows of 10 short cells unpack to about 40 MB of XML
EXCEL_MAX_ROWS = 1_048_576  # a sheet that claims more rows was not written by Excel
MAX_HEADER_SCAN = 10  # the header is looked for in the first rows (a title row or two may stand above it)

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


@functools.lru_cache(maxsize=1 << 16)  # a file's ids repeat row after row: each is made once
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
    """A sheet as text: the header cells and the data rows with their spreadsheet row numbers.

    ``kinds`` marks the XLSX cells whose value was not text in Excel (``"date"``, ``"number"``), by
    (row, column index), so that an id or phone column can refuse what Excel turned into a date or a
    rounded number.
    """

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    header_row: int = 1
    found: dict[str, int] = field(default_factory=dict)  # field name → column index, once matched
    kinds: dict[tuple[int, int], str] = field(default_factory=dict)
    skipped_above_header: int = 0  # rows above the header (a title) that were left out


def read_table(data: bytes, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[Table, list[Problem]]:
    """The first sheet of an XLSX file, or a CSV (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK).

    Blank rows are skipped but keep their row numbers, as a spreadsheet shows them. The size, the
    number of rows and the length of every cell are checked before or while reading: a file past a
    limit is refused with the limit, not loaded.
    """
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        return Table(), [Problem("import.empty_file", row=1)]
    if len(data) > max_bytes:
        return Table(), [Problem("import.file_too_big", {"size": f"{len(data) / 1024 / 1024:.1f}",
                                                         "limit": max_bytes // 1024 // 1024})]
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, max_rows=max_rows)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return Table(), [Problem("import.not_a_table", {"detail": "Excel 97-2003 .xls"})]
    mixed = mixed_encoding(data)
    if mixed is not None:
        return Table(), [mixed]
    text = decode_text(data)
    if text is None:
        return Table(), [Problem("import.undecodable")]
    if "\x00" in text:
        return Table(), [Problem("import.not_a_table", {"detail": "binary data"})]
    return _read_csv(text, max_rows=max_rows)


def decode_text(data: bytes) -> str | None:
    """The text of a CSV: a BOM decides; otherwise UTF-8, else GB18030 (a superset of GBK); None if neither."""
    encodings: tuple[str, ...]
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


MIXED_ROWS_LISTED = 5


def mixed_encoding(data: bytes) -> Problem | None:
    """A problem naming the rows in the other encoding, when a CSV has both UTF-8 and GBK lines.

    GB18030 decodes almost any bytes, so a GBK file with one UTF-8 row would otherwise import that row
    as mojibake (数字 → 鏁板瓧). Each line with non-ASCII bytes is either valid UTF-8 or not; a file with
    both kinds is refused, naming the lines of the smaller kind (those are the ones pasted in).
    """
    if data.isascii() or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    utf8_lines: list[int] = []
    other_lines: list[int] = []
    # line by line from a stream: a split() of a large file would hold every line at once
    for number, line in enumerate(io.BytesIO(data.removeprefix(codecs.BOM_UTF8)), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines.append(number)
        except UnicodeDecodeError:
            other_lines.append(number)
    if not utf8_lines or not other_lines:
        return None
    odd, encoding, rest = ((utf8_lines, "UTF-8", "GBK/GB18030") if len(utf8_lines) <= len(other_lines)
                           else (other_lines, "GBK/GB18030", "UTF-8"))
    return Problem("import.mixed_encoding", {
        "rows": "、".join(map(str, odd[:MIXED_ROWS_LISTED])) + ("…" if len(odd) > MIXED_ROWS_LISTED else ""),
        "n": len(odd), "encoding": encoding, "rest": rest}, row=odd[0])


def _read_csv(text: str, *, max_rows: int) -> tuple[Table, list[Problem]]:
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated; everything else we are sent uses commas
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)

    def records() -> Iterator[tuple[int, list[str]]]:
        # numbered by record, as a spreadsheet numbers rows (a quoted line break stays in its row)
        yield from enumerate(reader, start=1)

    try:
        return _to_table(records(), Table(), max_rows=max_rows)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's own cap (131,072) met first
            return Table(), [Problem("import.cell_too_long", {"n": f"> {csv.field_size_limit():,}", "max": MAX_CELL_CHARS},
                                     row=reader.line_num)]
        return Table(), [Problem("import.bad_csv", {"detail": str(exc)})]


def _lines(text: str) -> Iterator[str]:
    """The lines of a text with their endings, one at a time (io.StringIO would copy the text at 4 bytes a character)."""
    if "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac line endings
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _to_table(records: Iterable[tuple[int, Sequence[str]]], table: Table, *, max_rows: int) -> tuple[Table, list[Problem]]:
    """Rows numbered as a spreadsheet shows them, checked against the limits as they stream in."""
    header_seen = False
    for number, cells in records:
        if len(cells) > MAX_COLUMNS and any(c.strip(_EDGE_JUNK) for c in cells[MAX_COLUMNS:]):
            return Table(), [Problem("import.too_many_columns", {"n": len(cells), "max": MAX_COLUMNS}, row=number)]
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                return Table(), [Problem("import.cell_too_long", {"n": len(cell), "max": MAX_CELL_CHARS},
                                         row=number, column=_column_letter(index))]
        if not header_seen:
            if not any(c.strip(_EDGE_JUNK) for c in cells):
                # leading blank rows: the header is the first non-blank row, keep numbering as shown
                continue
            table.header, table.header_row = list(cells), number
            header_seen = True
            continue
        if any(c.strip(_EDGE_JUNK) for c in cells):
            if len(table.rows) >= max_rows + MAX_HEADER_SCAN:  # the header may still move down a few rows
                return Table(), [Problem("import.too_many_rows", {"max": max_rows}, row=number)]
            table.rows.append((number, list(cells)))
    if not header_seen:
        return table, [Problem("import.empty_file", row=1)]
    return table, []


def _column_letter(index: int) -> str:
    """Excel's name of a column: 0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d+:?[A-Z]*(\d*)\"")
_ROW_START = re.compile(rb"<(?:\w+:)?row[\s>/]")
_SHEET_HEAD_BYTES = 4096  # the dimension element stands at the start of a sheet's XML
_SCAN_CHUNK = 1024 * 1024


def _xlsx_limits(data: bytes, *, max_rows: int) -> Problem | None:
    """Refuse an XLSX whose unpacked size or sheet size is past the limits, before loading it.

    The sheet's ``<dimension>`` says how many rows it has. A sheet without one is counted by
    streaming its XML once (openpyxl would otherwise parse the whole sheet just to size it, 12 s
    for 200,000 rows, before a single row is read).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_XLSX_UNCOMPRESSED:
                return Problem("import.xlsx_too_big", {"size": unpacked // 1024 // 1024,
                                                       "limit": MAX_XLSX_UNCOMPRESSED // 1024 // 1024})
            sheets = sorted(i.filename for i in infos if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", i.filename))
            if not sheets:
                return None
            with archive.open(sheets[0]) as sheet:
                head = sheet.read(_SHEET_HEAD_BYTES)
                match = _DIMENSION.search(head)
                if match is not None:
                    # the used range: blank rows count only when they carry formatting
                    if match.group(1) and int(match.group(1)) > max_rows + MAX_HEADER_SCAN:
                        return Problem("import.too_many_rows", {"max": max_rows}, row=int(match.group(1)))
                    return None
                rows, tail = 0, b""
                chunk = head
                while chunk:
                    window = tail + chunk
                    rows += len(_ROW_START.findall(window)) - len(_ROW_START.findall(tail))
                    tail = window[-8:]
                    if rows > max_rows + MAX_HEADER_SCAN:
                        return Problem("import.too_many_rows", {"max": max_rows}, row=rows)
                    chunk = sheet.read(_SCAN_CHUNK)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, zlib.error, EOFError) as exc:
        return Problem("import.bad_xlsx", {"detail": exc.__class__.__name__})
    return None


def _read_xlsx(data: bytes, *, max_rows: int) -> tuple[Table, list[Problem]]:
    import openpyxl  # imported here: CSV-only callers do not pay for it

    refused = _xlsx_limits(data, max_rows=max_rows)
    if refused is not None:
        return Table(), [refused]
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; all mean "cannot read"
        return Table(), [Problem("import.bad_xlsx", {"detail": exc.__class__.__name__})]
    table = Table()
    try:
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > EXCEL_MAX_ROWS:  # the first sheet need not be sheet1.xml
            return Table(), [Problem("import.too_many_rows", {"max": EXCEL_MAX_ROWS}, row=sheet.max_row)]

        def records() -> Iterator[tuple[int, list[str]]]:
            for number, row in enumerate(sheet.iter_rows(), start=1):
                cells = []
                for index, cell in enumerate(row):
                    value = getattr(cell, "value", None)
                    text, kind = _cell_text(value, getattr(cell, "number_format", "General") or "General")
                    if kind:
                        table.kinds[(number, index)] = kind
                    cells.append(text)
                yield number, cells

        return _to_table(records(), table, max_rows=max_rows)
    except Exception as exc:  # damaged sheet XML
        return Table(), [Problem("import.bad_xlsx", {"detail": exc.__class__.__name__})]
    finally:
        workbook.close()


_SCIENTIFIC_FORMAT = re.compile(r"0(?:\.(0+))?E\+0+", re.IGNORECASE)


def _cell_text(value: object, number_format: str = "General") -> tuple[str, str]:
    """An Excel cell as the text a person sees, and what kind of value it was ('' for text).

    13800138000 not 1.3800138e10, 85 not 85.0; a number shown in scientific notation (1.38E+10) keeps
    that text, so that a phone or id that Excel rounded is not taken for the digits it has lost.
    """
    if value is None:
        return "", ""
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), "number"
    if isinstance(value, int | float):
        scientific = _SCIENTIFIC_FORMAT.search(number_format)
        if scientific is not None and math.isfinite(value):
            digits = len(scientific.group(1) or "")
            mantissa, exponent = f"{value:.{digits}E}".split("E")
            return f"{mantissa}E{exponent[0]}{int(exponent[1:]):02d}", "number"
        if isinstance(value, float):
            if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
                return str(int(value)), "number"
            return repr(value), "number"
        return str(value), "number"
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")), "date"
    if isinstance(value, date | time):
        return value.isoformat(), "date"
    return str(value), ""


def find_header(table: Table, columns: Sequence[Column]) -> Table:
    """The table with its header moved down to the first of the first rows that has every required column.

    A sheet often has a merged title row ("2026年信息消费创新大赛报名表") above the real header. When
    the first row lacks a required column and one of the next ``MAX_HEADER_SCAN`` rows has them all,
    that row becomes the header and the rows above it are left out (``skipped_above_header``).
    """
    required = [c for c in columns if c.required]
    if not required or _has_all(table.header, required) or not table.rows:
        return table
    for position, (number, cells) in enumerate(table.rows[:MAX_HEADER_SCAN - 1]):
        if _has_all(cells, required):
            return Table(header=list(cells), rows=table.rows[position + 1:], header_row=number, kinds=table.kinds,
                         skipped_above_header=position + 1)
    return table


def _has_all(cells: Sequence[str], required: Sequence[Column]) -> bool:
    names = {normalise_header(c) for c in cells}
    return all(names & {normalise_header(a) for a in (col.field, *col.aliases)} for col in required)


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
