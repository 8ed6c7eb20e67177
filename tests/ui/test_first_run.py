"""An empty database: the first organiser is created only with the setup code from the server's log, the
demo is offered only where the operator asked for it, and a one-time password is changed at first sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from judging.core.handout import prepare_passwords
from judging.core.permissions import SYSTEM
from judging.store.audit_log import verify_audit_chain
from judging.store.db import open_database, read_session, write_session
from judging.store.people import count_users, create_user, list_users, set_passwords
from judging.ui import sign_in
from judging.ui.common import USER_KEY

ROOT = Path(__file__).resolve().parents[2]
GOOD = "lantern-orchard-88"


@pytest.fixture
def empty(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("JUDGING_DATABASE_URL", url)
    monkeypatch.delenv("JUDGING_DEMO", raising=False)
    engine = open_database(url)
    yield engine, url
    engine.dispose()


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=30)


def _first_run(at: AppTest, *, code: str, username="chen", name="陈组织", password=GOOD, again=None) -> AppTest:
    at.text_input(key="setup_code").input(code)
    at.text_input(key="setup_username").input(username)
    at.text_input(key="setup_display_name").input(name)
    at.text_input(key="setup_pw").input(password)
    at.text_input(key="setup_pw_again").input(password if again is None else again)
    next(b for b in at.button if b.label == "建立组织方账号并登录").click().run()
    return at


def test_empty_database_offers_the_first_run_form_and_no_demo(empty):
    at = _app().run()

    assert [s.value for s in at.subheader][:1] == ["首次设置：建立组织方账号"]
    assert "建立演示大赛" not in [b.label for b in at.button]


def test_demo_is_offered_only_with_judging_demo(empty, monkeypatch):
    monkeypatch.setenv("JUDGING_DEMO", "1")

    at = _app().run()

    assert "建立演示大赛" in [b.label for b in at.button]


def test_wrong_setup_code_creates_nobody(empty):
    engine, _ = empty
    at = _first_run(_app().run(), code="not-the-code")

    with read_session(engine) as s:
        users = count_users(s)
    assert (users, [e.value for e in at.error]) == (0, ["设置码不对。请从服务器日志中复制（以“setup code”开头的一行）。"])


@pytest.mark.parametrize(("password", "again", "message"), [
    ("short", None, "密码至少需要 10 个字符（现在 5 个）。"),
    ("chen-2026-xyz", None, "密码不能包含账号名，请换一个。"),
    ("1234567890", None, "这个密码过于常见，容易被猜中，请换一个。"),
    (GOOD, GOOD + "x", "两次输入的新密码不一致。"),
])
def test_a_weak_or_mistyped_first_password_is_refused_with_what_to_fix(empty, password, again, message):
    engine, url = empty
    at = _first_run(_app().run(), code=sign_in.setup_code(url), password=password, again=again)

    with read_session(engine) as s:
        users = count_users(s)
    assert (users, [e.value for e in at.error]) == (0, [message])


def test_the_setup_code_creates_the_first_organiser_signs_in_and_then_the_form_is_gone(empty):
    engine, url = empty
    at = _first_run(_app().run(), code=sign_in.setup_code(url))

    with read_session(engine) as s:
        users = [(u.username, u.display_name, u.role, u.password_one_time) for u in list_users(s, actor=SYSTEM)]
        broken = verify_audit_chain(s, actor=SYSTEM)
    assert (users, broken) == ([("chen", "陈组织", "organiser", False)], [])
    assert at.session_state[USER_KEY].username == "chen"
    assert "首次设置：建立组织方账号" not in [s.value for s in _app().run().subheader]


def test_a_one_time_password_must_be_changed_before_the_tab_is_signed_in(empty):
    engine, _ = empty
    prepared = prepare_passwords(["w01"])
    with write_session(engine) as s:
        create_user(s, username="w01", display_name="王一", actor=SYSTEM)
        set_passwords(s, passwords={"w01": prepared["w01"][1]}, actor=SYSTEM)
    one_time = prepared["w01"][0]
    at = _app().run()
    at.text_input(key="signin_username").input("w01")
    at.text_input(key="signin_password").input(one_time)
    at.button[0].click().run()
    assert USER_KEY not in at.session_state
    assert [s.value for s in at.subheader][:1] == ["请设置您自己的密码"]

    at.text_input(key="pw_current").input(one_time)
    at.text_input(key="pw_new").input(GOOD)
    at.text_input(key="pw_again").input(GOOD)
    next(b for b in at.button if b.label == "保存并进入").click().run()

    with read_session(engine) as s:
        stored = next(u for u in list_users(s, actor=SYSTEM) if u.username == "w01")
    assert at.session_state[USER_KEY].username == "w01" and not stored.password_one_time
