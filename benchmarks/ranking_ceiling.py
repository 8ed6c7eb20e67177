"""How high can any ranking method go? Oracles against the default ``calibrated``, on simulated contests.

For each regime and seed (paired: every method sees the same contest) this prints Kendall tau to the
true quality of

* ``calibrated`` — the default, fitted to the weighted totals as ``ranking_fidelity.py`` does;
* ``blup_additive`` — the exact GLS/BLUP of the crossed additive model ``total = 70 + a_j + q_i + e``
  with the simulator's true variance components (severity SD, quality SD, the average residual variance
  including noise, erratic judges, scale variation and favour bonuses); what ``mixedlm`` would do if it
  knew the variance components instead of estimating them;
* ``bayes_totals`` — the posterior mean of quality under the simulator's own generating model with its
  true hyperparameters (judge offsets ~ N(0, severity_sd²), log scales ~ N(0, log_scale_sd²), noise SD ~
  U(noise) times ``erratic_factor`` with probability ``erratic_share``, favouring judges and favoured
  entries with their true shares and bonus), judges' own values unknown; Gibbs sampling, the weighted
  totals only;
* ``bayes_criteria`` — the same on the criterion scores (the within-sheet differences between criteria
  say something about a judge's scale and noise that the totals do not);
* ``known_totals`` / ``known_judges`` — every judge's true severity, scale, noise and whether it
  favours anyone taken from the simulator; the exact posterior mean of quality given them (Gaussian prior
  of quality, each judge's true noise, the unknown favoured entries as a mixture), on the totals and on
  the criterion scores.

What every oracle ignores: the scores' rounding to whole points is treated as Gaussian noise of
variance 1/12 per criterion, and clipping to the 0–100 scale is ignored (the share of clipped scores is
printed). The sparse regimes are linear (no power curve) and have one track, so nothing else is left out.
The posterior mean is the Bayes ranking for squared error, not exactly the tau-maximising ranking; the
difference is second order.

Model in an orthonormal basis of the three criteria (``u0 = 1/√3 (1, 1, 1)`` and two contrasts): the
quality covariance ``SD² (ρ² 11ᵀ + (1 − ρ²) I)`` and the sheet noise covariance
``σ_j² (shared 11ᵀ + crit I)`` are both compound symmetric, so the model splits into three independent
scalar crossed models sharing the judges' scale and noise; offsets and favour bonuses act along ``u0``
only. The totals are the same model with one component.

``--ablations`` adds ``bayes_totals`` with one part of the true model left out: favouritism
(``abl_no_favour``), judge scales (``abl_no_scale``, every scale 1), or per-judge noise
(``abl_common_noise``, every judge the average noise): which part of the true model the gain comes from.

Usage: ``python benchmarks/ranking_ceiling.py [--seeds 20] [--regimes sparse3,sparse] [--iter 3000] [--ablations]``
(about 6 minutes on 2 cores as it stands, 12 with the ablations).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

sys.path.insert(0, str(Path(__file__).parent))
from ranking_fidelity import _design, _fit_or_none, _interval  # noqa: E402

from judging.core.ranking.api import METHODS  # noqa: E402
from judging.core.simulate import (  # noqa: E402
    CENTER,
    CRITERION_CORRELATION,
    DEFAULT_WEIGHTS,
    QUALITY_SD,
    REGIMES,
    Regime,
    simulate_contest,
)

CRITERIA = list(DEFAULT_WEIGHTS)
W = np.array([DEFAULT_WEIGHTS[c] for c in CRITERIA]) / sum(DEFAULT_WEIGHTS.values())
BASIS = np.array([np.ones(3) / np.sqrt(3), np.array([1.0, -1.0, 0.0]) / np.sqrt(2),
                  np.array([1.0, 1.0, -2.0]) / np.sqrt(6)])  # rows: orthonormal, the first along 1
ROUNDING_VAR = 1.0 / 12.0  # whole points: rounding error ≈ U(−½, ½) per criterion
S_GRID, SIGMA_GRID = 201, 241  # griddy-Gibbs points for log scale and noise SD

METHOD_NAMES = ["calibrated", "blup_additive", "bayes_totals", "bayes_criteria", "known_totals", "known_judges"]


@dataclass(frozen=True)
class Component:
    """One scalar crossed model: ``y = L · (a_j + bonus) + s_j · Q_i + e``, ``Q_i ~ N(0, prior_var)``,
    ``Var e = alpha · σ_j² + beta``; the target ``true_quality − 70`` takes ``weight · Q_i``."""

    y: np.ndarray
    offset_loading: float
    prior_var: float
    alpha: float
    beta: float
    weight: float


def _specs(regime: Regime, x: np.ndarray) -> dict[str, list[Component]]:
    """The criterion-level model (three components) and the totals model (one), for sheets ``x`` (N × 3)."""
    rho2 = CRITERION_CORRELATION**2
    crit, shared = regime.criterion_noise_share, 1.0 - regime.criterion_noise_share
    sd2 = QUALITY_SD**2
    y = (x - CENTER) @ BASIS.T
    t = BASIS @ W
    criteria = [Component(y[:, 0], np.sqrt(3.0), sd2 * (3 * rho2 + 1 - rho2), 3 * shared + crit, ROUNDING_VAR, t[0])]
    criteria += [Component(y[:, k], 0.0, sd2 * (1 - rho2), crit, ROUNDING_VAR, t[k]) for k in (1, 2)]
    w2 = float(np.sum(W**2))
    totals = [Component((x - CENTER) @ W, 1.0, sd2 * (rho2 + (1 - rho2) * w2), shared + crit * w2,
                        ROUNDING_VAR * w2, 1.0)]
    return {"criteria": criteria, "totals": totals}


def _sheets(sim) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Judge codes (rows of ``sim.judges``), entry codes (rows of ``sim.truth``), criterion scores (N × 3)."""
    wide = sim.scores.pivot(index=["judge_id", "entry_id"], columns="criterion", values="score")[CRITERIA]
    jj = pd.Index(sim.judges["judge_id"]).get_indexer(wide.index.get_level_values(0))
    ee = pd.Index(sim.truth["entry_id"]).get_indexer(wide.index.get_level_values(1))
    return jj.astype(np.int64), ee.astype(np.int64), wide.to_numpy(dtype=float)


