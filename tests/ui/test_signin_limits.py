"""Sign-in page: the lock after too many failures, and the idle time-out (AppTest)."""

from __future__ import annotations

import time

from judging.core.signin_limits import MAX_FAILURES_PER_USER
from judging.ui.common import EXPIRED_KEY, LAST_SEEN_KEY, USER_KEY


def _try(at, username, password):
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    at.button[0].click().run()
    return at


def test_user_name_is_locked_after_too_many_failures_even_for_the_right_password(app, password):
    at = app().run()
    for _ in range(MAX_FAILURES_PER_USER):
        _try(at, "j1", "wrong")

    _try(at, "j1", password)

    assert USER_KEY not in at.session_state
    assert [e.value for e in at.error] == ["登录失败次数过多，请在 15 分钟后再试。"]


def test_idle_tab_is_signed_out_and_told_why(app, monkeypatch):
    monkeypatch.setenv("JUDGING_SESSION_IDLE_MINUTES", "30")
    at = app("j1")
    at.session_state[LAST_SEEN_KEY] = time.time() - 31 * 60

    at.run()

    assert USER_KEY not in at.session_state and EXPIRED_KEY not in at.session_state
    assert [i.value for i in at.info][:1] == ["您已 30 分钟未操作，为安全起见已退出登录，请重新登录。"]


def test_active_tab_stays_signed_in(app, monkeypatch):
    monkeypatch.setenv("JUDGING_SESSION_IDLE_MINUTES", "30")
    at = app("j1")
    at.session_state[LAST_SEEN_KEY] = time.time() - 29 * 60

    at.run()

    assert at.session_state[USER_KEY].username == "j1"
