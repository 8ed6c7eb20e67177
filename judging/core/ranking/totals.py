"""Score sheets to weighted totals: one number per judge × entry (× round), with light checks.

The full CSV validation lives in ``judging.core.scores_io``; here we only refuse what would make
the maths meaningless (missing columns, unknown criteria, non-numbers, scores off the scale,
an entry in two tracks), naming every bad row so the caller can act.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from judging.core.rubric import Rubric
from judging.errors import Problem, RankingError

REQUIRED_COLUMNS = ("judge_id", "entry_id", "criterion", "score")
MAX_LISTED_PROBLEMS = 20  # a wall of errors helps nobody; the first twenty show the pattern


def _as_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series):
        return series.astype(str).where(series.notna(), "")
    return series.astype("string").fillna("").str.strip()


def _text_per_value_is_exact(column: pd.Series) -> bool:
    """Whether equal raw values always give equal text, so that text can be made once per value.

    True for strings and integers; not for floats (``0.0 == -0.0``) or mixed objects
    (``1 == 1.0 == True``), which are turned into text row by row.
    """
    if pd.api.types.is_integer_dtype(column.dtype) or isinstance(column.dtype, pd.StringDtype):
        return True
    return column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) == "string"


def _text_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The column as ``_as_text`` reads it, as a code per row into the sorted distinct texts.

    A million score rows hold a few thousand ids, so where it is exact the text is made once per
    distinct raw value instead of once per row (the slowest step of a 1.5 M-row ranking before).
    """
    if _text_per_value_is_exact(column):
        raw_codes, raw_values = pd.factorize(column, use_na_sentinel=False)
        text = _as_text(pd.Series(raw_values))
    else:
        raw_codes, text = None, _as_text(column)
    codes, names = pd.factorize(text, sort=True)
    codes = codes.astype(np.int64)
    return (codes if raw_codes is None else codes[raw_codes]), np.asarray(names, dtype=object)


