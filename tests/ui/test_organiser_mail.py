"""AppTest of the invitations and reminders buttons on the monitoring page, against a real SMTP server
(aiosmtpd): messages received, the outcome per judge, the log, and two tabs on "send again" making one batch."""

from __future__ import annotations

import pytest
from smtp_server import smtp_server
from streamlit.testing.v1 import AppTest

from judging.store.db import write_session
from judging.store.models import User
from judging.ui.common import USER_KEY


def _render() -> None:
    from judging.ui import organiser_monitor

    organiser_monitor.render()


def page(contest) -> AppTest:
    at = AppTest.from_function(_render, default_timeout=60)
    at.session_state[USER_KEY] = contest["users"]["org"]
    return at


@pytest.fixture
def mail(contest, monkeypatch):
    """j1 and j2 with addresses (j2's refused by the server), and the settings pointing at the server."""
    with write_session(contest["engine"]) as s:
        s.get(User, contest["ids"]["j1"]).email = "j1@example.org"
        s.get(User, contest["ids"]["j2"]).email = "nobody@example.org"
    with smtp_server(refuse={"nobody@example.org"}) as (inbox, port):
        monkeypatch.setenv("JUDGING_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("JUDGING_MAIL_FROM", "评审办公室 <review@example.org>")
        monkeypatch.setenv("JUDGING_PUBLIC_URL", "https://review.example.org")
        yield inbox


def _texts(at) -> list[str]:
    return [x.value for x in (*at.success, *at.warning, *at.info, *at.error)]


def test_invitations_are_sent_from_the_button_and_failures_listed_per_judge(contest, mail):
    at = page(contest).run()
    assert not at.exception
    assert "评审邀请：尚未发送" in [c.value for c in at.caption]

    at.button(key="oc_mail_invite_0").click().run()

    assert mail.recipients == ["j1@example.org"]
    assert "评审邀请第 1 批：已发送 1 封，跳过 0 封（本批已发送），失败 1 封" in _texts(at)
    failed = next(d.value for d in at.dataframe if "原因" in d.value.columns)
    assert failed["评委"].tolist() == ["j2"] and "550" in failed["原因"].iloc[0]
    log = next(d.value for d in at.dataframe if "状态" in d.value.columns)
    assert sorted(log["状态"]) == ["发送失败", "已发送"]
    assert "您已设置的密码" in mail.messages[0][1].get_content()  # j1 has a password of their own: none is issued


def test_two_tabs_on_send_again_make_one_new_batch(contest, mail):
    first = page(contest).run()
    first.button(key="oc_mail_invite_0").click().run()
    tab_a, tab_b = page(contest).run(), page(contest).run()  # both drawn with batch 1 as the newest

    tab_a.button(key="oc_mail_invite_again_1").click().run()
    tab_b.button(key="oc_mail_invite_again_1").click().run()

    assert mail.recipients == ["j1@example.org", "j1@example.org"]
    assert "评审邀请第 2 批：已发送 0 封，跳过 1 封（本批已发送），失败 1 封" in _texts(tab_b)
    assert "评审邀请：最新为第 2 批" in [c.value for c in tab_b.caption]


def test_without_smtp_settings_the_panel_says_who_sets_it_up_and_the_log_says_what(contest, monkeypatch, caplog):
    monkeypatch.delenv("JUDGING_SMTP_URL", raising=False)

    with caplog.at_level("INFO", logger="judging.mail"):
        at = page(contest).run()

    assert not at.exception
    assert any(text.startswith("邮件尚未配置：请系统管理员") for text in _texts(at))
    assert not any("JUDGING_SMTP_URL" in text for text in _texts(at))  # no setting's name for the organiser
    assert any("JUDGING_SMTP_URL" in record.getMessage() for record in caplog.records)  # the administrator's
    assert not [b for b in at.button if str(b.key).startswith("oc_mail_")]
