"""SQLite writers of one process queue first come, first served (``WriterQueue``), and a write that
cannot get the database says so (``DatabaseBusy``) instead of failing with a driver error."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from judging.errors import DatabaseBusy, JudgingError
from judging.store import db
from judging.store.db import WriterQueue, make_engine, write_session


def _wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


def test_queue_hands_over_in_arrival_order():
    queue = WriterQueue()
    order: list[int] = []
    queue.acquire(1.0)
    threads = []
    for i in range(8):
        def take(i=i):
            assert queue.acquire(5.0)
            order.append(i)
            queue.release()
        thread = threading.Thread(target=take)
        thread.start()
        threads.append(thread)
        _wait_until(lambda n=i + 1: len(queue._waiting) == n)  # thread i is queued before i + 1 starts

    queue.release()
    for thread in threads:
        thread.join(5)

    assert order == list(range(8))


def test_queue_is_reentrant_in_one_thread_and_refuses_a_foreign_release():
    queue = WriterQueue()
    assert queue.acquire(1.0) and queue.acquire(1.0)
    queue.release()
    other = threading.Thread(target=lambda: results.append(queue.acquire(0.05)))
    results: list[bool] = []
    other.start()
    other.join()
    queue.release()

    assert results == [False]  # still held once after the first release
    assert queue.acquire(0.05)
    queue.release()
    with pytest.raises(RuntimeError):
        queue.release()


def test_a_waiter_that_gives_up_leaves_the_queue_to_those_behind_it():
    queue = WriterQueue()
    queue.acquire(1.0)
    gave_up: list[bool] = []
    patient: list[bool] = []
    impatient = threading.Thread(target=lambda: gave_up.append(queue.acquire(0.1)))
    impatient.start()
    _wait_until(lambda: len(queue._waiting) == 1)
    waiter = threading.Thread(target=lambda: patient.append(queue.acquire(5.0)))
    waiter.start()
    impatient.join()
    queue.release()
    waiter.join(5)

    assert (gave_up, patient, list(queue._waiting)) == ([False], [True], [])


def test_a_wait_interrupted_as_the_lock_is_handed_over_passes_it_on(monkeypatch):
    """A waiter stopped (an exception such as a stopped run's) after release handed it the lock must not keep it."""
    queue = WriterQueue()
    queue.acquire(1.0)
    real_wait = threading.Event.wait

    class Stopped(BaseException):
        pass

    def wait_then_stop(event, timeout=None):
        done = real_wait(event, timeout)  # the lock is handed over here ...
        if threading.current_thread().name == "stopped waiter":
            raise Stopped  # ... and the waiting thread is stopped before it can use it
        return done

    outcome: list[str] = []

    def waiter():
        try:
            queue.acquire(5.0)
        except Stopped:
            outcome.append("stopped")

    monkeypatch.setattr(threading.Event, "wait", wait_then_stop)
    thread = threading.Thread(target=waiter, name="stopped waiter")
    thread.start()
    _wait_until(lambda: len(queue._waiting) == 1)
    queue.release()
    thread.join(5)
    monkeypatch.undo()

    assert outcome == ["stopped"]
    assert queue.acquire(0.1)  # free again, not held by the stopped thread
    queue.release()


def test_many_threads_writing_at_once_all_commit(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    with write_session(engine) as s:
        s.exec(text("CREATE TABLE t (thread INTEGER, n INTEGER)"))
    failures: list[BaseException] = []

    def writer(index: int) -> None:
        for n in range(20):
            try:
                with write_session(engine) as s:
                    s.exec(text("INSERT INTO t VALUES (:i, :n)").bindparams(i=index, n=n))
            except BaseException as exc:  # noqa: BLE001 - every failure is the finding
                failures.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with write_session(engine) as s:
        rows = s.exec(text("SELECT count(*), count(DISTINCT thread * 100 + n) FROM t")).one()
    engine.dispose()

    assert (failures, tuple(rows)) == ([], (600, 600))


def test_write_blocked_by_another_process_raises_database_busy_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "busy.db"
    engine = make_engine(f"sqlite:///{path}")
    with write_session(engine) as s:
        s.exec(text("CREATE TABLE t (x INTEGER)"))
    other = sqlite3.connect(path, isolation_level=None)  # another process's connection, holding the write lock
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy) as caught, write_session(engine) as s:
            s.exec(text("INSERT INTO t VALUES (1)"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    with write_session(engine) as s:  # the queue was released: the next write works
        s.exec(text("INSERT INTO t VALUES (2)"))
        rows = s.exec(text("SELECT x FROM t")).all()
    engine.dispose()

    assert isinstance(caught.value, JudgingError)
    assert "繁忙" in caught.value.render("zh") and "not saved" in caught.value.render("en")
    assert [tuple(r) for r in rows] == [(2,)]


def test_write_that_waits_too_long_in_the_queue_raises_database_busy(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "WRITER_QUEUE_TIMEOUT_S", 0.1)
    engine = make_engine(f"sqlite:///{tmp_path / 'slow.db'}")
    holding, done = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with write_session(engine):
            holding.set()
            done.wait(5)

    thread = threading.Thread(target=slow_writer)
    thread.start()
    holding.wait(5)
    try:
        with pytest.raises(DatabaseBusy), write_session(engine):
            pass
    finally:
        done.set()
        thread.join()
    engine.dispose()


def test_a_queue_with_three_places_lets_three_in_and_the_rest_follow_in_arrival_order():
    queue = WriterQueue(3)
    inside: list[int] = []
    leave = [threading.Event() for _ in range(7)]

    def take(i):
        assert queue.acquire(5.0)
        inside.append(i)
        leave[i].wait(5)
        queue.release()

    threads = []
    for i in range(7):
        thread = threading.Thread(target=take, args=(i,))
        thread.start()
        threads.append(thread)
        if i < 3:
            _wait_until(lambda n=i + 1: len(inside) == n)
        else:
            _wait_until(lambda n=i - 2: len(queue._waiting) == n)  # queued before the next one starts
    assert sorted(inside) == [0, 1, 2] and len(queue._waiting) == 4
    for leaving in (1, 0, 2, 3):  # one place freed at a time: it goes to the longest waiting
        admitted = len(inside)
        leave[leaving].set()
        _wait_until(lambda n=admitted + 1: len(inside) == n)
    for event in leave:
        event.set()
    for thread in threads:
        thread.join(5)

    assert inside[3:] == [3, 4, 5, 6]


@pytest.mark.parametrize("value", ["0", "31", "eight", "-1", "2.5"])
def test_a_wrong_number_of_postgresql_writers_is_refused_with_what_to_set(monkeypatch, value):
    monkeypatch.setenv(db.PG_WRITERS_ENV, value)
    with pytest.raises(JudgingError) as caught:
        make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    assert f"JUDGING_PG_WRITERS 的值“{value}”无效" in caught.value.render("zh")


def test_a_postgresql_engine_queues_its_writers_in_the_places_set(monkeypatch):
    monkeypatch.setenv(db.PG_WRITERS_ENV, "5")
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")  # no connection is made
    assert db._WRITER_QUEUES[engine].capacity == 5
    monkeypatch.delenv(db.PG_WRITERS_ENV)
    assert db._WRITER_QUEUES[make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")].capacity == 8
