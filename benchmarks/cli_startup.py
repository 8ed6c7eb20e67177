"""How long the command line takes to start: ``judging --help`` and ``judging --version`` (best of N runs).

    .venv/bin/python benchmarks/cli_startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    judging = shutil.which("judging", path=str(Path(sys.executable).parent)) or "judging"
    for argv in (["--help"], ["--version"], ["rubric", "--help"], ["rank", "--help"]):
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([judging, *argv], stdout=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - start)
        print(f"judging {' '.join(argv):<16} best {min(times):.3f} s  median {statistics.median(times):.3f} s"
              f"  ({args.runs} runs)")


if __name__ == "__main__":
    main()
