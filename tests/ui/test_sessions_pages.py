"""A signed-in tab and its session in the database (AppTest of the whole app): signing in issues a
token, the sign-out button ends it, a session ended elsewhere signs the tab out at its next run and
says why, and a tab past its time-out is not kept alive by a late activity ping."""

from __future__ import annotations

import time

from actors import as_user
from sqlmodel import select

from judging.store.db import read_session, write_session
from judging.store.models import SessionToken
from judging.store.sessions import check_session, issue_session, sign_out_everywhere, token_digest
from judging.ui import common
from judging.ui.common import COOKIE_CLEAR_KEY, LAST_SEEN_KEY, SESSION_TOKEN_KEY, USER_KEY


def _signed_in_with_token(app, contest, name="j1"):
    with write_session(contest["engine"]) as s:
        token = issue_session(s, actor=as_user(s, name), hours=12)
    at = app(name)
    at.session_state[SESSION_TOKEN_KEY] = token
    return at.run(), token


def test_signing_in_issues_a_token_stored_only_as_its_digest(app, contest, password):
    at = app().run()
    at.text_input(key="signin_username").input("j1")
    at.text_input(key="signin_password").input(password)
    at.button[0].click().run()

    token = at.session_state[SESSION_TOKEN_KEY]
    with read_session(contest["engine"]) as s:
        rows = [(r.user_id, r.token_hash) for r in s.exec(select(SessionToken))]
    assert at.session_state[USER_KEY].username == "j1"
    assert rows == [(contest["ids"]["j1"], token_digest(token))]


def test_sign_out_button_ends_the_session_and_has_the_browser_forget_it(app, contest):
    at, token = _signed_in_with_token(app, contest)

    at.button(key="sign_out").click().run()

    assert USER_KEY not in at.session_state and at.session_state[COOKIE_CLEAR_KEY] == token
    with read_session(contest["engine"]) as s:
        assert check_session(s, token=token, idle_minutes=60).reason == "sign_out"


def test_a_session_ended_elsewhere_signs_the_tab_out_at_its_next_run_and_says_why(app, contest):
    at, token = _signed_in_with_token(app, contest)
    with write_session(contest["engine"]) as s:
        sign_out_everywhere(s, user_id=contest["ids"]["j1"], actor=as_user(s, "org"))

    at.run()

    assert USER_KEY not in at.session_state
    assert [i.value for i in at.info][:1] == ["组织方已让您的账号在所有设备上退出登录，请重新登录。"]
    assert at.text_input(key="signin_username").value == ""


def test_an_activity_ping_after_the_time_out_does_not_keep_the_tab_signed_in(app, contest, monkeypatch):
    monkeypatch.setenv("JUDGING_SESSION_IDLE_MINUTES", "1")
    at, _ = _signed_in_with_token(app, contest)
    late = time.time() - 61
    at.session_state[LAST_SEEN_KEY] = late

    # the beacon's callback, as the idle watch runs it before its fragment (a ping that arrives late)
    with monkeypatch.context() as m:
        m.setattr(common.st, "session_state", at.session_state)
        common._on_activity()

    assert at.session_state[LAST_SEEN_KEY] == late
    at.run()
    assert USER_KEY not in at.session_state
