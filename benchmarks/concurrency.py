"""Many judges saving at once: lost and duplicated writes (target 0) and save times, SQLite and PostgreSQL.

Each judge is a thread with its own sessions; it changes scores on its own entries and remembers the
last value the store acknowledged (and how many changes it made). Afterwards the table must hold
exactly those values, one row per (judge, entry, criterion), with the version equal to the number
of changes, and one audit event per acknowledged change.

    python benchmarks/concurrency.py [--judges 50] [--changes 3000] [--think-ms 0] [--postgres URL]

With ``--think-ms 0`` (the default) every judge saves back to back: the worst case, where all 50
queue on the database's one write lock at every instant. ``--think-ms 2000`` lets each judge pause
a random 0–4 s between changes, closer to people typing scores.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
import uuid

from sqlalchemy import create_engine, text
from sqlmodel import func, select

from judging.core.permissions import SYSTEM
from judging.store.audit_log import verify_audit_chain  # noqa: E402
from judging.store.db import open_database, read_session, write_session
from judging.store.models import AuditEvent, Score
from judging.store.people import resolve_actor
from judging.store.sheets import save_score  # noqa: E402
from judging.store.synthetic import build_contest

STEP = 0.5
# the scratch databases' audit key (PostgreSQL refuses to start without one); a real one comes from the environment
os.environ.setdefault("JUDGING_AUDIT_KEY", "benchmark-audit-key-" + "0123456789abcdef" * 2)


def run(engine, *, judges: int, changes: int, seed: int = 1, think_ms: float = 0.0) -> dict:
    contest = build_contest(engine, judges=judges, entries_per_judge=4)
    per_judge = changes // judges
    expected: dict[tuple[int, int, str], tuple[float, int]] = {}
    durations: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(judges)

    def judge_worker(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        judge_id = contest["judges"][index]
        mine = [e for j, e in contest["pairs"] if j == judge_id]
        local: dict[tuple[int, int, str], tuple[float, int]] = {}
        with read_session(engine) as s:  # as the app does once per request: the judge's own actor
            actor = resolve_actor(s, user_id=judge_id)
        start.wait()
        for _ in range(per_judge):
            if think_ms:
                time.sleep(rng.uniform(0, 2 * think_ms) / 1000)
            entry_id, criterion = rng.choice(mine), rng.choice(contest["criteria"])
            key = (judge_id, entry_id, criterion)
            old_value, old_changes = local.get(key, (None, 0))
            value = old_value
            while value == old_value:
                value = rng.randrange(0, 201) * STEP
            began = time.perf_counter()
            try:
                with write_session(engine) as s:
                    save_score(s, round_id=contest["round_id"], judge_id=judge_id, entry_id=entry_id,
                                    criterion=criterion, value=value, expected_version=old_changes,
                                    actor=actor)
            except Exception as exc:  # an unacknowledged save: counted, not expected in the table
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            local[key] = (value, old_changes + 1)
            with lock:
                durations.append(time.perf_counter() - began)
        with lock:
            expected.update(local)

    began = time.perf_counter()
    threads = [threading.Thread(target=judge_worker, args=(i,)) for i in range(judges)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began

    with read_session(engine) as s:
        rows = s.exec(select(Score.judge_id, Score.entry_id, Score.criterion, Score.value, Score.version)).all()
        events = s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "score.save")).one()
        chain_broken = verify_audit_chain(s, actor=SYSTEM)
    stored = {}
    duplicated = 0
    for j, e, c, v, version in rows:
        duplicated += (j, e, c) in stored
        stored[(j, e, c)] = (v, version)
    lost = sum(1 for key, value in expected.items() if stored.get(key) != value)
    acknowledged = len(durations)
    durations.sort()
    return {
        "acknowledged": acknowledged, "errors": len(errors), "lost": lost, "duplicated": duplicated,
        "extra_rows": len(set(stored) - set(expected)), "audit_events": events,
        "audit_matches": events == acknowledged, "chain_broken": len(chain_broken),
        "p50_ms": 1000 * statistics.median(durations), "p95_ms": 1000 * durations[int(0.95 * (len(durations) - 1))],
        "wall_s": wall, "first_error": errors[0] if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judges", type=int, default=50)
    parser.add_argument("--changes", type=int, default=3000)
    parser.add_argument("--think-ms", type=float, default=0.0, help="mean pause of a judge between changes")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()

    print(f"{args.judges} concurrent judges, {args.changes} score changes, mean pause {args.think_ms:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(f"sqlite:///{tmp}/bench.db")
        report("SQLite", run(engine, judges=args.judges, changes=args.changes, think_ms=args.think_ms))
        engine.dispose()

    name = f"judging_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"PostgreSQL: skipped, no server at {args.postgres} ({exc.__class__.__name__})")
        return
    try:
        engine = open_database(args.postgres.rsplit("/", 1)[0] + f"/{name}")
        report("PostgreSQL", run(engine, judges=args.judges, changes=args.changes, think_ms=args.think_ms))
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def report(backend: str, r: dict) -> None:
    print(f"{backend:>10}: acknowledged {r['acknowledged']}, failed {r['errors']}, lost {r['lost']}, "
          f"duplicated {r['duplicated']}, unexpected rows {r['extra_rows']}, "
          f"audit events {r['audit_events']} (match: {r['audit_matches']}, chain breaks {r['chain_broken']}), "
          f"save p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, wall {r['wall_s']:.1f} s")
    if r["first_error"]:
        print(f"{'':>12}first failure: {r['first_error'][:200]}")


if __name__ == "__main__":
    main()
