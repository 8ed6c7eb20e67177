"""Importing entries and judges from the spreadsheets organisers keep: parsing, checking, conflicts.

Pure: bytes in, plain records (dicts the store inserts) out, or ``ImportValidationError`` naming
the row and column of every problem, so that a file with any error imports nothing. Files are CSV
(UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX (first sheet), with Chinese or English headers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from judging.core.permissions import RESERVED_USERNAMES
from judging.core.tabular import (
    MAX_HEADER_SCAN,
    Column,
    Table,
    extra_cells,
    find_header,
    match_columns,
    normalise_code,
    normalise_header,
    normalise_text,
    read_table,
    row_cells,
)
from judging.errors import ImportValidationError, Problem

ENTRY_COLUMNS = (
    Column("code", ("作品编号", "编号", "项目编号", "申报编号", "参赛编号", "报名编号", "entry_id", "entry id", "id")),
    Column("title", ("作品名称", "项目名称", "名称", "title"), required=True),
    Column("organisation", ("申报单位", "organisation", "organization", "applicant"), required=True),
    Column("recommending_unit", ("推荐单位", "recommending_unit", "recommended by")),
    Column("track", ("赛道", "组别", "track"), required=True),
    Column("summary", ("简介", "项目简介", "作品简介", "summary")),
    Column("contact", ("联系人", "contact")),
    Column("email", ("邮箱", "电子邮箱", "email", "e-mail")),
    Column("phone", ("联系电话", "电话", "手机", "phone")),
    Column("materials", ("材料链接", "材料", "materials")),
)
ENTRY_REQUIRED = ("title", "organisation", "track")
# the organisers' own row numbering is the entry id when the file has no other id column
ENTRY_ID_FALLBACK = ("序号", "no.", "no")
_SCIENTIFIC_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")  # 1.38E+10: Excel has dropped digits
_EXCEL_CHECKED = ("code", "username", "phone")  # columns where a date or a rounded number is never meant

JUDGE_COLUMNS = (
    Column("username", ("评委编号", "账号", "用户名", "judge_id", "username"), required=True),
    Column("display_name", ("姓名", "name"), required=True),
    Column("organisation", ("单位", "工作单位", "organisation", "organization")),
    Column("expertise", ("专业领域", "擅长赛道", "擅长领域", "expertise")),
    Column("title", ("职称", "title")),
    Column("email", ("邮箱", "电子邮箱", "email", "e-mail")),
    Column("phone", ("手机", "联系电话", "电话", "phone")),
)
JUDGE_REQUIRED = ("username", "display_name")

# Column sizes people actually need; longer text is almost always two cells run together.
MAX_LENGTH = {"code": 64, "username": 64, "title": 200, "display_name": 100, "organisation": 200,
              "recommending_unit": 200, "contact": 100, "email": 200, "phone": 100, "materials": 2000,
              "summary": 20_000, "expertise": 500}
GENERATED_ID_DIGITS = 3  # <track>-001: three digits sort correctly up to 999 entries per track

EXPERTISE_SEPARATORS = re.compile(r"[；;、,，/\n]+")
PHONE_SEPARATORS = re.compile(r"[；;、,，/]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")  # mainland mobile numbers
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}((-|转|ext\.?)\d{1,6})?$", re.IGNORECASE)  # area code, number, extension
_SERVICE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")  # 400/800 service numbers
_PHONE_NOISE = re.compile(r"[\s()（）]")


# --- tracks -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrackName:
    key: str
    name_zh: str
    name_en: str = ""


def _track_names(tracks: Iterable[Any]) -> list[TrackName]:
    """Tracks given as store rows, ``TrackName``s or ``(key, name_zh, name_en)`` tuples."""
    names = []
    for track in tracks:
        if isinstance(track, tuple | list):
            names.append(TrackName(*track))
        else:
            names.append(TrackName(track.key, track.name_zh, getattr(track, "name_en", "")))
    return names


def track_matcher(tracks: Iterable[Any]):
    """A function from what a person wrote (key, Chinese or English name) to the track key, or None.

    Exact matches (case, spaces and full-width ignored) win; otherwise a text of two or more
    characters that begins exactly one Chinese name matches it ("生活类" → "生活类信息消费").
    """
    names = _track_names(tracks)
    exact: dict[str, str] = {}
    for t in names:
        for alias in (t.key, t.name_zh, t.name_en):
            if alias:
                exact.setdefault(normalise_header(alias), t.key)

    def match(value: str) -> str | None:
        wanted = normalise_header(value)
        if not wanted:
            return None
        if wanted in exact:
            return exact[wanted]
        if len(wanted) >= 2:
            prefixed = {t.key for t in names if normalise_header(t.name_zh).startswith(wanted)}
            if len(prefixed) == 1:
                return prefixed.pop()
        return None

    return match


# --- validators (only return a problem; the caller adds row and column) ----------------------

def email_problem(value: str) -> Problem | None:
    if value and not _EMAIL.match(value):
        return Problem("import.bad_email", {"value": value})
    return None


def phone_problem(value: str) -> Problem | None:
    """Mobile, landline (area code, optional extension) or 400/800 numbers; several allowed, split by ；/、."""
    for number in PHONE_SEPARATORS.split(value):
        compact = re.sub(r"^(\+86|0086|86(?=1))-?", "", _PHONE_NOISE.sub("", number))
        if compact and not (_MOBILE.match(compact) or _LANDLINE.match(compact) or _SERVICE.match(compact)):
            return Problem("import.bad_phone", {"value": value})
    return None


# --- the parsers ----------------------------------------------------------------------------

@dataclass
class ImportReport:
    """What a file would import: the records, or the problems that stop it (never both)."""

    records: list[dict[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # what was read differently, e.g. a header below a title

    @property
    def ok(self) -> bool:
        return not self.problems


def check_entries(data: bytes, *, tracks: Iterable[Any], existing_ids: Collection[str] = ()) -> ImportReport:
    """Parse and check an entry file against the edition's tracks and the entry ids it already has.

    Records carry ``code, track`` (the track key) and the Entry text fields. A row without an id
    gets ``<track key>-001``, ``-002`` ... in file order, skipping ids already taken.
    """
    match_track = track_matcher(tracks)
    allowed = "、".join(f"{t.name_zh}（{t.key}）" for t in _track_names(tracks)) or "—"
    table, rows, problems = _parse(data, ENTRY_COLUMNS, ENTRY_REQUIRED)
    if problems:
        return ImportReport(problems=problems)
    existing = set(existing_ids)
    first_row: dict[str, int] = {}
    records: list[tuple[int, dict[str, str]]] = []
    for number, values, row_problems in rows:
        if values["track"]:
            key = match_track(values["track"])
            if key is None:
                row_problems.append(_at(Problem("import.unknown_track", {"value": values["track"], "allowed": allowed}),
                                        table, "track"))
            values["track"] = key or ""
        code = values.get("code", "")
        if code:
            if code in first_row:
                row_problems.append(_at(Problem("import.duplicate_id", {"value": code, "first": first_row[code]}),
                                        table, "code"))
            elif code in existing:
                row_problems.append(_at(Problem("import.id_exists", {"value": code}), table, "code"))
            first_row.setdefault(code, number)
        problems.extend(_located(row_problems, number, table))
        records.append((number, values))
    if problems:
        return ImportReport(problems=problems)
    taken = existing | set(first_row)
    counters: dict[str, int] = {}
    for _, values in records:
        if not values.get("code"):
            values["code"] = _next_id(values["track"], counters, taken)
    return ImportReport(records=[_entry_record(values) for _, values in records], notes=_notes(table))


def parse_entries(data: bytes, *, tracks: Iterable[Any], existing_ids: Collection[str] = ()) -> list[dict[str, str]]:
    """``check_entries``, raising ``ImportValidationError`` with every problem."""
    return _records_or_raise(check_entries(data, tracks=tracks, existing_ids=existing_ids))


def check_judges(
    data: bytes, *, tracks: Iterable[Any] = (), existing_usernames: Collection[str] = ()
) -> ImportReport:
    """Parse and check a judge file. Expertise is split on ；;、, and each part that names a track
    becomes its key (the rest are kept as tags), joined with ";" as the store keeps it."""
    match_track = track_matcher(tracks)
    table, rows, problems = _parse(data, JUDGE_COLUMNS, JUDGE_REQUIRED)
    if problems:
        return ImportReport(problems=problems)
    existing = set(existing_usernames)
    first_row: dict[str, int] = {}
    records = []
    for number, values, row_problems in rows:
        username = values["username"]
        if username:
            if username in first_row:
                row_problems.append(_at(Problem("import.duplicate_id", {"value": username, "first": first_row[username]}),
                                        table, "username"))
            elif username in existing:
                row_problems.append(_at(Problem("import.id_exists", {"value": username}), table, "username"))
            elif username.casefold() in RESERVED_USERNAMES:
                row_problems.append(_at(Problem("user.reserved_name", {"value": username}), table, "username"))
            first_row.setdefault(username, number)
        parts = [p.strip() for p in EXPERTISE_SEPARATORS.split(values.get("expertise", "")) if p.strip()]
        values["expertise"] = ";".join(dict.fromkeys(match_track(p) or p for p in parts))
        problems.extend(_located(row_problems, number, table))
        records.append({name: values.get(name, "") for name in
                        ("username", "display_name", "organisation", "expertise", "title", "email", "phone")})
    if problems:
        return ImportReport(problems=problems)
    return ImportReport(records=records, notes=_notes(table))


def parse_judges(
    data: bytes, *, tracks: Iterable[Any] = (), existing_usernames: Collection[str] = ()
) -> list[dict[str, str]]:
    """``check_judges``, raising ``ImportValidationError`` with every problem."""
    return _records_or_raise(check_judges(data, tracks=tracks, existing_usernames=existing_usernames))


def _parse(
    data: bytes, columns: Sequence[Column], required: Sequence[str]
) -> tuple[Table, list[tuple[int, dict[str, str], list[Problem]]], list[Problem]]:
    """Rows as normalised values with the problems each has on its own (required, email, phone, length)."""
    if not isinstance(data, bytes | bytearray):
        return Table(), [], [Problem("import.not_a_table", {"detail": type(data).__name__})]
    table, problems = read_table(bytes(data))
    if problems:
        return table, [], problems
    table = find_header(table, columns)
    found, problems = match_columns(table.header, columns, header_row=table.header_row)
    if "code" not in found and any(c.field == "code" for c in columns):
        fallback = [i for i, cell in enumerate(table.header) if normalise_header(cell) in ENTRY_ID_FALLBACK]
        if fallback:
            found["code"] = fallback[0]
    if problems:
        return table, [], _explain_header(table, columns) + problems
    if not table.rows:
        return table, [], [Problem("import.no_rows", row=table.header_row + 1)]
    table.found = found
    rows = []
    for number, cells in table.rows:
        row_problems = []
        extra = extra_cells(cells, table.header)
        if extra:
            row_problems.append(Problem("import.extra_cells", {"n": extra}))
        raw = row_cells(cells, found)
        values = {}
        for name, text in raw.items():
            values[name] = normalise_code(text) if name in ("code", "username", "email", "phone") else normalise_text(text)
        for name in required:
            if not values.get(name):
                row_problems.append(_at(Problem("import.required", {"column": _label(columns, name)}), table, name))
        for name, value in values.items():
            limit = MAX_LENGTH.get(name, 10_000)  # a column without its own limit (track, summary …) has this one
            if len(value) > limit:
                row_problems.append(_at(Problem("import.too_long", {
                    "column": _label(columns, name), "n": len(value), "max": limit}), table, name))
        for name in ("code", "username"):
            if re.search(r"[\t\r\n]", values.get(name, "")):
                row_problems.append(_at(Problem("import.bad_id", {"value": values[name]}), table, name))
        excel = _excel_problems(table, number, values, columns)
        row_problems.extend(excel)
        for name, check in (("email", email_problem), ("phone", phone_problem)):
            problem = check(values.get(name, ""))
            if problem is not None and not any(p.column == _at(problem, table, name).column for p in excel):
                row_problems.append(_at(problem, table, name))
        rows.append((number, values, row_problems))
    return table, rows, []


def _excel_problems(table: Table, number: int, values: Mapping[str, str], columns: Sequence[Column]) -> list[Problem]:
    """Ids and phones that Excel turned into a date or a number in scientific notation (digits lost)."""
    problems = []
    for name in _EXCEL_CHECKED:
        if name not in table.found or not values.get(name):
            continue
        label = _label(columns, name) if any(c.field == name for c in columns) else name
        kind = table.kinds.get((number, table.found[name]))
        if kind == "date":
            problems.append(_at(Problem("import.excel_date", {"column": label, "value": values[name]}), table, name))
        elif _SCIENTIFIC_TEXT.match(values[name]):
            problems.append(_at(Problem("import.excel_scientific", {"column": label, "value": values[name]}),
                                table, name))
    return problems


def _explain_header(table: Table, columns: Sequence[Column]) -> list[Problem]:
    """When the header was not found: say so if the first row looks like a title (one filled cell)."""
    filled = [c.strip() for c in table.header if c.strip()]
    if len(filled) != 1:
        return []
    names = "、".join(c.label for c in columns if c.required)
    return [Problem("import.header_not_found", {"n": MAX_HEADER_SCAN, "columns": names, "row": table.header_row,
                                                "text": filled[0][:40]}, row=table.header_row)]


def _notes(table: Table) -> list[Problem]:
    if not table.skipped_above_header:
        return []
    return [Problem("import.header_found_below", {"row": table.header_row, "n": table.skipped_above_header},
                    row=table.header_row)]


def _at(problem: Problem, table: Table, name: str) -> Problem:
    column = table.header[table.found[name]].strip() if name in table.found else name
    return Problem(problem.code, problem.params, row=problem.row, column=column)


def _located(problems: list[Problem], row: int, table: Table) -> list[Problem]:
    """The row's problems with its number, left to right as its columns stand in the file."""
    order = {table.header[i].strip(): i for i in table.found.values()}
    problems = sorted(problems, key=lambda p: order.get(p.column or "", -1))
    return [Problem(p.code, p.params, where=p.where, row=row, column=p.column) for p in problems]


