"""The established normalisation methods, each a pure function ``Design -> MethodFit``.

Every method returns entry scores on the rubric scale (what an average judge would give), a
standard error per entry for the uncertainty intervals, and, where the method has a model of the
judges, their offset (severity), scale and noise and a ``predict`` for held-out scores.

References: trimmed mean is the Chinese default 去掉一个最高分和一个最低分; per-judge z-scores and
percentiles (Wang & Shah, AAMAS 2019); additive least squares (Roos, Rothe & Scheuermann, AAAI 2011;
Kuhlisch et al., Metrika 2016); linear least squares adds a judge scale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import cg

from judging.core.ranking.design import Design, components
from judging.errors import Problem, RankingError

TRIM_MIN_JUDGES = 5  # drop the highest and lowest only when at least five judges remain to drop from
MEDIAN_SE_FACTOR = np.sqrt(np.pi / 2)  # asymptotic efficiency of the median under normal errors
LINEAR_MAX_ITER = 300  # alternating least squares: tens of sweeps when judges score many entries each; with
# few sheets per judge (simulated nips/sparse, InstEval) it drifts for 10,000s of sweeps and reports that instead
LINEAR_TOL = 1e-9
MIN_SCALE = 0.05  # a judge whose scores move against the consensus is clamped, not inverted
CG_TOL = 1e-10
CG_ITER_PER_JUDGE = 20  # conjugate gradients needs at most J steps in exact arithmetic; 20 J (+100) leaves room
CG_MIN_ITER = 100  # for rounding on ill-conditioned designs (never reached in the simulated regimes, InstEval, 100,000 entries)


@dataclass(frozen=True)
class MethodFit:
    """A method's result on one design; arrays are indexed by the design's entry and judge codes."""

    score: np.ndarray
    se: np.ndarray
    judge_offset: np.ndarray | None = None
    judge_scale: np.ndarray | None = None
    judge_noise: np.ndarray | None = None
    predict: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    draws: Callable[[np.random.Generator, int], np.ndarray] | None = None
    details: dict = field(default_factory=dict)
    model: object | None = None  # the method's own fitted state, where a later round can use it

    def sample(self, rng: np.random.Generator, n_draws: int) -> np.ndarray:
        """Plausible entry scores, shape ``(n_draws, n_entries)``: the method's own draws or normal ones."""
        if self.draws is not None:
            return self.draws(rng, n_draws)
        return self.score + self.se * rng.standard_normal((n_draws, len(self.score)))


def not_converged(method: str, iterations: int) -> RankingError:
    """The error for a fit that reached its iteration limit: its scores are not the method's answer."""
    return RankingError(Problem("rank.not_converged", {"method": method, "iterations": iterations}))


def pooled_se(design: Design, values: np.ndarray, score: np.ndarray, *, factor: float = 1.0,
              used: np.ndarray | None = None) -> np.ndarray:
    """``factor · s / √n_i`` with ``s`` the residual SD pooled over entries (robust for 1–3 judges)."""
    resid = values - score[design.entry]
    n = design.entry_counts() if used is None else used
    df = len(values) - design.n_entries
    s = np.sqrt(np.sum(resid**2) / df) if df > 0 else np.std(values)
    return factor * s / np.sqrt(np.maximum(n, 1))


def fit_raw(design: Design) -> MethodFit:
    score = design.entry_mean(design.y)
    return MethodFit(score=score, se=pooled_se(design, design.y, score),
                     predict=lambda j, i: score[i])


def fit_median(design: Design) -> MethodFit:
    score = pd.Series(design.y).groupby(design.entry).median().to_numpy()
    return MethodFit(score=score, se=pooled_se(design, design.y, score, factor=MEDIAN_SE_FACTOR))


def fit_trimmed(design: Design, *, min_judges: int = TRIM_MIN_JUDGES) -> MethodFit:
    order = np.lexsort((design.y, design.entry))
    entry_sorted = design.entry[order]
    n = design.entry_counts()
    first = np.concatenate(([0], np.cumsum(n)[:-1]))
    position = np.arange(len(order)) - first[entry_sorted]
    trim = n[entry_sorted] >= min_judges
    keep = ~(trim & ((position == 0) | (position == n[entry_sorted] - 1)))
    kept = np.empty(len(order), dtype=bool)
    kept[order] = keep
    used = np.bincount(design.entry[kept], minlength=design.n_entries)
    score = np.bincount(design.entry[kept], design.y[kept], design.n_entries) / used
    return MethodFit(score=score, se=pooled_se(design, design.y, score, used=used),
                     details={"trimmed_entries": int(np.sum(n >= min_judges))})


