"""Per-judge diagnostics (severity, scale, noise, consistency) and per-entry disagreement."""

from __future__ import annotations

import numpy as np
import pandas as pd

from judging.core.ranking.design import Design
from judging.core.ranking.methods import MethodFit

MIN_SHEETS_FOR_SLOPE = 3  # a scale and a correlation need at least three points
ERRATIC_NOISE_RATIO = 2.0  # a judge noisier than twice the typical judge is flagged for a look
NARROW_SCALE = 0.5  # a judge using less than half the usual spread


def judge_diagnostics(design: Design, fit: MethodFit) -> pd.DataFrame:
    """One row per judge: how they score compared with the method's entry scores.

    ``severity`` is the judge's offset in scale points (negative = harsh), ``scale`` how much of
    the entries' spread the judge uses (1 = like the consensus), ``noise`` the SD of what the
    judge's scores do not explain, ``consistency`` the correlation of the judge's totals with the
    entry scores. Where the method models judges (additive, linear, calibrated) its own estimates
    are reported; otherwise they come from a per-judge regression on the method's scores.
    """
    jj = design.judge
    J = design.n_judges
    n = design.judge_counts().astype(float)
    x = fit.score[design.entry]
    y = design.y
    mx, my = np.bincount(jj, x, J) / n, np.bincount(jj, y, J) / n
    dx, dy = x - mx[jj], y - my[jj]
    sxx, syy, sxy = np.bincount(jj, dx * dx, J), np.bincount(jj, dy * dy, J), np.bincount(jj, dx * dy, J)
    enough = (n >= MIN_SHEETS_FOR_SLOPE) & (sxx > 0)
    slope = np.where(enough, sxy / np.where(enough, sxx, 1.0), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.where(enough & (syy > 0), sxy / np.sqrt(sxx * syy), np.nan)
    severity = fit.judge_offset if fit.judge_offset is not None else my - mx
    scale = fit.judge_scale if fit.judge_scale is not None else slope
    if fit.judge_noise is not None:
        noise = fit.judge_noise
    else:
        resid = y - (my[jj] + np.nan_to_num(slope, nan=1.0)[jj] * dx)
        noise = np.sqrt(np.bincount(jj, resid**2, J) / np.maximum(n - 1, 1))
    typical = np.nanmedian(noise) if len(noise) else np.nan
    flags = []
    for k in range(J):
        f = []
        if noise[k] > ERRATIC_NOISE_RATIO * typical:
            f.append("erratic")
        if scale[k] < NARROW_SCALE:
            f.append("narrow")
        flags.append(";".join(f))
    return pd.DataFrame({
        "judge_id": design.judge_ids, "n_sheets": n.astype(int), "mean_total": my,
        "severity": severity, "scale": scale, "noise": noise, "consistency": corr, "flags": flags,
    })


def entry_spread(design: Design, values: np.ndarray | None = None) -> pd.DataFrame:
    """Per entry: number of judges, mean, and the range and SD of ``values`` (default the totals).

    The ranking passes totals with each judge's estimated severity removed, so that a harsh and a
    lenient judge agreeing on an entry's merit do not count as a disagreement.
    """
    frame = pd.DataFrame({"e": design.entry, "y": design.y if values is None else values})
    g = frame.groupby("e")["y"]
    stats = g.agg(["size", "mean", "min", "max", "std"]).reindex(range(design.n_entries))
    return pd.DataFrame({
        "entry_id": design.entry_ids, "n_judges": stats["size"].to_numpy(dtype=int),
        "raw_mean": stats["mean"].to_numpy(), "judge_range": (stats["max"] - stats["min"]).to_numpy(),
        "judge_sd": stats["std"].to_numpy(),
    })
