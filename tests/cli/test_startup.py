"""The command line starts without its heavy parts, and its table of commands says what the modules register."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from judging import __version__
from judging.cli import COMMANDS, build_parser, command_modules, main

HEAVY = ("pandas", "scipy", "numpy", "sqlmodel", "sqlalchemy", "streamlit", "alembic", "openpyxl")


def _modules_loaded_by(argv: list[str]) -> set[str]:
    probe = ("import sys\nfrom judging.cli import main\n"
             f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
             "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("argv", [["--help"], ["--version"], []])
def test_top_level_help_imports_no_heavy_module(argv):
    loaded = _modules_loaded_by(argv)

    assert loaded & set(HEAVY) == set()


def test_the_rubric_commands_load_no_heavy_module():
    # an organiser checks rubric files often; the templates come from judging.resources, not core.editions
    assert _modules_loaded_by(["rubric", "templates"]) & set(HEAVY) == set()


def test_a_command_loads_what_it_needs():
    # the probe itself must be able to see a heavy import, or the test above proves nothing
    loaded = _modules_loaded_by(["rank", "--help"])

    assert {"pandas", "scipy"} <= loaded


def _registered() -> dict[str, tuple[str, str]]:
    found = {}
    for module in command_modules():
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        __import__(f"judging.cli.{module}", fromlist=["register"]).register(sub)
        for action in sub._choices_actions:
            found[action.dest] = (module, action.help)
    return found


def test_the_command_table_is_what_the_modules_register():
    assert COMMANDS == _registered()


def test_the_full_parser_knows_every_command():
    parser = build_parser(load_all=True)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))

    assert sorted(sub.choices) == sorted(COMMANDS)


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])

    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"judging {__version__}"


def test_a_command_runs_through_the_lazy_parser(capsys):
    assert main(["rubric", "templates"]) == 0

    keys = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert keys == ["demonstration_project", "education_institution", "industry_leader", "innovation_contest",
                    "new_product_selection"]