def known_judges(comps: list[Component], jj, ee, E, judges: pd.DataFrame, regime: Regime) -> np.ndarray:
    """Exact posterior mean of ``true_quality − 70`` given every judge's true parameters."""
    sev, scale, noise = (judges[c].to_numpy(dtype=float) for c in ("severity", "scale", "noise"))
    fav_sheet = judges["favouring"].to_numpy(dtype=bool)[jj]
    p = regime.favoured_entries
    order = np.argsort(ee, kind="stable")
    bounds = np.searchsorted(ee[order], np.arange(E + 1))
    out = np.zeros(E)
    for c in comps:
        v = (c.alpha * noise**2 + c.beta)[jj]
        s = scale[jj]
        r = c.y - c.offset_loading * sev[jj]
        prec = 1.0 / c.prior_var + np.bincount(ee, s * s / v, E)
        mean = np.bincount(ee, s * r / v, E) / prec
        bonus = c.offset_loading * regime.favour_bonus
        if bonus and regime.favour_share > 0:
            for i in np.unique(ee[fav_sheet]):  # the unknown favoured entries: a mixture over which sheets got the bonus
                m = order[bounds[i]:bounds[i + 1]]
                f = fav_sheet[m]
                logw, means = [], []
                for combo in product((0.0, 1.0), repeat=int(f.sum())):
                    delta = np.zeros(len(m))
                    delta[f] = combo
                    rr = r[m] - bonus * delta
                    s1 = np.sum(s[m] * rr / v[m])
                    k = sum(combo)
                    logw.append(-0.5 * (np.sum(rr * rr / v[m]) - s1 * s1 / prec[i])
                                + k * np.log(p) + (len(combo) - k) * np.log1p(-p))
                    means.append(s1 / prec[i])
                logw = np.array(logw)
                w = np.exp(logw - logw.max())
                mean[i] = float(np.dot(w, means) / w.sum())
        out += c.weight * mean
    return out


