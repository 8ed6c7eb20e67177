"""Forms keep what was typed when a write is refused, and start empty once it is stored; the setup
page stays on the tab being edited after a save."""

from __future__ import annotations

from datetime import date

from actors import as_user
from streamlit.testing.v1 import AppTest
from ui.support import form_named, score_every_sheet

from judging.core.award_settings import RoundAwards
from judging.core.bundle import BundleSettings
from judging.core.permissions import SYSTEM
from judging.core.ranking import AwardConfig, TierRule
from judging.core.rubric import Label
from judging.store import publication as pub
from judging.store.award_settings import save_award_settings
from judging.store.db import read_session, write_session
from judging.ui.common import USER_KEY
from judging.ui.organiser_setup import SETUP_TAB

ROUNDS_TAB = "赛道与评审阶段"
AWARDS = AwardConfig(tiers=(TierRule("first", Label("一等奖", "First prize"), count=1),))


def _published(contest) -> int:
    score_every_sheet(contest)
    with write_session(contest["engine"]) as s:
        save_award_settings(s, round_id=contest["ids"]["round"], awards=RoundAwards(AWARDS), based_on=0,
                            actor=as_user(s, "org"))
        return pub.publish(s, round_id=contest["ids"]["round"], settings=BundleSettings(method="raw"),
                           start_date=date(2026, 11, 23), close_round=True, actor=as_user(s, "org")).id


def _page(contest, module: str) -> AppTest:
    at = AppTest.from_string(f"import judging.ui.{module} as m\nm.render()", default_timeout=60)
    at.session_state[USER_KEY] = contest["users"]["org"]
    return at


def _fill_objection(at: AppTest, pid: int, *, received: date) -> None:
    form = form_named(at, f"pub_obj_{pid}")
    form.selectbox[0].set_value("L-001")
    form.text_input[0].input("王五")
    form.text_input[1].input("13800000000")
    form.text_area[0].input("存在知识产权纠纷")
    form.text_area[1].input("https://example.com/证明.pdf")
    form.date_input[0].set_value(received)
    form.form_submit_button[0].click()


def _objection_fields(at: AppTest, pid: int) -> list:
    form = form_named(at, f"pub_obj_{pid}")
    return [form.selectbox[0].value, form.text_input[0].value, form.text_input[1].value, form.text_area[0].value,
            form.text_area[1].value, form.date_input[0].value]


def test_a_refused_objection_keeps_every_field_as_typed(contest):
    pid = _published(contest)
    at = _page(contest, "publication").run()

    _fill_objection(at, pid, received=date(2027, 3, 1))  # long after the objection window
    at.run()

    assert not at.exception and len(at.error) == 1
    assert _objection_fields(at, pid) == ["L-001", "王五", "13800000000", "存在知识产权纠纷",
                                          "https://example.com/证明.pdf", date(2027, 3, 1)]
    with read_session(contest["engine"]) as s:
        assert pub.objections_of(s, pid, actor=SYSTEM) == []


def test_a_stored_objection_empties_the_form(contest):
    pid = _published(contest)
    at = _page(contest, "publication").run()

    _fill_objection(at, pid, received=date(2026, 11, 24))
    at.run()

    assert not at.exception and [s.value for s in at.success] == ["异议已登记"]
    assert _objection_fields(at, pid)[1:5] == ["", "", "", ""]
    with read_session(contest["engine"]) as s:
        assert [o.name for o in pub.objections_of(s, pid, actor=SYSTEM)] == ["王五"]


def test_a_refused_tier_change_keeps_its_reason(contest):
    pid = _published(contest)
    at = _page(contest, "publication").run()
    form = form_named(at, f"pub_change_{pid}")
    form.selectbox[0].set_value("L-002")
    form.form_submit_button[0].click()  # no reason given: refused
    at.run()
    refused = [e.value for e in at.error]
    form = form_named(at, f"pub_change_{pid}")

    assert not at.exception and len(refused) == 1
    assert form.selectbox[0].value == "L-002"


def _tab_containers(at: AppTest) -> list:
    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None and proto.DESCRIPTOR.name == "Block" and proto.HasField("tab_container"):
            yield proto.tab_container
        for child in getattr(node, "children", {}).values():
            yield from walk(child)
    return list(walk(at._tree))


def test_setup_page_tabs_are_keyed_so_a_save_keeps_the_tab_being_edited(contest):
    at = _page(contest, "organiser_setup")
    at.session_state[SETUP_TAB] = ROUNDS_TAB  # the organiser is on the third tab
    at.run()

    at.run()  # a save's rerun

    assert not at.exception and at.session_state[SETUP_TAB] == ROUNDS_TAB
    [tabs] = _tab_containers(at)
    assert tabs.id != ""  # a widget with an identity (the key): the browser keeps its choice across reruns


def test_a_refused_track_keeps_what_was_typed(contest):
    at = _page(contest, "organiser_setup")
    at.session_state[SETUP_TAB] = ROUNDS_TAB
    at.run()

    at.text_input(key="oc_track_key").input("life")  # the contest has this track already
    at.text_input(key="oc_track_zh").input("生活类二")
    next(b for b in form_named(at, "oc_add_track").form_submit_button).click()
    at.run()

    assert not at.exception and at.session_state[SETUP_TAB] == ROUNDS_TAB
    assert (at.text_input(key="oc_track_key").value, at.text_input(key="oc_track_zh").value) == ("life", "生活类二")
