"""What the audit log and the backups cost on a large trail: a round of N scores imported (N score events,
their rows and assignments), then the log's first page (no filter, by kind, by entry, by judge, by
time), a page deep in the trail, the count, the CSV and XLSX exports of one judge and of everything,
``audit verify`` (what the page's "verify again" runs), and ``judging backup`` / ``restore`` with the
restored copy verified. SQLite in a temporary file, or PostgreSQL with ``--postgres URL`` (an empty database).

Usage: ``python benchmarks/audit_log.py [--scores 100000] [--postgres postgresql://postgres@127.0.0.1/bench]``.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

os.environ.setdefault("JUDGING_AUDIT_KEY", "benchmark-audit-key-" + "0123456789abcdef" * 2)

from judging.core.audit_export import log_csv, log_xlsx  # noqa: E402 - after the key is set
from judging.core.audit_query import LogQuery  # noqa: E402
from judging.core.permissions import CLI, SYSTEM  # noqa: E402
from judging.core.rubric import load_rubric  # noqa: E402
from judging.store.audit_events import count_matching, log_events, log_names, log_page, resolve_query  # noqa: E402
from judging.store.audit_verify import audit_problems  # noqa: E402
from judging.store.backup import backup_database, restore_database  # noqa: E402
from judging.store.db import open_database, read_session, write_session  # noqa: E402
from judging.store.editions import add_entries, add_round, create_edition  # noqa: E402
from judging.store.imports import import_scores  # noqa: E402
from judging.store.people import create_user  # noqa: E402

ROOT = Path(__file__).parents[1]
RUBRIC = load_rubric(ROOT / "rubrics" / "innovation_contest.toml")
JUDGES_PER_ENTRY = 5


def timed(label: str, action) -> object:
    wall = time.perf_counter()
    result = action()
    print(f"{label:<52} {time.perf_counter() - wall:8.3f} s")
    return result


def build(url: str, scores: int) -> None:
    criteria = RUBRIC.criterion_keys
    entries = max(1, scores // (JUDGES_PER_ENTRY * len(criteria)))
    judges = 60
    engine = open_database(url)
    with write_session(engine) as s:
        edition = create_edition(s, name="基准大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"life-{i:05d}", "track": "life", "title": f"作品{i}"} for i in range(entries)], actor=SYSTEM)
        for k in range(judges):
            create_user(s, username=f"j{k:02d}", display_name=f"评委{k:02d}", actor=SYSTEM)
    rows = [{"judge_id": f"j{(e * 7 + k) % judges:02d}", "entry_id": f"life-{e:05d}", "criterion": c,
             "score": float(60 + (e + k) % 40), "track": "", "round": "", "comment": "", "overall_comment": ""}
            for e in range(entries) for k in range(JUDGES_PER_ENTRY) for c in criteria]
    with write_session(engine) as s:
        timed(f"import {len(rows):,} scores (rows and events)", lambda: import_scores(s, rnd.id, pd.DataFrame(rows), SYSTEM))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scores", type=int, default=100_000)
    parser.add_argument("--postgres", default=None, help="an empty PostgreSQL database to fill")
    parser.add_argument("--filters-only", action="store_true", help="skip the exports, verify and backup")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="audit-log-bench-"))
    url = args.postgres or f"sqlite:///{folder / 'bench.db'}"
    build(url, args.scores)
    engine = open_database(url)
    with read_session(engine) as s:
        total = count_matching(s, query=LogQuery(), actor=CLI)
        print(f"events in the trail: {total:,}")
        names = timed("names (accounts, entries, rounds, criteria)", lambda: log_names(s, actor=CLI))
        timed("first page, no filter", lambda: log_page(s, query=LogQuery(), actor=CLI))
        timed("page 1,000 (offset 50,000), no filter",
              lambda: log_page(s, query=LogQuery(), offset=min(50_000, total - 50), actor=CLI))
        timed("count, no filter", lambda: count_matching(s, query=LogQuery(), actor=CLI))
        timed("first page, kind score.save", lambda: log_page(s, query=LogQuery(kinds=("score.save",)), actor=CLI))
        by_entry = resolve_query(s, entry="life-00042", actor=CLI)
        timed("first page and count, one entry (payload field)", lambda: log_page(s, query=by_entry, actor=CLI))
        by_small_id = resolve_query(s, entry="life-00003", actor=CLI)  # id 4: its digits are in most payloads
        timed("first page and count, entry with a one-digit id", lambda: log_page(s, query=by_small_id, actor=CLI))
        by_judge = resolve_query(s, judge="j07", actor=CLI)
        timed("first page and count, one judge (payload field)", lambda: log_page(s, query=by_judge, actor=CLI))
        recent = LogQuery(since=datetime.now(UTC) - timedelta(minutes=1))
        timed("first page and count, the last minute", lambda: log_page(s, query=recent, actor=CLI))
        if args.filters_only:
            return
        one = timed("CSV of one judge's events", lambda: log_csv(log_events(s, query=by_judge, actor=CLI), names))
        print(f"  {len(one) / 1024:,.0f} KB")
        every_csv = timed("CSV of every event", lambda: log_csv(log_events(s, query=LogQuery(), actor=CLI), names))
        every_xlsx = timed("XLSX of every event", lambda: log_xlsx(log_events(s, query=LogQuery(), actor=CLI), names))
        print(f"  CSV {len(every_csv) / 1024 / 1024:,.1f} MB, XLSX {len(every_xlsx) / 1024 / 1024:,.1f} MB")
        problems = timed("audit verify (chain, score replay, seals, checkpoints)",
                         lambda: audit_problems(s, actor=CLI))
        print(f"  problems: {len(problems)}")
    engine.dispose()
    out = folder / "backup.bin"
    size = timed("judging backup", lambda: backup_database(url, out))
    print(f"  {size / 1024 / 1024:,.1f} MB")
    if args.postgres is None:
        target = f"sqlite:///{folder / 'restored.db'}"
        timed("judging restore into an empty database", lambda: restore_database(out, target))
        restored = open_database(target)
        with read_session(restored) as s:
            problems = timed("audit verify of the restored copy", lambda: audit_problems(s, actor=CLI))
        print(f"  problems: {len(problems)}")
        restored.dispose()


if __name__ == "__main__":
    main()
