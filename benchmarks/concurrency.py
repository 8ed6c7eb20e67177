"""Many judges saving at once: lost and duplicated writes (target 0) and save times, SQLite and PostgreSQL.

Each judge is a thread with its own sessions; it changes scores on its own entries and remembers the
last value the store acknowledged (and how many changes it made). Afterwards the table must hold
exactly those values, one row per (judge, entry, criterion), with the version equal to the number
of changes, one audit event per acknowledged change, and ``audit verify`` (chains, heads, seals,
replayed scores, checkpoints) must find nothing.

    python benchmarks/concurrency.py [--judges 50] [--changes 3000] [--think-ms 0] [--processes 1]
                                     [--only sqlite|postgres] [--postgres URL]
    python benchmarks/concurrency.py --replicas 2 --judges 500 --pause 2-8 --seconds 120

With ``--think-ms 0`` (the default) every judge saves back to back: the worst case, where all judges
are in a save at every instant (then a save's time is mostly its wait for the others: by Little's law,
p50 ≈ judges / saves per second). ``--think-ms 2000`` lets each judge pause a random 0–4 s between changes.
``--processes N`` spreads the judges over N processes (each with its own engine), so that the
database, not one interpreter's lock, is what the saves share.

``--replicas 2`` is the mode of two app replicas on one PostgreSQL: two processes, each with its own
engine and connection pool (a stand-in for two app servers), serve half of the judges each; every
judge pauses a random 2–8 s (``--pause``) between changes for ``--seconds``.
"""

from __future__ import annotations

import argparse
import multiprocessing
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
from judging.store.audit_verify import audit_problems
from judging.store.db import make_engine, open_database, read_session, write_session
from judging.store.models import AuditEvent, Score
from judging.store.people import resolve_actor
from judging.store.sheets import save_score
from judging.store.synthetic import build_contest

STEP = 0.5
# the scratch databases' audit key (PostgreSQL refuses to start without one); a real one comes from the environment
os.environ.setdefault("JUDGING_AUDIT_KEY", "benchmark-audit-key-" + "0123456789abcdef" * 2)


