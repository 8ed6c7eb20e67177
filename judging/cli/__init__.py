"""The command line: ``judging`` (same as ``python -m judging``), one module per command group.

Every module in ``judging/cli/`` has ``register(subparsers)`` that adds its parsers and sets
``func``. A command returns its exit code. ``JudgingError`` is printed in the user's language and exits 2.

Start-up stays quick (``judging --help`` imports no pandas, scipy, SQLModel or Streamlit):
``COMMANDS`` names every command with its help line, and only the module of the command being run is
imported. ``tests/cli/test_startup.py`` checks that the table says what the modules register.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from judging import __version__
from judging.errors import JudgingError

# command → (module in judging/cli that registers it, its help line)
COMMANDS = {
    "audit": ("db", "audit trail / 审计记录"),
    "backup": ("backup", "consistent backup of the live database / 备份数据库"),
    "bundle": ("results", "make a reproducible bundle / 生成复核数据包"),
    "db": ("db", "database schema / 数据库结构"),
    "demo": ("demo", "build the demo contest / 建立演示大赛"),
    "documents": ("documents", "issuer and certificate numbering / 公文落款与证书编号"),
    "export": ("results", "award list as XLSX/CSV/PDF/DOCX/certificates / 导出名单"),
    "health": ("serve", "check the database and its schema / 检查数据库与结构版本"),
    "import": ("data", "import entries, judges (CSV/XLSX) or materials / 导入作品、评委或作品材料"),
    "mail": ("mail", "invitations and reminders to judges by e-mail / 评审邀请与提醒邮件"),
    "paper": ("paper", "paper score sheets to print (PDF) and to type in / 纸质评分表"),
    "rank": ("rank", "rank entries and allocate awards / 排名与评奖"),
    "restore": ("backup", "restore a backup into an empty database / 从备份恢复"),
    "rubric": ("rubric", "rubric files / 评分标准文件"),
    "scores": ("data", "scores in long format (CSV) / 分数长表"),
    "serve": ("serve", "start the app with its packaged settings / 启动应用"),
    "simulate": ("simulate", "simulate a contest with known quality / 模拟评审"),
    "user": ("user", "accounts / 账号"),
    "verify": ("results", "recompute and check a bundle / 复核数据包"),
}


def command_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def build_parser(command: str | None = None, *, load_all: bool = False) -> argparse.ArgumentParser:
    """The parser; the full one for ``command`` (or for every command with ``load_all``), a help line for the rest."""
    parser = argparse.ArgumentParser(prog="judging", description="信息消费大赛评审系统 / contest judging")
    parser.add_argument("--version", action="version", version=f"judging {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    wanted = set(command_modules()) if load_all else {COMMANDS[command][0]} if command in COMMANDS else set()
    registered: set[str] = set()
    for name, (module, help_line) in COMMANDS.items():
        if module not in wanted:
            subparsers.add_parser(name, help=help_line)
        elif module not in registered:
            importlib.import_module(f"judging.cli.{module}").register(subparsers)
            registered.add(module)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The command word: the first argument that is not an option (the top level has only options without values)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except JudgingError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