def _label(columns: Sequence[Column], name: str) -> str:
    return next(c.label for c in columns if c.field == name)


def _records_or_raise(report: ImportReport) -> list[dict[str, str]]:
    if report.problems:
        raise ImportValidationError(report.problems)
    return report.records


def _next_id(track: str, counters: dict[str, int], taken: set[str]) -> str:
    while True:
        counters[track] = counters.get(track, 0) + 1
        code = f"{track}-{counters[track]:0{GENERATED_ID_DIGITS}d}"
        if code not in taken:
            taken.add(code)
            return code


def _entry_record(values: Mapping[str, str]) -> dict[str, str]:
    return {name: values.get(name, "") for name in (
        "code", "track", "title", "organisation", "recommending_unit", "summary", "contact", "email", "phone",
        "materials")}


# --- automatic conflicts (回避) ----------------------------------------------------------------

@dataclass(frozen=True)
class AutoConflict:
    """A judge who may not score an entry: same organisation, or their organisation recommended it."""

    judge: str  # username
    entry: str  # entry code
    source: str  # "organisation" | "recommending_unit"
    organisation: str  # the organisation as the entry gives it


_ORG_NOISE = re.compile(r"[\s·・.,，、()（）\[\]【】\"'“”‘’]+")


def organisation_key(name: str) -> str:
    """An organisation name for comparison: NFKC (full-width, brackets), case and spacing ignored."""
    return _ORG_NOISE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()


def organisation_conflicts(entries: Iterable[Any], judges: Iterable[Any]) -> list[AutoConflict]:
    """Every (judge, entry) pair that needs 回避 by organisation, in entry then judge order.

    Entries and judges are records (dicts) or store rows with ``code``/``username`` and
    ``organisation`` (entries also ``recommending_unit``). Empty organisations never match.
    """
    by_org: dict[str, list[str]] = {}
    for judge in judges:
        key = organisation_key(_get(judge, "organisation"))
        if key:
            by_org.setdefault(key, []).append(_get(judge, "username"))
    conflicts = []
    for entry in entries:
        seen = set()
        for source in ("organisation", "recommending_unit"):
            organisation = _get(entry, source)
            for username in by_org.get(organisation_key(organisation), ()):
                if username not in seen:
                    seen.add(username)
                    conflicts.append(AutoConflict(username, _get(entry, "code"), source, organisation))
    return conflicts


def _get(obj: Any, name: str) -> str:
    value = obj.get(name, "") if isinstance(obj, Mapping) else getattr(obj, name, "")
    return value or ""
