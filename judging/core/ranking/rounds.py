"""Combining review rounds (初评 / 复评 / 终评): each normalised within its round, then weighted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RoundScores:
    """One round's entry scores on the rubric scale, with draws aligned to ``entry_ids``."""

    name: str
    method: str
    entry_ids: np.ndarray
    score: np.ndarray
    draws: np.ndarray
    low: np.ndarray
    high: np.ndarray


def combine_rounds(rounds: list[RoundScores], weights: Mapping[str, float], *, entry_ids: np.ndarray):
    """Weighted final score ``Σ_r w_r score_r / Σ_r w_r`` for entries scored in every weighted round.

    Draws combine the same way (rounds have different judges, so their errors are independent).
    Entries missing from a weighted round get NaN. Returns ``(score, draws, provenance)`` where
    ``provenance`` has one row per entry and round: ``entry_id, round, weight, method, score,
    score_low, score_high``.
    """
    total = sum(weights[r.name] for r in rounds)
    n_draws = min(r.draws.shape[0] for r in rounds)
    score = np.zeros(len(entry_ids))
    draws = np.zeros((n_draws, len(entry_ids)))
    present = np.ones(len(entry_ids), dtype=bool)
    rows = []
    index = pd.Index(entry_ids)
    for r in rounds:
        w = weights[r.name] / total
        pos = index.get_indexer(r.entry_ids)
        here = np.zeros(len(entry_ids), dtype=bool)
        here[pos] = True
        present &= here
        full = np.zeros(len(entry_ids))
        full[pos] = r.score
        score += w * full
        full_draws = np.zeros((n_draws, len(entry_ids)))
        full_draws[:, pos] = r.draws[:n_draws]
        draws += w * full_draws
        rows.append(pd.DataFrame({"entry_id": r.entry_ids, "round": r.name, "weight": weights[r.name],
                                  "method": r.method, "score": r.score, "score_low": r.low, "score_high": r.high}))
    score[~present] = np.nan
    draws[:, ~present] = np.nan
    return score, draws, pd.concat(rows, ignore_index=True)
