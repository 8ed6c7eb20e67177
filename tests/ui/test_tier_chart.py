"""The must-discuss list's chart and reasons (Altair spec and data, no browser)."""

from __future__ import annotations

import pandas as pd

from judging.ui.tier_chart import tier_probability_chart, with_reasons


def test_chart_stacks_each_entrys_tier_probabilities_in_tier_order():
    items = pd.DataFrame({"rank": [3, 4], "entry_id": ["E1", "E2"], "discuss": ["coin_flip", "error_budget"],
                          "p_tier_first": [0.4, 0.1], "p_tier_none": [0.6, 0.9]})

    spec = tier_probability_chart(items, [("first", "一等奖")]).to_dict()

    data = next(iter(spec["datasets"].values()))
    assert [(row["label"], row["tier"], row["p"]) for row in data] == [
        ("3. E1", "一等奖", 0.4), ("4. E2", "一等奖", 0.1), ("3. E1", "未获奖", 0.6), ("4. E2", "未获奖", 0.9)]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["一等奖", "未获奖"]


def test_reasons_are_added_in_words():
    items = pd.DataFrame({"entry_id": ["E1", "E2"], "discuss": ["coin_flip;gross_risk", ""]})

    assert with_reasons(items)["discuss_text"].tolist() == ["所定等级的把握不足一半；有可能相差两个或更多等级", ""]
