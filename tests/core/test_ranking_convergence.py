"""Iterative fits either converge or say that they did not: no ranking is published from a fit
stopped at its iteration limit."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from judging.core.ranking import AwardConfig, compare_methods, rank
from judging.core.ranking.calibrated import (
    EXTRAPOLATE_FROM,
    MAX_ITER,
    MODEL_CHOICE_ALPHA,
    _Aitken,
    _State,
    carried_priors,
    fit_calibrated_model,
)
from judging.core.ranking.design import build_design
from judging.core.ranking.methods import LINEAR_MAX_ITER, fit_linear, solve_additive
from judging.core.ranking.totals import sheet_totals
from judging.core.rubric import load_rubric
from judging.core.simulate import Regime, simulate_contest
from judging.errors import Problem, RankingError

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
NO_AWARDS = AwardConfig(tiers=())


def _design(scores: pd.DataFrame):
    """The design of weighted sheet totals, as ``rank`` fits it."""
    return build_design(sheet_totals(scores=scores, rubric=RUBRIC))


@pytest.fixture(scope="module")
def contest() -> pd.DataFrame:
    """Twelve judges who each score many entries: every iterative fit converges here."""
    return simulate_contest(regime="random", seed=7, n_entries=40, n_judges=12, rubric=RUBRIC).scores


@pytest.fixture(scope="module")
def few_sheets_per_judge() -> pd.DataFrame:
    """Three judges per entry and much noise: the linear model's alternating fit drifts here."""
    return simulate_contest(regime="nips", seed=0, rubric=RUBRIC).scores


# --- the limit reached -------------------------------------------------------------------------

def test_calibrated_fit_at_its_iteration_limit_is_an_error(contest):
    with pytest.raises(RankingError) as info:
        fit_calibrated_model(_design(contest), max_iter=2)

    assert info.value.problems == [Problem("rank.not_converged", {"method": "calibrated", "iterations": 2})]
    assert "did not converge after 2 iterations" in info.value.render("en")


def test_linear_fit_at_its_iteration_limit_is_an_error(contest):
    with pytest.raises(RankingError) as info:
        fit_linear(_design(contest), max_iter=1)

    assert info.value.problems == [Problem("rank.not_converged", {"method": "linear", "iterations": 1})]


def test_additive_solve_at_its_iteration_limit_is_an_error(contest):
    design = _design(contest)

    with pytest.raises(RankingError) as info:
        solve_additive(design, design.y, max_iter=1)

    assert info.value.problems == [Problem("rank.not_converged", {"method": "additive", "iterations": 1})]


def test_not_converged_message_names_the_limit_in_both_languages():
    problem = Problem("rank.not_converged", {"method": "linear", "iterations": 300})

    assert problem.message("en").startswith("method linear did not converge after 300 iterations")
    assert problem.message("zh").startswith("方法 linear 迭代 300 次后仍未收敛")


def test_linear_fit_with_few_sheets_per_judge_reports_that_it_did_not_converge(few_sheets_per_judge):
    with pytest.raises(RankingError) as info:
        fit_linear(_design(few_sheets_per_judge))

    assert info.value.problems == [Problem("rank.not_converged", {"method": "linear",
                                                                  "iterations": LINEAR_MAX_ITER})]


# --- what the caller sees ------------------------------------------------------------------------

def test_rank_refuses_to_rank_with_an_unconverged_fit(few_sheets_per_judge):
    with pytest.raises(RankingError) as info:
        rank(few_sheets_per_judge, RUBRIC, method="linear", awards=NO_AWARDS, n_draws=20)

    assert [p.code for p in info.value.problems] == ["rank.not_converged"]


def test_compare_methods_lists_an_unconverged_method_beside_the_others(few_sheets_per_judge):
    comparison = compare_methods(few_sheets_per_judge, RUBRIC, awards=NO_AWARDS, n_draws=20)

    assert list(comparison.errors) == ["linear"]
    assert comparison.errors["linear"] == Problem("rank.not_converged", {"method": "linear",
                                                                         "iterations": LINEAR_MAX_ITER}).render()
    assert "linear" not in comparison.results and "calibrated" in comparison.results
    assert "rank_linear" not in comparison.table.columns


# --- the normal case -----------------------------------------------------------------------------

def test_calibrated_fit_converges_well_inside_its_limit(contest):
    fit = fit_calibrated_model(_design(contest))

    assert 1 < fit.iterations < MAX_ITER // 4


def test_linear_fit_converges_when_judges_score_many_entries(contest):
    fit = fit_linear(_design(contest))

    assert 1 < fit.details["iterations"] < LINEAR_MAX_ITER


def test_rank_records_the_sweeps_of_the_default_fit(contest):
    result = rank(contest, RUBRIC, awards=NO_AWARDS, n_draws=20)

    (details,) = result.details.values()
    assert 1 < details["iterations"] < MAX_ITER


SMALL_CONTEST = Regime(n_entries=10, n_judges=6, judges_per_entry=(4, 5), severity_sd=6.0, log_scale_sd=0.5,
                       noise=(1.0, 8.0), erratic_share=0.0, favour_share=0.0)


