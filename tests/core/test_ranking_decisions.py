"""Tier probabilities and the must-discuss list: sums, the error budget, calibration on simulations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.core.ranking import rank
from judging.core.ranking.decisions import (
    DISCUSS_REASONS,
    discuss_text,
    expected_tier,
    must_discuss,
    tier_probabilities,
)
from judging.core.rubric import load_rubric
from judging.core.simulate import simulate_contest
from judging.errors import RankingError

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")


def _contest(draw_count: int, n: int, n_groups: int, n_tiers: int, spread: float, seed: int):
    """Draws around a score, the tiers the scores give per group (quotas 1, 2, ... per tier)."""
    rng = np.random.default_rng(seed)
    score = rng.normal(0, 1, n)
    groups = rng.integers(0, n_groups, n)
    draws = score + spread * rng.standard_normal((draw_count, n))
    tier = np.full(n, n_tiers)
    for g in range(n_groups):
        idx = np.flatnonzero(groups == g)
        order = idx[np.argsort(-score[idx])]
        positions = np.repeat(np.arange(n_tiers), np.arange(1, n_tiers + 1))[: len(order)]
        tier[order[: len(positions)]] = positions
    return draws, groups, tier


contests = st.builds(_contest, st.integers(5, 60), st.integers(3, 40), st.integers(1, 3), st.integers(1, 4),
                     st.floats(0.0, 2.0), st.integers(0, 10_000))


@settings(max_examples=60, deadline=None)
@given(contest=contests)
def test_tier_probabilities_sum_to_one_and_keep_every_tiers_size(contest):
    draws, groups, tier = contest
    n_tiers = int(tier.max()) if (tier < tier.max()).any() else 1
    taking_part = np.ones(len(tier), dtype=bool)

    p = tier_probabilities(draws, groups=groups, tier=tier, n_tiers=n_tiers, taking_part=taking_part)

    assert np.allclose(p.sum(axis=1), 1.0)
    for g in np.unique(groups):  # every draw hands out exactly the list's number of each tier
        in_g = groups == g
        assert np.allclose(p[in_g].sum(axis=0), np.bincount(tier[in_g], minlength=n_tiers + 1)[: n_tiers + 1])


def test_without_uncertainty_every_entry_keeps_its_tier_and_nothing_is_listed():
    draws, groups, tier = _contest(30, 25, 2, 3, 0.0, seed=3)
    taking_part = np.ones(25, dtype=bool)

    p = tier_probabilities(draws, groups=groups, tier=tier, n_tiers=3, taking_part=taking_part)
    reasons = must_discuss(p, tier=tier, groups=groups, taking_part=taking_part)

    assert p[np.arange(25), tier].tolist() == [1.0] * 25
    assert expected_tier(p).tolist() == (tier + 1).astype(float).tolist()
    assert {r: int(v.sum()) for r, v in reasons.items()} == dict.fromkeys(DISCUSS_REASONS, 0)


def test_entries_not_taking_part_get_no_award_in_every_draw_and_are_never_listed():
    draws, groups, tier = _contest(40, 20, 1, 2, 1.5, seed=5)
    taking_part = np.ones(20, dtype=bool)
    taking_part[np.argmax(draws.mean(axis=0))] = False  # e.g. vetoed
    tier[~taking_part] = 2

    p = tier_probabilities(draws, groups=groups, tier=tier, n_tiers=2, taking_part=taking_part)
    reasons = must_discuss(p, tier=tier, groups=groups, taking_part=taking_part)

    assert p[~taking_part].tolist() == [[0.0, 0.0, 1.0]]
    assert not any(v[~taking_part].any() for v in reasons.values())


@settings(max_examples=60, deadline=None)
@given(contest=contests, budget=st.sampled_from([0.0, 0.1, 0.2, 0.5, 1.0]))
def test_error_budget_list_is_the_smallest_that_leaves_at_most_the_budget_off_per_boundary(contest, budget):
    """Entries listed for any reason are on the list: at each boundary (in order) the budget adds the
    likeliest wrong-side entries not on it yet, as few as leave at most the budget off the whole list."""
    draws, groups, tier = contest
    n_tiers = max(int(tier.max()), 1)
    taking_part = np.ones(len(tier), dtype=bool)
    p = tier_probabilities(draws, groups=groups, tier=tier, n_tiers=n_tiers, taking_part=taking_part)

    reasons = must_discuss(p, tier=tier, groups=groups, taking_part=taking_part, budget=budget)

    other = reasons["coin_flip"] | reasons["gross_risk"]
    on_list = other | reasons["error_budget"]
    assert not (reasons["error_budget"] & other).any()  # each entry is listed by the budget only if not otherwise
    cumulative = np.cumsum(p, axis=1)
    needed = np.zeros(len(tier), dtype=bool)
    for k in range(n_tiers):  # each boundary level, pooled over the groups
        wrong, where, allowed = [], [], 0.0
        for g in pd.unique(groups):  # ties in the draws' probabilities go by track order, then entry order
            idx = np.flatnonzero(groups == g)
            per_tier = np.bincount(tier[idx], minlength=n_tiers + 1)
            if per_tier[k] == 0 or per_tier[k + 1:].sum() == 0:
                continue
            wrong += np.where(tier[idx] <= k, 1 - cumulative[idx, k], cumulative[idx, k]).tolist()
            where += idx.tolist()
            allowed += budget * per_tier[: k + 1].sum()
        if not where:
            continue
        wrong, where = np.array(wrong), np.array(where)
        assert wrong[~on_list[where]].sum() <= allowed + 1e-9  # the bound holds for the whole list
        # and no shorter addition at this boundary would do: the likeliest m entries not on the list yet
        free = ~(other | needed)[where]
        wrong, where = wrong[free], where[free]
        m = 0
        ordered = np.sort(wrong)[::-1]
        while ordered[m:].sum() > allowed + 1e-12:
            m += 1
        needed[where[np.argsort(-wrong, kind="stable")[:m]]] = True
    assert reasons["error_budget"].tolist() == needed.tolist()


def test_an_entry_listed_for_another_reason_is_not_left_off_the_budget():
    """Two entries around one boundary, each 50% on the wrong side: the coin flip lists both, and then
    nothing is left off, so the budget lists no one more (before, it counted them as left off)."""
    p = np.array([[0.5, 0.5], [0.5, 0.5], [0.0, 1.0], [1.0, 0.0]])
    tier = np.array([0, 1, 1, 0])

    reasons = must_discuss(p, tier=tier, groups=np.zeros(4), taking_part=np.ones(4, dtype=bool), budget=0.0,
                           coin_flip=0.51)

    assert reasons["coin_flip"].tolist() == [True, True, False, False]
    assert reasons["error_budget"].tolist() == [False, False, False, False]


def test_coin_flips_and_gross_risks_follow_their_thresholds():
    p = np.array([[0.45, 0.40, 0.15], [0.90, 0.06, 0.04], [0.05, 0.15, 0.80], [0.0, 0.0, 1.0]])
    tier = np.array([0, 0, 2, 2])

    reasons = must_discuss(p, tier=tier, groups=np.zeros(4), taking_part=np.ones(4, dtype=bool), budget=1.0)

    assert reasons["coin_flip"].tolist() == [True, False, False, False]
    assert reasons["gross_risk"].tolist() == [True, False, True, False]
    assert discuss_text(reasons).tolist() == ["coin_flip;gross_risk", "", "gross_risk", ""]


def test_rank_adds_tier_probabilities_expected_tier_and_the_discuss_reasons():
    sim = simulate_contest(regime="demo1", seed=7, rubric=RUBRIC)

    table = rank(sim.scores, RUBRIC).table

    keys = ["first", "second", "third", "excellence", "none"]
    p = table[[f"p_tier_{k}" for k in keys]].to_numpy()
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(table["expected_tier"], p @ np.arange(1, 6))
    listed = table["discuss"] != ""
    assert (table["flags"].str.contains("boundary") == listed).all()
    assert set(";".join(table["discuss"]).replace(";", " ").split()) <= set(DISCUSS_REASONS)
    assert 0 < listed.mean() < 0.2  # a list a panel can discuss, not half the field


def test_a_larger_budget_never_lists_more():
    sim = simulate_contest(regime="demo5", seed=3, rubric=RUBRIC)

    sizes = [int((rank(sim.scores, RUBRIC, discuss_budget=q).table["discuss"].str.contains("error_budget")).sum())
             for q in (0.05, 0.2, 0.5)]

    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[2]


@pytest.mark.parametrize("value", [-0.1, 1.5, float("nan"), "0.2"])
def test_a_budget_outside_0_to_1_is_an_error(value):
    sim = simulate_contest(regime="demo1", seed=1, n_entries=20, rubric=RUBRIC)

    with pytest.raises(RankingError) as info:
        rank(sim.scores, RUBRIC, discuss_budget=value)

    assert info.value.problems[0].code == "rank.bad_discuss_budget"


def _true_tiers(table: pd.DataFrame, truth: pd.Series, keys: list[str]) -> np.ndarray:
    index = table["tier"].map({k: i for i, k in enumerate(keys)}).fillna(len(keys)).astype(int).to_numpy()
    out = np.empty(len(table), dtype=int)
    for _, idx in table.groupby("track").indices.items():
        order = idx[np.argsort(-truth.loc[table["entry_id"].to_numpy()[idx]].to_numpy(), kind="stable")]
        out[order] = np.sort(index[idx])
    return out


@pytest.mark.slow
def test_tier_probabilities_predict_the_tier_errors_of_simulated_contests():
    keys = ["first", "second", "third", "excellence"]
    predicted = observed = entries = 0
    for seed in range(8):
        sim = simulate_contest(regime="demo1", seed=500 + seed, rubric=RUBRIC)
        table = rank(sim.scores, RUBRIC, seed=seed).table
        assigned = table["tier"].map({k: i for i, k in enumerate(keys)}).fillna(len(keys)).astype(int).to_numpy()
        p = table[[f"p_tier_{k}" for k in keys + ["none"]]].to_numpy()
        predicted += float((1 - p[np.arange(len(p)), assigned]).sum())
        observed += int((_true_tiers(table, sim.truth.set_index("entry_id")["true_quality"], keys) != assigned).sum())
        entries += len(table)

    # about one entry in six is in the wrong tier; the draws must say so to within 3% of the entries
    assert observed / entries > 0.1
    assert abs(predicted - observed) / entries < 0.03
