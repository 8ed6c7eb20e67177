"""Killing the writing process (SIGKILL) loses no acknowledged save and leaves a sound database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from judging.core.permissions import SYSTEM
from judging.store.audit_log import verify_audit_chain
from judging.store.db import read_session
from judging.store.models import Score
from judging.store.synthetic import build_contest

WRITER = Path(__file__).with_name("crash_writer.py")
ACKS_BEFORE_KILL = 120


def test_sigkill_during_saves_loses_no_acknowledged_save(engine):
    contest = build_contest(engine, judges=1, entries_per_judge=7)
    judge = contest["judges"][0]
    entries = [e for _, e in contest["pairs"]]
    url = engine.url.render_as_string(hide_password=False)
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), url, str(contest["round_id"]), str(judge), ",".join(map(str, entries))],
        stdout=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    acknowledged: dict[int, tuple[float, int]] = {}
    try:
        for _ in range(ACKS_BEFORE_KILL):
            line = writer.stdout.readline()
            assert line.startswith("ACK "), f"writer stopped early: {line!r}"
            _, entry_id, value, version = line.split()
            acknowledged[int(entry_id)] = (float(value), int(version))
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    for line in writer.stdout:  # saves acknowledged between our last read and the kill
        if line.startswith("ACK "):
            _, entry_id, value, version = line.split()
            acknowledged[int(entry_id)] = (float(value), int(version))

    engine.dispose()
    with read_session(engine) as s:
        stored = {e: (v, ver) for e, v, ver in s.exec(select(Score.entry_id, Score.value, Score.version))}
        broken = verify_audit_chain(s, actor=SYSTEM)

    assert writer.returncode == -signal.SIGKILL
    # the kill may land after a commit and before its ACK line: then the store is one change ahead
    for entry_id, (value, version) in acknowledged.items():
        stored_value, stored_version = stored[entry_id]
        assert stored_version >= version
        if stored_version == version:
            assert stored_value == value
    assert broken == []
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
