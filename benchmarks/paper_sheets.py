"""What paper score sheets cost: printing a round's sheets (ids made, one PDF per judge rendered) and
typing them back from a typing file (checked, stored through save_score/save_comment, submitted,
audited); and an invitation batch sent to a local SMTP server (aiosmtpd), claims and outcomes.
SQLite in a temporary file.

Usage: ``python benchmarks/paper_sheets.py [--judges 20] [--entries 30]`` (every judge on every
entry). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

from judging.core.mail import smtp_settings
from judging.core.paper_sheets import read_typing_file, render_paper_sheets, typing_csv
from judging.core.permissions import CLI, SYSTEM
from judging.core.rubric import load_rubric
from judging.mailing import send_round_mail
from judging.store.assignment import assign
from judging.store.db import open_database, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.paper import print_sheets, type_in_sheets
from judging.store.people import create_user

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--judges", type=int, default=20)
    parser.add_argument("--entries", type=int, default=30)
    args = parser.parse_args()
    rubric = load_rubric(ROOT / "rubrics" / "innovation_contest.toml")
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(f"sqlite:///{folder}/bench.db")
        with write_session(engine) as s:
            edition = create_edition(s, name="基准大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
            rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=rubric, actor=SYSTEM)
            add_entries(s, edition_id=edition.id, records=[
                {"code": f"L-{i:04d}", "track": "life", "title": f"智慧服务平台{i}"} for i in range(args.entries)],
                actor=SYSTEM)
            judges = [create_user(s, username=f"j{i:03d}", display_name=f"评委{i}", email=f"j{i}@example.org",
                                  actor=SYSTEM) for i in range(args.judges)]
            assign(s, round_id=rnd.id, pairs=[(j.id, e.id) for j in judges for e in entries_of(s, edition.id)],
                   actor=SYSTEM)
        n = args.judges * args.entries
        start = time.perf_counter()
        with write_session(engine) as s:
            _, by_judge = print_sheets(s, round_id=rnd.id, actor=CLI)
        ids_s = time.perf_counter() - start
        start = time.perf_counter()
        pdfs = [render_paper_sheets(sheets, rubric) for sheets in by_judge.values()]
        pdf_s = time.perf_counter() - start
        every = [sheet for sheets in by_judge.values() for sheet in sheets]
        start = time.perf_counter()
        whole = render_paper_sheets(every, rubric)
        whole_s = time.perf_counter() - start
        rows = list(csv.reader(io.StringIO(typing_csv(every, rubric).decode("utf-8-sig"))))
        for row in rows[1:]:
            row[3:3 + len(rubric.criteria)] = ["80"] * len(rubric.criteria)
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        data = out.getvalue().encode("utf-8-sig")
        start = time.perf_counter()
        typed = read_typing_file(data, rubric)
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        with write_session(engine) as s:
            type_in_sheets(s, sheets=typed, round_id=rnd.id, actor=CLI)
        type_s = time.perf_counter() - start
        print(f"{args.judges} judges × {args.entries} entries = {n} sheets (load average {os.getloadavg()[0]:.1f})")
        print(f"print_sheets (ids made): {ids_s:.2f} s")
        print(f"PDFs: {pdf_s:.2f} s ({pdf_s / n * 1000:.1f} ms per page), "
              f"{sum(map(len, pdfs)) / len(pdfs) / 1024:.0f} KiB per judge ({args.entries} pages)")
        print(f"the whole round in one PDF (the page's 'all judges'): {whole_s:.2f} s, {len(whole) / 1024:.0f} KiB")
        print(f"typing file read: {read_s:.2f} s; typed in (stored, submitted, audited): {type_s:.2f} s "
              f"({type_s / n * 1000:.1f} ms per sheet)")
        from smtp_server import smtp_server
        with smtp_server() as (inbox, port):
            settings = smtp_settings({"JUDGING_SMTP_URL": f"smtp://127.0.0.1:{port}", "JUDGING_MAIL_FROM": "r@example.org"})
            start = time.perf_counter()
            report = send_round_mail(engine, kind="remind", round_id=rnd.id, settings=settings,
                                     base_url="https://review.example.org", actor=CLI)
            mail_s = time.perf_counter() - start
        print(f"reminders to {len(report.sent)} judges (claims, one SMTP connection, outcomes): {mail_s:.2f} s, "
              f"{len(inbox.messages)} received")
        engine.dispose()


if __name__ == "__main__":
    main()
