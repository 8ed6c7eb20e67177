"""The idle time-out signs a tab out by itself: the timer fragment's runs (AppTest)."""

from __future__ import annotations

import time

import pytest
from actors import as_user
from streamlit.testing.v1 import AppTest
from ui.support import fragment_ids, score_sheets, shown
from ui.support import tick as support_tick

from judging.store.db import write_session
from judging.store.sheets import save_score
from judging.ui.common import EXPIRED_KEY, IDLE_WATCH_KEY, LAST_SEEN_KEY, USER_KEY

IDLE_MINUTES = 30


@pytest.fixture
def sheet(app, contest, monkeypatch) -> AppTest:
    """Judge j1's score sheet of L-001 with a 30-minute time-out."""
    monkeypatch.setenv("JUDGING_SESSION_IDLE_MINUTES", str(IDLE_MINUTES))
    at = app("j1").run()
    at.button(key=f"open_{contest['ids']['L-001']}").click().run()
    assert at.query_params == {"round": str(contest["ids"]["round"]), "entry": str(contest["ids"]["L-001"])}
    return at


def tick(at: AppTest) -> AppTest:
    """One timer run of the idle watch: the fragment alone, not the page."""
    ids = fragment_ids(at, IDLE_WATCH_KEY)
    assert len(ids) == 1, "the page has no idle watch"
    return support_tick(at, ids)


def test_tick_after_the_time_out_shows_the_sign_in_form_and_why(sheet):
    sheet.session_state[LAST_SEEN_KEY] = time.time() - (IDLE_MINUTES * 60 + 1)

    tick(sheet)

    assert USER_KEY not in sheet.session_state and EXPIRED_KEY not in sheet.session_state
    assert [i.value for i in sheet.info][:1] == ["您已 30 分钟未操作，为安全起见已退出登录，请重新登录。"]
    assert sheet.text_input(key="signin_username").value == ""
    assert score_sheets(sheet) == []  # the score sheet is gone


def test_tick_before_the_time_out_neither_signs_out_nor_counts_as_activity(sheet):
    last_seen = time.time() - (IDLE_MINUTES * 60 - 60)
    sheet.session_state[LAST_SEEN_KEY] = last_seen

    tick(sheet)

    assert sheet.session_state[USER_KEY].username == "j1"
    assert sheet.session_state[LAST_SEEN_KEY] == last_seen


def test_tick_does_not_store_or_wipe_the_sheet(sheet, contest):
    ids = contest["ids"]
    with write_session(contest["engine"]) as s:
        save_score(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-001"], criterion="core_technology",
                   value=85.5, actor=as_user(s, "j1"))
    sheet.run()
    before = score_sheets(sheet)
    assert before[0]["fields"]["score:core_technology"]["value"] == 85.5
    sheet.session_state[LAST_SEEN_KEY] = time.time() - 60

    tick(sheet)  # the timer's run draws only its fragment: the sheet's element stays as the browser has it

    assert sheet.session_state[USER_KEY].username == "j1"
    assert score_sheets(sheet.run()) == before  # nothing stored, nothing wiped


def test_user_action_after_a_long_idle_still_signs_out(sheet):
    # the check at the next run stays: a tab whose timer could not run (asleep, offline) is signed out too
    sheet.session_state[LAST_SEEN_KEY] = time.time() - (IDLE_MINUTES * 60 + 1)

    sheet.run()

    assert USER_KEY not in sheet.session_state
    assert sheet.text_input(key="signin_username").value == ""


def _watch(page: str) -> None:
    from judging.ui import common

    common.watch_idle(page)


@pytest.mark.parametrize(("page", "watched"), [("sheet", True), ("progress", True), ("screen", False)])
def test_every_page_but_the_big_screen_has_the_idle_watch(contest, page, watched):
    at = AppTest.from_function(_watch, args=(page,), default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["org"]

    at.run()

    assert len(fragment_ids(at, IDLE_WATCH_KEY)) == (1 if watched else 0)


@pytest.mark.parametrize("value", ["abc", "0", "-5"])
def test_unusable_time_out_setting_is_shown_on_the_page(app, monkeypatch, value):
    monkeypatch.setenv("JUDGING_SESSION_IDLE_MINUTES", value)

    at = app().run()

    assert [shown(e.value) for e in at.error] == [
        f"设置 JUDGING_SESSION_IDLE_MINUTES 的值“{value}”无效：请填写正数分钟数（如 60 或 0.5），或删除该设置以使用默认的 60 分钟。"
    ]


def _sign_outs(contest) -> list[tuple[str, str]]:
    from sqlmodel import select

    from judging.store.db import read_session
    from judging.store.models import AuditEvent

    with read_session(contest["engine"]) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "auth.sign_out")).all()
    return [(e.actor, e.payload) for e in events]


def test_time_out_and_the_sign_out_button_are_recorded_with_their_reason(app, sheet, contest):
    sheet.session_state[LAST_SEEN_KEY] = time.time() - (IDLE_MINUTES * 60 + 1)
    tick(sheet)
    other = app("j1").run()
    other.button(key="sign_out").click().run()

    assert _sign_outs(contest) == [("j1", '{"reason": "idle"}'), ("j1", '{"reason": "button"}')]
    assert other.text_input(key="signin_username").value == ""


def test_sign_out_happens_even_when_the_database_is_busy(app, contest, monkeypatch):
    from judging.errors import DatabaseBusy, Problem
    from judging.ui import common

    at = app("j1").run()

    def busy(_engine):
        raise DatabaseBusy(Problem("store.busy", {"seconds": 60}))

    monkeypatch.setattr(common, "write_session", busy)
    at.button(key="sign_out").click().run()

    assert USER_KEY not in at.session_state and not at.exception
    assert at.text_input(key="signin_username").value == ""
