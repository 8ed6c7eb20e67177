"""Sign-in attempts are counted before their password is checked, in one row-locked update: many
parallel attempts (threads here, replicas in production) check at most the limit of passwords."""

from __future__ import annotations

import threading

import pytest

from judging.core import passwords
from judging.core.permissions import SYSTEM
from judging.core.signin_limits import MAX_FAILURES_PER_USER
from judging.errors import PermissionDenied
from judging.store import people
from judging.store.db import read_session, write_session
from judging.store.models import LoginThrottle
from judging.store.people import create_user
from judging.ui.common import authenticate

GOOD = "kestrel-harbour-42"
ATTEMPTS = 40


@pytest.fixture
def judge(engine):
    with write_session(engine) as s:
        create_user(s, username="j1", display_name="张三", password=passwords.PreparedPassword(passwords.hash_password(GOOD)),
                    actor=SYSTEM)


def test_forty_parallel_wrong_passwords_check_at_most_the_limit_then_the_right_one_is_locked_out(
        engine, judge, monkeypatch):
    checked, lock = [], threading.Lock()
    real_verify = people.verify_password

    def counting_verify(*, password_hash, password):
        with lock:
            checked.append(password)
        return real_verify(password_hash=password_hash, password=password)

    monkeypatch.setattr(people, "verify_password", counting_verify)
    start = threading.Barrier(ATTEMPTS)
    outcomes = []

    def attempt(i):
        start.wait()
        try:
            outcomes.append(authenticate(engine, "j1", f"wrong-{i}", address=f"10.0.0.{i}"))
        except PermissionDenied:
            outcomes.append("locked")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with pytest.raises(PermissionDenied):
        authenticate(engine, "j1", GOOD, address="10.0.1.1")

    assert len(checked) == MAX_FAILURES_PER_USER
    assert outcomes.count(None) == MAX_FAILURES_PER_USER and outcomes.count("locked") == ATTEMPTS - MAX_FAILURES_PER_USER


def test_a_good_sign_in_gives_its_count_back_to_a_shared_address(engine, judge):
    for _ in range(3):
        assert authenticate(engine, "j1", GOOD, address="192.168.1.1") is not None

    with read_session(engine) as s:
        rows = {(r.kind, r.key): r.failures for r in s.exec(LoginThrottle.__table__.select())}

    assert rows == {("address", "192.168.1.1"): 0}
