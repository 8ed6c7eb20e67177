"""Judge noise from the criterion scores: the calibrated fit with and without ``criterion_noise``.

Every simulated contest is built once and fitted twice (paired): ``old`` is ``fit_calibrated(design,
criterion_noise=False)`` (the totals alone), ``new`` the same design with the sheets' criterion scores
(``Design.criteria``, as ``rank()`` builds it). Prints Kendall tau to the true quality, the paired
difference new − old with its 95% interval (mean ± 1.96 sd / √n), and the correlation of the judges'
fitted noise SD with the true one (0 where a fit gave every judge the same noise).

Usage: ``python benchmarks/criterion_noise.py [--seeds 20] [--regimes sparse3,sparse] [--option k=v ...]``
(``--option`` passes keyword options to the new fit, e.g. ``criterion_consistency=0``; ``--halo 0.1``
makes a tenth of the judges give every criterion of a sheet the same score, a case the simulator lacks).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

sys.path.insert(0, str(Path(__file__).parent))
from ranking_fidelity import _design, _fit_or_none  # noqa: E402

from judging.core.ranking.calibrated import fit_calibrated  # noqa: E402
from judging.core.simulate import DEFAULT_WEIGHTS, REGIMES, simulate_contest  # noqa: E402


def _noise_r(fit, design, sim) -> float:
    if fit is None:
        return np.nan
    at = pd.Index(design.judge_ids).get_indexer(sim.judges["judge_id"])
    est = fit.judge_noise[at]
    if np.ptp(est) < 1e-9 * est.mean():
        return 0.0
    return float(np.corrcoef(est, sim.judges["noise"].to_numpy())[0, 1])


def with_halo(sim, share: float, seed: int):
    """A share of the judges (drawn per seed) give every criterion of a sheet the sheet's rounded weighted
    total: no spread between criteria, whatever their noise (the halo effect)."""
    rng = np.random.default_rng(10_000 + seed)
    judges = sim.judges["judge_id"].to_numpy()
    halo = set(judges[rng.random(len(judges)) < share])
    scores = sim.scores.copy()
    w = scores["criterion"].map(DEFAULT_WEIGHTS) / sum(DEFAULT_WEIGHTS.values())
    total = (scores["score"] * w).groupby([scores["judge_id"], scores["entry_id"]]).transform("sum")
    rows = scores["judge_id"].isin(halo).to_numpy()
    scores.loc[rows, "score"] = np.round(total[rows])
    return type(sim)(scores=scores, truth=sim.truth, judges=sim.judges)


def run(regime: str, seeds: int, options: dict, halo: float = 0.0) -> dict:
    start = time.perf_counter()
    tau = {"old": [], "new": []}
    noise = {"old": [], "new": []}
    used = 0
    for seed in range(seeds):
        sim = simulate_contest(regime=regime, seed=seed)
        if halo > 0:
            sim = with_halo(sim, halo, seed)
        design = _design(sim.scores)  # as ranking_fidelity.py and rank() build it
        truth = sim.truth.set_index("entry_id").loc[design.entry_ids, "true_quality"].to_numpy()
        fits = {"old": _fit_or_none(lambda d: fit_calibrated(d, criterion_noise=False), design),
                "new": _fit_or_none(lambda d: fit_calibrated(d, criterion_noise=True, **options), design)}
        if fits["new"] is not None:
            used += "criterion_noise_judges" in fits["new"].details
        for name, fit in fits.items():
            tau[name].append(np.nan if fit is None else kendalltau(fit.score, truth)[0])
            noise[name].append(_noise_r(fit, design, sim))
    old, new = np.array(tau["old"]), np.array(tau["new"])
    ok = np.isfinite(old) & np.isfinite(new)
    d = new[ok] - old[ok]
    mean, half = d.mean(), 1.96 * d.std(ddof=1) / np.sqrt(len(d))
    print(f"{regime:>11}  old {np.nanmean(old):.4f}  new {np.nanmean(new):.4f}  new − old {mean:+.4f} "
          f"[{mean - half:+.4f}, {mean + half:+.4f}]  noise r old {np.nanmean(noise['old']):.2f} "
          f"new {np.nanmean(noise['new']):.2f}  used {used}/{seeds}  failed {int((~ok).sum())}  ({time.perf_counter() - start:.0f} s)",
          flush=True)
    return {"regime": regime, "old": old, "new": new}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--regimes", default="sparse3,sparse")
    parser.add_argument("--option", action="append", default=[])
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE: a constant of calibrated.py")
    parser.add_argument("--halo", type=float, default=0.0, help="share of judges scoring every criterion alike")
    args = parser.parse_args()
    options = {k: float(v) if v.replace(".", "", 1).isdigit() else v
               for k, v in (o.split("=", 1) for o in args.option)}
    import judging.core.ranking.calibrated as calibrated

    for item in args.set:
        name, value = item.split("=", 1)
        setattr(calibrated, name, type(getattr(calibrated, name))(value))
    if args.set:
        calibrated._consistent_judges.__defaults__ = (calibrated.CRITERION_CONSISTENCY_ALPHA,)
        calibrated.criterion_noise_evidence.__kwdefaults__["sweeps"] = calibrated.CRITERION_SWEEPS
        print("constants:", ", ".join(args.set))
    print(f"seeds 0..{args.seeds - 1}, new options {options}" + (f", halo judges {args.halo:.0%}" if args.halo else ""))
    for regime in args.regimes.split(","):
        if regime not in REGIMES:
            raise SystemExit(f"unknown regime {regime}")
        run(regime, args.seeds, options, args.halo)


if __name__ == "__main__":
    main()
