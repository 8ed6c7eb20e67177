"""The import graph of ``judging/``: no circles (counting imports inside functions too), and the layers
import one way only: shells (ui, cli) → store → core."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "judging"
# what each layer may not import (the core is pure: no Streamlit, no database session)
FORBIDDEN = {
    "judging.core": ("judging.store", "judging.ui", "judging.cli", "judging.demo", "streamlit", "sqlmodel",
                     "sqlalchemy"),
    "judging.store": ("judging.ui", "judging.cli", "streamlit"),
    "judging.i18n": ("judging.core", "judging.store", "judging.ui", "judging.cli"),
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports, anywhere in the file (module level or inside a function)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in MODULES else base)
    return out


GRAPH = {name: {m for m in _imports(name, path) if m in MODULES and m != name} for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []
    found = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_cycle_search_finds_a_circle_hidden_in_a_function():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}

    assert _cycles(graph) == [["a", "b", "c", "a"]]


def test_no_module_of_judging_imports_itself_through_others():
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_one_way(layer):
    wrong = sorted(
        f"{name} imports {target}"
        for name, path in MODULES.items() if name == layer or name.startswith(layer + ".")
        for target in _imports(name, path)
        if any(target == f or target.startswith(f + ".") for f in FORBIDDEN[layer])
    )

    assert wrong == []


@pytest.mark.parametrize("name", sorted(set(MODULES) - {"judging.__main__"}))  # __main__ runs the CLI
def test_every_module_imports(name):
    assert importlib.import_module(name).__name__ == name


def test_no_page_acts_as_a_trusted_shell():
    shells = {"SYSTEM", "CLI", "DEMO", "trusted_shell"}
    found = sorted(
        f"{name} imports {alias.name}"
        for name, path in MODULES.items() if name.startswith("judging.ui")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module == "judging.core.permissions"
        for alias in node.names if alias.name in shells
    )

    assert found == []
