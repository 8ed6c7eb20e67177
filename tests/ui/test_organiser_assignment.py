"""AppTest of the assignment page: generate (seed shown), impossible requests, charts, manual changes, gaps."""

from __future__ import annotations

from actors import as_user
from streamlit.testing.v1 import AppTest

from judging.core.permissions import SYSTEM
from judging.store.assignment import add_conflict, assignment_pairs, remove_assignment
from judging.store.db import read_session, write_session
from judging.store.editions import update_round
from judging.store.people import create_user, get_user
from judging.store.sheets import declare_conflict
from judging.ui.common import USER_KEY


def _render() -> None:
    from judging.ui import organiser_assignment

    organiser_assignment.render()


def page(contest) -> AppTest:
    at = AppTest.from_function(_render, default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["org"]
    return at


def _pairs(contest):
    with read_session(contest["engine"]) as s:
        return sorted(assignment_pairs(s, round_id=contest["ids"]["round"]))


def _set_k(contest, k):
    with write_session(contest["engine"]) as s:
        update_round(s, round_id=contest["ids"]["round"], actor=as_user(s, "org"), judges_per_entry=k)


def test_too_few_judges_is_explained_and_nothing_changes(contest):
    before = _pairs(contest)
    at = page(contest).run()
    at.button[0].click().run()  # k = 5 with two judges
    assert at.error[0].value == "未做任何更改："
    problems = next(d.value for d in at.dataframe if "问题及修改方法" in d.value.columns)
    assert problems["问题及修改方法"].tolist() == ["只有 2 位评委，不够每件作品分配 5 位"]
    assert _pairs(contest) == before


def test_generate_shows_the_seed_and_the_charts(contest):
    _set_k(contest, 2)
    at = page(contest).run()
    at.number_input(key="oc_seed").set_value(42)
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value == "已生成分配（随机种子 42）。"
    assert "当前分配使用的随机种子：42" in [c.value for c in at.caption]
    assert {m.label: m.value for m in at.metric}["评委已满的作品"] == "4/4"
    assert len(at.get("vega_lite_chart")) == 2
    assert len(_pairs(contest)) == 8


def test_declared_conflict_shows_a_gap_that_fill_closes(contest, password_hash):
    _set_k(contest, 2)
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        create_user(s, username="j3", display_name="王五", password=password_hash, actor=SYSTEM)
        declare_conflict(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-001"], reason="亲属", actor=as_user(s, "j1"))
    at = page(contest).run()
    assert at.warning[0].value.startswith("1 件作品的评委不足 2 位")
    at.button(key="oc_fill").click().run()
    assert not at.exception
    with read_session(contest["engine"]) as s:
        j3 = get_user(s, "j3", actor=SYSTEM).id
    assert (j3, ids["L-001"]) in _pairs(contest)
    assert not at.warning


def test_manual_addition_of_a_conflicted_pair_is_refused(contest):
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        remove_assignment(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["P-001"], reason="",
                                    actor=as_user(s, "org"))
        add_conflict(s, judge_id=ids["j1"], entry_id=ids["P-001"], source="organiser", actor=as_user(s, "org"))
    at = page(contest).run()
    at.selectbox(key="oc_add_judge").select("j1")
    at.selectbox(key="oc_add_entry").select("P-001")
    next(b for b in at.button if b.label == "分配").click()
    at.run()
    problems = next(d.value for d in at.dataframe if "问题及修改方法" in d.value.columns)
    assert problems["问题及修改方法"].tolist() == ["评委 j1 须回避作品 P-001，不能分配"]
    assert (ids["j1"], ids["P-001"]) not in _pairs(contest)
