"""The live final (路演答辩): each judge's mark for an entry and the entry's score, announced on the spot.

Pure: the long score table of the entries closed so far in, marks and scores out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from judging.core.ranking import AwardConfig, rank, sheet_totals
from judging.core.rubric import Rubric
from judging.errors import JudgingError

FALLBACK_METHOD = "trimmed"  # when the configured method cannot run yet (e.g. calibrated on two entries)
LIVE_DRAWS = 50  # the big screen shows point scores only


@dataclass(frozen=True)
class LiveResult:
    entry_id: str
    marks: dict[str, float]  # judge → weighted total of a complete sheet
    score: float | None
    method: str  # the method that produced ``score``


def live_result(scores: pd.DataFrame, rubric: Rubric, *, entry_id: str, method: str) -> LiveResult:
    """The marks of ``entry_id`` and its score under ``method`` fitted on every closed entry so far.

    Only complete sheets count (a judge who scored half the criteria has not given a mark). The
    calibrated and other judge-adjusting methods need several entries; until they can run, the
    trimmed mean (去掉一个最高分和一个最低分) is announced and ``method`` says so.
    """
    if scores.empty:
        return LiveResult(entry_id, {}, None, method)
    totals = sheet_totals(scores=scores, rubric=rubric)
    complete = totals[totals["n_criteria"] == len(rubric.criteria)]
    keep = set(zip(complete["judge_id"], complete["entry_id"], strict=True))
    scores = scores[[(j, e) in keep for j, e in zip(scores["judge_id"], scores["entry_id"], strict=True)]]
    mine = complete[complete["entry_id"] == entry_id]
    marks = {str(j): float(t) for j, t in zip(mine["judge_id"], mine["total"], strict=True)}
    if not marks:
        return LiveResult(entry_id, {}, None, method)
    for name in dict.fromkeys((method, FALLBACK_METHOD)):
        try:
            table = rank(scores, rubric, method=name, awards=AwardConfig(tiers=()), n_draws=LIVE_DRAWS).table
        except JudgingError:
            continue
        row = table[table["entry_id"] == entry_id]
        if len(row) and np.isfinite(row["score"].iloc[0]):
            return LiveResult(entry_id, marks, float(row["score"].iloc[0]), name)
    return LiveResult(entry_id, marks, float(np.mean(list(marks.values()))), "raw")
