"""The offsets' prior where no judge stands out: paired tau of the default against the t prior always.

For every regime and seed, the same simulated contest is fitted with the default (``calibrated``: Gaussian
offsets unless some judge's offset stands out, ``OUTLIER_ALPHA``) and with the earlier form (t prior always,
``outlier_alpha=np.inf``); prints mean Kendall tau to the true quality and the paired 95% intervals of
new − old and of both minus the raw mean, and in how many contests the prior was Gaussian.

Usage: ``python benchmarks/offset_prior.py --replications 20 [--regimes nips,random] [--first-seed 0]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.stats import kendalltau

from benchmarks.ranking_fidelity import _interval, _totals
from judging.core.ranking.calibrated import OUTLIER_ALPHA, fit_calibrated_model
from judging.core.ranking.design import build_design
from judging.core.simulate import REGIMES, simulate_contest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regimes", default=",".join(REGIMES))
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0)
    args = parser.parse_args()
    for regime in [r for r in args.regimes.split(",") if r]:
        start = time.perf_counter()
        raw, new, old, gaussian = [], [], [], 0
        for seed in range(args.first_seed, args.first_seed + args.replications):
            sim = simulate_contest(regime=regime, seed=seed)
            design = build_design(_totals(sim.scores))
            truth = sim.truth.set_index("entry_id").loc[design.entry_ids, "true_quality"].to_numpy()
            fit_new, fit_old = fit_calibrated_model(design), fit_calibrated_model(design, outlier_alpha=np.inf)
            gaussian += fit_new.tests["offset_outlier_p"] >= OUTLIER_ALPHA
            raw.append(kendalltau(design.entry_mean(design.y), truth)[0])
            new.append(kendalltau(fit_new.q, truth)[0])
            old.append(kendalltau(fit_old.q, truth)[0])
        raw, new, old = np.array(raw), np.array(new), np.array(old)
        print(f"{regime:>11} ({args.replications} seeds from {args.first_seed}, {time.perf_counter() - start:.0f} s): "
              f"raw {raw.mean():.4f} old {old.mean():.4f} new {new.mean():.4f} (Gaussian in {gaussian}); "
              f"new − old {_interval(new - old)}; new − raw {_interval(new - raw)}; old − raw {_interval(old - raw)}",
              flush=True)


if __name__ == "__main__":
    main()