def _draw_grid(rng: np.random.Generator, logp: np.ndarray) -> np.ndarray:
    """One index per row from unnormalised log-probabilities (rows × grid)."""
    cdf = np.cumsum(np.exp(logp - logp.max(axis=1, keepdims=True)), axis=1)
    u = rng.random(len(cdf)) * cdf[:, -1]
    return np.minimum((cdf < u[:, None]).sum(axis=1), logp.shape[1] - 1)


def bayes(comps: list[Component], jj, ee, E, J, regime: Regime, rng: np.random.Generator, *,
          n_iter: int, burn: int, judges_out: dict | None = None, common_noise: bool = False) -> np.ndarray:
    """Posterior mean of ``true_quality − 70`` with the true hyperparameters and unknown judges (Gibbs;
    Rao-Blackwellised: the average of the entries' conditional means). ``judges_out``, when given, gets the
    judges' posterior means (offset, scale, noise SD, probability of favouring), for checks.
    ``regime`` is the prior (the ablations pass one with a part switched off: ``log_scale_sd = 0`` fixes
    every scale at 1, ``favour_share = 0`` ignores favouritism); ``common_noise`` gives every judge the
    noise SD √E[σ²] instead of sampling it."""
    K, N = len(comps), len(jj)
    (off,) = [k for k, c in enumerate(comps) if c.offset_loading]
    L = comps[off].offset_loading
    bonus = L * regime.favour_bonus
    n = np.bincount(jj, minlength=J).astype(float)
    var_a = regime.severity_sd**2
    # log-scale grid (uniform in log s, Gaussian prior there)
    lsd = regime.log_scale_sd
    g_s = np.linspace(-5 * lsd, 5 * lsd, S_GRID)
    h_s = g_s[1] - g_s[0]
    s_grid = np.exp(g_s)
    s_prior = -0.5 * g_s**2 / max(lsd, 1e-12) ** 2
    # noise-SD grid: U(lo, hi) with probability 1 − erratic_share, U(lo, hi) · factor otherwise
    lo, hi = regime.noise
    top = hi * regime.erratic_factor if regime.erratic_share > 0 else hi
    edges = np.linspace(lo, top, SIGMA_GRID + 1)
    h_sig = edges[1] - edges[0]
    sig_grid = 0.5 * (edges[1:] + edges[:-1])
    density = (1 - regime.erratic_share) / (hi - lo) * ((sig_grid >= lo) & (sig_grid <= hi))
    if regime.erratic_share > 0:
        f_lo, f_hi = lo * regime.erratic_factor, hi * regime.erratic_factor
        density = density + regime.erratic_share / (f_hi - f_lo) * ((sig_grid >= f_lo) & (sig_grid <= f_hi))
    sig_prior = np.log(np.maximum(density, 1e-300))
    sig_var = np.array([c.alpha * sig_grid**2 + c.beta for c in comps])  # components × grid
    sig_const = sig_prior[None, :] - 0.5 * n[:, None] * np.log(sig_var).sum(axis=0)[None, :]  # judges × grid
    sig_inv = -0.5 / sig_var
    s_basis = np.array([-0.5 * s_grid**2, s_grid])
    pf, pe = regime.favour_share, regime.favoured_entries

    a, s, sigma = np.zeros(J), np.ones(J), np.full(J, 0.5 * (lo + hi))
    favoured = np.zeros(N, dtype=bool)
    Q = np.zeros((K, E))
    total, kept = np.zeros(E), 0
    judge_sums = np.zeros((4, J))
    for it in range(n_iter):
        sn = s[jj]
        v = [(c.alpha * sigma**2 + c.beta) for c in comps]
        b = bonus * favoured
        # entries given judges
        for k, c in enumerate(comps):
            vn = v[k][jj]
            r = c.y - (L * a[jj] + b if k == off else 0.0)
            prec = 1.0 / c.prior_var + np.bincount(ee, sn * sn / vn, E)
            mean = np.bincount(ee, sn * r / vn, E) / prec
            Q[k] = mean + rng.standard_normal(E) / np.sqrt(prec)
            if it >= burn:
                total += c.weight * mean
        kept += it >= burn
        # judges' scales given entries, offsets integrated out; then offsets given scales
        A, B = np.zeros(J), np.zeros(J)
        for k, c in enumerate(comps):
            q = Q[k][ee]
            z = c.y - (b if k == off else 0.0)
            sqq, sqz = np.bincount(jj, q * q, J), np.bincount(jj, q * z, J)
            if k == off:
                cc = L * L * var_a / (v[k] + L * L * var_a * n)
                sq, sz = np.bincount(jj, q, J), np.bincount(jj, z, J)
                sqq, sqz = sqq - cc * sq * sq, sqz - cc * sq * sz
            A += sqq / v[k]
            B += sqz / v[k]
        if lsd > 0:
            idx = _draw_grid(rng, np.column_stack([A, B]) @ s_basis + s_prior)
            s = np.exp(g_s[idx] + h_s * (rng.random(J) - 0.5))
        c = comps[off]
        r = c.y - b - s[jj] * Q[off][ee]
        prec_a = 1.0 / var_a + L * L * n / v[off]
        a = L * np.bincount(jj, r, J) / v[off] / prec_a + rng.standard_normal(J) / np.sqrt(prec_a)
        # noise SDs given the rest
        R = np.empty((J, K))
        sn = s[jj]
        for k, c in enumerate(comps):
            r = c.y - sn * Q[k][ee] - (L * a[jj] + b if k == off else 0.0)
            if k == off:
                resid_off = r + b  # without the bonus, for the favour step
            R[:, k] = np.bincount(jj, r * r, J)
        if common_noise:
            sigma = np.full(J, np.sqrt(_mean_noise2(regime)))
        else:
            sigma = sig_grid[_draw_grid(rng, sig_const + R @ sig_inv)] + h_sig * (rng.random(J) - 0.5)
        # favouring judges and their favoured entries (a bonus along the offset component)
        if pf > 0:
            vo = (comps[off].alpha * sigma**2 + comps[off].beta)[jj]
            log_ratio = (2 * resid_off * bonus - bonus * bonus) / (2 * vo)  # N(r − bonus) / N(r)
            mix = np.logaddexp(np.log1p(-pe), np.log(pe) + log_ratio)
            log_odds = np.log(pf) - np.log1p(-pf) + np.bincount(jj, mix, J)
            favouring = rng.random(J) < 1.0 / (1.0 + np.exp(-log_odds))
            p_sheet = 1.0 / (1.0 + np.exp(-(np.log(pe) - np.log1p(-pe) + log_ratio)))
            favoured = favouring[jj] & (rng.random(N) < p_sheet)
        else:
            favouring = np.zeros(J, dtype=bool)
        if it >= burn:
            judge_sums += np.array([a, s, sigma, favouring])
    if judges_out is not None:
        judges_out.update(zip(("severity", "scale", "noise", "favouring"), judge_sums / kept, strict=True))
    return total / kept


