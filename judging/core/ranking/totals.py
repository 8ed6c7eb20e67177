"""Score sheets to weighted totals: one number per judge × entry (× round), with light checks.

The full CSV validation lives in ``judging.core.scores_io``; here we only refuse what would make
the maths meaningless (missing columns, unknown criteria, non-numbers, scores off the scale,
an entry in two tracks), naming every bad row so the caller can act.
"""

from __future__ import annotations

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


def normalise_scores(*, scores: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """The long score table with text ids, criterion keys, float scores and ``track``/``round`` columns.

    Criteria may be given by key or by their Chinese or English label. Raises ``RankingError``
    listing the bad rows (rows counted as in a spreadsheet: the header is row 1).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in scores.columns]
    if missing:
        raise RankingError(Problem("rank.missing_columns", {"columns": ", ".join(missing)}))
    if len(scores) == 0:
        raise RankingError(Problem("rank.no_scores"))
    out = pd.DataFrame(
        {
            "judge_id": _as_text(scores["judge_id"]),
            "entry_id": _as_text(scores["entry_id"]),
            "criterion": _as_text(scores["criterion"]),
            "score": pd.to_numeric(scores["score"], errors="coerce").astype(float),
            "track": _as_text(scores["track"]) if "track" in scores.columns else "",
            "round": _as_text(scores["round"]) if "round" in scores.columns else "",
        }
    )
    problems: list[Problem] = []
    known = {name: rubric.resolve_criterion(name) for name in out["criterion"].unique()}
    out["criterion"] = out["criterion"].map(known)
    rows = np.arange(len(out)) + 2
    for row, name in zip(rows[out["criterion"].isna().to_numpy()],
                         _as_text(scores["criterion"])[out["criterion"].isna()], strict=True):
        problems.append(Problem("rank.unknown_criterion",
                                {"value": name, "allowed": ", ".join(rubric.criterion_keys)},
                                row=int(row), column="criterion"))
    bad_number = ~np.isfinite(out["score"].to_numpy())
    for row in rows[bad_number]:
        problems.append(Problem("rank.score_not_number", {}, row=int(row), column="score"))
    lo, hi = rubric.scale.min, rubric.scale.max
    values = out["score"].to_numpy()
    off_scale = ~bad_number & ((values < lo) | (values > hi))
    for row, value in zip(rows[off_scale], values[off_scale], strict=True):
        problems.append(Problem("rank.score_off_scale", {"value": f"{value:g}", "min": f"{lo:g}", "max": f"{hi:g}"},
                                row=int(row), column="score"))
    for column in ("judge_id", "entry_id"):
        for row in rows[(out[column] == "").to_numpy()]:
            problems.append(Problem("rank.empty_id", {}, row=int(row), column=column))
    if not problems:
        dup = out.duplicated(["round", "judge_id", "entry_id", "criterion"], keep="first").to_numpy()
        for row in rows[dup]:
            problems.append(Problem("rank.duplicate_score", {}, row=int(row)))
        tracks = out.groupby("entry_id", sort=False)["track"].nunique()
        for entry in tracks.index[tracks.to_numpy() > 1]:
            problems.append(Problem("rank.entry_two_tracks", {"entry": entry}))
    if problems:
        raise RankingError(problems[:MAX_LISTED_PROBLEMS])
    # ids as categoricals: every later group-by, factorize and duplicate check works on integer codes
    for column in ("judge_id", "entry_id", "criterion", "track", "round"):
        out[column] = out[column].astype("category")
    return out


def sheet_totals(*, scores: pd.DataFrame, rubric: Rubric, checked: bool = False) -> pd.DataFrame:
    """One row per score sheet: the weighted total on the rubric scale.

    ``total = Σ_c w_c x_c / Σ_c w_c`` over the criteria the sheet has, so a sheet with a missing
    criterion is averaged over the criteria present (and counted in ``n_criteria``); a complete
    sheet gives exactly ``judging.core.scoring.weighted_total``.

    Returns columns ``round, judge_id, entry_id, track, total, n_criteria`` (sheets in order of
    first appearance). ``checked=True`` skips the checks for a frame from ``normalise_scores``.
    """
    long = scores if checked else normalise_scores(scores=scores, rubric=rubric)
    weights = long["criterion"].map(rubric.weights).to_numpy(dtype=float)
    codes = [pd.factorize(long[c], sort=False) for c in ("round", "judge_id", "entry_id")]
    key = (codes[0][0].astype(np.int64) * len(codes[1][1]) + codes[1][0]) * len(codes[2][1]) + codes[2][0]
    sheet_code, first = pd.factorize(key, sort=False)
    n = len(first)
    weighted = np.bincount(sheet_code, long["score"].to_numpy(dtype=float) * weights, n)
    weight = np.bincount(sheet_code, weights, n)
    first_row = np.full(n, len(long))
    np.minimum.at(first_row, sheet_code, np.arange(len(long)))
    head = long.iloc[first_row]
    return pd.DataFrame({
        "round": head["round"].to_numpy(), "judge_id": head["judge_id"].to_numpy(),
        "entry_id": head["entry_id"].to_numpy(), "track": head["track"].to_numpy(),
        "total": weighted / weight, "n_criteria": np.bincount(sheet_code, minlength=n),
    })


def criterion_means(*, scores: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Mean raw score per entry and criterion (columns are criterion keys), used by tie-breaks."""
    long = normalise_scores(scores=scores, rubric=rubric)
    table = long.pivot_table(index="entry_id", columns="criterion", values="score", aggfunc="mean")
    return table.reindex(columns=list(rubric.criterion_keys))
