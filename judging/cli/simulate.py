"""``judging simulate``: write a simulated contest (scores CSV, and the true quality to a second file)."""

from __future__ import annotations

from pathlib import Path

from judging.core.rubric import load_rubric
from judging.core.scores_io import write_scores_csv
from judging.core.simulate import REGIMES, simulate_contest
from judging.errors import Problem, RankingError
from judging.i18n import t

OUTPUT_ENCODING = "utf-8-sig"


def register(subparsers) -> None:
    parser = subparsers.add_parser("simulate", help="simulate a contest with known quality / 模拟评审")
    parser.add_argument("--regime", default="random", help=f"one of {', '.join(REGIMES)}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rubric", type=Path, help="rubric TOML (default: 0–100, 40/30/30 criteria)")
    parser.add_argument("--entries", type=int, help="number of entries (default from the regime)")
    parser.add_argument("--judges", type=int, help="number of judges (default from the regime)")
    parser.add_argument("--out", type=Path, required=True, help="scores CSV to write")
    parser.add_argument("--truth", type=Path, help="true quality CSV (default: <out>.truth.csv)")
    parser.set_defaults(func=run_simulate)


def run_simulate(args) -> int:
    if args.rubric is not None and not args.rubric.is_file():
        raise RankingError(Problem("rank.cli.no_file", {"path": str(args.rubric)}))
    rubric = load_rubric(args.rubric) if args.rubric else None
    contest = simulate_contest(regime=args.regime, seed=args.seed, rubric=rubric, n_entries=args.entries,
                               n_judges=args.judges)
    truth_path = args.truth or args.out.with_suffix(".truth.csv")
    frame = contest.scores.assign(round="", comment="")
    args.out.write_bytes(write_scores_csv(frame))
    contest.truth.to_csv(truth_path, index=False, encoding=OUTPUT_ENCODING)
    print(t("simulate.cli.written", scores=str(args.out), rows=len(frame), truth=str(truth_path)))
    return 0
