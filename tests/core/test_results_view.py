"""What the results pages compute: award boundaries, panel items, method moves."""

from __future__ import annotations

import pandas as pd

from judging.core.results_view import (
    award_boundaries,
    discuss_words,
    list_digest,
    method_moves,
    panel_items,
    side_by_side,
    tier_probability_long,
)


def table() -> pd.DataFrame:
    return pd.DataFrame({
        "entry_id": ["A", "B", "C", "D", "E"], "track": ["t"] * 4 + ["u"],
        "score": [90.0, 84.0, 80.0, 70.0, 60.0], "tier": ["first", "second", "second", "", "first"],
        "flags": ["", "boundary", "tie;disagreement", "", "single_judge"],
    })


def test_award_boundaries_lie_half_way_between_tiers_per_track():
    bounds = award_boundaries(table(), ["first", "second", "third"])

    assert bounds.values.tolist() == [["t", "first", 87.0], ["t", "second", 75.0]]


def test_panel_items_are_the_flagged_entries_with_their_codes():
    items = panel_items(table())

    assert items[["entry_id", "codes"]].values.tolist() == [
        ["B", ["boundary"]], ["C", ["tie", "disagreement"]], ["E", ["single_judge"]]]


def test_method_moves_keep_tier_changes_and_the_top():
    comparison = pd.DataFrame({
        "entry_id": ["A", "B", "C"], "track": ["t"] * 3,
        "rank_raw": [1, 2, 30], "tier_raw": ["first", "", ""],
        "rank_zscore": [2, 1, 31], "tier_zscore": ["", "first", ""],
    })

    moves = method_moves(comparison, ["raw", "zscore"], top_n=5)
    side = side_by_side(comparison, ["raw", "zscore"])

    assert moves[["entry_id", "method", "rank", "tier_changes"]].values.tolist() == [
        ["A", "raw", 1, True], ["B", "raw", 2, True], ["A", "zscore", 2, True], ["B", "zscore", 1, True]]
    assert side["tier_changes"].tolist() == [True, True, False]


def test_list_digest_changes_with_the_content():
    changed = table().assign(tier=["", "second", "second", "", "first"])

    assert list_digest(table()) == list_digest(table()) != list_digest(changed)


def test_discuss_reasons_read_as_words_in_either_language():
    assert discuss_words("error_budget;gross_risk", "zh") == "在奖项分界处最可能站错一侧；有可能相差两个或更多等级"
    assert discuss_words("coin_flip", "en") == "less than even odds of its assigned tier"
    assert discuss_words("", "zh") == discuss_words(float("nan"), "zh") == ""


def test_tier_probability_long_has_a_row_per_entry_and_tier_best_first():
    frame = pd.DataFrame({"rank": [1, 2], "entry_id": ["A", "B"], "p_tier_first": [0.7, 0.2],
                          "p_tier_second": [0.3, 0.5], "p_tier_none": [0.0, 0.3]})

    long = tier_probability_long(frame, [("first", "一等奖"), ("second", "二等奖")], no_award="未获奖")

    assert long.values.tolist() == [
        ["1. A", 0, "一等奖", 0.7], ["2. B", 0, "一等奖", 0.2], ["1. A", 1, "二等奖", 0.3],
        ["2. B", 1, "二等奖", 0.5], ["1. A", 2, "未获奖", 0.0], ["2. B", 2, "未获奖", 0.3]]
