"""The calibrated model's variance components and judge noise: coupled moments, effective degrees
of freedom, the pooled and per-judge limits, and invariances."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from judging.core.ranking import rank
from judging.core.ranking.calibrated import (
    DAMP_AFTER,
    MIN_NOISE_DF,
    OUTLIER_ALPHA,
    JudgePriors,
    carried_priors,
    fit_calibrated,
    fit_calibrated_model,
)
from judging.core.ranking.design import build_design
from judging.core.rubric import load_rubric
from judging.core.simulate import DEFAULT_WEIGHTS, Regime, simulate_contest


def _totals(scores: pd.DataFrame) -> pd.DataFrame:
    w = scores["criterion"].map(DEFAULT_WEIGHTS) / sum(DEFAULT_WEIGHTS.values())
    return (scores.assign(total=scores["score"] * w).groupby(["judge_id", "entry_id"], sort=False)["total"]
            .sum().reset_index())


def _design(regime, seed):
    return build_design(_totals(simulate_contest(regime=regime, seed=seed).scores))


def _crossed(design, **options):
    """The crossed random-effects model: Gaussian judge offsets, one noise level, no scales, no F tests."""
    fit = fit_calibrated_model(design, judge_scale=False, judge_noise=False, model_choice=False, tol=1e-9,
                               max_iter=100_000, offset_df=np.inf, **options)
    return np.array([fit.tau2, fit.var_offset, fit.sigma2[0]]) * fit.spread**2


@pytest.mark.slow  # two MixedLM fits of 600–800 sheets
@pytest.mark.parametrize("regime", ["sparse3", "sparse"])
def test_coupled_moments_give_the_crossed_models_maximum_likelihood_variances(regime):
    design = _design(regime, seed=0)
    frame = pd.DataFrame({"y": design.y, "e": design.entry, "j": design.judge, "g": 0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ml = smf.mixedlm("y ~ 1", frame, groups="g", vc_formula={"e": "0 + C(e)", "j": "0 + C(j)"}).fit(reml=False)
    expected = np.array([ml.vcomp[0], ml.vcomp[1], ml.scale])  # entries, judges, noise

    coupled, mean_field = _crossed(design), _crossed(design, coupled=False)

    assert np.all(np.abs(coupled / expected - 1) < 0.10)
    assert abs(mean_field[1] / expected[1] - 1) > 0.2  # what the coupling fixes: judge variance −23% to −35%


def test_effective_degrees_of_freedom_charge_each_judge_for_its_leverage():
    sparse = fit_calibrated_model(_design("sparse3", seed=1))  # 3 sheets, entries with 3 judges
    dense = fit_calibrated_model(_design("random", seed=1))  # ~33 sheets, entries with 5 judges

    n_dense = np.bincount(_design("random", seed=1).judge)
    assert np.all(sparse.noise_dof >= MIN_NOISE_DF) and np.mean(sparse.noise_dof) < 1.5
    # each sheet gives about a fifth of itself to its entry, up to two go to the judge's offset and scale
    assert np.all(dense.noise_dof < n_dense - 1) and 0.7 < np.mean(dense.noise_dof / (0.8 * n_dense - 2)) < 1.1


def test_judges_with_three_sheets_get_the_pooled_noise_and_its_ranking():
    design = _design("sparse3", seed=2)

    per_judge, pooled = fit_calibrated(design), fit_calibrated(design, judge_noise=False)

    assert per_judge.details["noise_log_var"] == 0.0
    assert np.allclose(per_judge.judge_noise, pooled.judge_noise)
    assert np.allclose(per_judge.score, pooled.score, atol=1e-6)


def test_a_judge_with_many_sheets_keeps_its_own_noise():
    sim = simulate_contest(regime="random", seed=4)  # ~33 sheets per judge, noise SD 3–9 (erratic ×3)
    design = build_design(_totals(sim.scores))

    fit = fit_calibrated(design)

    true = sim.judges.set_index("judge_id").loc[design.judge_ids, "noise"].to_numpy()
    assert fit.details["noise_log_var"] > 0
    assert spearmanr(fit.judge_noise, true)[0] > 0.7


SMALL = Regime(n_entries=40, n_judges=10, judges_per_entry=(4, 4), erratic_share=0.0, favour_share=0.0)


def _with_y(design, y):
    return replace(design, y=y)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 5_000), shift=st.floats(-30, 30), stretch=st.floats(0.2, 5.0))
def test_scores_move_with_a_common_shift_and_rescale_of_every_score(seed, shift, stretch):
    design = build_design(_totals(simulate_contest(regime=SMALL, seed=seed).scores))
    before = fit_calibrated(design).score

    after = fit_calibrated(_with_y(design, shift + stretch * design.y)).score

    assert np.allclose(after, shift + stretch * before, atol=1e-3 * stretch)


# The same examples in every run (derandomize): about 1 random case in 800 still breaks the bound
# (the one known is below, marked), which would fail one CI run in 40 at 20 examples a run.
@settings(max_examples=20, deadline=None, derandomize=True)
@given(seed=st.integers(0, 5_000), judge=st.integers(0, 9), shift=st.sampled_from([-25.0, -15.0, 15.0, 25.0]))
def test_a_judges_shift_is_absorbed_by_its_offset(seed, judge, shift):
    _assert_shift_absorbed(seed, judge, shift)


@pytest.mark.xfail(strict=True, reason="known defect: seed 2163, judge 1, +15 moves the scores 1.06x the bound")
def test_the_one_known_shift_the_fit_does_not_absorb_within_the_bound():
    _assert_shift_absorbed(2163, 1, 15.0)


def _assert_shift_absorbed(seed, judge, shift):
    design = build_design(_totals(simulate_contest(regime=SMALL, seed=seed).scores))
    moved = _with_y(design, design.y + np.where(design.judge == judge, shift, 0.0))
    before, after = fit_calibrated(design).score, fit_calibrated(moved).score

    change = np.abs((after - after.mean()) - (before - before.mean())).max()
    raw_change = np.abs(shift) / 4 * (1 - 4 / 40)  # the raw mean of the judge's entries moves this much

    # the offset is shrunk towards 0, so a shift is absorbed up to the shrinkage, not exactly
    assert change < 0.1 * before.std() < raw_change


def test_priors_that_know_nobody_change_nothing():
    design = _design("final9x15", seed=3)
    unknown = np.full(design.n_judges, np.nan)
    priors = JudgePriors(offset=unknown, offset_var=unknown, scale=unknown, scale_var=unknown,
                         noise_var=unknown, noise_dof=unknown)

    plain, carried = fit_calibrated_model(design), fit_calibrated_model(design, priors=priors)

    assert np.array_equal(plain.q, carried.q) and np.array_equal(plain.sigma2, carried.sigma2)


def test_carried_judges_keep_their_earlier_scale_and_noise():
    first = _design("random", seed=5)
    earlier = fit_calibrated_model(first)
    sim = simulate_contest(regime="final9x15", seed=5)  # judges J001–J009, also in the first round
    final = build_design(_totals(sim.scores))

    priors = carried_priors(earlier, previous_judges=first.judge_ids, design=final)
    carried = fit_calibrated_model(final, priors=priors)

    at = pd.Index(first.judge_ids).get_indexer(final.judge_ids)
    assert np.allclose(priors.scale, earlier.s[at]) and np.all(priors.noise_dof > 0)
    # with a tight prior the final's scales move towards the first round's (relative to their mean)
    alone = fit_calibrated_model(final, judge_scale=True, model_choice=False)
    target = earlier.s[at] / earlier.s[at].mean()
    assert np.abs(carried.s - target).mean() < np.abs(alone.s - target).mean()


GOLDEN_LIKE = Regime(n_entries=10, n_judges=6, judges_per_entry=(4, 5), severity_sd=6.0, log_scale_sd=0.5,
                     noise=(1.0, 8.0), erratic_share=0.0, favour_share=0.0)


# (GOLDEN_LIKE, 116) cycled too; with t-distributed offsets it converges in 124 sweeps, before the damping starts
@pytest.mark.parametrize(("regime", "seed"), [(SMALL, 107), (GOLDEN_LIKE, 41), (GOLDEN_LIKE, 60)])
def test_contests_whose_noise_step_cycled_now_converge(regime, seed):
    design = build_design(_totals(simulate_contest(regime=regime, seed=seed).scores))

    fit = fit_calibrated_model(design)  # raised rank.not_converged before the noise steps were damped

    assert fit.iterations > DAMP_AFTER  # they needed it


def _two_rounds(seed: int) -> pd.DataFrame:
    first = simulate_contest(regime="random", seed=seed, n_entries=60, n_judges=12).scores.assign(round="初评")
    final = simulate_contest(regime=Regime(n_entries=10, n_judges=6, judges_per_entry=(6, 6)), seed=seed).scores
    return pd.concat([first, final.assign(round="终评")], ignore_index=True)


def _final_scales(result) -> pd.Series:
    return result.judges[result.judges["round"] == "终评"].set_index("judge_id")["scale"]


def test_rank_carries_judges_from_the_first_round_only_when_asked():
    rubric = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
    scores = _two_rounds(seed=2)
    weights = {"初评": 0.4, "终评": 0.6}

    plain = rank(scores, rubric, round_weights=weights)
    again = rank(scores, rubric, round_weights=weights, carry_judges=False)
    carried = rank(scores, rubric, round_weights=weights, carry_judges=True)

    assert plain.table.equals(again.table)
    first = plain.judges[plain.judges["round"] == "初评"].set_index("judge_id")["scale"]
    target = first[_final_scales(plain).index] / first[_final_scales(plain).index].mean()
    assert (_final_scales(carried) - target).abs().mean() < (_final_scales(plain) - target).abs().mean()


def test_offsets_get_the_t_prior_only_when_a_judge_stands_out():
    # judges who barely differ (NIPS-like): no judge stands out and the offsets are Gaussian, so the fit
    # differs from the t prior's; one judge 25 points harsher stands out and the t prior is back
    design = _design("nips", seed=1)
    harsh = _with_y(design, design.y - np.where(design.judge == 0, 25.0, 0.0))

    plain, with_t = fit_calibrated_model(design), fit_calibrated_model(design, outlier_alpha=np.inf)
    shifted, shifted_t = fit_calibrated_model(harsh), fit_calibrated_model(harsh, outlier_alpha=np.inf)

    assert plain.tests["offset_outlier_p"] >= OUTLIER_ALPHA and not np.allclose(plain.q, with_t.q)
    assert shifted.tests["offset_outlier_p"] < OUTLIER_ALPHA and np.array_equal(shifted.q, shifted_t.q)
