"""A contest simulator with known true quality, for benchmarks, tests and demonstrations.

Each entry has a latent quality per criterion (correlated across criteria); each judge turns it
into scores through their own severity (offset), scale use, noise, optional nonlinearity (a power
curve on the scale), favouritism (a bonus for a few entries, e.g. from their own organisation) and
erratic behaviour (several times the usual noise). Assignment is load-balanced random, within
tracks of different strength (confounded: each judge sees only one track), or sparse (many judges
with a handful of sheets each). The regimes follow ../shared/RANKING.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from judging.core.rubric import Rubric
from judging.errors import Problem, RankingError

CENTER = 70.0  # typical contest scores sit around 70 on a 0–100 scale
QUALITY_SD = 10.0  # and spread about ±10 points between entries
CRITERION_CORRELATION = 0.8  # an entry strong in one criterion is usually strong in the others
DEFAULT_WEIGHTS = {"core_technology": 40.0, "application_effect": 30.0, "promotion_value": 30.0}


@dataclass(frozen=True)
class Regime:
    """How a simulated contest is designed and how its judges behave (all SDs in scale points)."""

    n_entries: int = 200
    n_judges: int = 30
    judges_per_entry: tuple[int, int] = (5, 5)
    within_tracks: bool = False
    home_share: float = 0.85  # within tracks: share of an entry's judges from its own track (the rest bridge)
    track_means: tuple[float, ...] = (0.0,)  # track strength, in quality SDs
    severity_sd: float = 6.0
    log_scale_sd: float = 0.3
    noise: tuple[float, float] = (3.0, 9.0)  # each judge's noise SD is uniform in this range
    criterion_noise_share: float = 0.5  # share of noise variance that differs between criteria
    erratic_share: float = 0.1
    erratic_factor: float = 3.0
    favour_share: float = 0.1  # share of judges who favour some entries
    favoured_entries: float = 0.1  # share of entries each of them favours
    favour_bonus: float = 8.0
    nonlinear: bool = False  # power curve x → 100 (x/100)^γ, log γ ~ U(−0.7, 0.7)


REGIMES: dict[str, Regime] = {
    "random": Regime(),
    "tracks": Regime(judges_per_entry=(3, 7), within_tracks=True, track_means=(-0.8, -0.25, 0.25, 0.8)),
    "nips": Regime(judges_per_entry=(3, 3), severity_sd=1.5, log_scale_sd=0.05, noise=(12.0, 16.0),
                   criterion_noise_share=0.0, erratic_share=0.0, favour_share=0.0),
    "harsh": Regime(severity_sd=8.0, nonlinear=True, erratic_share=0.2, erratic_factor=4.0),
    "sparse": Regime(n_judges=150, judges_per_entry=(4, 4)),  # ~5 sheets per judge
    # online 初评 with many experts who each score a handful: 3 judges per entry, 3 sheets per judge
    "sparse3": Regime(n_judges=200, judges_per_entry=(3, 3)),
    "few": Regime(judges_per_entry=(2, 3)),  # 2–3 judges per entry, ~17 sheets per judge
    # complete-design finals (终评): every judge scores every entry
    "final7x12": Regime(n_entries=12, n_judges=7, judges_per_entry=(7, 7)),
    "final9x15": Regime(n_entries=15, n_judges=9, judges_per_entry=(9, 9)),
    "final11x20": Regime(n_entries=20, n_judges=11, judges_per_entry=(11, 11)),
    # the demo contest's size and judges (judging/demo.py): 150 entries, 24 judges, 5 per entry
    "demo1": Regime(n_entries=150, n_judges=24, severity_sd=5.0, noise=(2.5, 7.0), erratic_share=0.0,
                    favour_share=0.0),
    "demo5": Regime(n_entries=150, n_judges=24, track_means=(0.0,) * 5, severity_sd=5.0, noise=(2.5, 7.0),
                    erratic_share=0.0, favour_share=0.0),
}


@dataclass(frozen=True)
class SimulatedContest:
    scores: pd.DataFrame  # long format: judge_id, entry_id, criterion, score, track
    truth: pd.DataFrame  # entry_id, track, true_quality (weighted, scale points), true_rank
    judges: pd.DataFrame  # judge_id, severity, scale, noise, gamma, erratic, favouring, track


def _assign(rng: np.random.Generator, regime: Regime, entry_track: np.ndarray, judge_track: np.ndarray):
    """Load-balanced assignment: each entry gets k judges among the least loaded eligible ones.

    Within tracks, each judge has a home track; an entry's judges come from its home track except
    a few (``1 − home_share``) from other tracks, which keeps the design connected but confounded.
    """
    load = np.zeros(len(judge_track))
    pairs: list[tuple[int, int]] = []
    lo, hi = regime.judges_per_entry
    for i in rng.permutation(len(entry_track)):
        k = int(rng.integers(lo, hi + 1))
        if regime.within_tracks:
            home = np.flatnonzero(judge_track == entry_track[i])
            away = np.flatnonzero(judge_track != entry_track[i])
            k_away = min(int(rng.binomial(k, 1.0 - regime.home_share)), len(away))
            order = np.concatenate([
                home[np.lexsort((rng.random(len(home)), load[home]))][:k - k_away],
                away[np.lexsort((rng.random(len(away)), load[away]))][:k_away],
            ])
        else:
            eligible = np.arange(len(load))
            order = eligible[np.lexsort((rng.random(len(eligible)), load[eligible]))][:k]
        load[order] += 1
        pairs.extend((j, i) for j in order)
    return np.array(pairs, dtype=np.int64)


def simulate_contest(*, regime: str | Regime = "random", seed: int = 0, rubric: Rubric | None = None,
                     n_entries: int | None = None, n_judges: int | None = None) -> SimulatedContest:
    """Simulate one contest. ``rubric`` supplies criteria, weights and scale (default: 0–100, 40/30/30)."""
    if isinstance(regime, str):
        if regime not in REGIMES:
            raise RankingError(Problem("simulate.unknown_regime", {"value": regime, "allowed": ", ".join(REGIMES)}))
        regime = REGIMES[regime]
    if n_entries is not None:
        regime = replace(regime, n_entries=n_entries)
    if n_judges is not None:
        regime = replace(regime, n_judges=n_judges)
    rng = np.random.default_rng(seed)
    weights = rubric.weights if rubric is not None else DEFAULT_WEIGHTS
    lo_scale, hi_scale, step = (rubric.scale.min, rubric.scale.max, rubric.scale.step) if rubric else (0.0, 100.0, 1.0)
    step = max(step, 1.0)  # judges score in whole points even where half points are allowed
    criteria = list(weights)
    w = np.array([weights[c] for c in criteria]) / sum(weights.values())
    E, J, C = regime.n_entries, regime.n_judges, len(criteria)
    n_tracks = len(regime.track_means)
    entry_track = rng.integers(0, n_tracks, E)
    judge_track = np.arange(J) % n_tracks
    base = np.asarray(regime.track_means)[entry_track] + rng.standard_normal(E)
    rho = CRITERION_CORRELATION
    z = rho * base[:, None] + np.sqrt(1 - rho**2) * rng.standard_normal((E, C))
    quality = CENTER + QUALITY_SD * z  # per criterion, scale points
    severity = regime.severity_sd * rng.standard_normal(J)
    scale = np.exp(regime.log_scale_sd * rng.standard_normal(J))
    noise = rng.uniform(*regime.noise, J)
    erratic = rng.random(J) < regime.erratic_share
    noise = np.where(erratic, noise * regime.erratic_factor, noise)
    favouring = rng.random(J) < regime.favour_share
    gamma = np.exp(rng.uniform(-0.7, 0.7, J)) if regime.nonlinear else np.ones(J)
    favoured = rng.random((J, E)) < regime.favoured_entries
    pairs = _assign(rng, regime, entry_track, judge_track)
    jj, ee = pairs[:, 0], pairs[:, 1]
    shared_share = 1.0 - regime.criterion_noise_share
    sheet_noise = rng.standard_normal(len(pairs))[:, None] * np.sqrt(shared_share)
    crit_noise = rng.standard_normal((len(pairs), C)) * np.sqrt(regime.criterion_noise_share)
    x = (CENTER + severity[jj, None] + scale[jj, None] * (quality[ee] - CENTER)
         + noise[jj, None] * (sheet_noise + crit_noise))
    x = x + np.where(favouring[jj] & favoured[jj, ee], regime.favour_bonus, 0.0)[:, None]
    span = hi_scale - lo_scale
    x01 = np.clip((x - lo_scale) / span, 0.0, 1.0)
    x = lo_scale + span * x01 ** gamma[jj, None]
    x = np.clip(np.round((x - lo_scale) / step) * step + lo_scale, lo_scale, hi_scale)
    entry_ids = np.array([f"E{i + 1:04d}" for i in range(E)], dtype=object)
    judge_ids = np.array([f"J{j + 1:03d}" for j in range(J)], dtype=object)
    track_names = np.array([f"T{t + 1}" for t in range(n_tracks)], dtype=object)
    scores = pd.DataFrame({
        "judge_id": np.repeat(judge_ids[jj], C),
        "entry_id": np.repeat(entry_ids[ee], C),
        "criterion": np.tile(criteria, len(pairs)),
        "score": x.ravel(),
        "track": np.repeat(track_names[entry_track[ee]], C),
    })
    true_quality = quality @ w
    truth = pd.DataFrame({"entry_id": entry_ids, "track": track_names[entry_track],
                          "true_quality": true_quality})
    truth["true_rank"] = truth["true_quality"].rank(ascending=False, method="min").astype(int)
    judges = pd.DataFrame({"judge_id": judge_ids, "severity": severity, "scale": scale, "noise": noise,
                           "gamma": gamma, "erratic": erratic, "favouring": favouring,
                           "track": track_names[judge_track] if regime.within_tracks else ""})
    return SimulatedContest(scores=scores, truth=truth, judges=judges)
