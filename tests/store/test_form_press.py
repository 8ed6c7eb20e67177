"""A form's press is stored with its write, once: two runs of one press (a double click whose runs
overlap, Streamlit's fast reruns) write once, on SQLite and on PostgreSQL (``judging.store.db.claim_press``).
The browser test of the whole race is tests/browser/test_double_submit.py."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import func, select

from judging.errors import JudgingError, Problem
from judging.store.audit_log import append_event
from judging.store.db import PRESS_KEPT, PressAlreadyStored, claim_press, read_session, write_session
from judging.store.models import AuditEvent, FormPress
from judging.store.times import utcnow

KEY = "tab-1/objection~0"


def _write(engine, *, hold: threading.Event | None = None, inside: threading.Event | None = None) -> None:
    with write_session(engine) as s:
        append_event(s, name="system", action="test.press", subject="x")
        if inside is not None:
            inside.set()
        if hold is not None:
            hold.wait(5)


def _writes(engine) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "test.press")).one()


def test_two_overlapping_runs_of_one_press_write_once(engine):
    inside, hold, outcomes = threading.Event(), threading.Event(), {}

    def first_run():
        claim_press(KEY)
        _write(engine, hold=hold, inside=inside)  # still writing when the second run's write starts
        outcomes["first"] = "stored"

    def second_run():
        inside.wait(5)
        claim_press(KEY)
        threading.Timer(0.3, hold.set).start()  # the first run commits while the second waits for it
        try:
            _write(engine)
            outcomes["second"] = "stored"
        except PressAlreadyStored:
            outcomes["second"] = "already stored"

    threads = [threading.Thread(target=first_run), threading.Thread(target=second_run)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)

    assert outcomes == {"first": "stored", "second": "already stored"}
    assert _writes(engine) == 1


def test_a_refused_write_stores_no_press_and_the_corrected_press_counts(engine):
    claim_press(KEY)
    with pytest.raises(JudgingError):
        with write_session(engine) as s:
            append_event(s, name="system", action="test.press", subject="x")
            raise JudgingError(Problem("store.busy", {"seconds": 1}))
    claim_press(KEY)  # the same form (a refusal keeps its id), pressed again
    _write(engine)

    assert _writes(engine) == 1
    with read_session(engine) as s:
        assert s.exec(select(FormPress.key)).all() == [KEY]


def test_a_press_claims_the_first_write_of_its_run_only(engine):
    claim_press(KEY)
    _write(engine)
    _write(engine)  # a later write of the same run (or of a run with no press) claims nothing

    assert _writes(engine) == 2
    claim_press(KEY)  # the press run again after it was stored
    with pytest.raises(PressAlreadyStored):
        _write(engine)
    assert _writes(engine) == 2


def test_a_press_is_used_up_when_its_write_commits_and_not_when_it_is_refused(engine):
    used = []
    claim_press(KEY, lambda: used.append("committed"))
    with pytest.raises(JudgingError):
        with write_session(engine) as s:
            append_event(s, name="system", action="test.press", subject="x")
            raise JudgingError(Problem("store.busy", {"seconds": 1}))
    assert used == []  # refused: the same key is pressed again
    claim_press(KEY, lambda: used.append("committed"))
    _write(engine)
    assert used == ["committed"]  # the page's next press needs a new key (a failed sign-in's count is a write)


def test_presses_older_than_two_days_go_with_the_next_press(engine):
    with write_session(engine) as s:
        s.add(FormPress(key="old-tab/1/form#1", stored_at=utcnow() - PRESS_KEPT - timedelta(minutes=1)))
        s.add(FormPress(key="recent-tab/1/form#1", stored_at=utcnow() - PRESS_KEPT + timedelta(minutes=5)))
    claim_press("tab-2/1/form#1")
    _write(engine)

    with read_session(engine) as s:
        keys = set(s.exec(select(FormPress.key)).all())
    assert keys == {"recent-tab/1/form#1", "tab-2/1/form#1"}
