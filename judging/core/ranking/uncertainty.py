"""Intervals for each entry's score and rank from draws, and the award-boundary flags."""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_DRAWS = 200  # enough for stable 95% intervals of ranks (±1 rank at the tails) in well under a second
DEFAULT_LEVEL = 0.95
BOUNDARY_CONFIDENCE = 0.8  # below 80% paired certainty the order across a boundary is close to a coin flip;
# at 95% nearly every awarded entry of a simulated 5-judge contest was flagged, which no panel can review


def score_intervals(draws: np.ndarray, *, level: float = DEFAULT_LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed interval per entry from ``draws`` of shape ``(n_draws, n_entries)``."""
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(draws, [tail, 1.0 - tail], axis=0)
    return low, high


def rank_intervals(draws: np.ndarray, *, groups: np.ndarray, level: float = DEFAULT_LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed interval of each entry's rank within its group (rank 1 is best) over the draws."""
    n_draws, n = draws.shape
    ranks = np.empty((n_draws, n), dtype=np.int64)
    for g in pd.unique(groups):
        idx = np.flatnonzero(groups == g)
        order = np.argsort(-draws[:, idx], axis=1, kind="stable")
        sub = np.empty_like(order)
        np.put_along_axis(sub, order, np.arange(1, len(idx) + 1)[None, :], axis=1)
        ranks[:, idx] = sub
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(ranks, [tail, 1.0 - tail], axis=0, method="inverted_cdf")
    return low.astype(np.int64), high.astype(np.int64)


def boundary_flags(*, score: np.ndarray, draws: np.ndarray, tier_rank: np.ndarray, groups: np.ndarray,
                   awarded: np.ndarray, level: float = BOUNDARY_CONFIDENCE) -> np.ndarray:
    """Entries that cannot be told apart from an entry on the other side of a tier boundary.

    ``tier_rank`` orders tiers (0 = best, larger = lower, no award = last); ``awarded`` marks
    entries taking part in the allocation. At every boundary inside a group, an entry above is
    flagged when the draws do not put it above the best entry below the boundary with probability
    ``level``, and an entry below when they do not put the lowest entry above the boundary ahead
    of it with that probability (paired draws, so shared judge uncertainty cancels).
    """
    flag = np.zeros(len(score), dtype=bool)
    for g in pd.unique(groups):
        idx = np.flatnonzero((groups == g) & awarded)
        levels = np.unique(tier_rank[idx])
        for above_level in levels[:-1]:
            above = idx[tier_rank[idx] <= above_level]
            below = idx[tier_rank[idx] > above_level]
            last_above = above[np.argmin(score[above])]
            first_below = below[np.argmax(score[below])]
            p_above = np.mean(draws[:, above] > draws[:, [first_below]], axis=0)
            p_below = np.mean(draws[:, [last_above]] > draws[:, below], axis=0)
            unclear_above, unclear_below = above[p_above < level], below[p_below < level]
            if len(unclear_above) or len(unclear_below):
                flag[unclear_above] = True
                flag[unclear_below] = True
                flag[[last_above, first_below]] = True
    return flag
