"""The judge × organisation favouritism check: finds a colluding judge, stays quiet on fair contests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from judging.core.ranking.calibrated import fit_calibrated
from judging.core.ranking.design import build_design
from judging.core.ranking.favouritism import COLUMNS, _benjamini_hochberg, favouritism, favouritism_table
from judging.core.rubric import load_rubric
from judging.core.simulate import Regime, simulate_contest

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
FAIR = Regime(n_entries=120, n_judges=20, severity_sd=5.0, noise=(2.5, 5.0), erratic_share=0.0, favour_share=0.0)


def _contest(seed: int, bonus: float):
    """Long scores where judge J001 adds ``bonus`` to four of its entries, which form organisation FAV."""
    sim = simulate_contest(regime=FAIR, seed=seed, rubric=RUBRIC)
    scores = sim.scores.copy()
    rng = np.random.default_rng(seed)
    ids = sim.truth["entry_id"].to_numpy()
    org = pd.Series([f"O{k // 4:02d}" for k in rng.permutation(len(ids))], index=ids)
    mine = scores.loc[scores["judge_id"] == "J001", "entry_id"].unique()
    favoured = rng.choice(mine, size=4, replace=False)
    org[favoured] = "FAV"
    hit = (scores["judge_id"] == "J001") & scores["entry_id"].isin(favoured)
    scores.loc[hit, "score"] = (scores.loc[hit, "score"] + bonus).clip(upper=100)
    entries = pd.DataFrame({"entry_id": ids, "organisation": org[ids].to_numpy(), "recommending_unit": ""})
    return scores, entries


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_judge_favouring_one_organisation_is_the_pair_flagged(seed):
    scores, entries = _contest(seed, bonus=15.0)

    table = favouritism(scores, RUBRIC, entries)

    flagged = table[table["flagged"]]
    assert flagged[["judge_id", "kind", "group"]].values.tolist() == [["J001", "organisation", "FAV"]]
    assert flagged["mean_residual"].iloc[0] > 8
    assert list(table.columns) == [*COLUMNS, "round"]


@pytest.mark.parametrize("seed", [3, 4, 5, 6])
def test_a_fair_contest_flags_nobody(seed):
    scores, entries = _contest(seed, bonus=0.0)

    table = favouritism(scores, RUBRIC, entries)

    assert len(table) > 50 and not table["flagged"].any()


def test_pairs_below_the_minimum_sheets_are_not_tested():
    sim = simulate_contest(regime=FAIR, seed=9)
    design = build_design(sim.scores.groupby(["judge_id", "entry_id"], as_index=False)["score"].mean()
                          .rename(columns={"score": "total"}))
    fit = fit_calibrated(design)
    unique = np.array([f"U{i}" for i in range(design.n_entries)], dtype=object)  # one entry per group

    assert favouritism_table(design, fit, {"organisation": unique}).empty
    assert favouritism_table(design, fit, {"organisation": np.full(design.n_entries, "")}).empty


@settings(max_examples=50, deadline=None)
@given(p=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40))
def test_benjamini_hochberg_matches_statsmodels(p):
    values = np.array(p)

    assert np.allclose(_benjamini_hochberg(values), multipletests(values, method="fdr_bh")[1])


def test_benjamini_hochberg_by_hand():
    assert np.allclose(_benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.20])), [0.04, 0.16 / 3, 0.16 / 3, 0.2])
