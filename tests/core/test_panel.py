"""The panel's decisions without a database: their checks, the one in force, the list's columns and the notes."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from judging.core.panel import (
    Decision,
    PanelError,
    check_decision,
    in_force,
    panel_notes,
    present_names,
    with_decisions,
)

TIERS = ("first", "second")


def _codes(exc) -> list[str]:
    return [p.code for p in exc.value.problems]


@pytest.mark.parametrize(("kwargs", "codes"), [
    ({"decision": "move", "tier": "second", "reason": "边界并列，核心技术较弱", "present": ("张三",)}, []),
    ({"decision": "move", "tier": "", "reason": "材料不实", "present": ("张三",)}, []),  # move to no award
    ({"decision": "veto", "tier": "", "reason": "x", "present": ("张三",)}, ["panel.bad_decision"]),
    ({"decision": "move", "tier": "gold", "reason": "x", "present": ("张三",)}, ["panel.unknown_tier"]),
    ({"decision": "keep", "tier": "first", "reason": "x", "present": ("张三",)}, ["panel.tier_only_for_move"]),
    ({"decision": "review", "tier": "", "reason": "  ", "present": ()},
     ["panel.reason_required", "panel.present_required"]),
])
def test_check_decision_names_every_problem(kwargs, codes):
    if not codes:
        check_decision(tiers=TIERS, **kwargs)
        return
    with pytest.raises(PanelError) as exc:
        check_decision(tiers=TIERS, **kwargs)
    assert _codes(exc) == codes


NAME = st.text(alphabet="张三李四王五赵六钱七孙八ABC", min_size=1, max_size=4)


@given(names=st.lists(NAME, min_size=1, max_size=8), separators=st.lists(st.sampled_from([",", "，", "、", "；", "\n", " , "]),
                                                                          min_size=8, max_size=8))
def test_present_names_split_on_any_separator_in_order_once_each(names, separators):
    text = "".join(n + sep for n, sep in zip(names, separators, strict=False))

    assert present_names(text) == tuple(dict.fromkeys(names))


def test_the_latest_decision_per_entry_is_in_force():
    decisions = [Decision(2, "L-1", "move", "second", "b", ("甲",)), Decision(1, "L-1", "keep", "", "a", ("甲",)),
                 Decision(3, "L-2", "review", "", "c", ("乙",))]

    assert {k: d.id for k, d in in_force(decisions).items()} == {"L-1": 2, "L-2": 3}


def test_the_list_carries_the_decisions_and_the_documents_note_moves_and_reviews_only():
    table = pd.DataFrame({"entry_id": ["L-1", "L-2", "L-3"], "title": ["甲项目", "乙项目", "丙项目"],
                          "organisation": ["甲公司", "乙公司", "丙公司"], "tier": ["second", "first", ""]})
    decisions = [Decision(1, "L-1", "move", "second", "核心技术较弱", ("张三", "李四")),
                 Decision(2, "L-2", "keep", "", "维持", ("张三",)),
                 Decision(3, "L-3", "review", "", "评委分歧大", ("张三",))]

    listed = with_decisions(table, decisions)
    notes = panel_notes(listed, labels={"second": "二等奖"}, lang="zh")

    assert listed["panel_decision"].tolist() == ["move", "keep", "review"]
    assert notes == ["“甲项目”（甲公司）经评审组集体讨论调整为二等奖：核心技术较弱",
                     "“丙项目”（丙公司）经评审组决定进入复评，奖项以复评结果为准：评委分歧大"]
