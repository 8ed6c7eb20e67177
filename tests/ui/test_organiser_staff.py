"""The organiser's accounts page: a new staff account with a one-time password shown once, a new
password for another account, switching an account off, signing it out everywhere, and refusals that
say what to fix."""

from __future__ import annotations

from actors import as_user
from streamlit.testing.v1 import AppTest

from judging.core.passwords import verify_password
from judging.core.permissions import SYSTEM
from judging.i18n import TEXTS
from judging.store.db import read_session, write_session
from judging.store.people import get_user
from judging.store.sessions import check_session, issue_session
from judging.ui.common import USER_KEY
from judging.ui.organiser_staff import ISSUED_KEY


def page(contest) -> AppTest:
    at = AppTest.from_string("import judging.ui.organiser_staff as m\nm.render()", default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["org"]
    return at


def _stored(contest, name):
    with read_session(contest["engine"]) as s:
        return get_user(s, name, actor=SYSTEM)


def test_new_staff_account_gets_a_one_time_password_shown_once(contest):
    at = page(contest).run()
    at.text_input(key="staff_new_username").input("zhao")
    at.text_input(key="staff_new_name").input("赵监督")
    at.selectbox(key="staff_new_role").select("auditor")
    next(b for b in at.button if b.label == "建立账号").click().run()

    shown = [c.value for c in at.code]
    user = _stored(contest, "zhao")
    assert not at.exception and len(shown) == 1
    assert (user.role, user.display_name, user.password_one_time) == ("auditor", "赵监督", True)
    assert verify_password(shown[0], user.password_hash)
    assert ISSUED_KEY not in at.session_state and at.run().code.len == 0  # shown once only


def test_a_reserved_or_taken_name_is_refused_with_what_to_fix(contest):
    at = page(contest).run()
    at.text_input(key="staff_new_username").input("System")
    next(b for b in at.button if b.label == "建立账号").click().run()

    assert [e.value for e in at.error] == ["账号名“System”为系统保留（命令行与脚本以此名义操作），请换一个账号名。"]
    assert _stored(contest, "System") is None


def test_reset_gives_a_new_one_time_password_and_off_signs_the_account_out_of_the_store(contest):
    at = page(contest).run()
    at.selectbox(key="staff_chosen").select("j1")
    at.radio(key="staff_action").set_value("reset")
    next(b for b in at.button if b.label == "执行").click().run()
    password = at.code[0].value

    at.selectbox(key="staff_chosen").select("ann")
    at.radio(key="staff_action").set_value("off")
    next(b for b in at.button if b.label == "执行").click().run()

    j1, ann = _stored(contest, "j1"), _stored(contest, "ann")
    assert verify_password(password, j1.password_hash) and j1.password_one_time
    with read_session(contest["engine"]) as s:
        assert (ann.active, as_user(s, "ann").active) == (False, False)


def test_the_page_is_the_organisers_only(contest):
    at = AppTest.from_string("import judging.ui.organiser_staff as m\nm.render()", default_timeout=30)
    at.session_state[USER_KEY] = contest["users"]["j1"]
    at.run()

    assert [e.value for e in at.error] == [TEXTS["auth.forbidden"]["zh"]]
    assert "staff_new_username" not in [t.key for t in at.text_input]


def test_sign_out_everywhere_ends_every_session_of_the_account_and_says_how_many(contest):
    with write_session(contest["engine"]) as s:
        j1 = as_user(s, "j1")
        tokens = [issue_session(s, actor=j1, hours=12) for _ in range(2)]
    at = page(contest).run()
    assert at.dataframe[0].value.set_index("账号").loc["j1", "登录中"] == 2

    at.selectbox(key="staff_chosen").select("j1")
    at.radio(key="staff_action").set_value("signout")
    next(b for b in at.button if b.label == "执行").click().run()

    assert [s.value for s in at.success] == ["j1 已在所有设备上退出登录（结束了 2 个登录）。"]
    with read_session(contest["engine"]) as s:
        assert [check_session(s, token=t, idle_minutes=60).reason for t in tokens] == ["organiser", "organiser"]
    assert at.dataframe[0].value.set_index("账号").loc["j1", "登录中"] == 0
