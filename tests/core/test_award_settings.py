"""A round's award settings: the form and the TOML give the same validated settings, the TOML download
reads back equal, at least one award per track where asked, and the default's 一等奖 in a small track."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.core.award_settings import (
    RoundAwards,
    default_round_awards,
    form_rows,
    mapping_from_form,
    parse_round_awards,
    parse_round_awards_toml,
    quota_preview,
    resolved_awards,
    round_awards_to_toml,
)
from judging.core.bundle import award_config_to_mapping
from judging.core.ranking import AwardConfig, TierRule, award_config_from_mapping
from judging.core.ranking.awards import allocate
from judging.core.rubric import Label
from judging.errors import RankingError

CRITERIA = ("core_technology", "application_effect", "promotion_value")


def _codes(exc: pytest.ExceptionInfo) -> list[str]:
    return sorted(p.code for p in exc.value.problems)


def _allocate(config: AwardConfig, n: int, track: str = "life") -> list[str]:
    scores = np.linspace(95, 60, n)
    table = pd.DataFrame({"entry_id": [f"E{i:02d}" for i in range(n)], "track": track, "score": scores,
                          "eligible": True})
    return [t for t in allocate(table, config)["tier"] if t]


def test_default_gives_a_first_prize_in_a_ten_entry_track():
    awards = default_round_awards()

    tiers = _allocate(resolved_awards(awards, {"life": 10}), 10)

    assert tiers == ["first", "second", "third", "excellence", "excellence"]


def test_plain_five_percent_alone_gives_no_first_prize_in_ten_entries():
    tiers = _allocate(default_round_awards().config, 10)  # what the default was without "at least one"

    assert "first" not in tiers


@given(n=st.integers(1, 400), share=st.floats(0, 1), rounding=st.sampled_from(["floor", "round", "ceil"]))
def test_at_least_one_gives_max_of_one_and_the_share(n, share, rounding):
    config = AwardConfig(tiers=(TierRule("first", Label("一等奖", "First"), share=share),), share_rounding=rounding)
    awards = RoundAwards(config, frozenset({"first"}))

    resolved = resolved_awards(awards, {"t": n})

    assert resolved.quota(resolved.tiers[0], track="t", n_entries=n) == max(
        1, config.quota(config.tiers[0], track="t", n_entries=n))


def test_at_least_one_leaves_an_explicit_track_count_alone():
    config = AwardConfig(tiers=(TierRule("first", Label("一等奖", "First"), share=0.05),), tracks={"life": {"first": 0}})

    resolved = resolved_awards(RoundAwards(config, frozenset({"first"})), {"life": 10, "public": 10})

    assert dict(resolved.tracks) == {"life": {"first": 0}, "public": {"first": 1}}


def test_resolved_settings_are_an_ordinary_award_configuration_a_bundle_reads_back():
    resolved = resolved_awards(default_round_awards(), {"life": 3, "public": 40})

    assert award_config_from_mapping(award_config_to_mapping(resolved)) == resolved


def test_quota_preview_counts_each_tier_per_track():
    rows = quota_preview(default_round_awards(), {"life": 10, "public": 40})

    assert rows == [{"track": "life", "entries": 10, "first": 1, "second": 1, "third": 1, "excellence": 2},
                    {"track": "public", "entries": 40, "first": 2, "second": 4, "third": 6, "excellence": 8}]


# --- the form ------------------------------------------------------------------------------------

def test_form_reads_counts_percentages_and_decimal_shares():
    rows = [{"key": "first", "label_zh": "一等奖", "label_en": "First", "quota": "2", "min_score": 85.0,
             "at_least_one": False},
            {"key": "second", "label_zh": "二等奖", "label_en": "", "quota": "12.5%", "min_score": None,
             "at_least_one": True},
            {"key": "third", "label_zh": "三等奖", "label_en": "Third", "quota": "0.2", "min_score": float("nan"),
             "at_least_one": False}]

    data, problems = mapping_from_form(rows=rows, min_score=60, tie_break=["first_places"], tie_policy="exclude",
                                       share_rounding="ceil", base=default_round_awards())
    awards = parse_round_awards(data, criteria=CRITERIA)

    assert problems == []
    assert awards == RoundAwards(AwardConfig(
        tiers=(TierRule("first", Label("一等奖", "First"), count=2, min_score=85.0),
               TierRule("second", Label("二等奖", "二等奖"), share=0.125),
               TierRule("third", Label("三等奖", "Third"), share=0.2)),
        min_score=60.0, tie_break=("first_places",), tie_policy="exclude", share_rounding="ceil"),
        frozenset({"second"}))


def test_form_rows_read_back_to_the_same_settings():
    awards = default_round_awards()
    config = awards.config

    data, problems = mapping_from_form(rows=form_rows(awards), min_score=config.min_score,
                                       tie_break=config.tie_break, tie_policy=config.tie_policy,
                                       share_rounding=config.share_rounding, base=awards)

    assert (problems, parse_round_awards(data)) == ([], awards)


@pytest.mark.parametrize("quota", ["", "abc", "-1", "1.5", "3 个", "5%%"])
def test_form_refuses_a_quota_that_is_neither_a_count_nor_a_share(quota):
    rows = [{"key": "first", "label_zh": "一等奖", "label_en": "", "quota": quota, "min_score": None,
             "at_least_one": False}]

    _, problems = mapping_from_form(rows=rows, min_score=None, tie_break=[], tie_policy="include",
                                    share_rounding="floor", base=default_round_awards())

    assert [(p.code, p.where) for p in problems] == [("aws.bad_quota", "tiers[0]")]


def test_form_and_toml_are_refused_with_the_same_problems():
    rows = [{"key": "first", "label_zh": "一等奖", "label_en": "", "quota": "1", "min_score": None,
             "at_least_one": False},
            {"key": "first", "label_zh": "", "label_en": "", "quota": "5%", "min_score": None, "at_least_one": False}]
    toml = ('tie_break = ["criterion:novelty"]\n[[tiers]]\nkey = "first"\nlabel = "一等奖"\ncount = 1\n'
            '[[tiers]]\nkey = "first"\nshare = 0.05\n')
    data, _ = mapping_from_form(rows=rows, min_score=None, tie_break=["criterion:novelty"], tie_policy="include",
                                share_rounding="floor", base=default_round_awards())

    with pytest.raises(RankingError) as from_form:
        parse_round_awards(data, criteria=CRITERIA)
    with pytest.raises(RankingError) as from_toml:
        parse_round_awards_toml(toml, criteria=CRITERIA)

    assert _codes(from_form) == _codes(from_toml) == ["awards.duplicate_tier", "awards.missing_key",
                                                      "awards.unknown_tie_break"]


def test_at_least_one_on_a_count_is_refused_with_the_validators_problems_too():
    data = {"tiers": [{"key": "first", "label": "一等奖", "count": 1, "at_least_one": True},
                      {"key": "second", "label": "二等奖", "share": 2.0, "at_least_one": "yes"}]}

    with pytest.raises(RankingError) as exc:
        parse_round_awards(data)

    assert _codes(exc) == ["awards.bad_share", "awards.wrong_type", "aws.at_least_one_needs_share"]


def test_empty_rows_the_editor_adds_are_ignored():
    rows = [*form_rows(default_round_awards()), {"key": None, "label_zh": None, "label_en": None, "quota": None,
                                                 "min_score": float("nan"), "at_least_one": False}]

    data, problems = mapping_from_form(rows=rows, min_score=None, tie_break=["first_places"], tie_policy="include",
                                       share_rounding="floor", base=default_round_awards())

    assert problems == [] and len(data["tiers"]) == 4


# --- TOML ----------------------------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
KEY = st.text("abcdefghijklmnopqrstuvwxyz_0123456789-", min_size=1, max_size=10)


@st.composite
def round_awards(draw) -> RoundAwards:
    keys = draw(st.lists(KEY, min_size=1, max_size=5, unique=True))
    tiers, at_least_one = [], set()
    for key in keys:
        min_score = draw(st.none() | st.floats(0, 100, allow_nan=False))
        if draw(st.booleans()):
            tiers.append(TierRule(key, Label(draw(TEXT), draw(TEXT)), count=draw(st.integers(0, 500)),
                                  min_score=min_score))
        else:
            tiers.append(TierRule(key, Label(draw(TEXT), draw(TEXT)), share=draw(st.floats(0, 1)),
                                  min_score=min_score))
            if draw(st.booleans()):
                at_least_one.add(key)
    tracks = draw(st.dictionaries(TEXT, st.dictionaries(st.sampled_from(keys), st.integers(0, 9) | st.floats(0, 1),
                                                        max_size=2), max_size=2))
    config = AwardConfig(
        tiers=tuple(tiers), min_score=draw(st.none() | st.floats(-10, 100, allow_nan=False)),
        tie_break=tuple(draw(st.lists(st.sampled_from(["first_places", "median", "raw", "n_judges",
                                                       "criterion:core_technology"]), max_size=3))),
        tie_policy=draw(st.sampled_from(["include", "exclude"])),
        share_rounding=draw(st.sampled_from(["floor", "round", "ceil"])), score_decimals=draw(st.integers(0, 6)),
        tracks=tracks)
    return RoundAwards(config, frozenset(at_least_one))


@settings(max_examples=200, deadline=None)
@given(awards=round_awards())
def test_toml_download_reads_back_to_equal_settings(awards):
    text = round_awards_to_toml(awards)

    assert parse_round_awards_toml(text, criteria=CRITERIA) == awards


@settings(max_examples=200, deadline=None)
@given(awards=round_awards())
def test_json_as_stored_reads_back_to_equal_settings(awards):
    assert parse_round_awards(awards.to_mapping()) == awards


def test_the_example_file_is_valid_round_settings():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "rubrics" / "awards" / "example.toml").read_text(encoding="utf-8")

    awards = parse_round_awards_toml(text, criteria=CRITERIA)

    assert [t.key for t in awards.config.tiers] == ["first", "second", "third", "excellence"]
    assert math.isclose(awards.config.tiers[0].share, 0.05) and awards.at_least_one == frozenset()
