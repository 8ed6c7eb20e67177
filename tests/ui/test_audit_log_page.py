"""The audit log page with AppTest: events in words newest first, filters, pages of fifty, the chain's
last verification recorded by the button, and the CSV and Excel downloads."""

from __future__ import annotations

import pytest
from actors import as_user
from streamlit.testing.v1 import AppTest
from ui.support import shown

from judging.store.db import write_session
from judging.store.sheets import save_score
from judging.ui.common import USER_KEY


@pytest.fixture
def scored(contest):
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        for value in range(40, 100):  # sixty changes of one score: more than one page
            save_score(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-001"], criterion="core_technology",
                       value=float(value), actor=as_user(s, "j1"))
    return contest


def _page(contest, user: str = "aud") -> AppTest:
    at = AppTest.from_string("import judging.ui.audit_log as m\nm.render()", default_timeout=60)
    at.session_state[USER_KEY] = contest["users"][user]
    return at


def _texts(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["内容"])


def test_the_log_shows_the_newest_events_in_words_a_page_at_a_time(scored):
    at = _page(scored).run()

    texts = _texts(at)
    assert not at.exception
    assert len(texts) == 50
    assert texts[0] == "张三 将 L-001 的核心技术水平从 98 改为 99"
    assert at.caption[-1].value.startswith("共 ") and "第 1/" in at.caption[-1].value

    at.number_input(key="alog_page").set_value(2).run()
    assert "第 2/" in at.caption[-1].value and _texts(at) != texts

    at.text_input(key="alog_entry").set_value("L-002").run()  # no event: one page, and the page number follows
    assert not at.exception and at.caption[-1].value == "共 0 条，第 1/1 页"


def test_filters_narrow_the_log_and_a_bad_entry_says_what_to_fix(scored):
    at = _page(scored, "org").run()
    at.multiselect(key="alog_kind").set_value(["score.save"]).run()
    at.text_input(key="alog_entry").set_value("L-001").run()
    at.selectbox(key="alog_who").set_value("j1").run()

    assert _texts(at)[-1] == "张三 将 L-001 的核心技术水平从 49 改为 50"  # the 50th newest of 60 (99 down to 50)
    assert at.caption[-1].value.startswith("共 60 条")

    at.text_input(key="alog_entry").set_value("X-9").run()
    assert [shown(e.value) for e in at.error] == ["没有编号为“X-9”的作品"]


def test_the_chain_state_is_the_last_verification_and_the_button_verifies_again(scored):
    at = _page(scored).run()
    assert [i.value for i in at.info][0] == "尚未校验过审计记录"

    at.button(key="alog_verify").click().run()

    assert not at.exception
    assert "至第" in at.success[0].value and "完好" in at.success[0].value


def test_the_downloads_hold_every_matching_event(scored):
    at = _page(scored).run()
    at.multiselect(key="alog_kind").set_value(["score.save"]).run()

    buttons = {b.key: b for b in at.get("download_button")}
    assert set(buttons) >= {"alog_csv", "alog_xlsx"}
