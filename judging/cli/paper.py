"""``judging paper print --round R [--judge USER] --out DIR``: one PDF of paper score sheets per judge,
and the typing file (``typing.csv``) the staff fill in; typed files come back through
``judging scores import FILE --round R`` (a file with a 评分表编号 column is read as a typing file)."""

from __future__ import annotations

import sys
from pathlib import Path

from judging.core.paper_sheets import render_paper_sheets, typing_csv
from judging.core.permissions import CLI
from judging.errors import NotFound, Problem
from judging.i18n import t
from judging.store.db import open_database, write_session
from judging.store.paper import print_sheets
from judging.store.people import get_user

DB_HELP = "database URL (default: JUDGING_DATABASE_URL or sqlite:///data/judging.db)"


def register(subparsers) -> None:
    paper = subparsers.add_parser("paper", help="paper score sheets to print (PDF) and to type in / 纸质评分表")
    sub = paper.add_subparsers(dest="paper_command", required=True)
    p = sub.add_parser("print", help="one PDF per judge and the typing file / 每位评委一份 PDF 及录入表")
    p.add_argument("--round", type=int, required=True, dest="round_id", help="round id / 评审阶段编号")
    p.add_argument("--judge", default=None, help="one judge's user name (default: every judge) / 评委账号")
    p.add_argument("--out", type=Path, required=True, help="folder to write into / 输出文件夹")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--db", default=None, help=DB_HELP)
    p.set_defaults(func=run_print)


def run_print(args) -> int:
    engine = open_database(args.db)
    with write_session(engine) as s:
        judge_id = None
        if args.judge is not None:
            user = get_user(s, args.judge, actor=CLI)
            if user is None:
                raise NotFound(Problem("store.not_found", {"what": "judge", "id": args.judge}))
            judge_id = user.id
        rubric, by_judge = print_sheets(s, round_id=args.round_id, judge_id=judge_id, actor=CLI)
    if not by_judge:
        print(t("paper.nothing_to_print"), file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    every = []
    for username, sheets in by_judge.items():
        (args.out / f"{_safe(username)}.pdf").write_bytes(render_paper_sheets(sheets, rubric, lang=args.lang))
        every += sheets
    (args.out / "typing.csv").write_bytes(typing_csv(every, rubric, lang=args.lang))
    print(t("paper.printed", judges=len(by_judge), sheets=len(every), path=args.out))
    return 0


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "judge"
