"""What a signed-in session costs the server: one activity ping (the idle watch's fragment run and the
write of the session's last activity), the session check of every full run, and a restore after F5,
on SQLite and PostgreSQL, next to a full run of the app shell around an empty page.

A ping is a fragment run of the idle watch (the browser's beacon sends at most one per 20 s), with the
activity written to the database (``touch_session``). Page times are AppTest runs (the script, not the
browser's drawing).

    python benchmarks/activity_ping.py [--runs 200] [--postgres URL]
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from unittest import mock

from sqlalchemy import create_engine, text
from streamlit.runtime.scriptrunner import RerunData
from streamlit.testing.v1 import AppTest, local_script_runner

from judging.core.passwords import prepare_password
from judging.core.permissions import SYSTEM, Role
from judging.store.db import open_database, read_session, write_session
from judging.store.people import create_user, resolve_actor
from judging.store.sessions import check_session, issue_session, touch_session
from judging.ui.common import IDLE_WATCH_KEY, SESSION_TOKEN_KEY, USER_KEY, SignedIn

SHELL_PAGE = """
import streamlit as st
from judging.ui import common
common.language_switch()
user = common.current_user(start_of_run=True)
def empty():
    common.require_page("entries")
    st.title("评分表")
nav = st.navigation([st.Page(empty, title="empty", url_path="entries")])
common.watch_idle("entries")
nav.run()
"""


def _figures(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return f"median {statistics.median(ms):6.2f} ms   p95 {ms[int(len(ms) * 0.95) - 1]:6.2f} ms   (n={len(ms)})"


def _timed(call, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def measure(url: str, runs: int) -> None:
    engine = open_database(url)
    with write_session(engine) as s:
        user = create_user(s, username="judge01", display_name="评委一", role=Role.JUDGE,
                           password=prepare_password("a-long-judge-password-2026", username="judge01"), actor=SYSTEM)
        actor = resolve_actor(s, user_id=user.id)
        token = issue_session(s, actor=actor, hours=12)

    def touch():
        with write_session(engine) as s:
            touch_session(s, token=token)

    def check():
        with read_session(engine) as s:
            assert check_session(s, token=token, idle_minutes=60).ok

    print(f"  touch_session (one ping's write)      {_figures(_timed(touch, runs))}")
    print(f"  check_session (every full run)        {_figures(_timed(check, runs))}")

    os.environ["JUDGING_DATABASE_URL"] = url
    at = AppTest.from_string(SHELL_PAGE, default_timeout=60)
    at.session_state[USER_KEY] = SignedIn(actor.id, actor.username, "评委一", actor.role)
    at.session_state[SESSION_TOKEN_KEY] = token
    at.run()
    assert not at.exception, at.exception
    full = _timed(at.run, max(20, runs // 10))
    ids = at._fragment_storage.resolve_target(IDLE_WATCH_KEY)
    fragment_run = functools.partial(RerunData, fragment_id_queue=ids, is_auto_rerun=True)

    def tick():
        with mock.patch.object(local_script_runner, "RerunData", fragment_run):
            at.run()

    ticks = _timed(tick, max(20, runs // 10))
    print(f"  full run of the app shell (AppTest)   {_figures(full)}")
    print(f"  idle watch fragment run (AppTest)     {_figures(ticks)}")
    print(f"  => one ping ≈ fragment run + touch: median "
          f"{(statistics.median(ticks) + statistics.median(_timed(touch, 50))) * 1000:.2f} ms")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite")
        measure(f"sqlite:///{Path(folder) / 'judging.db'}", args.runs)
    name = f"bench_sessions_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: SQLite only
        print(f"PostgreSQL skipped: {exc.__class__.__name__}")
        return
    os.environ.setdefault("JUDGING_AUDIT_KEY", "benchmark-audit-key-" + uuid.uuid4().hex)  # a scratch database
    try:
        print("PostgreSQL")
        measure(args.postgres.rsplit("/", 1)[0] + f"/{name}", args.runs)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
