"""``judging user``: the first organiser from the command line, password rules, listing, switching off and
signing out everywhere."""

from __future__ import annotations

import io

import pytest

from judging.cli import main
from judging.core.passwords import verify_password
from judging.core.permissions import SYSTEM, Actor
from judging.store.db import open_database, read_session, write_session
from judging.store.people import get_user
from judging.store.sessions import check_session, issue_session


@pytest.fixture
def url(tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "en")
    return f"sqlite:///{tmp_path / 'users.db'}"


def _user(url, name):
    engine = open_database(url)
    with read_session(engine) as s:
        return get_user(s, name, actor=SYSTEM)


def test_user_add_prints_a_one_time_password_that_signs_in(url, capsys):
    assert main(["user", "add", "chen", "--role", "organiser", "--display-name", "陈组织", "--db", url]) == 0

    out = capsys.readouterr().out
    password = out.strip().splitlines()[-1].rsplit(": ", 1)[1]
    user = _user(url, "chen")
    assert (user.role, user.display_name, user.password_one_time) == ("organiser", "陈组织", True)
    assert verify_password(password, user.password_hash)


def test_user_add_reads_the_password_from_stdin_and_applies_the_rules(url, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "li", "--role", "announcer", "--password-stdin", "--db", url]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    assert _user(url, "li") is None

    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-pass\n"))
    assert main(["user", "add", "li", "--role", "announcer", "--password-stdin", "--db", url]) == 0
    user = _user(url, "li")
    assert verify_password("a-long-enough-pass", user.password_hash) and not user.password_one_time


def test_user_list_disable_enable_and_unknown_names(url, capsys):
    main(["user", "add", "chen", "--role", "organiser", "--db", url])
    main(["user", "add", "w01", "--role", "judge", "--db", url])
    capsys.readouterr()

    assert main(["user", "disable", "w01", "--db", url]) == 0
    capsys.readouterr()
    assert main(["user", "list", "--db", url]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert main(["user", "disable", "nobody", "--db", url]) == 2
    assert main(["user", "add", "System", "--role", "judge", "--db", url]) == 2
    assert main(["user", "enable", "w01", "--db", url]) == 0

    assert listed[1:] == ["chen\tchen\torganiser\ton · one-time password", "w01\tw01\tjudge\toff · one-time password"]
    assert _user(url, "w01").active and _user(url, "System") is None


def test_user_signout_ends_every_session_of_the_account(url, capsys):
    assert main(["user", "add", "wang", "--role", "judge", "--db", url]) == 0
    engine = open_database(url)
    with write_session(engine) as s:
        wang = get_user(s, "wang", actor=SYSTEM)
        actor = Actor(id=wang.id, username="wang", role="judge")
        tokens = [issue_session(s, actor=actor, hours=12) for _ in range(3)]
    capsys.readouterr()

    assert main(["user", "signout", "wang", "--db", url]) == 0
    assert capsys.readouterr().out.strip() == "wang was signed out everywhere (3 sessions ended)."
    with read_session(engine) as s:
        assert {check_session(s, token=t, idle_minutes=60).reason for t in tokens} == {"organiser"}
    assert main(["user", "signout", "nobody", "--db", url]) == 2
