"""AppTest of the live final, its big screen and advancement; and the organiser's menu."""

from __future__ import annotations

from actors import as_user
from streamlit.testing.v1 import AppTest

from judging.core.permissions import SYSTEM
from judging.store.assignment import add_assignment
from judging.store.db import read_session, write_session
from judging.store.editions import (
    add_round,
    entries_of_round,
    get_round,
    round_entry_rows,
    round_rubric,
    update_round,
)
from judging.store.live import open_live_entry, set_panel
from judging.store.sheets import assigned_entries, save_score
from judging.ui.common import USER_KEY

CRITERIA = ("core_technology", "application_effect", "promotion_value")


def _render_live() -> None:
    from judging.ui import organiser_live

    organiser_live.render()


def _render_screen() -> None:
    from judging.ui import organiser_screen

    organiser_screen.render()


def _render_advance() -> None:
    from judging.ui import organiser_advance

    organiser_advance.render()


def page(contest, script) -> AppTest:
    at = AppTest.from_function(script, default_timeout=60)
    at.session_state[USER_KEY] = contest["users"]["org"]
    return at


def _score(contest, judge, code, value, round_id=None):
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        for key in CRITERIA:
            save_score(s, round_id=round_id or ids["round"], judge_id=ids[judge], entry_id=ids[code],
                            criterion=key, value=value, actor=as_user(s, judge))


def test_organiser_menu_lists_every_console_page(app):
    at = app("org").run()
    assert not at.exception
    assert at.title[0].value == "赛事设置"


def _live_page(contest, final: int) -> AppTest:
    """The Live final page, run once, on the round ``final``."""
    at = page(contest, _render_live)
    at.session_state["oc_round"] = final
    return at.run()


def _final_round(contest) -> int:
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        return add_round(s, edition_id=ids["edition"], key="final", name="终评（路演答辩）", position=1,
                              rubric=round_rubric(get_round(s, ids["round"])), status="draft",
                              blind=False, actor=SYSTEM).id


def test_live_final_from_panel_to_big_screen(contest):
    ids = contest["ids"]
    final = _final_round(contest)
    at = _live_page(contest, final)
    at.multiselect(key=f"oc_panel_{final}").set_value([ids["j1"], ids["j2"]])
    next(b for b in at.button if b.label == "保存评委组").click()
    at.run()
    assert at.success[0].value == "评委组已保存（2 位）。"
    at.selectbox(key="oc_live_next").select(ids["P-001"])
    next(b for b in at.button if b.label == "开始评分").click()
    at.run()
    assert at.info[0].value == "正在评分：P\\-001 政务服务一网通办"  # entry text made inert for markdown
    with read_session(contest["engine"]) as s:
        assert [e.code for e in assigned_entries(s, round_id=final, judge_id=ids["j1"], actor=SYSTEM)] == ["P-001"]

    screen = page(contest, _render_screen)
    screen.session_state["oc_round"] = final
    screen.run()
    assert {m.label: m.value for m in screen.metric} == {"已评分评委": "0 / 2"}
    _score(contest, "j1", "P-001", 80, round_id=final)
    screen.run()
    assert {m.label: m.value for m in screen.metric} == {"已评分评委": "1 / 2"}
    _score(contest, "j2", "P-001", 90, round_id=final)

    at.button(key="oc_live_close").click().run()
    assert not at.exception
    screen.run()
    metrics = {m.label: m.value for m in screen.metric}
    assert metrics == {"最终得分": "85.00"}  # the round's method; calibrated on one entry is its mean
    assert "最终得分为校准模型得分" in " ".join(m.value for m in screen.markdown)
    marks = screen.table[0].value
    assert marks.reset_index().values.tolist() == [["评委1", "80.00"], ["评委2", "90.00"]]  # names only if chosen


def test_advancement_preview_and_confirm(contest):
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        final = add_round(s, edition_id=ids["edition"], key="final", name="终评", position=1,
                               rubric=round_rubric(get_round(s, ids["round"])), status="draft", actor=SYSTEM)
        update_round(s, round_id=ids["round"], actor=as_user(s, "org"), advance_rule="top:1", method="raw")
    for n, code in enumerate(("L-001", "L-002", "P-001", "P-002")):
        _score(contest, "j1", code, 70 + 5 * n)
        _score(contest, "j2", code, 70 + 5 * n)
    at = page(contest, _render_advance).run()
    assert not at.exception
    at.button(key="oc_adv_confirm").click().run()
    assert not at.exception
    with read_session(contest["engine"]) as s:
        assert [e.code for e in entries_of_round(s, round_id=final.id)] == ["L-002", "P-002"]


def test_an_entry_title_with_markup_is_shown_as_text(contest):
    ids = contest["ids"]
    final = _final_round(contest)
    with write_session(contest["engine"]) as s:
        set_panel(s, round_id=final, judge_ids=[ids["j1"]], actor=as_user(s, "org"))
        open_live_entry(s, round_id=final, entry_id=ids["P-002"], actor=as_user(s, "org"))
    at = _live_page(contest, final)
    assert at.info[0].value == "正在评分：P\\-002 \\[链接\\]\\(http\\://evil\\.example\\) \\*\\*粗体\\*\\*"


def test_live_page_says_what_to_do_for_a_round_assigned_the_ordinary_way(contest):
    ids = contest["ids"]
    final = _final_round(contest)
    with write_session(contest["engine"]) as s:  # a panel chosen, then the round assigned the ordinary way
        set_panel(s, round_id=final, judge_ids=[ids["j2"]], actor=as_user(s, "org"))
        add_assignment(s, round_id=final, judge_id=ids["j1"], entry_id=ids["L-001"], reason="",
                                 actor=as_user(s, "org"))
    at = _live_page(contest, final)
    assert not at.exception
    assert [e.value for e in at.error] == [
        "“终评（路演答辩）”已按普通方式分配评委（1 份评分表），不能同时用作路演答辩。请在没有分配评委的评审阶段"
        "（如本届的终评阶段）进行路演答辩；若这些分配是误操作且尚无评分，可先在“评委分配”页撤销"]
    assert "开始评分" not in [b.label for b in at.button]  # nothing to press that would be refused


def test_live_page_shows_a_refusal_as_one_message(contest):
    ids = contest["ids"]
    final = _final_round(contest)
    at = _live_page(contest, final)
    at.selectbox(key="oc_live_next").select(ids["P-001"])
    next(b for b in at.button if b.label == "开始评分").click()  # no panel saved yet
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["还没有评委组：请先选择并保存评委组"]
    with read_session(contest["engine"]) as s:
        assert round_entry_rows(s, round_id=final) == []
