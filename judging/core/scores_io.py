"""Scores in long format (one row per judge × entry × criterion): reading and writing the CSV.

The file has the columns ``judge_id, entry_id, criterion, score`` and optionally ``track, round,
comment, overall_comment`` (Chinese headers 评委编号, 作品编号, 评分项, 分数, 赛道, 评审阶段, 评语, 总体评语
are read too). ``comment`` is the judge's comment on that criterion; ``overall_comment`` is the sheet's
overall comment (``comment:`` on the score sheet), the same on every row of that judge and entry.
``write_scores_csv`` and ``read_scores_csv`` are inverse: an export read back gives the same frame.

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab, CR, NUL) are
written with a leading ``'`` (OWASP CSV injection); so is a text that starts with ``'`` itself. On
reading, one leading ``'`` is removed when the next character is one of those, so that an id such
as ``-A1`` is exported as ``'-A1`` and imported as ``-A1`` again.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pandas as pd

from judging.core.rubric import Rubric
from judging.core.scoring import score_problem
from judging.core.tabular import (
    Column,
    extra_cells,
    formula_safe,
    match_columns,
    normalise_code,
    read_table,
    row_cells,
)
from judging.errors import Problem, ScoreError

# a score file has one row per judge, entry and criterion: 15,000 entries × 5 judges × 4 criteria (four
# times the largest contest measured, 75,000 scores); refusing a file at this limit peaks near 300 MB
MAX_SCORE_ROWS = 300_000
MAX_SCORE_BYTES = 60 * 1024 * 1024  # 300,000 rows of about 80 bytes, with room for comments
SCORE_COLUMNS = ("judge_id", "entry_id", "criterion", "score", "track", "round", "comment", "overall_comment")
TEXT_COLUMNS = ("judge_id", "entry_id", "criterion", "track", "round", "comment", "overall_comment")
COMMENT_COLUMNS = ("comment", "overall_comment")  # what judges wrote: no part of the ranking
# a bundle's scores.csv (format 1): the columns it had before overall comments were exported, its comment
# column empty, so that its bytes (and the digest recorded with a publication) do not depend on comments
BUNDLE_SCORE_COLUMNS = SCORE_COLUMNS[:7]
SORT_ORDER = ["round", "entry_id", "judge_id", "criterion"]  # single round: the order of load_scores_frame

COLUMNS = (
    Column("judge_id", ("评委编号", "评委账号", "评委", "judge"), required=True),
    Column("entry_id", ("作品编号", "项目编号", "编号", "entry"), required=True),
    Column("criterion", ("评分项", "评分指标", "指标"), required=True),
    Column("score", ("分数", "得分", "评分"), required=True),
    Column("track", ("赛道", "组别")),
    Column("round", ("评审阶段", "轮次", "阶段")),
    Column("comment", ("评语", "意见", "评审意见")),
    Column("overall_comment", ("总体评语", "总评", "综合评语", "overall comment")),
)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def read_scores_csv(source: bytes | str | Path, rubric: Rubric) -> pd.DataFrame:
    """Read and check a long-format score file; raise ``ScoreError`` naming every bad row.

    ``source`` is the file's bytes, a ``Path``, or the CSV text (a one-line ``str`` naming an
    existing file is read as a path). CSV in UTF-8 (with or without BOM) or GB18030/GBK; an XLSX
    file is read too. Criteria may be named by key or by Chinese or English label; the frame holds
    the key. Ids are trimmed and full-width characters made half-width; comments are kept exactly.
    Returns the columns ``SCORE_COLUMNS`` in file order: ``score`` float, the others text ("" when
    the column is absent).
    """
    table, problems = read_table(_source_bytes(source), max_rows=MAX_SCORE_ROWS, max_bytes=MAX_SCORE_BYTES)
    if problems:
        raise ScoreError(problems)
    found, problems = match_columns(table.header, COLUMNS, header_row=table.header_row)
    if problems:
        raise ScoreError(problems)
    records: dict[str, list] = {name: [] for name in SCORE_COLUMNS}
    first_row: dict[tuple[object, ...], int] = {}
    for number, cells in table.rows:
        row_problems = []
        extra = extra_cells(cells, table.header)
        if extra:
            row_problems.append(Problem("import.extra_cells", {"n": extra}))
        raw = row_cells(cells, found)
        values: dict[str, object] = {name: normalise_code(raw.get(name, "")) for name in ("judge_id", "entry_id", "track", "round")}
        values["comment"] = raw.get("comment", "")
        values["overall_comment"] = raw.get("overall_comment", "")
        for name in ("judge_id", "entry_id", "criterion", "score"):
            if not normalise_code(raw[name]):
                row_problems.append(Problem("import.required", {"column": _label(name)}, column=_header(table, found, name)))
        criterion = None
        if raw["criterion"].strip():
            criterion = rubric.resolve_criterion(normalise_code(raw["criterion"]))
            if criterion is None:
                row_problems.append(Problem("score.unknown_criterion", {
                    "value": raw["criterion"].strip(), "allowed": ", ".join(rubric.criterion_keys),
                }, column=_header(table, found, "criterion")))
        score = None
        text = normalise_code(raw["score"])
        if text:
            score = parse_number(text)
            if score is None:
                row_problems.append(Problem("score.not_number", {"value": text}, column=_header(table, found, "score")))
            elif criterion is not None:
                problem = score_problem(rubric=rubric, criterion=criterion, value=score)
                if problem is not None:
                    row_problems.append(Problem(problem.code, problem.params, column=_header(table, found, "score")))
        if criterion is not None and values["judge_id"] and values["entry_id"]:
            key = (values["judge_id"], values["entry_id"], criterion, values["round"])
            if key in first_row:
                row_problems.append(Problem("scores.duplicate_row", {"first": first_row[key]}))
            else:
                first_row[key] = number
        if row_problems:
            problems.extend(Problem(p.code, p.params, where=p.where, row=number, column=p.column) for p in row_problems)
            continue
        values["criterion"], values["score"] = criterion, score
        for name in SCORE_COLUMNS:
            records[name].append(values[name])
    if problems:
        raise ScoreError(problems)
    return _frame(records)


def write_scores_csv(frame: pd.DataFrame, *, columns: tuple[str, ...] = SCORE_COLUMNS) -> bytes:
    """The frame as a long-format CSV for Excel on Chinese Windows (UTF-8 with BOM, CRLF).

    Columns always in ``columns`` order (``SCORE_COLUMNS``; a bundle writes ``BUNDLE_SCORE_COLUMNS``),
    rows sorted by round, entry, judge and criterion; numbers in the shortest form that reads back to
    the same float (85, 85.5, 0.1).
    """
    frame = frame.copy()
    for name in TEXT_COLUMNS:
        if name not in frame.columns:
            frame[name] = ""
        frame[name] = ["" if _missing(v) else str(v) for v in frame[name]]
    frame = frame.sort_values(SORT_ORDER, kind="stable")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in frame[list(columns)].itertuples(index=False):
        cells = []
        for name, value in zip(columns, row, strict=True):
            cells.append(format_number(float(value)) if name == "score" else formula_safe(value))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")


def format_number(value: float) -> str:
    """85.0 → "85", 85.5 → "85.5"; any float as the shortest text that parses back to it."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def parse_number(text: str) -> float | None:
    """A finite decimal number (``85``, ``85.5``, ``-1e2``), or None; no "nan", "inf" or "1_000"."""
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def empty_scores_frame() -> pd.DataFrame:
    return _frame({name: [] for name in SCORE_COLUMNS})


def _frame(records: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({
        name: pd.Series(records[name], dtype=float if name == "score" else "str") for name in SCORE_COLUMNS
    })


def _source_bytes(source: bytes | str | Path) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, Path):
        return source.read_bytes()
    if "\n" not in source and "\r" not in source and len(source) < 4096 and Path(source).is_file():
        return Path(source).read_bytes()
    return source.encode("utf-8")


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _label(name: str) -> str:
    return next(c.label for c in COLUMNS if c.field == name)


def _header(table, found: dict[str, int], name: str) -> str:
    return table.header[found[name]].strip() if name in found else _label(name)
