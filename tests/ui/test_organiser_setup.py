"""AppTest of the edition setup page: create from the form and from a file, round settings."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from judging.store.db import read_session
from judging.store.editions import get_round, list_editions, round_rubric, rounds_of, tracks_of
from judging.ui.common import USER_KEY

ROOT = Path(__file__).parents[2]


def _render(module_name: str) -> None:
    import importlib

    importlib.import_module(module_name).render()


def organiser_page(contest, module: str) -> AppTest:
    """One organiser page alone, signed in as the contest's organiser."""
    at = AppTest.from_function(_render, args=(f"judging.ui.{module}",), default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["org"]
    return at


def test_setup_refuses_a_judge(contest):
    at = AppTest.from_function(_render, args=("judging.ui.organiser_setup",), default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["j1"]
    at.run()
    assert [e.value for e in at.error] == ["您的角色无权访问此页面。"]


def test_new_edition_from_the_form_with_defaults(contest):
    at = organiser_page(contest, "organiser_setup").run()
    at.text_input(key="oc_new_name").input("2027年新产品评选")
    at.selectbox(key="oc_new_kind").select("new_product").run()
    at.text_input(key="oc_new_name").input("2027年新产品评选")
    at.button[0].click()  # noqa: the form's submit button is the first button on the page
    at.run()
    assert not at.exception
    with read_session(contest["engine"]) as s:
        edition = list_editions(s)[0]
        rounds = rounds_of(s, edition.id)
        tracks = tracks_of(s, edition.id)
    assert (edition.name, edition.kind) == ("2027年新产品评选", "new_product")
    assert [r.key for r in rounds] == ["preliminary", "second", "final"]
    assert round_rubric(rounds[0]).key == "new_product_selection"
    assert len(tracks) == 5
    assert "已创建" in at.success[0].value


def test_new_edition_with_problems_creates_nothing_and_lists_them(contest):
    at = organiser_page(contest, "organiser_setup").run()
    at.session_state["oc_new_rounds_innovation_contest"] = {
        "edited_rows": {0: {"advance": "top:ten", "judges_per_entry": 0}}, "added_rows": [], "deleted_rows": []}
    at.button[0].click()
    at.run()
    with read_session(contest["engine"]) as s:
        assert len(list_editions(s)) == 1
    problems = next(d.value for d in at.dataframe if "位置" in d.value.columns)
    assert set(problems["位置"]) == {"name", "rounds[1].advance", "rounds[1].judges_per_entry"}
    assert at.error[0].value == "未创建任何内容：请按下表修改后重试。"


def test_new_edition_from_the_example_file(contest):
    at = organiser_page(contest, "organiser_setup").run()
    data = (ROOT / "data" / "edition_example.toml").read_bytes()
    at.file_uploader(key="oc_edition_file").upload("edition_example.toml", data, "application/toml").run()
    at.button(key="oc_create_from_file").click().run()
    assert not at.exception
    with read_session(contest["engine"]) as s:
        edition = list_editions(s)[0]
        assert edition.name == "2026年信息消费创新大赛"
        assert [r.advance_rule for r in rounds_of(s, edition.id)] == ["share:0.3", "top:5", ""]


def test_round_settings_are_saved(contest):
    at = organiser_page(contest, "organiser_setup").run()
    rid = contest["ids"]["round"]
    at.number_input(key=f"oc_r{rid}_k").set_value(3)
    at.text_input(key=f"oc_r{rid}_advance").input("top:1")
    at.selectbox(key=f"oc_r{rid}_method").select("trimmed")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert not at.exception
    with read_session(contest["engine"]) as s:
        rnd = get_round(s, rid)
    assert (rnd.judges_per_entry, rnd.advance_rule, rnd.method) == (3, "top:1", "trimmed")


def test_the_create_form_clicked_twice_shows_the_edition_already_created(contest):
    at = organiser_page(contest, "organiser_setup").run()
    at.text_input(key="oc_new_name").input("2027年新产品评选")
    at.button[0].click()
    at.run()
    at.text_input(key="oc_new_name").input("2027年新产品评选")
    at.button[0].click()
    at.run()

    with read_session(contest["engine"]) as s:
        names = [e.name for e in list_editions(s)]
    assert names.count("2027年新产品评选") == 1
    assert [i.value for i in at.info if "已经建立" in i.value] == [
        "“2026 · 2027年新产品评选”已经建立，没有重复建立；请在下面选择它继续设置。"]  # the default year


def test_a_round_is_added_to_an_existing_edition_as_a_draft_and_a_taken_key_is_refused(contest):
    at = organiser_page(contest, "organiser_setup").run()
    add = next(b for b in at.button if b.label == "添加评审阶段（作为草稿加在最后）")
    at.text_input(key="oc_new_round_key").input("review")
    at.text_input(key="oc_new_round_name").input("复评")
    add.click()
    at.run()
    with read_session(contest["engine"]) as s:
        rounds = [(r.key, r.name, r.status) for r in rounds_of(s, contest["ids"]["edition"])]

    at.text_input(key="oc_new_round_key").input("review")
    next(b for b in at.button if b.label == "添加评审阶段（作为草稿加在最后）").click()
    at.run()
    with read_session(contest["engine"]) as s:
        again = len(rounds_of(s, contest["ids"]["edition"]))

    assert not at.exception
    assert rounds[-1] == ("review", "复评", "draft") and again == len(rounds)
