"""Intervals for each entry's score and rank from draws."""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_DRAWS = 200  # enough for stable 95% intervals of ranks (±1 rank at the tails) in well under a second
MAX_DRAW_CELLS = 10_000_000  # draws × entries; above it the default draws shrink (100 draws at 100,000 entries)
MIN_DRAWS = 50


def default_draws(n_entries: int) -> int:
    """``DEFAULT_DRAWS``, fewer for very large contests (memory and time), never below ``MIN_DRAWS``."""
    return int(min(DEFAULT_DRAWS, max(MIN_DRAWS, MAX_DRAW_CELLS // max(n_entries, 1))))
DEFAULT_LEVEL = 0.95


def _tails(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper equal-tailed quantiles over axis 0 (inverted CDF; sorts each column once)."""
    ordered = np.sort(np.ascontiguousarray(values.T), axis=1)
    k = values.shape[0]
    tail = (1.0 - level) / 2.0
    lo = min(max(int(np.ceil(tail * k)) - 1, 0), k - 1)
    hi = min(max(int(np.ceil((1.0 - tail) * k)) - 1, 0), k - 1)
    return ordered[:, lo], ordered[:, hi]


def score_intervals(draws: np.ndarray, *, level: float = DEFAULT_LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed interval per entry from ``draws`` of shape ``(n_draws, n_entries)``."""
    return _tails(draws, level)


def rank_intervals(draws: np.ndarray, *, groups: np.ndarray, level: float = DEFAULT_LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed interval of each entry's rank within its group (rank 1 is best) over the draws."""
    n_draws, n = draws.shape
    ranks = np.empty((n_draws, n), dtype=np.int32)
    for g in pd.unique(groups):
        idx = np.flatnonzero(groups == g)
        whole = len(idx) == n  # one track: no copies at all
        block = draws if whole else draws[:, idx]
        out = ranks if whole else np.empty((n_draws, len(idx)), dtype=np.int32)
        positions = np.arange(1, len(idx) + 1, dtype=np.int32)
        for d in range(n_draws):  # one argsort per draw: cache-friendly, and draws are continuous (no ties)
            out[d, np.argsort(-block[d])] = positions
        if not whole:
            ranks[:, idx] = out
    low, high = _tails(ranks, level)
    return low.astype(np.int64), high.astype(np.int64)
