"""Judge noise read from the spread between a sheet's criteria (``calibrated.criterion_noise_evidence``):
used where the criteria carry noise of their own, left out where they do not, and never where the design
has one criterion or totals only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from judging.core.ranking.calibrated import (
    CRITERION_MIN_SHARE,
    criterion_noise_evidence,
    fit_calibrated_model,
)
from judging.core.ranking.design import build_design
from judging.core.ranking.totals import encode_scores, encoded_sheets
from judging.core.rubric import load_rubric
from judging.core.simulate import DEFAULT_WEIGHTS, simulate_contest

ROOT = Path(__file__).parents[2]
CRITERIA = list(DEFAULT_WEIGHTS)


def _sheets(scores: pd.DataFrame) -> pd.DataFrame:
    wide = scores.pivot_table(index=["judge_id", "entry_id"], columns="criterion", values="score", sort=False)[CRITERIA]
    w = np.array([DEFAULT_WEIGHTS[c] for c in CRITERIA]) / sum(DEFAULT_WEIGHTS.values())
    return wide.assign(total=wide.to_numpy() @ w).reset_index()


def _same_fit(a, b) -> bool:
    return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("q", "a", "s", "sigma2", "noise_dof"))


def test_totals_only_and_single_criterion_designs_fit_exactly_as_before():
    sheets = _sheets(simulate_contest(regime="sparse3", seed=0).scores)
    totals_only = build_design(sheets)
    one = build_design(sheets, criteria=["core_technology"])
    assert totals_only.criteria is None and one.criteria is None
    assert criterion_noise_evidence(totals_only) is None
    for design in (totals_only, one):
        assert _same_fit(fit_calibrated_model(design), fit_calibrated_model(design, criterion_noise=False))
    # rank(): a score table with one criterion carries no criterion scores into the design
    rubric = load_rubric(ROOT / "rubrics/innovation_contest.toml")
    scores = simulate_contest(regime="sparse3", seed=0).scores
    single = scores[scores["criterion"] == "core_technology"]
    assert encoded_sheets(encode_scores(scores=single, rubric=rubric), rubric).criteria is None
    assert encoded_sheets(encode_scores(scores=scores, rubric=rubric), rubric).criteria.shape[1] == 3


def test_the_criteria_tell_the_erratic_judges_apart_where_three_sheets_cannot():
    sim = simulate_contest(regime="sparse3", seed=0)
    design = build_design(_sheets(sim.scores), criteria=CRITERIA)
    old, new = fit_calibrated_model(design, criterion_noise=False), fit_calibrated_model(design)
    true = sim.judges.set_index("judge_id")["noise"].loc[design.judge_ids].to_numpy()

    assert np.ptp(old.sigma2) == 0  # the totals alone pool every judge to one noise level
    assert new.noise_prior_var > 0
    assert np.corrcoef(np.sqrt(new.sigma2), true)[0, 1] > 0.6
    assert new.tests["criterion_noise_judges"] == design.n_judges


def test_criteria_without_noise_of_their_own_are_left_out():
    # nips: every judge's noise is shared by the sheet's criteria; their spread is rounding and clipping
    design = build_design(_sheets(simulate_contest(regime="nips", seed=0).scores), criteria=CRITERIA)
    new = fit_calibrated_model(design)

    assert new.tests["criterion_noise_share"] < CRITERION_MIN_SHARE
    assert "criterion_noise_judges" not in new.tests
    assert _same_fit(new, fit_calibrated_model(design, criterion_noise=False))


def test_a_judge_who_scores_every_criterion_alike_does_not_gain_weight():
    sim = simulate_contest(regime="random", seed=0)
    sheets = _sheets(sim.scores)
    noisy = sim.judges.sort_values("noise")["judge_id"].iloc[-1]  # the noisiest judge ...
    rows = sheets["judge_id"] == noisy
    for criterion in CRITERIA:  # ... shows no spread between criteria
        sheets.loc[rows, criterion] = np.round(sheets.loc[rows, "total"].to_numpy())
    design = build_design(sheets, criteria=CRITERIA)
    old, new = fit_calibrated_model(design, criterion_noise=False), fit_calibrated_model(design)
    j = list(design.judge_ids).index(noisy)

    assert new.tests["criterion_noise_judges"] < design.n_judges  # its criteria were left out
    assert np.sqrt(new.sigma2[j] / np.median(new.sigma2)) > 0.9 * np.sqrt(old.sigma2[j] / np.median(old.sigma2))