def _judge_moments(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """Each judge's mean and SD; a judge with one score (or all equal) gets the overall SD."""
    nj = design.judge_counts()
    mean = design.judge_mean(design.y)
    var = np.bincount(design.judge, (design.y - mean[design.judge]) ** 2, design.n_judges) / np.maximum(nj - 1, 1)
    overall = np.std(design.y, ddof=1) if len(design.y) > 1 else 1.0
    sd = np.where((nj >= 2) & (var > 0), np.sqrt(var), overall if overall > 0 else 1.0)
    return mean, sd


def fit_zscore(design: Design) -> MethodFit:
    mean, sd = _judge_moments(design)
    z = (design.y - mean[design.judge]) / sd[design.judge]
    g_mean, g_sd = design.y.mean(), (np.std(design.y, ddof=1) if len(design.y) > 1 else 1.0) or 1.0
    values = g_mean + g_sd * z
    score = design.entry_mean(values)
    zbar = design.entry_mean(z)
    return MethodFit(score=score, se=pooled_se(design, values, score), judge_offset=mean - g_mean,
                     judge_scale=sd / g_sd, predict=lambda j, i: mean[j] + sd[j] * zbar[i])


def fit_percentile(design: Design) -> MethodFit:
    frame = pd.DataFrame({"j": design.judge, "y": design.y})
    ranks = frame.groupby("j")["y"].rank(method="average").to_numpy()
    nj = design.judge_counts()[design.judge]
    pct = (ranks - 0.5) / nj
    values = np.quantile(design.y, pct)
    score = np.quantile(design.y, design.entry_mean(pct))
    return MethodFit(score=score, se=pooled_se(design, values, score))


def incidence(design: Design, weights: np.ndarray | None = None) -> sparse.csr_matrix:
    """Entries × judges matrix of (weighted) sheet counts."""
    w = np.ones(len(design.y)) if weights is None else weights
    return sparse.csr_matrix((w, (design.entry, design.judge)), shape=(design.n_entries, design.n_judges))


def solve_additive(design: Design, y: np.ndarray, *, weights: np.ndarray | None = None,
                   judge_prior: float = 0.0, max_iter: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least squares ``y = b_entry + a_judge`` by eliminating entries (Schur complement).

    Normal equations for the offsets: ``(D_J - Cᵀ D_E⁻¹ C + λI) a = Σ_j w (y − ȳ_entry)`` with
    ``C`` the weighted entries × judges incidence, solved by Jacobi-preconditioned conjugate
    gradients. Without a prior (``λ = 0``) offsets are pinned to mean zero inside each connected
    group. Returns ``(a, b)``.

    Raises
    ------
    RankingError
        ``rank.not_converged`` when conjugate gradients reaches ``max_iter`` (default
        ``CG_ITER_PER_JUDGE · J + CG_MIN_ITER``) before its tolerance.
    """
    w = np.ones(len(y)) if weights is None else weights
    C = incidence(design, w)
    d_entry = np.asarray(C.sum(axis=1)).ravel()
    d_judge = np.asarray(C.sum(axis=0)).ravel()
    ybar = np.bincount(design.entry, w * y, design.n_entries) / d_entry
    deviation = w * (y - ybar[design.entry])
    rhs = np.bincount(design.judge, deviation, design.n_judges)
    S = sparse.diags(d_judge + judge_prior) - C.T @ sparse.diags(1.0 / d_entry) @ C
    diag = S.diagonal()
    M = sparse.diags(1.0 / np.where(diag > 0, diag, 1.0))
    limit = CG_ITER_PER_JUDGE * design.n_judges + CG_MIN_ITER if max_iter is None else max_iter
    # the absolute floor: judges who agree on average make rhs cancel to round-off, and CG run on
    # round-off against the singular S (offsets are free within a group) divides by zero
    a, info = cg(S.tocsr(), rhs, rtol=CG_TOL, atol=CG_TOL * float(np.linalg.norm(deviation)), maxiter=limit, M=M)
    if info != 0:  # > 0: the limit was reached; < 0 (breakdown) is no answer either
        raise not_converged("additive", limit)
    if judge_prior == 0.0:
        _, judge_labels, _ = components(design)
        a = a - (np.bincount(judge_labels, a) / np.bincount(judge_labels))[judge_labels]
    b = np.bincount(design.entry, w * (y - a[design.judge]), design.n_entries) / d_entry
    return a, b


def fit_additive(design: Design) -> MethodFit:
    a, b = solve_additive(design, design.y)
    fitted = a[design.judge] + b[design.entry]
    resid = design.y - fitted
    df = max(len(design.y) - design.n_entries - design.n_judges + 1, 1)
    sigma = np.sqrt(np.sum(resid**2) / df)
    noise = np.sqrt(design.judge_mean(resid**2))
    return MethodFit(score=b, se=sigma / np.sqrt(design.entry_counts()), judge_offset=a,
                     judge_scale=np.ones(design.n_judges), judge_noise=noise,
                     predict=lambda j, i: a[j] + b[i])


def judge_regression(design: Design, target: np.ndarray, q: np.ndarray, *, min_sheets: int = 3):
    """Per-judge least squares ``target = a_j + s_j q_entry`` (``q`` per entry); judges with too few sheets keep ``s_j = 1``."""
    J = design.n_judges
    n = design.judge_counts().astype(float)
    q = q[design.entry]
    sq = np.bincount(design.judge, q, J)
    sqq = np.bincount(design.judge, q * q, J)
    sy = np.bincount(design.judge, target, J)
    sqy = np.bincount(design.judge, q * target, J)
    cov = sqq - sq * sq / n
    var_ok = (n >= min_sheets) & (cov > 1e-9 * np.maximum(sqq, 1e-12))
    s = np.where(var_ok, (sqy - sq * sy / n) / np.where(var_ok, cov, 1.0), 1.0)
    s = np.maximum(s, MIN_SCALE)
    a = (sy - s * sq) / n
    return a, s


def fit_linear(design: Design, *, max_iter: int = LINEAR_MAX_ITER, tol: float = LINEAR_TOL) -> MethodFit:
    """``score = a_judge + s_judge · q_entry`` by alternating least squares; raises ``rank.not_converged``
    when ``q`` still moves by ``tol`` or more after ``max_iter`` sweeps (the scores there are not the fit's)."""
    a, b = solve_additive(design, design.y)
    q = b - b.mean()
    s = np.ones(design.n_judges)
    sweeps = 0
    while sweeps < max_iter:
        sweeps += 1
        a, s = judge_regression(design, design.y, q)
        w = s[design.judge]
        q_new = np.bincount(design.entry, w * (design.y - a[design.judge]), design.n_entries) / np.bincount(
            design.entry, w * w, design.n_entries)
        q_new = (q_new - q_new.mean()) / (q_new.std() or 1.0)
        change = np.max(np.abs(q_new - q))
        q = q_new
        if change < tol:
            break
    else:
        raise not_converged("linear", max_iter)
    a, s = judge_regression(design, design.y, q)
    nj = design.judge_counts()
    a_bar, s_bar = np.average(a, weights=nj), np.average(s, weights=nj)
    score = a_bar + s_bar * q
    resid = design.y - a[design.judge] - s[design.judge] * q[design.entry]
    df = max(len(design.y) - design.n_entries - 2 * design.n_judges + 2, 1)
    sigma = np.sqrt(np.sum(resid**2) / df)
    se = sigma / np.sqrt(np.bincount(design.entry, (s[design.judge] / s_bar) ** 2, design.n_entries))
    return MethodFit(score=score, se=se, judge_offset=a + s * 0 - a_bar, judge_scale=s / s_bar,
                     judge_noise=np.sqrt(design.judge_mean(resid**2)),
                     predict=lambda j, i: a[j] + s[j] * q[i], details={"iterations": sweeps})
