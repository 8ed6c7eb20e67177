"""AppTest of the rubric editor: edit as tables, the same validation as the CLI, preview, versions, frozen rubrics."""

from __future__ import annotations

import json

from actors import as_user
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from judging.store.db import read_session, write_session
from judging.store.editions import get_round, round_rubric
from judging.store.models import AuditEvent
from judging.store.sheets import save_score
from judging.ui.common import USER_KEY


def _render() -> None:
    from judging.ui import organiser_rubric

    organiser_rubric.render()


def page(contest) -> AppTest:
    at = AppTest.from_function(_render, default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["org"]
    return at


def _rubric(contest):
    with read_session(contest["engine"]) as s:
        return round_rubric(get_round(s, contest["ids"]["round"]))


def _editor_key(contest, name: str, source: str = "__round__") -> str:
    return f"oc_rub_{name}_{contest['ids']['round']}_{source}"


def _save(at):
    next(b for b in at.button if b.label.startswith("保存为")).click()
    return at.run()


def test_weights_edited_in_the_table_are_checked_then_saved_as_a_new_version(contest):
    at = page(contest).run()
    assert at.success[0].value == "校验通过：3 个评分项，第 2 版。"
    key = _editor_key(contest, "criteria")
    at.session_state[key] = {"edited_rows": {0: {"weight": 50}}, "added_rows": [], "deleted_rows": []}
    at.run()
    problems = next(d.value for d in at.dataframe if "问题及修改方法" in d.value.columns)
    assert problems["问题及修改方法"].str.contains("110").any()
    assert not [b for b in at.button if b.label.startswith("保存为")]
    at.session_state[key] = {"edited_rows": {0: {"weight": 50}, 1: {"weight": 20}}, "added_rows": [],
                             "deleted_rows": []}
    at.run()
    _save(at)
    assert not at.exception
    rubric = _rubric(contest)
    assert (rubric.version, rubric.weights["core_technology"], rubric.weights["application_effect"]) == (2, 50, 20)


def test_preview_shows_one_inert_score_field_per_criterion(contest):
    at = page(contest).run()
    inputs = [n for n in at.number_input if n.key and n.key.startswith("oc_preview_score_")]
    assert [n.label for n in inputs] == ["核心技术水平得分（0–100，步长 0.5）", "应用效果得分（0–100，步长 0.5）",
                                         "推广价值得分（0–100，步长 0.5）"]
    assert all(n.disabled for n in inputs)


def test_starting_from_a_template(contest):
    at = page(contest).run()
    at.selectbox(key="oc_rub_source").select("new_product_selection").run()
    assert not at.exception
    assert at.text_input(key=_editor_key(contest, "key", "new_product_selection")).value == "new_product_selection"
    _save(at)
    assert _rubric(contest).key == "new_product_selection"


def test_frozen_rubric_needs_a_reason_and_keeps_its_criteria(contest):
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        save_score(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-001"],
                        criterion="core_technology", value=80, actor=as_user(s, "j1"))
    at = page(contest).run()
    assert at.warning[0].value.startswith("此阶段已有评分，评分标准已冻结")
    at.text_input(key=_editor_key(contest, "label_zh")).input("信息消费创新大赛评分标准（修订）")
    _save(at)
    assert at.error[0].value == "未保存："
    assert _rubric(contest).version == 1
    at.text_input(key="oc_rub_reason").input("修正名称")
    _save(at)
    assert not at.exception
    rubric = _rubric(contest)
    assert (rubric.version, rubric.label.zh) == (2, "信息消费创新大赛评分标准（修订）")
    with read_session(contest["engine"]) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "round.rubric_new_version")).one()
    assert json.loads(event.payload)["reason"] == "修正名称"
