"""What the results pages compute: award boundaries, panel items, method moves."""

from __future__ import annotations

import pandas as pd

from judging.core.results_view import award_boundaries, list_digest, method_moves, panel_items, side_by_side


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
