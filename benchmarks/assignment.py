"""Time the automatic assignment: 10,000 entries × 500 judges × 5 judges per entry.

Run: ``.venv/bin/python benchmarks/assignment.py [--entries N] [--judges M] [--k K]``. Prints the
time and the checks an organiser cares about (loads, expert share, components); asserts nothing.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from judging.core.assignment import assign_judges, assignment_stats

TRACKS = ("life", "public", "industry", "new_product", "platform")
CONFLICT_RATE = 0.01  # about one judge in a hundred shares an organisation or recommending unit with an entry


def make_contest(n_entries: int, n_judges: int, seed: int):
    rng = np.random.default_rng(seed)
    entries = {f"E{i:05d}": TRACKS[int(rng.integers(len(TRACKS)))] for i in range(n_entries)}
    judges = {
        f"J{j:03d}": set(rng.choice(TRACKS, size=int(rng.integers(1, 3)), replace=False).tolist())
        for j in range(n_judges)
    }
    judge_ids, entry_ids = list(judges), list(entries)
    n_conflicts = int(CONFLICT_RATE * n_entries * n_judges / 10)
    conflicts = {
        (judge_ids[int(rng.integers(n_judges))], entry_ids[int(rng.integers(n_entries))]) for _ in range(n_conflicts)
    }
    return entries, judges, conflicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--judges", type=int, default=500)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    entries, judges, conflicts = make_contest(args.entries, args.judges, args.seed)
    start = time.perf_counter()
    pairs = assign_judges(entries=entries, judges=judges, k=args.k, conflicts=conflicts, seed=args.seed)
    elapsed = time.perf_counter() - start
    stats = assignment_stats(pairs=pairs, entries=entries, judges=judges)
    loads = list(stats.loads.values())
    print(f"assignment: {args.entries} entries × {args.judges} judges × {args.k} per entry, "
          f"{len(conflicts)} conflicts: {elapsed:.2f} s")
    print(f"  seats {len(pairs)}, load {min(loads)}–{max(loads)}, expert share {stats.expert_share:.1%}, "
          f"components {stats.components}, conflicts assigned {len(set(pairs) & conflicts)}")


if __name__ == "__main__":
    main()
