"""The big screen with AppTest: the live round by default, judges as 评委1…N unless names are chosen,
the line that says how the final score is made, and projector mode."""

from __future__ import annotations

from actors import as_user
from streamlit.testing.v1 import AppTest

from judging.core.permissions import SYSTEM
from judging.store.db import write_session
from judging.store.editions import add_round, get_round, round_rubric, update_round
from judging.store.live import close_live_entry, open_live_entry, set_panel
from judging.store.sheets import save_score
from judging.ui.common import USER_KEY
from judging.ui.organiser_screen import PROJECTOR, SHOW_NAMES, judge_labels, method_line

CRITERIA = ("core_technology", "application_effect", "promotion_value")


def _render_screen() -> None:
    from judging.ui import organiser_screen

    organiser_screen.render()


def _final_with_one_closed_entry(contest, method="trimmed") -> int:
    """A live final after the preliminary round: three panel marks of P-001, closed."""
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        final = add_round(s, edition_id=ids["edition"], key="final", name="终评（路演答辩）", position=1,
                          rubric=round_rubric(get_round(s, ids["round"])), status="draft", blind=False,
                          actor=SYSTEM).id
        update_round(s, round_id=final, actor=as_user(s, "org"), method=method)
        set_panel(s, round_id=final, judge_ids=[ids["j1"], ids["j2"]], actor=as_user(s, "org"))
        open_live_entry(s, round_id=final, entry_id=ids["P-001"], actor=as_user(s, "org"))
    for judge, value in (("j1", 80), ("j2", 90)):
        with write_session(contest["engine"]) as s:
            for key in CRITERIA:
                save_score(s, round_id=final, judge_id=ids[judge], entry_id=ids["P-001"], criterion=key,
                           value=value, actor=as_user(s, judge))
    with write_session(contest["engine"]) as s:
        close_live_entry(s, round_id=final, entry_id=ids["P-001"], actor=as_user(s, "org"))
    return final


def _screen(contest) -> AppTest:
    at = AppTest.from_function(_render_screen, default_timeout=60)
    at.session_state[USER_KEY] = contest["users"]["org"]
    at.session_state["oc_round"] = contest["ids"]["round"]  # the other pages work on the preliminary round
    return at


def test_screen_opens_on_the_live_round_not_the_round_of_the_other_pages(contest):
    final = _final_with_one_closed_entry(contest)

    at = _screen(contest).run()

    assert not at.exception
    assert at.selectbox(key="oc_screen_round").value == final
    assert at.session_state["oc_round"] == contest["ids"]["round"]  # the other pages keep theirs


def test_screen_shows_judges_by_number_and_says_how_the_score_is_made(contest):
    _final_with_one_closed_entry(contest)

    at = _screen(contest).run()

    assert {m.label: m.value for m in at.metric} == {"最终得分": "85.00"}
    assert [m.value for m in at.markdown if "最终得分为" in m.value] == ["最终得分为去掉一个最高分和一个最低分后的平均分"]
    assert at.table[0].value.reset_index().values.tolist() == [["评委1", "80.00"], ["评委2", "90.00"]]
    shown = " ".join(str(v) for v in at.table[0].value.reset_index().values.ravel())
    assert "张三" not in shown and "j1" not in shown


def test_screen_shows_names_once_the_organiser_chooses_them(contest):
    _final_with_one_closed_entry(contest)
    at = _screen(contest).run()

    at.toggle(key=SHOW_NAMES).set_value(True).run()

    assert at.table[0].value.reset_index().values.tolist() == [["张三", "80.00"], ["李四", "90.00"]]


def test_projector_mode_hides_the_sidebar_and_can_be_left(contest):
    _final_with_one_closed_entry(contest)
    at = _screen(contest).run()
    styles_before = [h.value for h in at.get("html")]

    at.toggle(key=PROJECTOR).set_value(True).run()
    styles_on = [h.value for h in at.get("html")]
    at.button(key="oc_screen_leave").click().run()

    assert not any('stSidebar"]' in s and "display: none" in s for s in styles_before)
    assert any('[data-testid="stSidebar"]' in s and "display: none" in s for s in styles_on)
    assert at.session_state[PROJECTOR] is False


def test_judge_labels_number_the_panel_in_order_and_fall_back_to_a_number_without_a_name():
    assert judge_labels(["b", "a"], ["a", "c"], {"a": "张三", "b": "李四"}, show_names=False) == {
        "b": "评委1", "a": "评委2", "c": "评委3"}
    assert judge_labels(["b", "a"], ["a", "c"], {"a": "张三", "b": "李四"}, show_names=True) == {
        "b": "李四", "a": "张三", "c": "评委3"}


def test_method_line_names_every_method_in_words():
    assert method_line("trimmed") == "最终得分为去掉一个最高分和一个最低分后的平均分"
    assert method_line("raw") == "最终得分为全部评委分数的平均分"
    assert "calibrated" not in method_line("calibrated")