def _mean_noise2(regime: Regime) -> float:
    """E[σ²] of a judge's per-criterion noise SD (uniform, times the erratic factor for erratic judges)."""
    lo, hi = regime.noise
    e_u2 = (hi**3 - lo**3) / (3 * (hi - lo))
    return e_u2 * (1 - regime.erratic_share + regime.erratic_share * regime.erratic_factor**2)


def blup_additive(design, regime: Regime) -> np.ndarray:
    """Exact BLUP of ``q`` in ``total = 70 + a_j + q_i + e`` with the true variance components."""
    rho2, w2 = CRITERION_CORRELATION**2, float(np.sum(W**2))
    var_q = QUALITY_SD**2 * (rho2 + (1 - rho2) * w2)
    e_noise2 = _mean_noise2(regime)
    crit = regime.criterion_noise_share
    ls2 = regime.log_scale_sd**2
    e_s_minus_1_sq = np.exp(2 * ls2) - 2 * np.exp(ls2 / 2) + 1  # E[(s − 1)²], s lognormal
    p_bonus = regime.favour_share * regime.favoured_entries
    var_e = (e_noise2 * (1 - crit + crit * w2) + ROUNDING_VAR * w2 + e_s_minus_1_sq * var_q
             + regime.favour_bonus**2 * p_bonus * (1 - p_bonus))
    J, E = design.n_judges, design.n_entries
    jj, ee = design.judge, design.entry + J
    y = design.y - CENTER - regime.favour_bonus * p_bonus
    M = np.zeros((J + E, J + E))
    np.add.at(M, (jj, jj), 1.0)
    np.add.at(M, (ee, ee), 1.0)
    np.add.at(M, (jj, ee), 1.0)
    np.add.at(M, (ee, jj), 1.0)
    M[np.arange(J), np.arange(J)] += var_e / regime.severity_sd**2
    M[np.arange(J, J + E), np.arange(J, J + E)] += var_e / var_q
    rhs = np.bincount(jj, y, J + E) + np.bincount(ee, y, J + E)
    return np.linalg.solve(M, rhs)[J:]


