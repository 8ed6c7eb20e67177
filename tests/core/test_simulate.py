"""The contest simulator: shapes, seeds, regimes."""

from __future__ import annotations

import pytest

from judging.core.simulate import REGIMES, simulate_contest
from judging.errors import RankingError


@pytest.mark.parametrize("regime", list(REGIMES))
def test_every_regime_gives_valid_long_scores(regime):
    sim = simulate_contest(regime=regime, seed=1, n_entries=40)
    assert list(sim.scores.columns) == ["judge_id", "entry_id", "criterion", "score", "track"]
    assert sim.scores["score"].between(0, 100).all()
    assert sim.scores["entry_id"].nunique() == 40 == len(sim.truth)
    per_entry = sim.scores.groupby("entry_id")["judge_id"].nunique()
    lo, hi = REGIMES[regime].judges_per_entry
    assert per_entry.between(lo, hi).all()


def test_same_seed_same_contest():
    a, b = simulate_contest(seed=4, n_entries=30), simulate_contest(seed=4, n_entries=30)
    assert a.scores.equals(b.scores) and a.truth.equals(b.truth)


def test_tracks_regime_keeps_most_judges_at_home():
    sim = simulate_contest(regime="tracks", seed=2)
    home = sim.judges.set_index("judge_id")["track"]
    share = (sim.scores["track"] == sim.scores["judge_id"].map(home)).mean()
    assert 0.75 < share < 0.95


def test_unknown_regime_is_an_error():
    with pytest.raises(RankingError) as info:
        simulate_contest(regime="chaos")
    assert info.value.problems[0].code == "simulate.unknown_regime"