def judges_at_work(url: str, contest: dict, indices: list[int], *, changes_per_judge: int | None,
                   until: float | None, pause: tuple[float, float], seed: int, engine=None) -> dict:
    """Judges ``indices`` of ``contest``, one thread each, saving until ``changes_per_judge`` or the clock
    passes ``until``; what the store acknowledged, the save times and the failures."""
    own_engine = engine is None
    engine = engine or make_engine(url)
    expected: dict[tuple[int, int, str], tuple[float, int]] = {}
    durations: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(indices))

    def judge_worker(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        judge_id = contest["judges"][index]
        mine = [e for j, e in contest["pairs"] if j == judge_id]
        local: dict[tuple[int, int, str], tuple[float, int]] = {}
        with read_session(engine) as s:  # as the app does once per request: the judge's own actor
            actor = resolve_actor(s, user_id=judge_id)
        start.wait()
        if pause[1]:  # people do not start at the same instant
            time.sleep(rng.uniform(0, pause[1]))
        done = 0
        while (changes_per_judge is None or done < changes_per_judge) and (until is None or time.time() < until):
            done += 1
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
                               criterion=criterion, value=value, expected_version=old_changes, actor=actor)
            except Exception as exc:  # an unacknowledged save: counted, not expected in the table
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
            else:
                local[key] = (value, old_changes + 1)
                with lock:
                    durations.append(time.perf_counter() - began)
            if pause[1]:
                time.sleep(rng.uniform(*pause))
        with lock:
            expected.update(local)

    threads = [threading.Thread(target=judge_worker, args=(i,)) for i in indices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if own_engine:
        engine.dispose()
    return {"expected": expected, "durations": durations, "errors": errors}


def _in_process(queue, *args, **kwargs) -> None:
    queue.put(judges_at_work(*args, **kwargs))


def run(engine, *, judges: int, changes: int | None = None, seconds: float | None = None, seed: int = 1,
        pause: tuple[float, float] = (0.0, 0.0), processes: int = 1) -> dict:
    url = engine.url.render_as_string(hide_password=False)
    contest = build_contest(engine, judges=judges, entries_per_judge=4)
    per_judge = None if changes is None else changes // judges
    until = None if seconds is None else time.time() + seconds
    groups = [list(range(judges))[p::processes] for p in range(processes)]
    began = time.perf_counter()
    if processes == 1:
        results = [judges_at_work(url, contest, groups[0], changes_per_judge=per_judge, until=until, pause=pause,
                                  seed=seed, engine=engine)]
    else:
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        workers = [context.Process(target=_in_process, args=(queue, url, contest, group), kwargs={
            "changes_per_judge": per_judge, "until": until, "pause": pause, "seed": seed}) for group in groups]
        for worker in workers:
            worker.start()
        results = [queue.get() for _ in workers]
        for worker in workers:
            worker.join()
    wall = time.perf_counter() - began
    expected, durations, errors = {}, [], []
    for result in results:
        expected.update(result["expected"])
        durations.extend(result["durations"])
        errors.extend(result["errors"])

    with read_session(engine) as s:
        rows = s.exec(select(Score.judge_id, Score.entry_id, Score.criterion, Score.value, Score.version)).all()
        events = s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "score.save")).one()
        chains = s.exec(select(func.count(func.distinct(AuditEvent.chain)))).one()
        problems = audit_problems(s, actor=SYSTEM, lang="en")
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
        "audit_matches": events == acknowledged, "problems": len(problems), "chains": chains,
        "first_problem": problems[0].render("en") if problems else "",
        "p50_ms": 1000 * statistics.median(durations), "p95_ms": 1000 * durations[int(0.95 * (len(durations) - 1))],
        "max_ms": 1000 * durations[-1], "wall_s": wall, "rate": acknowledged / wall,
        "first_error": errors[0] if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judges", type=int, default=50)
    parser.add_argument("--changes", type=int, default=3000)
    parser.add_argument("--think-ms", type=float, default=0.0, help="mean pause of a judge between changes")
    parser.add_argument("--processes", type=int, default=1, help="processes the judges are spread over")
    parser.add_argument("--replicas", type=int, default=0,
                        help="app replicas (processes) on one PostgreSQL; with --pause and --seconds")
    parser.add_argument("--pause", default="2-8", help="seconds a judge pauses between changes (replicas mode)")
    parser.add_argument("--seconds", type=float, default=120.0, help="how long the replicas mode runs")
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()

    if args.replicas:
        low, _, high = args.pause.partition("-")
        pause = (float(low), float(high or low))
        print(f"{args.judges} judges through {args.replicas} replicas (processes, each with its own engine) on "
              f"one PostgreSQL, pausing {pause[0]:g}–{pause[1]:g} s between changes, for {args.seconds:.0f} s")
        with postgres(args.postgres) as url:
            if url:
                engine = open_database(url)
                report("PostgreSQL", run(engine, judges=args.judges, seconds=args.seconds, pause=pause,
                                         processes=args.replicas))
                engine.dispose()
        return

    think = args.think_ms / 1000
    print(f"{args.judges} concurrent judges in {args.processes} process(es), {args.changes} score changes, "
          f"mean pause {args.think_ms:.0f} ms")
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            engine = open_database(f"sqlite:///{tmp}/bench.db")
            report("SQLite", run(engine, judges=args.judges, changes=args.changes, pause=(0.0, 2 * think),
                                 processes=args.processes))
            engine.dispose()
    if args.only in (None, "postgres"):
        with postgres(args.postgres) as url:
            if url:
                engine = open_database(url)
                report("PostgreSQL", run(engine, judges=args.judges, changes=args.changes, pause=(0.0, 2 * think),
                                         processes=args.processes))
                engine.dispose()


class postgres:  # noqa: N801  (used as ``with postgres(url) as scratch_url``)
    """A scratch database on the server at ``admin_url`` (its URL, or None without a server), dropped afterwards."""

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.name = f"judging_bench_{uuid.uuid4().hex[:8]}"
        self.url = admin_url.rsplit("/", 1)[0] + f"/{self.name}"

    def __enter__(self) -> str | None:
        try:
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        except Exception as exc:
            print(f"PostgreSQL: skipped, no server ({exc.__class__.__name__})")
            return None
        return self.url

    def __exit__(self, *_exc) -> None:
        try:
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        except Exception:  # no server: nothing was created
            pass
        self.admin.dispose()


def report(backend: str, r: dict) -> None:
    print(f"{backend:>10}: acknowledged {r['acknowledged']}, failed {r['errors']}, lost {r['lost']}, "
          f"duplicated {r['duplicated']}, unexpected rows {r['extra_rows']}, "
          f"audit events {r['audit_events']} (match: {r['audit_matches']}) in {r['chains']} chains, "
          f"audit verify problems {r['problems']}; save p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
          f"max {r['max_ms']:.1f} ms; {r['rate']:.0f} saves/s, wall {r['wall_s']:.1f} s")
    for name in ("first_error", "first_problem"):
        if r[name]:
            print(f"{'':>12}{name.replace('_', ' ')}: {r[name][:200]}")


if __name__ == "__main__":
    main()
