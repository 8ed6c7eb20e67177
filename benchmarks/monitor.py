"""What one refresh of the progress monitor's diagnostics costs at national scale (prints figures; no assertions).

Usage: ``python benchmarks/monitor.py [--entries 5000] [--judges-per-entry 5] [--repeat 3] [--postgres URL]``.
Builds a round of ``entries × judges-per-entry`` sheets with every criterion scored (3 criteria of
``innovation_contest``; 50 sheets per judge) in a temporary SQLite file, or in the database at
``--postgres`` (a server URL such as ``postgresql://postgres@127.0.0.1:5432/test``: the benchmark
creates a scratch database beside that one and drops it afterwards),
then times what ``organiser_monitor._diagnostics`` does on a tick: read the round's ranking inputs
(``round_data``: the scores in canonical order, vetoes, entries; ``load_scores_frame`` alone is
printed beside it) and refit the round's method (``rank`` with the monitor's draws). It also
times the cheap question the page asks first on every tick (``round_score_version``: has anything
changed since the last fit?) — a refit only happens when the answer changes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from judging.core.permissions import SYSTEM

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ranking_speed import make_scores  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlmodel import select  # noqa: E402

from judging.core.ranking import AwardConfig, rank  # noqa: E402
from judging.core.rubric import load_rubric  # noqa: E402
from judging.store.assignment import assign  # noqa: E402
from judging.store.db import normalise_url, open_database, read_session, write_session  # noqa: E402
from judging.store.editions import add_entries, add_round, create_edition, entries_of, get_round, round_rubric  # noqa: E402
from judging.store.models import Score, ScoreSheet, User, utcnow  # noqa: E402
from judging.store.people import create_user, resolve_actor  # noqa: E402
from judging.store.scores import load_scores_frame, round_data, round_score_version  # noqa: E402
from judging.ui.organiser_monitor import DIAGNOSTIC_DRAWS  # noqa: E402

ACTOR = "bench-organiser"


def as_organiser(session):
    """The benchmark organiser's actor, resolved as the app resolves a signed-in tab's."""
    user = session.exec(select(User).where(User.username == ACTOR)).one()
    return resolve_actor(session, user_id=user.id)
METHODS = ("calibrated", "trimmed", "raw")


def build_round(engine, *, n_entries: int, per_entry: int) -> int:
    """An edition with one open round whose every sheet is fully scored; returns the round id."""
    rubric = load_rubric(ROOT / "rubrics" / "innovation_contest.toml")
    scores = make_scores(n_entries, per_entry, seed=1)
    judges = sorted(set(scores["judge_id"]), key=lambda j: int(j[1:]))
    with write_session(engine) as s:
        create_user(s, username=ACTOR, display_name="基准", role="organiser", actor=SYSTEM)
        edition = create_edition(s, name="全国基准", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=rubric,
                             judges_per_entry=per_entry, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"E{i}", "track": "life", "title": f"作品{i}"} for i in range(n_entries)], actor=SYSTEM)
        entry_ids = {e.code: e.id for e in entries_of(s, edition.id)}
        judge_ids = {j: create_user(s, username=j, display_name=f"评委{j}", actor=SYSTEM).id for j in judges}
        pairs = sorted({(judge_ids[j], entry_ids[e]) for j, e in zip(scores["judge_id"], scores["entry_id"],
                                                                    strict=True)})
        assign(s, round_id=rnd.id, pairs=pairs, actor=SYSTEM)
        now = utcnow()
        s.execute(insert(Score), [
            {"round_id": rnd.id, "judge_id": judge_ids[j], "entry_id": entry_ids[e], "criterion": c,
             "value": float(v), "version": 1, "updated_at": now}
            for j, e, c, v in zip(scores["judge_id"], scores["entry_id"], scores["criterion"], scores["score"],
                                  strict=True)])
        s.execute(insert(ScoreSheet), [
            {"round_id": rnd.id, "judge_id": j, "entry_id": e, "status": "submitted", "submitted_at": now,
             "updated_at": now} for j, e in pairs])
        return rnd.id


@contextmanager
def database(server: str, fallback: str):
    """A scratch PostgreSQL database on ``server`` (dropped afterwards), or ``fallback`` without a server."""
    if not server:
        yield fallback
        return
    server = normalise_url(server)
    name = f"judging_monitor_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def timed(function, repeat: int) -> tuple[float, object]:
    """Median wall-clock seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--judges-per-entry", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", default="", help="a PostgreSQL server URL; the default is a temporary SQLite file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, database(args.postgres, f"sqlite:///{tmp}/monitor.db") as url:
        engine = open_database(url)
        start = time.perf_counter()
        round_id = build_round(engine, n_entries=args.entries, per_entry=args.judges_per_entry)
        print(f"database: {engine.url.get_backend_name()}; built {args.entries} entries × "
              f"{args.judges_per_entry} judges × 3 criteria in {time.perf_counter() - start:.1f} s")
        with read_session(engine) as s:
            organiser = as_organiser(s)
            rnd = get_round(s, round_id)
            rubric = round_rubric(rnd)
            frame_s, scores = timed(lambda: load_scores_frame(s, round_id=round_id, actor=organiser), args.repeat)
            load_s, data = timed(lambda: round_data(s, round_id=round_id, actor=organiser), args.repeat)
            scores = data.scores
            version_s, version = timed(lambda: round_score_version(s, round_id=round_id, actor=organiser),
                                       max(args.repeat, 10))
        print(f"score rows: {len(scores)}; judges: {scores['judge_id'].nunique()}")
        print(f"read the scores (load_scores_frame): {frame_s:.2f} s; the ranking inputs (round_data, "
              f"what a tick reads): {load_s:.2f} s; medians of {args.repeat}")
        print(f"has anything changed? (round_score_version, {version[0]} scores): {version_s * 1000:.1f} ms median")
        for method in METHODS:
            fit_s, _ = timed(lambda m=method: rank(scores, rubric, method=m, awards=AwardConfig(tiers=()),
                                                   n_draws=DIAGNOSTIC_DRAWS), args.repeat)
            print(f"refit {method:<10} (n_draws={DIAGNOSTIC_DRAWS}): {fit_s:.2f} s; "
                  f"one tick with a refit: {load_s + fit_s:.2f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
