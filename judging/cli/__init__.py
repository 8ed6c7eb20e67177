"""The command line: ``judging`` (same as ``python -m judging``), one module per command group.

Every module in ``judging/cli/`` has ``register(subparsers)`` that adds its parser and sets
``func``; modules are found by name (nothing to register). A command returns its exit code. ``JudgingError`` is printed in the user's language and exits 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from judging.errors import JudgingError


def command_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="judging", description="信息消费大赛评审系统 / contest judging")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in command_modules():
        importlib.import_module(f"judging.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except JudgingError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