ABLATIONS = {  # bayes_totals with one part of the true model left out (name: prior change, common noise)
    "abl_no_favour": ({"favour_share": 0.0}, False),
    "abl_no_scale": ({"log_scale_sd": 0.0}, False),
    "abl_common_noise": ({}, True),
}


def run(regime_name: str, seeds: int, n_iter: int, burn: int, check_chains: int, ablations: bool) -> None:
    regime = REGIMES[regime_name]
    start = time.perf_counter()
    names = METHOD_NAMES + (list(ABLATIONS) if ablations else [])
    taus = {m: [] for m in names}
    clipped, chain_tau, chain_diff, pooled = [], [], [], 0
    noise_r = {m: [] for m in ("calibrated", "bayes_totals", "bayes_criteria")}  # judges' noise SD: estimate vs truth
    for seed in range(seeds):
        sim = simulate_contest(regime=regime_name, seed=seed)
        truth = sim.truth["true_quality"].to_numpy()
        E, J = len(sim.truth), len(sim.judges)
        design = _design(sim.scores)  # totals with the criterion scores beside them, as rank() builds it
        order = pd.Index(design.entry_ids).get_indexer(sim.truth["entry_id"])  # design order → truth order
        fit = _fit_or_none(METHODS["calibrated"], design)
        taus["calibrated"].append(np.nan if fit is None else kendalltau(fit.score[order], truth)[0])
        true_noise = sim.judges["noise"].to_numpy()
        if fit is not None:
            at = pd.Index(design.judge_ids).get_indexer(sim.judges["judge_id"])
            noise = fit.judge_noise[at]
            one_level = bool(np.ptp(noise) < 1e-9 * noise.mean())  # shrunk to one level for every judge
            pooled += one_level
            noise_r["calibrated"].append(0.0 if one_level else np.corrcoef(noise, true_noise)[0, 1])
        taus["blup_additive"].append(kendalltau(blup_additive(design, regime)[order], truth)[0])
        jj, ee, x = _sheets(sim)
        clipped.append(float(np.mean((x <= 0) | (x >= 100))))
        specs = _specs(regime, x)
        rng = np.random.default_rng(10_000 + seed)
        for label, key in (("bayes_totals", "totals"), ("bayes_criteria", "criteria")):
            posterior_judges: dict = {}
            est = bayes(specs[key], jj, ee, E, J, regime, rng, n_iter=n_iter, burn=burn, judges_out=posterior_judges)
            taus[label].append(kendalltau(est, truth)[0])
            noise_r[label].append(np.corrcoef(posterior_judges["noise"], true_noise)[0, 1])
            if key == "criteria" and seed < check_chains:  # a second, independent chain
                again = bayes(specs[key], jj, ee, E, J, regime, np.random.default_rng(20_000 + seed),
                              n_iter=n_iter, burn=burn)
                chain_tau.append(kendalltau(est, again)[0])
                chain_diff.append(kendalltau(again, truth)[0] - taus[label][-1])
        if ablations:
            for label, (change, common) in ABLATIONS.items():
                est = bayes(specs["totals"], jj, ee, E, J, replace(regime, **change), rng, n_iter=n_iter, burn=burn,
                            common_noise=common)
                taus[label].append(kendalltau(est, truth)[0])
        taus["known_totals"].append(kendalltau(known_judges(specs["totals"], jj, ee, E, sim.judges, regime), truth)[0])
        taus["known_judges"].append(kendalltau(known_judges(specs["criteria"], jj, ee, E, sim.judges, regime),
                                               truth)[0])
    t = {m: np.array(v) for m, v in taus.items()}
    sheets = regime.n_entries * np.mean(regime.judges_per_entry) / regime.n_judges
    print(f"\n== {regime_name}: {regime.n_entries} entries, {regime.n_judges} judges, {regime.judges_per_entry[0]}–"
          f"{regime.judges_per_entry[1]} judges per entry, ~{sheets:.1f} sheets per judge; seeds 0..{seeds - 1} "
          f"({time.perf_counter() - start:.0f} s)")
    print(f"   scores clipped at 0 or 100: {np.mean(clipped):.2%} (ignored by the oracles)")
    print(f"{'method':>16} {'tau':>6} {'± se':>6} {'min':>6} {'max':>6}")
    for m in names:
        ok = t[m][~np.isnan(t[m])]
        print(f"{m:>16} {ok.mean():6.3f} {ok.std(ddof=1) / np.sqrt(len(ok)):6.3f} {ok.min():6.3f} {ok.max():6.3f}"
              + ("" if len(ok) == seeds else f"  ({seeds - len(ok)} not converged)"))
    print("  paired tau differences, method − calibrated, mean [95% interval]")
    ok = ~np.isnan(t["calibrated"])
    for m in METHOD_NAMES[1:]:
        print(f"    {m:<16} − calibrated  {_interval(t[m][ok] - t['calibrated'][ok])}")
    print(f"    known_judges     − bayes_criteria  {_interval(t['known_judges'] - t['bayes_criteria'])}")
    print(f"    bayes_criteria   − bayes_totals  {_interval(t['bayes_criteria'] - t['bayes_totals'])}")
    for m in names[len(METHOD_NAMES):]:
        print(f"    {m:<16} − bayes_totals  {_interval(t[m] - t['bayes_totals'])}")
    print("  judges' noise SD, correlation of the estimate (posterior mean) with the true one: "
          + ", ".join(f"{m} {np.mean(v):.3f}" for m, v in noise_r.items())
          + f" (calibrated gave every judge the same noise in {pooled} of {seeds} contests: counted as 0)")
    if chain_tau:
        print(f"  Gibbs check ({len(chain_tau)} seeds, a second chain of {n_iter} sweeps, {burn} burn-in): tau between "
              f"the chains' estimates {np.mean(chain_tau):.4f} (min {np.min(chain_tau):.4f}); their tau to the "
              f"truth differs by {np.mean(np.abs(chain_diff)):.4f} on average (max {np.max(np.abs(chain_diff)):.4f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--regimes", default="sparse3,sparse")
    parser.add_argument("--iter", type=int, default=3000, help="Gibbs sweeps per chain")
    parser.add_argument("--burn", type=int, default=500)
    parser.add_argument("--check-chains", type=int, default=3, help="seeds with a second chain (0: none)")
    parser.add_argument("--ablations", action="store_true",
                        help="also bayes_totals without favouritism, without judge scales, with one noise level")
    args = parser.parse_args()
    for regime in [r for r in args.regimes.split(",") if r]:
        run(regime, args.seeds, args.iter, args.burn, args.check_chains, args.ablations)


if __name__ == "__main__":
    main()