def lex_key(columns: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """One int64 per row that orders rows like their tuples of codes (each code below its bound)."""
    key, size = np.zeros(len(columns[0][0]), dtype=np.int64), 1
    for codes, bound in columns:
        if size * bound >= 2**63:  # renumber densely first; only a pathological table gets here
            _, key = np.unique(key, return_inverse=True)
            size = int(key.max()) + 1
        key = key * bound + codes
        size *= bound
    return key


@dataclass(frozen=True)
class EncodedScores:
    """The checked long score table as integer codes, one array per column (rows as given).

    Row ``k`` is judge ``judge_ids[judge[k]]`` scoring entry ``entry_ids[entry[k]]`` on criterion
    ``criteria[criterion[k]]`` with ``score[k]``, in track ``tracks[track[k]]`` and round
    ``rounds[round[k]]``. Every name array is sorted, so ordering by code is ordering by text.
    ``order`` is the canonical row order (round, entry, judge, criterion).
    """

    judge: np.ndarray
    entry: np.ndarray
    criterion: np.ndarray
    track: np.ndarray
    round: np.ndarray
    score: np.ndarray
    judge_ids: np.ndarray
    entry_ids: np.ndarray
    criteria: np.ndarray
    tracks: np.ndarray
    rounds: np.ndarray
    order: np.ndarray

    def in_canonical_order(self) -> EncodedScores:
        o = self.order
        return replace(self, judge=self.judge[o], entry=self.entry[o], criterion=self.criterion[o],
                       track=self.track[o], round=self.round[o], score=self.score[o],
                       order=np.arange(len(o)))


def encode_scores(*, scores: pd.DataFrame, rubric: Rubric) -> EncodedScores:
    """The long score table with text ids, criterion keys and float scores, as codes (see ``EncodedScores``).

    Criteria may be given by key or by their Chinese or English label. Raises ``RankingError``
    listing the bad rows (rows counted as in a spreadsheet: the header is row 1).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in scores.columns]
    if missing:
        raise RankingError(Problem("rank.missing_columns", {"columns": ", ".join(missing)}))
    if len(scores) == 0:
        raise RankingError(Problem("rank.no_scores"))
    n_rows = len(scores)
    judge, judge_ids = _text_codes(scores["judge_id"])
    entry, entry_ids = _text_codes(scores["entry_id"])
    named, names = _text_codes(scores["criterion"])
    empty = (np.zeros(n_rows, dtype=np.int64), np.array([""], dtype=object))
    track, tracks = _text_codes(scores["track"]) if "track" in scores.columns else empty
    round_, rounds = _text_codes(scores["round"]) if "round" in scores.columns else empty
    score = pd.to_numeric(scores["score"], errors="coerce").astype(float).to_numpy()
    problems: list[Problem] = []
    resolved = [rubric.resolve_criterion(name) for name in names]
    criteria = np.array(sorted({key for key in resolved if key is not None}), dtype=object)
    position = {key: k for k, key in enumerate(criteria)}
    criterion = np.array([position.get(key, -1) for key in resolved], dtype=np.int64)[named]
    rows = np.arange(n_rows) + 2
    unknown = criterion < 0
    for row, name in zip(rows[unknown], names[named[unknown]], strict=True):
        problems.append(Problem("rank.unknown_criterion",
                                {"value": name, "allowed": ", ".join(rubric.criterion_keys)},
                                row=int(row), column="criterion"))
    bad_number = ~np.isfinite(score)
    for row in rows[bad_number]:
        problems.append(Problem("rank.score_not_number", {}, row=int(row), column="score"))
    lo, hi = rubric.scale.min, rubric.scale.max
    off_scale = ~bad_number & ((score < lo) | (score > hi))
    for row, value in zip(rows[off_scale], score[off_scale], strict=True):
        problems.append(Problem("rank.score_off_scale", {"value": f"{value:g}", "min": f"{lo:g}", "max": f"{hi:g}"},
                                row=int(row), column="score"))
    for column, codes, ids in (("judge_id", judge, judge_ids), ("entry_id", entry, entry_ids)):
        if ids[0] == "":  # sorted, so the empty text comes first
            for row in rows[codes == 0]:
                problems.append(Problem("rank.empty_id", {}, row=int(row), column=column))
    if problems:
        raise RankingError(problems[:MAX_LISTED_PROBLEMS])
    key = lex_key([(round_, len(rounds)), (entry, len(entry_ids)), (judge, len(judge_ids)),
                   (criterion, len(criteria))])
    order = np.argsort(key, kind="stable")
    repeated = np.zeros(n_rows, dtype=bool)
    repeated[order[1:]] = key[order[1:]] == key[order[:-1]]  # stable: the first of equal rows is not marked
    for row in rows[repeated]:
        problems.append(Problem("rank.duplicate_score", {}, row=int(row)))
    pairs = pd.unique(entry * len(tracks) + track)
    two_tracks = np.bincount(pairs // len(tracks), minlength=len(entry_ids)) > 1
    if two_tracks.any():
        first_seen = pd.unique(entry)  # entries in order of first appearance, as the rows list them
        for code in first_seen[two_tracks[first_seen]]:
            problems.append(Problem("rank.entry_two_tracks", {"entry": entry_ids[code]}))
    if problems:
        raise RankingError(problems[:MAX_LISTED_PROBLEMS])
    return EncodedScores(judge=judge, entry=entry, criterion=criterion, track=track, round=round_, score=score,
                         judge_ids=judge_ids, entry_ids=entry_ids, criteria=criteria, tracks=tracks,
                         rounds=rounds, order=order)


def normalise_scores(*, scores: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """The long score table with text ids, criterion keys, float scores and ``track``/``round`` columns.

    Ids are categoricals, so every later group-by works on integer codes. Raises ``RankingError``
    listing the bad rows (see ``encode_scores``).
    """
    enc = encode_scores(scores=scores, rubric=rubric)

    def column(codes: np.ndarray, names: np.ndarray) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, categories=names)

    return pd.DataFrame({
        "judge_id": column(enc.judge, enc.judge_ids), "entry_id": column(enc.entry, enc.entry_ids),
        "criterion": column(enc.criterion, enc.criteria), "score": enc.score,
        "track": column(enc.track, enc.tracks), "round": column(enc.round, enc.rounds),
    })


@dataclass(frozen=True)
class EncodedSheets:
    """Score sheets (judge × entry × round) as codes into the ``EncodedScores`` name arrays."""

    round: np.ndarray
    judge: np.ndarray
    entry: np.ndarray
    track: np.ndarray
    total: np.ndarray
    n_criteria: np.ndarray
    criteria: np.ndarray | None = None  # sheets × criteria (codes of ``EncodedScores.criteria``), NaN where missing


def encoded_sheets(enc: EncodedScores, rubric: Rubric) -> EncodedSheets:
    """Weighted totals per sheet, sheets in order of first appearance in ``enc``'s rows (see ``sheet_totals``)."""
    weights = np.array([float(rubric.weights[key]) for key in enc.criteria])[enc.criterion]
    key = lex_key([(enc.round, len(enc.rounds)), (enc.judge, len(enc.judge_ids)), (enc.entry, len(enc.entry_ids))])
    sheet_code, first = pd.factorize(key, sort=False)
    n = len(first)
    weighted = np.bincount(sheet_code, enc.score * weights, n)
    weight = np.bincount(sheet_code, weights, n)
    first_row = np.full(n, len(key))
    np.minimum.at(first_row, sheet_code, np.arange(len(key)))
    criteria = None
    if len(enc.criteria) > 1:  # the criterion scores per sheet, for the judges' noise (Design.criteria)
        criteria = np.full((n, len(enc.criteria)), np.nan)
        criteria[sheet_code, enc.criterion] = enc.score
    return EncodedSheets(round=enc.round[first_row], judge=enc.judge[first_row], entry=enc.entry[first_row],
                         track=enc.track[first_row], total=weighted / weight,
                         n_criteria=np.bincount(sheet_code, minlength=n), criteria=criteria)


def sheet_totals(*, scores: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """One row per score sheet: the weighted total on the rubric scale.

    ``total = Σ_c w_c x_c / Σ_c w_c`` over the criteria the sheet has, so a sheet with a missing
    criterion is averaged over the criteria present (and counted in ``n_criteria``); a complete
    sheet gives exactly ``judging.core.scoring.weighted_total``.

    Returns columns ``round, judge_id, entry_id, track, total, n_criteria`` (sheets in order of
    first appearance).
    """
    enc = encode_scores(scores=scores, rubric=rubric)
    sheets = encoded_sheets(enc, rubric)
    return pd.DataFrame({
        "round": enc.rounds[sheets.round], "judge_id": enc.judge_ids[sheets.judge],
        "entry_id": enc.entry_ids[sheets.entry], "track": enc.tracks[sheets.track],
        "total": sheets.total, "n_criteria": sheets.n_criteria,
    })


def criterion_means(*, scores: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Mean raw score per entry and criterion (columns are criterion keys), used by tie-breaks."""
    long = normalise_scores(scores=scores, rubric=rubric)
    table = long.pivot_table(index="entry_id", columns="criterion", values="score", aggfunc="mean")
    return table.reindex(columns=list(rubric.criterion_keys))
