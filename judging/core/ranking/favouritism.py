"""Does a judge favour one organisation's entries? A judge × organisation residual check.

A colluding judge who adds a few points to one organisation's entries moves them up several ranks
while the overall agreement with the truth barely moves (RANKING.md: about 4 ranks against 0.004
tau), so the check looks at each judge's sheets per organisation (and per recommending unit).

Each sheet's residual against the fitted model, ``e = y − (μ + a_j + s_j q_i)``, is turned into a
deleted residual (the sheet left out of its own entry's estimate, to first order ``e / (1 − h)``
with ``h = w_ij / prec_i`` the sheet's share of its entry's precision) and standardised by the
judge's noise, ``z = e / (σ_j √(1 − h))``. For a judge with ``k ≥ MIN_SHEETS`` sheets of one
group, ``Z = Σ z / √k`` is standard normal when the judge treats the group like any other; the
one-sided p-values (favour: ``Z`` large) are adjusted for the number of (judge, group) pairs tested (Benjamini–Hochberg),
and a pair is flagged below ``FAVOUR_ALPHA``. The offset ``a_j`` already takes out a judge who is lenient
with everybody.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from judging.core.ranking.api import METHODS, check_method
from judging.core.ranking.design import Design, build_design, check_connected
from judging.core.ranking.methods import MethodFit
from judging.core.ranking.totals import sheet_totals
from judging.core.rubric import Rubric

MIN_SHEETS = 2  # one sheet cannot tell favour from noise; with two a bonus of ~2 noise SDs shows
FAVOUR_ALPHA = 0.05  # false-discovery rate over the pairs tested: a flag names a judge, so false ones must be
# rare (simulated fair contests: see benchmarks/ranking_fidelity.py --favouritism, "other pairs flagged")
GROUP_KINDS = ("organisation", "recommending_unit")
COLUMNS = ["judge_id", "kind", "group", "n_sheets", "mean_residual", "z", "p_adjusted", "flagged"]


def _benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (flagging below ``α`` keeps the false share of flags at ``α``)."""
    order = np.argsort(p)
    scaled = p[order] * len(p) / np.arange(1, len(p) + 1)
    adjusted = np.empty_like(p)
    adjusted[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return adjusted


def deleted_residuals(design: Design, fit: MethodFit) -> tuple[np.ndarray, np.ndarray]:
    """Per sheet, the residual with the sheet left out of its entry's estimate (points) and its z-score."""
    j, i = design.judge, design.entry
    if fit.predict is None:
        raise ValueError("this fit gives no predictions to take residuals from")
    resid = design.y - fit.predict(j, i)
    noise = fit.judge_noise if fit.judge_noise is not None else np.full(design.n_judges, np.std(resid) or 1.0)
    scale = fit.judge_scale if fit.judge_scale is not None else np.ones(design.n_judges)
    tau = float(fit.details.get("tau", np.inf)) or np.inf
    w = (scale[j] / np.maximum(noise[j], 1e-9)) ** 2
    prec = 1.0 / tau**2 + np.bincount(i, w, design.n_entries)
    h = np.clip(w / prec[i], 0.0, 0.95)
    deleted = resid / (1.0 - h)
    return deleted, resid / (np.maximum(noise[j], 1e-9) * np.sqrt(1.0 - h))


def favouritism_table(design: Design, fit: MethodFit, groups: dict[str, np.ndarray], *,
                      min_sheets: int = MIN_SHEETS, alpha: float = FAVOUR_ALPHA) -> pd.DataFrame:
    """One row per (judge, kind, group) with at least ``min_sheets`` sheets, most suspicious first.

    ``groups`` maps a kind (``organisation``, ``recommending_unit``) to each entry's group label,
    in the design's entry order (empty labels are skipped). Columns: ``COLUMNS``.
    """
    deleted, z = deleted_residuals(design, fit)
    parts = []
    for kind, labels in groups.items():
        label = np.asarray(labels, dtype=object)[design.entry]
        frame = pd.DataFrame({"judge": design.judge, "group": label, "deleted": deleted, "z": z})
        frame = frame[frame["group"].astype(str).str.strip() != ""]
        stats = frame.groupby(["judge", "group"]).agg(n_sheets=("z", "size"), mean_residual=("deleted", "mean"),
                                                      z_sum=("z", "sum")).reset_index()
        stats = stats[stats["n_sheets"] >= min_sheets]
        stats["kind"] = kind
        parts.append(stats)
    if not parts or not sum(len(p) for p in parts):
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["z"] = out["z_sum"] / np.sqrt(out["n_sheets"])
    out["p_adjusted"] = _benjamini_hochberg(ndtr(-out["z"].to_numpy()))  # one-sided: favour, not disfavour
    out["flagged"] = out["p_adjusted"] < alpha
    out["judge_id"] = design.judge_ids[out["judge"].to_numpy()]
    out = out.sort_values(["p_adjusted", "judge_id", "kind", "group"], kind="stable").reset_index(drop=True)
    return out[COLUMNS]


def favouritism(scores: pd.DataFrame, rubric: Rubric, entries: pd.DataFrame, *, method: str = "calibrated",
                min_sheets: int = MIN_SHEETS, alpha: float = FAVOUR_ALPHA) -> pd.DataFrame:
    """The favouritism check of a long score table (each round on its own; a ``round`` column is added).

    ``entries`` gives ``entry_id`` and any of ``organisation``, ``recommending_unit``; ``method`` must
    model the judges (``calibrated``, ``additive``, ``linear``). Raises what ``rank`` raises for bad
    scores or a disconnected judge–entry graph.
    """
    check_method(method)
    totals = sheet_totals(scores=scores, rubric=rubric)
    info = entries.assign(entry_id=entries["entry_id"].astype(str).str.strip()).drop_duplicates("entry_id")
    info = info.set_index("entry_id")
    out = []
    for name, part in totals.groupby("round", sort=False):
        design = build_design(part)
        check_connected(design)
        fit = METHODS[method](design)
        groups = {kind: info[kind].reindex(design.entry_ids).fillna("").astype(str).to_numpy()
                  for kind in GROUP_KINDS if kind in info}
        out.append(favouritism_table(design, fit, groups, min_sheets=min_sheets, alpha=alpha).assign(round=name))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=[*COLUMNS, "round"])
