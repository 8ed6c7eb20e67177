"""The panel's decisions on the results page (AppTest): the form records one, the table shows it."""

from __future__ import annotations

from actors import as_user
from streamlit.testing.v1 import AppTest
from ui.support import score_every_sheet

from judging.core.permissions import SYSTEM
from judging.store import publication as pub
from judging.store.db import read_session, write_session
from judging.store.sheets import save_veto
from judging.ui.common import USER_KEY


def _results(contest, user="org") -> AppTest:
    at = AppTest.from_string("import judging.ui.results as m\nm.render()", default_timeout=60)
    at.session_state[USER_KEY] = contest["users"][user]
    return at


def _flagged(contest):
    ids = contest["ids"]
    score_every_sheet(contest)
    with write_session(contest["engine"]) as s:
        save_veto(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-001"], veto_key="ip_dispute",
                  reason="知识产权纠纷", actor=as_user(s, "j1"))


def test_the_panel_records_a_decision_with_reason_and_names_present(contest):
    _flagged(contest)
    rid = contest["ids"]["round"]
    at = _results(contest).run()

    at.radio(key=f"panel_kind_{rid}").set_value("review")
    at.text_area(key=f"panel_reason_{rid}").input("知识产权纠纷待核实")
    at.text_input(key=f"panel_present_{rid}").input("张三、李四")
    next(b for b in at.button if b.label == "记录决定").click().run()

    assert not at.exception
    with read_session(contest["engine"]) as s:
        decisions = pub.panel_decisions(s, round_id=rid, actor=SYSTEM)
    assert [(d.entry_id, d.decision, d.reason, d.present, d.actor) for d in decisions] == [
        ("L-001", "review", "知识产权纠纷待核实", ("张三", "李四"), "org")]
    panel = next(d.value for d in at.dataframe if "评审组决定" in d.value.columns)
    assert panel[["作品编号", "评审组决定"]].values.tolist() == [["L-001", "进入复评"]]


def test_a_decision_without_reason_or_names_is_not_recorded(contest):
    _flagged(contest)
    rid = contest["ids"]["round"]
    at = _results(contest).run()

    next(b for b in at.button if b.label == "记录决定").click().run()

    assert not at.exception
    assert "决定未记录，请修改以下问题：" in [e.value for e in at.error]
    with read_session(contest["engine"]) as s:
        assert pub.panel_decisions(s, round_id=rid, actor=SYSTEM) == []


def test_the_auditor_sees_the_decisions_without_the_form(contest):
    _flagged(contest)

    at = _results(contest, "aud").run()

    assert not at.exception
    assert not [b for b in at.button if b.label == "记录决定"]
