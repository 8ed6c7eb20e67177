"""What the results pages show, computed without Streamlit: award boundaries, the entries the
panel must look at, and how ranks and tiers move between methods (data for tables and charts)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from judging.core.ranking.decisions import REASON_KEYS
from judging.i18n import t

PANEL_FLAGS = ("veto", "tie", "boundary", "disagreement", "below_min_score", "missing_round", "single_judge",
               "incomplete_sheet")  # every flag the engine raises is something the panel decides on
MOVES_TOP_N = 15  # the bump chart follows the entries near the top of each method, plus every tier change


def flag_codes(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [c for c in str(value).split(";") if c]


def award_boundaries(table: pd.DataFrame, tier_order: Sequence[str]) -> pd.DataFrame:
    """Per track and consecutive pair of tiers present, the score half-way between the lowest entry
    of the better tier and the highest entry below it: ``track, tier, boundary``."""
    rows = []
    rank_of = {k: i for i, k in enumerate(tier_order)}
    for track, group in table.groupby("track", sort=False):
        tiers = group["tier"].fillna("").astype(str)
        for key in tier_order:
            inside = group.loc[tiers == key, "score"]
            below = group.loc[tiers.map(lambda k: rank_of.get(k, len(tier_order))) > rank_of[key], "score"]
            if len(inside) and len(below):
                rows.append({"track": track, "tier": key,
                             "boundary": (float(inside.min()) + float(below.max())) / 2})
    return pd.DataFrame(rows, columns=["track", "tier", "boundary"])


def panel_items(table: pd.DataFrame) -> pd.DataFrame:
    """The entries with a flag for the panel (ties, boundaries, disagreement, vetoes ...), one row per
    entry with ``codes`` (list), in track and rank order."""
    codes = table["flags"].map(flag_codes)
    keep = codes.map(lambda c: any(code in PANEL_FLAGS for code in c))
    out = table.loc[keep].copy()
    out["codes"] = codes[keep]
    return out.reset_index(drop=True)


def discuss_words(value: object, lang: str = "zh") -> str:
    """The must-discuss reasons (``discuss`` column, ``;``-separated codes) in words."""
    return "；".join(t(REASON_KEYS[code], lang) for code in flag_codes(value) if code in REASON_KEYS)


def tier_probability_long(table: pd.DataFrame, tiers: Sequence[tuple[str, str]], *, no_award: str) -> pd.DataFrame:
    """Long data for the tier-probability chart: ``label, order, tier, p`` per entry and tier (``tiers``:
    key and label, best first; the engine's ``p_tier_none`` becomes ``no_award``)."""
    labels = [f"{r}. {e}" for r, e in zip(table["rank"], table["entry_id"], strict=True)]
    parts = []
    for order, (key, label) in enumerate([*tiers, ("none", no_award)]):
        column = f"p_tier_{key}"
        if column in table:
            parts.append(pd.DataFrame({"label": labels, "order": order, "tier": label,
                                       "p": table[column].to_numpy(dtype=float)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["label", "order", "tier", "p"])


def method_moves(comparison: pd.DataFrame, methods: Sequence[str], *, top_n: int = MOVES_TOP_N) -> pd.DataFrame:
    """Long data for the bump chart: ``entry_id, track, method, rank, tier, tier_changes``.

    Kept: entries ranked within ``top_n`` of their track by any method, and every entry whose tier
    differs between methods.
    """
    ranks = comparison[[f"rank_{m}" for m in methods]]
    tiers = comparison[[f"tier_{m}" for m in methods]].fillna("")
    changes = tiers.nunique(axis=1) > 1
    near_top = (ranks <= top_n).any(axis=1)
    chosen = comparison[changes | near_top]
    rows = []
    for method in methods:
        rows.append(pd.DataFrame({
            "entry_id": chosen["entry_id"], "track": chosen["track"], "method": method,
            "rank": chosen[f"rank_{method}"], "tier": chosen[f"tier_{method}"].fillna(""),
            "tier_changes": changes[chosen.index],
        }))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["entry_id", "track", "method", "rank", "tier", "tier_changes"])


def side_by_side(comparison: pd.DataFrame, methods: Sequence[str]) -> pd.DataFrame:
    """One row per entry: rank and tier under every method, and ``tier_changes`` when they differ."""
    columns = ["entry_id", "track"] + [c for m in methods for c in (f"rank_{m}", f"tier_{m}")]
    out = comparison[columns].copy()
    tiers = out[[f"tier_{m}" for m in methods]].fillna("")
    out["tier_changes"] = tiers.nunique(axis=1) > 1
    return out


def list_digest(table: pd.DataFrame) -> str:
    """A short digest of a list's content, to key caches of exports rendered from it."""
    data = pd.util.hash_pandas_object(table.astype(str), index=False).to_numpy().tobytes()
    return hashlib.sha256(data).hexdigest()[:16]
