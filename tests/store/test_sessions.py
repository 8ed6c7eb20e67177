"""Signed-in sessions on SQLite and PostgreSQL: a token is issued, restores the account, and ends on
expiry, idle time, sign-out, an organiser's "sign out everywhere", a switched-off account, a new
password and a changed role; unknown and tampered tokens sign nobody in; parallel restores agree."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from actors import as_user
from sqlmodel import select

from judging.core.passwords import prepare_password
from judging.core.permissions import CLI, SYSTEM, Actor, Role
from judging.errors import PermissionDenied
from judging.store import sessions
from judging.store.db import read_session, write_session
from judging.store.models import AuditEvent, SessionToken, User
from judging.store.people import change_own_password, create_user, set_judge_active, set_passwords

T0 = datetime(2026, 10, 9, 8, 0, tzinfo=UTC)
IDLE = 60.0  # minutes
PASSWORD = "a-long-judge-password-2026"


@pytest.fixture
def people(engine):
    with write_session(engine) as s:
        for name, role in (("j1", Role.JUDGE), ("j2", Role.JUDGE), ("org", Role.ORGANISER)):
            create_user(s, username=name, display_name=name, role=role,
                        password=prepare_password(PASSWORD, username=name), actor=SYSTEM)
    with read_session(engine) as s:
        return {name: as_user(s, name) for name in ("j1", "j2", "org")}


def _issue(engine, actor, *, now=T0, hours=12.0) -> str:
    with write_session(engine) as s:
        return sessions.issue_session(s, actor=actor, hours=hours, now=now)


def _check(engine, token, *, now=T0, idle=IDLE) -> sessions.SessionCheck:
    with read_session(engine) as s:
        return sessions.check_session(s, token=token, idle_minutes=idle, now=now)


def test_issued_token_restores_its_account_and_only_its_digest_is_stored(engine, people):
    token = _issue(engine, people["j1"])

    check = _check(engine, token, now=T0 + timedelta(minutes=5))

    assert check == sessions.SessionCheck(Actor(id=people["j1"].id, username="j1", role=Role.JUDGE))
    with read_session(engine) as s:
        rows = list(s.exec(select(SessionToken)))
    assert [(r.user_id, r.token_hash, r.role) for r in rows] == [(people["j1"].id, sessions.token_digest(token), "judge")]
    assert token not in {r.token_hash for r in rows} and len(token) >= 43


def test_tokens_are_random_per_sign_in(engine, people):
    tokens = {_issue(engine, people["j1"]) for _ in range(5)}

    assert len(tokens) == 5


@pytest.mark.parametrize("token", ["", "x", "not-a-token-at-all", "A" * 43])
def test_unknown_token_signs_nobody_in(engine, people, token):
    _issue(engine, people["j1"])

    assert _check(engine, token) == sessions.SessionCheck(None, sessions.UNKNOWN)


def test_tampered_token_signs_nobody_in(engine, people):
    token = _issue(engine, people["j1"])
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert _check(engine, tampered) == sessions.SessionCheck(None, sessions.UNKNOWN)
    assert _check(engine, token).ok


def test_token_expires_after_its_lifetime_whatever_the_activity(engine, people):
    token = _issue(engine, people["j1"], hours=2)
    for minutes in range(30, 120, 30):  # active all the time
        with write_session(engine) as s:
            sessions.touch_session(s, token=token, now=T0 + timedelta(minutes=minutes))

    assert _check(engine, token, now=T0 + timedelta(minutes=119)).ok
    assert _check(engine, token, now=T0 + timedelta(hours=2)) == sessions.SessionCheck(None, sessions.EXPIRED)


def test_idle_time_is_measured_on_the_last_activity_the_server_saw(engine, people):
    token = _issue(engine, people["j1"])

    assert _check(engine, token, now=T0 + timedelta(minutes=61)) == sessions.SessionCheck(None, sessions.IDLE)
    with write_session(engine) as s:
        assert sessions.touch_session(s, token=token, now=T0 + timedelta(minutes=50))
    assert _check(engine, token, now=T0 + timedelta(minutes=61)).ok
    assert _check(engine, token, now=T0 + timedelta(minutes=111)) == sessions.SessionCheck(None, sessions.IDLE)


def test_sign_out_revokes_the_token_for_good(engine, people):
    token = _issue(engine, people["j1"])

    with write_session(engine) as s:
        assert sessions.revoke_session(s, token=token, reason=sessions.SIGN_OUT, now=T0)
        assert not sessions.touch_session(s, token=token, now=T0 + timedelta(seconds=1))  # activity revives nothing
        assert not sessions.revoke_session(s, token=token, reason=sessions.SIGN_OUT, now=T0)

    assert _check(engine, token) == sessions.SessionCheck(None, sessions.SIGN_OUT)


def test_idle_revocation_spares_a_session_another_tab_used_since(engine, people):
    token = _issue(engine, people["j1"])
    with write_session(engine) as s:
        sessions.touch_session(s, token=token, now=T0 + timedelta(minutes=30))

    with write_session(engine) as s:  # a tab idle since T0 + 10 min signs itself out
        ended = sessions.revoke_session(s, token=token, reason=sessions.IDLE,
                                        unless_seen_since=T0 + timedelta(minutes=10))
    assert not ended and _check(engine, token, now=T0 + timedelta(minutes=31)).ok

    with write_session(engine) as s:
        ended = sessions.revoke_session(s, token=token, reason=sessions.IDLE,
                                        unless_seen_since=T0 + timedelta(minutes=40))
    assert ended and _check(engine, token, now=T0 + timedelta(minutes=41)) == sessions.SessionCheck(None, sessions.IDLE)


def test_organiser_signs_an_account_out_everywhere_and_it_is_logged(engine, people):
    j1_tokens = [_issue(engine, people["j1"]) for _ in range(2)]
    j2_token = _issue(engine, people["j2"])

    with write_session(engine) as s:
        ended = sessions.sign_out_everywhere(s, user_id=people["j1"].id, actor=people["org"])

    assert ended == 2
    assert [_check(engine, t) for t in j1_tokens] == [sessions.SessionCheck(None, sessions.ORGANISER)] * 2
    assert _check(engine, j2_token).ok
    with read_session(engine) as s:
        events = [(e.actor, e.action, e.subject) for e in s.exec(select(AuditEvent))
                  if e.action == "auth.signed_out_everywhere"]
        counts = sessions.live_session_counts(s, actor=people["org"], now=T0)
    assert events == [("org", "auth.signed_out_everywhere", f"user:{people['j1'].id}")]
    assert counts == {people["j2"].id: 1}


def test_judge_may_not_sign_others_out_everywhere(engine, people):
    token = _issue(engine, people["j2"])

    with pytest.raises(PermissionDenied), write_session(engine) as s:
        sessions.sign_out_everywhere(s, user_id=people["j2"].id, actor=people["j1"])

    assert _check(engine, token).ok


def test_switching_an_account_off_ends_its_sessions(engine, people):
    token = _issue(engine, people["j1"])

    with write_session(engine) as s:
        set_judge_active(s, judge_id=people["j1"].id, active=False, actor=people["org"])
    assert _check(engine, token) == sessions.SessionCheck(None, sessions.DISABLED)

    with write_session(engine) as s:  # switched on again: the old session stays ended
        set_judge_active(s, judge_id=people["j1"].id, active=True, actor=people["org"])
    assert _check(engine, token) == sessions.SessionCheck(None, sessions.DISABLED)


def test_inactive_or_deleted_account_fails_closed_even_without_a_revocation(engine, people):
    token = _issue(engine, people["j1"])
    with write_session(engine) as s:  # switched off behind the store's back (a script, a database edit)
        user = s.get(User, people["j1"].id)
        user.active = False
        s.add(user)
    assert _check(engine, token) == sessions.SessionCheck(None, sessions.INACTIVE)

    with write_session(engine) as s:
        for row in s.exec(select(SessionToken)):
            s.delete(row)
        s.delete(s.get(User, people["j1"].id))
    assert _check(engine, token) == sessions.SessionCheck(None, sessions.UNKNOWN)


def test_a_new_password_ends_the_sessions_of_the_account(engine, people):
    issued = _issue(engine, people["j1"])
    own = _issue(engine, people["j2"])

    with write_session(engine) as s:
        set_passwords(s, passwords={"j1": prepare_password("another-judge-password-1", username="j1")},
                      actor=people["org"])
        change_own_password(s, actor=people["j2"], current=PASSWORD,
                            new=prepare_password("my-own-new-password-22", username="j2"))

    assert _check(engine, issued) == sessions.SessionCheck(None, sessions.PASSWORD)
    assert _check(engine, own) == sessions.SessionCheck(None, sessions.PASSWORD)


def test_a_changed_role_ends_the_session(engine, people):
    token = _issue(engine, people["j1"])
    with write_session(engine) as s:
        user = s.get(User, people["j1"].id)
        user.role = Role.ORGANISER
        s.add(user)

    assert _check(engine, token) == sessions.SessionCheck(None, sessions.ROLE_CHANGED)


@pytest.mark.parametrize("who", ["stale role", "other name", "inactive", "shell", "nobody"])
def test_a_token_is_issued_only_to_an_active_account_as_stored(engine, people, who):
    j1 = people["j1"]
    if who == "inactive":
        with write_session(engine) as s:
            set_judge_active(s, judge_id=j1.id, active=False, actor=people["org"])
    actor = {"stale role": Actor(id=j1.id, username="j1", role=Role.ORGANISER),
             "other name": Actor(id=j1.id, username="org", role=Role.JUDGE),
             "inactive": j1, "shell": CLI, "nobody": None}[who]

    with pytest.raises(PermissionDenied):
        _issue(engine, actor)

    with read_session(engine) as s:
        assert list(s.exec(select(SessionToken))) == []


def test_parallel_restores_of_one_token_all_get_the_account(engine, people):
    token = _issue(engine, people["j1"])

    def restore(i: int):
        moment = T0 + timedelta(seconds=i)
        with read_session(engine) as s:
            check = sessions.check_session(s, token=token, idle_minutes=IDLE, now=moment)
        with write_session(engine) as s:
            sessions.touch_session(s, token=token, now=moment)
        return check

    with ThreadPoolExecutor(max_workers=8) as pool:
        checks = list(pool.map(restore, range(40)))

    assert checks == [sessions.SessionCheck(Actor(id=people["j1"].id, username="j1", role=Role.JUDGE))] * 40
    with read_session(engine) as s:
        row = s.exec(select(SessionToken)).one()
    assert row.revoked_at is None
    assert row.last_seen_at.replace(tzinfo=UTC) >= T0
