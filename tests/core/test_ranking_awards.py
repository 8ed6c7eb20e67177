"""Award configuration and allocation: quotas, minimum scores, tie-break chain, explicit ties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.core.ranking import AwardConfig, TierRule, award_config_from_mapping, load_award_config
from judging.core.ranking.awards import allocate
from judging.core.rubric import Label
from judging.errors import RankingError

ROOT = Path(__file__).parents[2]
FIRST, SECOND = Label("一等奖", "First prize"), Label("二等奖", "Second prize")


def table(scores, *, track="T", tb=None, eligible=None):
    n = len(scores)
    frame = pd.DataFrame({"entry_id": [f"e{i}" for i in range(n)], "track": track, "score": scores,
                          "eligible": eligible if eligible is not None else [True] * n})
    for key, values in (tb or {}).items():
        frame[f"tb:{key}"] = values
    return frame


def test_example_config_loads():
    config = load_award_config(ROOT / "rubrics" / "awards" / "example.toml",
                               criteria=("core_technology", "application_effect", "promotion_value"))
    assert [t.key for t in config.tiers] == ["first", "second", "third", "excellence"]
    assert config.tie_break == ("criterion:core_technology", "first_places")


def test_counts_and_shares():
    config = AwardConfig(tiers=(TierRule("first", FIRST, count=1), TierRule("second", SECOND, share=0.5)))
    out = allocate(table([90, 80, 70, 60, 50]), config)
    assert out["tier"].tolist() == ["first", "second", "second", "", ""]  # 0.5 × 5 = 2.5, rounded down
    assert out["rank"].tolist() == [1, 2, 3, 4, 5]


def test_minimum_score_and_per_tier_minimum():
    config = AwardConfig(tiers=(TierRule("first", FIRST, count=2, min_score=85), TierRule("second", SECOND, count=2)),
                         min_score=75)
    out = allocate(table([90, 84, 80, 70]), config)
    assert out["tier"].tolist() == ["first", "second", "second", ""]
    assert out["below_min"].tolist() == [False, False, False, True]


def test_tie_break_chain_decides_before_flagging():
    config = AwardConfig(tiers=(TierRule("first", FIRST, count=1),), tie_break=("criterion:core_technology",))
    out = allocate(table([88.001, 88.0], tb={"criterion:core_technology": [80, 85]}), config)
    assert out["tier"].tolist() == ["", "first"]  # equal at two decimals; the core-technology score decides
    assert out["tie"].tolist() == [False, False]


@pytest.mark.parametrize(("policy", "tiers"), [("include", ["first", "first", ""]), ("exclude", ["", "", ""])])
def test_unbroken_tie_at_a_boundary_is_flagged_and_resolved_by_policy(policy, tiers):
    config = AwardConfig(tiers=(TierRule("first", FIRST, count=1),), tie_break=("first_places",), tie_policy=policy)
    out = allocate(table([88.0, 88.0, 70.0], tb={"first_places": [1, 1, 0]}), config)
    assert out["tier"].tolist() == tiers
    assert out["tie"].tolist() == [True, True, False]
    assert out["rank"].tolist() == [1, 1, 3]


def test_quotas_are_per_track_with_overrides():
    config = AwardConfig(tiers=(TierRule("first", FIRST, count=1),), tracks={"B": {"first": 2}})
    frame = pd.concat([table([90, 80, 70], track="A"), table([60, 50, 40], track="B")], ignore_index=True)
    frame["entry_id"] = [f"e{i}" for i in range(6)]
    out = allocate(frame, config)
    assert out["tier"].tolist() == ["first", "", "", "first", "first", ""]
    assert out["rank"].tolist() == [1, 2, 3, 1, 2, 3]


@pytest.mark.parametrize(("data", "code"), [
    ({"tiers": []}, "awards.no_tiers"),
    ({"tiers": [{"key": "a", "label": "一等奖"}]}, "awards.count_or_share"),
    ({"tiers": [{"key": "a", "label": "一等奖", "share": 1.5}]}, "awards.bad_share"),
    ({"tiers": [{"key": "a", "label": "一等奖", "count": 1}], "tie_break": ["luck"]}, "awards.unknown_tie_break"),
    ({"tiers": [{"key": "a", "label": "一等奖", "count": 1}], "tie_policy": "coin"}, "awards.bad_choice"),
    ({"tiers": [{"key": "a", "label": "一等奖", "count": 1}], "tracks": {"T": {"b": 1}}}, "awards.unknown_tier"),
    ({"tiers": [{"key": "a", "label": "一等奖", "count": 1}], "colour": "red"}, "awards.unknown_key"),
])
def test_bad_config_is_reported(data, code):
    with pytest.raises(RankingError) as info:
        award_config_from_mapping(data, source="awards.toml")
    assert info.value.problems[0].code == code
    assert info.value.problems[0].where.startswith("awards.toml")


@settings(max_examples=60, deadline=None)
@given(scores=st.lists(st.integers(0, 20), min_size=1, max_size=40),
       counts=st.lists(st.integers(0, 5), min_size=1, max_size=4), policy=st.sampled_from(["include", "exclude"]))
def test_award_counts_respect_quotas_except_flagged_ties(scores, counts, policy):
    tiers = tuple(TierRule(f"t{k}", Label(f"奖{k}", f"t{k}"), count=c) for k, c in enumerate(counts))
    config = AwardConfig(tiers=tiers, tie_break=(), tie_policy=policy)
    out = allocate(table([float(s) for s in scores]), config)
    for k, c in enumerate(counts):
        given_tier = (out["tier"] == f"t{k}").to_numpy()
        untied = given_tier & ~out["tie"].to_numpy()
        assert untied.sum() <= c
        if policy == "exclude":
            assert given_tier.sum() <= c
    # awarded entries never score below unawarded ones
    awarded = out["tier"] != ""
    if awarded.any() and (~awarded).any():
        assert np.min(np.array(scores)[awarded.to_numpy()]) >= np.max(np.array(scores)[~awarded.to_numpy()])
