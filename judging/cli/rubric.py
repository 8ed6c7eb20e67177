"""``judging rubric check FILE...``: validate rubric files and print every problem."""

from __future__ import annotations

import sys
from pathlib import Path

from judging.core.rubric import check_rubric_files
from judging.i18n import t


def register(subparsers) -> None:
    parser = subparsers.add_parser("rubric", help="rubric files / 评分标准文件")
    sub = parser.add_subparsers(dest="rubric_command", required=True)
    check = sub.add_parser("check", help="validate rubric TOML files / 校验评分标准")
    check.add_argument("files", nargs="+", type=Path)
    check.set_defaults(func=run_check)


def run_check(args) -> int:
    problems = check_rubric_files(list(args.files))
    for problem in problems:
        print(problem.render(), file=sys.stderr)
    if problems:
        print(t("cli.problems_found", n=len(problems)), file=sys.stderr)
        return 1
    for path in args.files:
        print(f"{path}: {t('cli.ok')}")
    return 0
