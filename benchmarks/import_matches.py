"""What finding entries already in the edition costs: 10,000 entries without ids imported, then the same
file again (the rows are matched by title and organisation and listed; nothing is imported), then
again with ``on_match="update"``; and the lifecycle check every round write now makes (one indexed
look-up of the round's publication), per call. SQLite in a temporary file.

Usage: ``python benchmarks/import_matches.py [--entries 10000] [--checks 2000]``. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
from pathlib import Path

from judging.core.import_matches import UPDATE, DuplicateEntries
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.store.db import open_database, read_session, write_session
from judging.store.editions import add_round, create_edition
from judging.store.imports import import_entries
from judging.store.lifecycle import check_round_unpublished

ROOT = Path(__file__).parents[1]
TRACKS = [("life", "生活类信息消费", "Life"), ("public", "公共服务类信息消费", "Public")]


def entry_file(n: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["作品名称", "申报单位", "推荐单位", "赛道"])
    for i in range(n):
        writer.writerow([f"基于人工智能的智慧服务平台第{i}号", f"某某信息科技有限公司{i % 997}", "某市经信局",
                         "生活类" if i % 2 else "公共服务类"])
    return buffer.getvalue().encode("utf-8-sig")


def timed(label: str, action) -> object:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    print(f"{label:<48} {time.perf_counter() - wall:7.2f} s wall  {time.process_time() - cpu:7.2f} s CPU")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--checks", type=int, default=2_000)
    args = parser.parse_args()
    data = entry_file(args.entries)
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(f"sqlite:///{Path(folder) / 'bench.db'}")
        with write_session(engine) as s:
            edition = create_edition(s, name="基准", year=2026, tracks=TRACKS, actor=SYSTEM).id
            rnd = add_round(s, edition_id=edition, key="prelim", name="初评",
                            rubric=load_rubric(ROOT / "rubrics" / "innovation_contest.toml"), actor=SYSTEM).id

        def first():
            with write_session(engine) as s:
                return import_entries(s, edition_id=edition, data=data, actor=SYSTEM)

        def again():
            try:
                with write_session(engine) as s:
                    import_entries(s, edition_id=edition, data=data, actor=SYSTEM)
            except DuplicateEntries as exc:
                return len(exc.matches)
            return 0

        def update():
            with write_session(engine) as s:
                return import_entries(s, edition_id=edition, data=data, on_match=UPDATE, actor=SYSTEM)

        print(f"{args.entries:,} entries without ids, SQLite")
        timed("first import (no match: one parse)", first)
        matches = timed("same file again: matched and refused (3 parses)", again)
        print(f"{'':<48} {matches:,} rows listed")
        timed("same file again, on_match=update", update)
        with read_session(engine) as s:
            wall = time.perf_counter()
            for _ in range(args.checks):
                check_round_unpublished(s, round_id=rnd)
            per = (time.perf_counter() - wall) / args.checks
        print(f"{'lifecycle check of a round write':<48} {per * 1e6:7.0f} µs per call ({args.checks:,} calls)")
        engine.dispose()


if __name__ == "__main__":
    main()