@pytest.mark.parametrize(("seed", "scales_kept"), [(220, True), (378, False)])
def test_calibrated_fit_without_judge_offsets_converges(seed, scales_kept):
    # small contests where the F test finds no offsets while the judges' noise differs: the level of q
    # once ran away (still moving after 200,000 sweeps) instead of converging, without the offsets and,
    # once they were always fitted, with offsets whose variance tends to 0
    design = _design(simulate_contest(regime=SMALL_CONTEST, seed=seed, rubric=RUBRIC).scores)

    fit = fit_calibrated_model(design)

    assert fit.tests["offset_p"] >= MODEL_CHOICE_ALPHA and (fit.tests["scale_p"] < MODEL_CHOICE_ALPHA) == scales_kept
    assert fit.iterations < MAX_ITER
    assert abs(fit.q.mean()) < 1e-12 and np.all(np.abs(fit.q) < 10)  # in SDs of the totals


def test_additive_solve_of_judges_who_agree_on_average_converges_without_dividing_by_zero():
    # j0 and j1 share e0 (35 vs 50.5) and e4 (88.5 vs 73): on average they agree exactly, so the
    # offsets' right-hand side is round-off once the totals are standardised
    totals = {("j0", "e0"): 35.0, ("j0", "e1"): 81.5, ("j0", "e2"): 39.5, ("j0", "e3"): 8.0, ("j0", "e4"): 88.5,
              ("j1", "e0"): 50.5, ("j1", "e4"): 73.0, ("j1", "e5"): 55.5}
    design = build_design(pd.DataFrame([{"judge_id": j, "entry_id": e, "total": v} for (j, e), v in totals.items()]))
    y = (design.y - design.y.mean()) / design.y.std()

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        offsets, _ = solve_additive(design, y)

    np.testing.assert_allclose(offsets, [0.0, 0.0], atol=1e-12)


@pytest.mark.parametrize(("regime", "seed"), [("random", 0), ("harsh", 1), ("demo5", 2)])
def test_aitken_jumps_reach_plain_em_fixed_point_in_fewer_sweeps(regime, seed):
    """The jumps change the path, not the answer: with a tight tolerance both forms land on the same entry
    scores, and the jumps get there in fewer sweeps (plain EM crawls along one slow mode)."""
    design = _design(simulate_contest(regime=regime, seed=seed, rubric=RUBRIC).scores)
    jumped = fit_calibrated_model(design, tol=1e-7, max_iter=20_000)
    plain = fit_calibrated_model(design, tol=1e-7, max_iter=20_000, extrapolate=False)

    np.testing.assert_allclose(jumped.q * jumped.spread, plain.q * plain.spread, atol=1e-3)  # points (seen: ≤ 1.4e-4)
    assert jumped.iterations < plain.iterations


def _states_along(ratio: float, sweeps: int):
    """EM-like states x_k = x* + ratio^k d around a fixed point x* (offsets 0, scales 1)."""
    d = np.array([0.3, -0.2, 0.1, 0.05, 0.02, -0.04])
    for k in range(1, sweeps):
        x = ratio**k * d
        yield k, _State(a=x[:3], s=1.0 + x[3:], mu=0.0, sigma2=np.ones(3), tau2=1.0, var_scale=0.1,
                        offset_weight=np.ones(3), offset_scale2=1.0)


def test_an_aitken_jump_lands_on_the_fixed_point_of_a_geometric_approach():
    aitken = _Aitken()
    jumps = [(k, aitken.step(state, k)) for k, state in _states_along(0.9, 40)]
    k, jumped = next((k, j) for k, j in jumps if j is not None)

    assert k == EXTRAPOLATE_FROM
    assert np.abs(np.r_[jumped.a, jumped.s - 1.0]).max() < 1e-9  # from 0.1 away


def test_no_aitken_jump_when_the_steps_alternate_in_sign():
    """A decaying oscillation's steps have a steady length ratio too; the jump along the last step would go
    the wrong way (20× further from the fixed point), so none is made."""
    aitken = _Aitken()

    assert all(aitken.step(state, k) is None for k, state in _states_along(-0.9, 60))


def _with_criteria(scores: pd.DataFrame):
    """The design as ``rank`` fits it from a rubric with criteria: sheet totals plus each sheet's criterion scores."""
    names = [c.key for c in RUBRIC.criteria]
    wide = scores.pivot_table(index=["judge_id", "entry_id"], columns="criterion", values="score", sort=False)[names]
    weights = np.array([c.weight for c in RUBRIC.criteria]) / sum(c.weight for c in RUBRIC.criteria)
    return build_design(wide.assign(total=wide.to_numpy() @ weights).reset_index(), criteria=names)


@pytest.mark.parametrize("options", ["criteria", "no judge scales", "carried judges", "gaussian offsets"])
def test_aitken_jumps_keep_plain_em_fixed_point_on_every_path_of_the_fit(options):
    scores = simulate_contest(regime="demo5", seed=4, rubric=RUBRIC).scores
    design = _with_criteria(scores)
    assert design.criteria is not None
    kwargs = {"criteria": {}, "no judge scales": {"judge_scale": False}, "gaussian offsets": {"offset_df": np.inf},
              "carried judges": {"priors": carried_priors(fit_calibrated_model(design), previous_judges=design.judge_ids,
                                                          design=design)}}[options]
    jumped = fit_calibrated_model(design, tol=1e-7, max_iter=20_000, **kwargs)
    plain = fit_calibrated_model(design, tol=1e-7, max_iter=20_000, extrapolate=False, **kwargs)

    np.testing.assert_allclose(jumped.q * jumped.spread, plain.q * plain.spread, atol=1e-3)
    np.testing.assert_allclose(jumped.sigma2, plain.sigma2, rtol=1e-3)
    assert jumped.iterations < plain.iterations  # seen: 74 vs 204, 38 vs 182, 46 vs 72, 80 vs 258
