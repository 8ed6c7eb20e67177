"""The type check: mypy over judging/ at the level pyproject.toml sets ([tool.mypy]) reports nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_errors_in_the_package():
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)

    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert (done.returncode, errors) == (0, []), done.stdout[-5000:] + done.stderr[-2000:]
