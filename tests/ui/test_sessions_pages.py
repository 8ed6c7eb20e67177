"""A signed-in tab and its session in the database (AppTest of the whole app): signing in issues a
token, the sign-out button ends it, a session ended elsewhere signs the tab out at its next run and
says why, a tab past its time-out is not kept alive by a late activity ping, and a new browser session
is restored from its cookie only while that session is good."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from actors import as_user
from sqlmodel import select

from judging.core.passwords import prepare_password
from judging.store.db import read_session, write_session
from judging.store.models import AuditEvent, SessionToken
from judging.store.people import set_passwords
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


def _fresh_tab_with_cookie(app, monkeypatch, token: str):
    """A new browser session (F5, a restart, another replica) whose request carried the session cookie."""
    monkeypatch.setattr(common, "_cookie_token", lambda: token)
    return app().run()


def test_a_fresh_tab_is_restored_from_the_cookie_and_it_is_logged(app, contest, monkeypatch):
    with write_session(contest["engine"]) as s:
        token = issue_session(s, actor=as_user(s, "j1"), hours=12)

    at = _fresh_tab_with_cookie(app, monkeypatch, token)

    assert at.session_state[USER_KEY] == contest["users"]["j1"]
    assert at.session_state[SESSION_TOKEN_KEY] == token
    with read_session(contest["engine"]) as s:
        events = [(e.actor, e.action) for e in s.exec(select(AuditEvent)) if e.action == "auth.session_restored"]
    assert events == [("j1", "auth.session_restored")]


def test_a_fresh_tab_with_an_ended_session_is_signed_out_says_why_and_forgets_the_cookie(app, contest, monkeypatch):
    with write_session(contest["engine"]) as s:
        token = issue_session(s, actor=as_user(s, "j1"), hours=12)
    with write_session(contest["engine"]) as s:
        set_passwords(s, passwords={"j1": prepare_password("another-judge-password-1", username="j1")},
                      actor=as_user(s, "org"))

    at = _fresh_tab_with_cookie(app, monkeypatch, token)

    assert USER_KEY not in at.session_state and at.session_state[COOKIE_CLEAR_KEY] == token
    assert [i.value for i in at.info][:1] == ["您的账号密码已更改，请用新密码重新登录。"]

    forged = _fresh_tab_with_cookie(app, monkeypatch, token[:-2] + "xx")
    assert USER_KEY not in forged.session_state
    assert [i.value for i in forged.info][:1] == ["登录状态已失效，请重新登录。"]


def test_a_fresh_tab_with_an_expired_session_revokes_it(app, contest, monkeypatch):
    with write_session(contest["engine"]) as s:
        token = issue_session(s, actor=as_user(s, "j1"), hours=12, now=datetime.now(UTC) - timedelta(hours=13))

    at = _fresh_tab_with_cookie(app, monkeypatch, token)

    assert USER_KEY not in at.session_state
    assert [i.value for i in at.info][:1] == ["登录已超过 12 小时，为安全起见请重新登录。"]
    with read_session(contest["engine"]) as s:
        row = s.exec(select(SessionToken)).one()
    assert (row.revoked_reason, row.revoked_at is not None) == ("expired", True)
