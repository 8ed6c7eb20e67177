"""The wheel as an operator installs it: built from a copy of the project, installed into a fresh virtual
environment outside the source tree, and run from an empty folder (demo, templates, rubric check, serve).

The fresh environment borrows this one's dependencies (a ``.pth`` line), so the test needs no download
beyond the build backend; the package itself comes only from the wheel.
"""

from __future__ import annotations

import shutil
import site
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from judging import __version__, resources

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
NOT_COPIED = shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info", "__pycache__", ".hypothesis",
                                    ".pytest_cache", ".ruff_cache", "*.db", "*.db-*", "*.audit-key", "test-results")
RUBRIC_KEYS = ["demonstration_project", "education_institution", "industry_leader", "innovation_contest",
               "new_product_selection"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its bin folder."""
    work = tmp_path_factory.mktemp("package")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_COPIED)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(work / "wheel")],
                   check=True, cwd=work)
    wheel = next((work / "wheel").glob("judging-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    purelib = next(venv.glob("lib/python3*/site-packages"))
    (purelib / "borrowed_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    (work / "run").mkdir()
    return venv / "bin"


def _run(bin_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / "judging"), *args], capture_output=True, text=True,
                          cwd=bin_dir.parent.parent / "run", env={"PATH": str(bin_dir), "JUDGING_LANG": "en"})


def test_the_installed_package_is_the_wheel_not_the_source(installed):
    out = subprocess.run([str(installed / "python"), "-c", "import judging.resources as r; print(r.root())"],
                         capture_output=True, text=True, check=True, cwd=installed.parent.parent / "run")

    shipped = Path(out.stdout.strip())
    assert shipped.parts[-2:] == ("judging", resources.SHIPPED_PACKAGE_DIR)
    assert ROOT not in shipped.parents
    assert sorted(p.name for p in shipped.iterdir() if p.name != "__pycache__") == [".streamlit", "data", "rubrics", "streamlit_app.py"]
    assert (shipped / ".streamlit" / "config.toml").read_text() == (ROOT / ".streamlit" / "config.toml").read_text()


def test_every_file_of_the_package_is_in_the_wheel(installed):
    # a page's assets (the score sheet's script and style) missing from the wheel break an installed copy
    out = subprocess.run([str(installed / "python"), "-c", "import judging; print(judging.__file__)"],
                         capture_output=True, text=True, check=True, cwd=installed.parent.parent / "run")
    package = Path(out.stdout.strip()).parent

    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and resources.SHIPPED_PACKAGE_DIR not in p.parts}

    assert files(ROOT / "judging") - files(package) == set()


def test_version_and_templates_from_the_wheel(installed):
    version = _run(installed, "--version")
    templates = _run(installed, "rubric", "templates")

    assert (version.returncode, version.stdout.strip()) == (0, f"judging {__version__}")
    assert templates.returncode == 0, templates.stderr
    rows = [line.split("\t") for line in templates.stdout.splitlines()]
    assert [row[0] for row in rows] == RUBRIC_KEYS
    checked = _run(installed, "rubric", "check", *(row[2] for row in rows))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.count(": OK") == len(RUBRIC_KEYS)


def test_demo_and_health_from_the_wheel(installed):
    url = f"sqlite:///{installed.parent.parent / 'run' / 'demo.db'}"

    demo = _run(installed, "demo", "--db", url)
    health = _run(installed, "health", "--db", url)

    assert demo.returncode == 0, demo.stderr
    assert "150" in demo.stdout and "24" in demo.stdout
    assert health.returncode == 0, health.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_the_packaged_app_with_the_packaged_config(installed):
    port = _free_port()
    url = f"sqlite:///{installed.parent.parent / 'run' / 'serve.db'}"
    server = subprocess.Popen([str(installed / "judging"), "serve", "--port", str(port)],
                              cwd=installed.parent.parent / "run", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env={"PATH": str(installed), "JUDGING_DATABASE_URL": url, "HOME": str(installed.parent)})
    try:
        answer = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    answer = (response.status, response.read())
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                time.sleep(0.5)
        # serve replaced itself with Streamlit (exec): the same process runs the packaged app and settings
        command_line = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert answer == (200, b"ok")
    app = next(arg.decode() for arg in command_line if arg.endswith(b"streamlit_app.py"))
    assert Path(app).parent.name == resources.SHIPPED_PACKAGE_DIR
    assert {b"--server.maxUploadSize=20", b"--client.showErrorDetails=none"} <= set(command_line)


def test_the_lock_file_meets_the_declared_ranges():
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    declared = runtime + [Requirement(r) for r in project["optional-dependencies"]["test"]]
    pinned = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pinned[canonicalize_name(name)] = version

    outside = [str(r) for r in declared
               if canonicalize_name(r.name) not in pinned or pinned[canonicalize_name(r.name)] not in r.specifier]

    assert outside == []
    assert [str(r) for r in runtime if not any(s.operator == "<" for s in r.specifier)] == []  # every one bounded
