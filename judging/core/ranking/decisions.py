"""What the panel must decide: each entry's tier probabilities and the must-discuss list, from the draws.

Every draw of the posterior is a plausible contest; allocating the tiers in it the way the list
does (per track, the same number of entries per tier as the list gives) says how often each entry
lands in each tier. From these probabilities the must-discuss list takes:

- ``coin_flip``: the entries whose assigned tier has probability below ``COIN_FLIP``;
- ``gross_risk``: the entries two or more tiers away from their assigned tier with probability at
  least ``GROSS_RISK``;
- ``error_budget``: at every tier boundary in turn (the same boundary in every track counted
  together), the entries most likely to be on the wrong side of it that are not on the list yet, until
  the expected number of wrong-side entries left off the list is at most ``budget × quota`` (``quota``
  the places above that boundary, summed over the tracks: a boundary decides who is in each track's
  top places). An entry listed for another reason is on the list, not left off it.

A panel reads the list; the probabilities are calibrated on simulated contests
(``benchmarks/ranking_fidelity.py`` prints predicted and observed tier errors).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DISCUSS_BUDGET = 0.2  # expected wrong-side entries left off the list, as a share of each boundary's tier
# quota: at 20% the simulated contests listed 5–13% of the entries (RANKING.md, "Decisions, not flags")
COIN_FLIP = 0.5  # the assigned tier is less likely than all the others together: about half truly misassigned
GROSS_RISK = 0.05  # one chance in twenty of being two or more tiers off is worth a look whatever the budget
DISCUSS_REASONS = ("error_budget", "coin_flip", "gross_risk")
REASON_KEYS = {"error_budget": "rank.discuss.error_budget", "coin_flip": "rank.discuss.coin_flip",
               "gross_risk": "rank.discuss.gross_risk"}  # the text of each reason in the translation table


def tier_probabilities(draws: np.ndarray, *, groups: np.ndarray, tier: np.ndarray, n_tiers: int,
                       taking_part: np.ndarray) -> np.ndarray:
    """Probability of each tier per entry, ``(n_entries, n_tiers + 1)``; the last column is no award.

    ``tier`` is each entry's assigned tier index (``0`` best, ``n_tiers`` no award). In every draw
    and group, the entries taking part are ordered by their drawn score and given tiers in the
    numbers the assigned list has in that group (ties in a draw all take the better tier); entries not taking part (vetoed, below the
    minimum score, without a score) get no award in every draw.
    """
    n_draws, n = draws.shape
    p = np.zeros((n, n_tiers + 1))
    p[~taking_part, n_tiers] = 1.0
    for g in pd.unique(groups):
        idx = np.flatnonzero((groups == g) & taking_part)
        if not len(idx):
            continue
        m = len(idx)
        places = np.cumsum(np.bincount(tier[idx], minlength=n_tiers + 1))[:n_tiers]  # places in tiers ≤ k
        block = draws[:, idx]
        # in each draw, the tier ≤ k goes to the places[k] highest: the threshold is the places[k]-th
        # largest drawn score (a partition, not a sort; draws are continuous, so no ties)
        kth = np.unique(np.clip(m - places, 0, m - 1))
        part = np.partition(block, kth, axis=1)
        at_most = np.zeros((m, n_tiers + 1))
        at_most[:, n_tiers] = 1.0
        for k in range(n_tiers):
            if places[k] == 0:
                continue
            threshold = part[:, m - places[k]][:, None]
            at_most[:, k] = np.mean(block >= threshold, axis=0)
        p[idx] = np.diff(at_most, axis=1, prepend=0.0)
    return p


def expected_tier(p: np.ndarray) -> np.ndarray:
    """The mean tier position over the draws, 1 = the best tier, ``n_tiers + 1`` = no award."""
    return p @ np.arange(1, p.shape[1] + 1, dtype=float)


def wrong_tier_probability(p: np.ndarray, tier: np.ndarray) -> np.ndarray:
    """Per entry, the probability that its assigned tier is not its tier (``1 − P(assigned)``)."""
    return 1.0 - p[np.arange(len(tier)), tier]


def must_discuss(p: np.ndarray, *, tier: np.ndarray, groups: np.ndarray, taking_part: np.ndarray,
                 budget: float = DISCUSS_BUDGET, coin_flip: float = COIN_FLIP,
                 gross_risk: float = GROSS_RISK) -> dict[str, np.ndarray]:
    """The must-discuss list: one boolean array per reason of ``DISCUSS_REASONS`` (see the module).

    ``p`` from ``tier_probabilities``; ``tier`` the assigned tier index. Only entries taking part
    can be listed (a veto or a missing score has its own flag).
    """
    n, levels = p.shape
    n_tiers = levels - 1
    rows = np.arange(n)
    assigned = p[rows, tier]
    distance = np.abs(np.arange(levels)[None, :] - tier[:, None])
    far = (p * (distance >= 2)).sum(axis=1)
    coin = (assigned < coin_flip) & taking_part
    gross = (far >= gross_risk) & taking_part
    cumulative = np.cumsum(p, axis=1)  # P(drawn tier ≤ k)
    on_list = coin | gross  # an entry already on the list for any reason is not left off it
    members = [np.flatnonzero((groups == g) & taking_part) for g in pd.unique(groups)]
    for k in range(n_tiers):
        # one budget per tier level over every track: a track of 30 entries with one 一等奖 alone would
        # have a budget of 0.2 entries and list nearly everyone near its boundary
        wrong_parts, index_parts, allowed = [], [], 0.0
        for idx in members:
            per_tier = np.bincount(tier[idx], minlength=levels)
            if per_tier[k] == 0 or per_tier[k + 1:].sum() == 0:
                continue  # no boundary here (an empty tier shares the boundary above it)
            wrong_parts.append(np.where(tier[idx] <= k, 1.0 - cumulative[idx, k], cumulative[idx, k]))
            index_parts.append(idx)
            allowed += budget * per_tier[: k + 1].sum()
        if not index_parts:
            continue
        wrong, idx = np.concatenate(wrong_parts), np.concatenate(index_parts)
        off = ~on_list[idx]
        wrong, idx = wrong[off], idx[off]
        order = np.argsort(-wrong, kind="stable")
        left_off = np.cumsum(wrong[order][::-1])[::-1]  # expected errors of order[m:], for each m
        m = int(np.argmax(np.append(left_off, 0.0) <= allowed + 1e-12))
        on_list[idx[order[:m]]] = True
    return {"error_budget": on_list & ~(coin | gross), "coin_flip": coin, "gross_risk": gross}


def discuss_text(reasons: dict[str, np.ndarray]) -> np.ndarray:
    """Per entry, the ``;``-joined reasons in ``DISCUSS_REASONS`` order (empty: not on the list)."""
    bits = np.zeros(len(reasons[DISCUSS_REASONS[0]]), dtype=np.int64)
    for bit, name in enumerate(DISCUSS_REASONS):
        bits |= np.asarray(reasons[name], dtype=np.int64) << bit
    combinations, which = np.unique(bits, return_inverse=True)
    texts = [";".join(name for bit, name in enumerate(DISCUSS_REASONS) if c >> bit & 1) for c in combinations]
    return np.array(texts, dtype=object)[which]
