"""``judging rubric check FILE...`` validates rubric files and prints every problem; ``judging rubric templates``
lists the templates shipped with the app."""

from __future__ import annotations

import sys
from pathlib import Path

from judging.core.rubric import check_rubric_files, load_rubric
from judging.i18n import current_language, t
from judging.resources import rubric_templates  # not core.editions: that one loads pandas and SciPy


def register(subparsers) -> None:
    parser = subparsers.add_parser("rubric", help="rubric files / 评分标准文件")
    sub = parser.add_subparsers(dest="rubric_command", required=True)
    check = sub.add_parser("check", help="validate rubric TOML files / 校验评分标准")
    check.add_argument("files", nargs="+", type=Path)
    check.set_defaults(func=run_check)
    templates = sub.add_parser("templates", help="list the packaged rubric templates / 列出内置评分标准")
    templates.set_defaults(func=run_templates)


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


def run_templates(args) -> int:
    """One line per template: its key (the name an edition file uses), its title and its file."""
    for key, path in rubric_templates().items():
        print(f"{key}\t{load_rubric(path).label.get(current_language())}\t{path}")
    return 0
