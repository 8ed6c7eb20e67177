"""The results page's charts read at 10–200 entries per track: the interval chart grows with its
entries and draws every label (no overlap removal), every chart has a title and every tooltip
field a translated title; judges appear by display name."""

from __future__ import annotations

import pandas as pd
import pytest

from judging.ui import judge_table, results


def _track(n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "rank": range(1, n + 1), "entry_id": [f"L-{i:03d}" for i in range(1, n + 1)],
        "title": [f"作品{i}" for i in range(1, n + 1)], "score": [90 - 0.1 * i for i in range(n)],
        "score_low": [88 - 0.1 * i for i in range(n)], "score_high": [92 - 0.1 * i for i in range(n)],
        "tier_label": ["一等奖"] + [""] * (n - 1), "flag_text": [""] * n, "track": ["life"] * n,
        "tier": ["first"] + [""] * (n - 1)})


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _tooltip_titles(spec: dict) -> list[tuple[str, str | None]]:
    found = []
    for layer in _layers(spec):
        tooltip = layer.get("encoding", {}).get("tooltip", [])
        for item in tooltip if isinstance(tooltip, list) else [tooltip]:
            found.append((item.get("field"), item.get("title")))
    return found


@pytest.mark.parametrize("n", [10, 50, 200])
def test_interval_chart_grows_with_its_entries_and_draws_every_label(n):
    table = _track(n)
    spec = results.interval_chart(table, pd.DataFrame({"tier": ["一等奖"], "boundary": [89.9]}), ["一等奖"]).to_dict()

    y_axes = [layer["encoding"]["y"] for layer in _layers(spec) if "y" in layer.get("encoding", {})]
    labels = {row["label"] for dataset in spec["datasets"].values() for row in dataset if "label" in row}

    assert spec["height"] == results.ROW_HEIGHT_PX * n >= 10 * n
    assert all(axis["axis"]["labelOverlap"] is False for axis in y_axes)
    assert len(labels) == n  # every entry, none cut off
    assert spec["title"] == "得分与区间（虚线为奖项分界）"
    assert all(title for _, title in _tooltip_titles(spec))


def test_bump_chart_has_a_title_translated_methods_and_titled_tooltips():
    moves = pd.DataFrame({"entry_id": ["L-001", "L-001", "L-002", "L-002"], "method": ["raw", "calibrated"] * 2,
                          "rank": [1, 2, 2, 1], "tier": ["一等奖", "", "", "一等奖"], "tier_changes": [True] * 4})
    spec = results.bump_chart(moves, ["raw", "calibrated"]).to_dict()
    methods = {row["method_label"] for dataset in spec["datasets"].values() for row in dataset}

    assert spec["title"].startswith("各方法下的名次变化")
    assert methods == {"原始平均分", "校准模型（推荐）"}
    assert [title for _, title in _tooltip_titles(spec)] == ["作品编号", "标准化方法", "排名", "奖项等级"]


def test_judge_chart_and_table_show_display_names_and_chinese_headers():
    judges = pd.DataFrame({"judge_id": ["zhangsan", "lisi"], "n_sheets": [10, 12], "severity": [1.23456, -2.5],
                           "scale": [1.0, 0.9], "noise": [3.0, 2.0], "consistency": [0.9, 0.8],
                           "flags": ["", "harsh"]})
    names = {"zhangsan": "张三", "lisi": "李四"}

    spec = judge_table.judge_chart(judges, names).to_dict()
    frame = judge_table.judge_frame(judges, names, lambda f: "偏严" if f else "")
    shown = {row["judge"] for dataset in spec["datasets"].values() for row in dataset}

    assert shown == {"张三", "李四"}
    assert all(title for _, title in _tooltip_titles(spec)) and ("judge", "评委") in _tooltip_titles(spec)
    assert list(frame.columns) == ["评委", "评分表数", "宽严（分，负数为偏严）", "尺度（1 为与共识一致）", "离散度（分）",
                                   "一致性", "提示"]
    assert frame.iloc[0].tolist()[:3] == ["张三", 10, 1.23] and frame.iloc[1, -1] == "偏严"
