"""Sign-in limits in the database (SQLite and PostgreSQL): per user name, per address, shared by replicas."""

from __future__ import annotations

from datetime import timedelta

import pytest

from judging.core.permissions import SYSTEM
from judging.core.signin_limits import (
    FAILURE_WINDOW,
    LOCKOUT,
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_USER,
    Counter,
    after_failure,
    minutes,
)
from judging.store.audit_log import verify_audit_chain
from judging.store.db import make_engine, read_session, write_session
from judging.store.models import AuditEvent, utcnow
from judging.store.people import (
    actor_for_claims,
    clear_user_failures,
    create_user,
    locked_for,
    record_failure,
)


def _fail(engine, username="j1", address="10.0.0.1", now=None, times=1):
    for _ in range(times):
        with write_session(engine) as s:
            record_failure(s, username=username, address=address, now=now)


def _locked(engine, username="j1", address="10.0.0.1", now=None) -> timedelta:
    with read_session(engine) as s:
        return locked_for(s, username=username, address=address, now=now)


def test_user_name_locks_after_the_limit_for_the_lockout(engine):
    now = utcnow()
    _fail(engine, now=now, times=MAX_FAILURES_PER_USER - 1)
    assert not _locked(engine, now=now)

    _fail(engine, now=now)

    assert _locked(engine, now=now) == LOCKOUT
    assert _locked(engine, address="10.9.9.9", now=now) == LOCKOUT  # from any address
    assert not _locked(engine, now=now + LOCKOUT + timedelta(seconds=1))


def test_address_locks_after_its_limit_across_user_names(engine):
    now = utcnow()
    for k in range(MAX_FAILURES_PER_ADDRESS):
        _fail(engine, username=f"guess{k}", now=now)

    assert _locked(engine, username="j7", now=now) == LOCKOUT
    assert not _locked(engine, username="j7", address="10.0.0.2", now=now)


def test_failures_older_than_the_window_are_forgotten(engine):
    start = utcnow()
    _fail(engine, now=start, times=MAX_FAILURES_PER_USER - 1)

    _fail(engine, now=start + FAILURE_WINDOW + timedelta(seconds=1))

    assert not _locked(engine, now=start + FAILURE_WINDOW + timedelta(seconds=1))


def test_success_clears_the_user_names_failures(engine):
    _fail(engine, times=MAX_FAILURES_PER_USER - 1)
    with write_session(engine) as s:
        clear_user_failures(s, username="j1")

    _fail(engine)

    assert not _locked(engine)


def test_two_replicas_count_together(engine):
    replica = make_engine(engine.url.render_as_string(hide_password=False))  # a second process's pool
    now = utcnow()
    try:
        _fail(engine, now=now, times=2)
        _fail(replica, now=now, times=MAX_FAILURES_PER_USER - 2)
        assert _locked(replica, now=now) == LOCKOUT and _locked(engine, now=now) == LOCKOUT
    finally:
        replica.dispose()


def test_lock_is_an_audit_event(engine):
    _fail(engine, times=MAX_FAILURES_PER_USER)

    with read_session(engine) as s:
        actions = [e.action for e in s.exec(AuditEvent.__table__.select())]
        broken = verify_audit_chain(s, actor=SYSTEM)

    assert actions.count("auth.failed") == MAX_FAILURES_PER_USER and actions.count("auth.locked") == 1
    assert broken == []


def test_counter_locks_at_the_limit_and_restarts_after_the_window():
    start = utcnow()
    counter = Counter(MAX_FAILURES_PER_USER - 1, start, None)

    locked = after_failure(counter, kind="user", now=start)
    fresh = after_failure(locked, kind="user", now=start + LOCKOUT + timedelta(seconds=1))

    assert locked.locked_until == start + LOCKOUT
    assert (fresh.failures, fresh.locked_until) == (1, None)
    assert minutes(timedelta(seconds=61)) == 2 and minutes(timedelta(seconds=1)) == 1


@pytest.fixture
def accounts(engine):
    with write_session(engine) as s:
        create_user(s, username="org", display_name="王", role="organiser", email="Wang@Example.cn ", actor=SYSTEM)
        create_user(s, username="j1", display_name="张", role="judge", email="zhang@example.cn", actor=SYSTEM)
        create_user(s, username="j2", display_name="李", role="judge", email="shared@example.cn", actor=SYSTEM)
        create_user(s, username="j3", display_name="赵", role="judge", email="shared@example.cn", actor=SYSTEM)
        off = create_user(s, username="j4", display_name="钱", role="judge", email="off@example.cn", actor=SYSTEM)
        off.active = False


@pytest.mark.parametrize(("claims", "username"), [
    ({"email": "wang@example.cn", "email_verified": True}, "org"),
    ({"email": "ZHANG@example.cn"}, "j1"),  # no email_verified claim: the provider vouches
    ({"email": "zhang@example.cn", "email_verified": False}, None),
    ({"email": "zhang@example.cn", "email_verified": "false"}, None),
    ({"email": "shared@example.cn"}, None),  # two accounts: ambiguous
    ({"email": "off@example.cn"}, None),  # deactivated
    ({"email": "nobody@example.cn"}, None),
    ({"email": ""}, None),
    ({}, None),
])
def test_single_sign_on_maps_a_verified_email_to_exactly_one_active_account(engine, accounts, claims, username):
    with read_session(engine) as s:
        user = actor_for_claims(s, claims)

    assert (user.username if user else None) == username
