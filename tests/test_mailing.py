"""Invitations and reminders sent to a real SMTP server (aiosmtpd on 127.0.0.1), read back as received:
how many, to whom, what they say; claims written before sending (a second send, or two in parallel,
send nothing twice); a resend as a new batch; a server that refuses one address, and one that is down."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from actors import as_user
from smtp_server import free_port, smtp_server
from sqlalchemy import text
from sqlmodel import select

from judging.cli import main
from judging.core.mail import INVITE, REMIND, smtp_settings
from judging.core.passwords import PreparedPassword, hash_password
from judging.core.permissions import CLI, SYSTEM
from judging.core.rubric import load_rubric
from judging.mailing import send_round_mail
from judging.store.assignment import assign
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of, update_round
from judging.store.mail import mail_log
from judging.store.models import AuditEvent, User
from judging.store.people import actor_by_password, create_user
from judging.store.sheets import save_comment, save_score, submit_sheet

RUBRIC = load_rubric(Path(__file__).parents[1] / "rubrics" / "innovation_contest.toml")
OWN_PASSWORD = "my own password 2026"
BASE = "https://review.example.org"


@pytest.fixture
def contest(engine):
    """Judges: zhang (never signed in), li (chose her own password), wang (the server refuses his
    address), zhao (no address). Zhang has 3 entries, the others 2; li submitted both of hers."""
    with write_session(engine) as s:
        edition = create_edition(s, name="2026年信息消费创新大赛", year=2026, tracks=[("life", "生活类", "Life")],
                                 actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        update_round(s, round_id=rnd.id, starts_on="2026-12-01", ends_on="2026-12-20", actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"L-00{i}", "track": "life", "title": f"作品{i}"} for i in range(1, 4)], actor=SYSTEM)
        own = PreparedPassword(hash_password(OWN_PASSWORD))
        users = {
            "zhang": create_user(s, username="zhang", display_name="张建国", email="zhang@example.org", actor=SYSTEM),
            "li": create_user(s, username="li", display_name="李红", email="li@example.org", password=own, actor=SYSTEM),
            "wang": create_user(s, username="wang", display_name="王强", email="bad@example.org", actor=SYSTEM),
            "zhao": create_user(s, username="zhao", display_name="赵敏", actor=SYSTEM),
        }
        e = [x.id for x in entries_of(s, edition.id)]
        pairs = [(users["zhang"].id, x) for x in e] + [(users[j].id, x) for j in ("li", "wang", "zhao") for x in e[:2]]
        assign(s, round_id=rnd.id, pairs=pairs, actor=SYSTEM)
    with write_session(engine) as s:
        for entry_id in e[:2]:
            where = dict(round_id=rnd.id, judge_id=users["li"].id, entry_id=entry_id)
            for key in RUBRIC.criterion_keys:
                save_score(s, **where, criterion=key, value=80.0, actor=as_user(s, "li"))
                save_comment(s, **where, criterion=key, text_value="理由", actor=as_user(s, "li"))
            submit_sheet(s, **where, actor=as_user(s, "li"))
    return {"engine": engine, "round": rnd.id}


def _settings(port: int):
    return smtp_settings({"JUDGING_SMTP_URL": f"smtp://127.0.0.1:{port}", "JUDGING_MAIL_FROM": "评审办公室 <review@example.org>"})


def _send(contest, port, kind=INVITE, **options):
    return send_round_mail(contest["engine"], kind=kind, round_id=contest["round"], settings=_settings(port),
                           base_url=BASE, actor=CLI, **options)


def _by_recipient(inbox) -> dict[str, object]:
    return {tos[0]: message for tos, message in inbox.messages}


def _password_in(message) -> str:
    line = next(x for x in message.get_content().splitlines() if x.startswith("一次性密码："))
    return line.split("：", 1)[1].strip()


def test_invitations_reach_each_judge_with_link_count_deadline_and_a_password_only_for_the_new_one(contest):
    with smtp_server(refuse={"bad@example.org"}) as (inbox, port):
        report = _send(contest, port)

    assert inbox.recipients == ["li@example.org", "zhang@example.org"]
    assert sorted(report.sent) == ["li", "zhang"] and sorted(report.failed) == ["wang", "zhao"]
    assert "550" in report.failed["wang"] and "邮件地址" in report.failed["zhao"]
    assert report.passwords_issued == ["zhang"]
    zhang, li = _by_recipient(inbox)["zhang@example.org"], _by_recipient(inbox)["li@example.org"]
    assert zhang["Subject"] == "【评审邀请】2026年信息消费创新大赛·初评"
    assert zhang["To"].addresses[0].display_name == "张建国"
    body = zhang.get_content()
    assert f"{BASE}/entries" in body and "共 3 项" in body and "2026-12-20" in body and "用户名：zhang" in body
    assert "共 2 项" in li.get_content() and "一次性密码" not in li.get_content()
    with read_session(contest["engine"]) as s:  # the mailed password signs zhang in; li's own is unchanged
        assert actor_by_password(s, username="zhang", password=_password_in(zhang)) is not None
        assert actor_by_password(s, username="li", password=OWN_PASSWORD) is not None
        assert s.exec(select(User.password_one_time).where(User.username == "zhang")).one() is True


def test_chinese_headers_and_body_are_encoded_for_any_mail_client(contest):
    with smtp_server() as (inbox, port):
        _send(contest, port)

    raw = inbox.messages[0][1].as_bytes()
    assert raw.isascii()  # RFC 2047 words in the headers, a transfer encoding for the UTF-8 body
    assert b"=?utf-8?" in raw.lower() and b"charset=\"utf-8\"" in raw.lower()
    assert inbox.messages[0][1].get_content_charset() == "utf-8"


def test_a_second_send_sends_nothing_twice_and_retries_only_the_failed(contest):
    with smtp_server(refuse={"bad@example.org"}) as (inbox, port):
        _send(contest, port)
        again = _send(contest, port)
        assert len(inbox.messages) == 2

    assert again.batch == 1 and sorted(again.skipped) == ["li", "zhang"] and again.sent == []
    with read_session(contest["engine"]) as s:
        log = {m.username: m for m in mail_log(s, round_id=contest["round"], actor=CLI)}
    assert {n: (m.state, m.attempts) for n, m in log.items()} == {"li": ("sent", 1), "zhang": ("sent", 1),
                                                                    "wang": ("failed", 2)}


def test_two_parallel_sends_deliver_each_message_once(contest):
    with smtp_server() as (inbox, port):
        reports = []
        threads = [threading.Thread(target=lambda: reports.append(_send(contest, port))) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert inbox.recipients == ["bad@example.org", "li@example.org", "zhang@example.org"]
    assert sorted(n for r in reports for n in r.sent) == ["li", "wang", "zhang"]
    with read_session(contest["engine"]) as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "mail.sent")).all()) == 3


def test_a_resend_is_a_new_batch_and_two_clicks_on_it_make_one(contest):
    with smtp_server() as (inbox, port):
        first = _send(contest, port)
        old_password = _password_in(_by_recipient(inbox)["zhang@example.org"])
        second = _send(contest, port, resend_after=first.batch)
        double_click = _send(contest, port, resend_after=first.batch)

    assert (first.batch, second.batch, double_click.batch) == (1, 2, 2)
    assert len(inbox.messages) == 6 and double_click.sent == [] and sorted(double_click.skipped) == ["li", "wang", "zhang"]
    zhang_mails = [m for tos, m in inbox.messages if tos == ["zhang@example.org"]]
    with read_session(contest["engine"]) as s:  # the new invitation's password replaced the first one's
        log = mail_log(s, round_id=contest["round"], kind=INVITE, actor=CLI)
        assert [m.batch for m in log] == [2, 2, 2, 1, 1, 1]
        assert actor_by_password(s, username="zhang", password=_password_in(zhang_mails[-1])) is not None
        assert actor_by_password(s, username="zhang", password=old_password) is None


def test_reminders_never_reset_a_password_and_behind_only_leaves_out_who_is_done(contest):
    with smtp_server() as (inbox, port):
        report = _send(contest, port, kind=REMIND, behind_only=True)

    assert inbox.recipients == ["bad@example.org", "zhang@example.org"]
    zhang = _by_recipient(inbox)["zhang@example.org"]
    assert zhang["Subject"] == "【评审提醒】2026年信息消费创新大赛·初评：尚有 3 份评分表待提交"
    assert "一次性密码" not in zhang.get_content() and report.passwords_issued == []
    with read_session(contest["engine"]) as s:
        assert s.exec(select(User.password_hash).where(User.username == "zhang")).one() == ""


def test_a_server_that_is_down_fails_every_message_and_the_next_send_delivers_them(contest):
    down = free_port()
    report = _send(contest, down)

    assert report.sent == [] and sorted(report.failed) == ["li", "wang", "zhang", "zhao"]
    assert "ConnectionRefusedError" in report.failed["zhang"]
    with smtp_server() as (inbox, port):
        retry = _send(contest, port)
    assert sorted(retry.sent) == ["li", "wang", "zhang"] and len(inbox.messages) == 3
    with read_session(contest["engine"]) as s:  # every message and its outcome is an audit event
        actions = [a for a in s.exec(select(AuditEvent.action).where(AuditEvent.action.like("mail.%")))]
    assert actions.count("mail.claimed") == 6 and actions.count("mail.failed") == 3 and actions.count("mail.sent") == 3


def test_cli_lists_the_judges_not_reached_and_exits_1(contest, monkeypatch, capsys):
    with smtp_server(refuse={"bad@example.org"}) as (inbox, port):
        monkeypatch.setenv("JUDGING_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("JUDGING_MAIL_FROM", "review@example.org")
        monkeypatch.setenv("JUDGING_PUBLIC_URL", BASE + "/")
        monkeypatch.setenv("JUDGING_LANG", "zh")
        url = contest["engine"].url.render_as_string(hide_password=False)
        code = main(["mail", "invite", "--round", str(contest["round"]), "--db", url])
        out, err = capsys.readouterr()
        code_remind = main(["mail", "remind", "--round", str(contest["round"]), "--behind-only", "--db", url])

    assert code == 1 and code_remind == 1
    assert "已发送 2 封" in out and "失败 2 封" in out
    assert "wang：550" in err and "zhao：评委账号没有邮件地址" in err
    assert inbox.recipients == ["li@example.org", "zhang@example.org", "zhang@example.org"]


def test_cli_without_smtp_settings_says_what_to_set(contest, monkeypatch, capsys):
    monkeypatch.delenv("JUDGING_SMTP_URL", raising=False)
    monkeypatch.setenv("JUDGING_MAIL_FROM", "review@example.org")

    code = main(["mail", "invite", "--round", str(contest["round"])])

    assert code == 2 and "JUDGING_SMTP_URL" in capsys.readouterr().err


def test_a_failed_message_marked_sent_in_the_database_is_caught_by_the_seals(contest, capsys, monkeypatch):
    with smtp_server(refuse={"bad@example.org"}) as (_, port):
        _send(contest, port)
    url = contest["engine"].url.render_as_string(hide_password=False)
    monkeypatch.setenv("JUDGING_LANG", "en")
    with contest["engine"].begin() as conn:
        assert conn.execute(text("UPDATE mail_message SET state = 'sent' WHERE state = 'failed'")).rowcount == 1
    capsys.readouterr()

    assert main(["audit", "verify", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "mail_message" in err and "state is sent but was written as failed" in err
