"""``judging rank``: rank entries from a long score CSV, allocate award tiers, compare methods."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from judging.core.ranking import (
    DEFAULT_METHOD,
    FLAG_ORDER,
    METHOD_NAMES,
    compare_methods,
    default_award_config,
    load_award_config,
    rank,
)
from judging.core.ranking.decisions import DISCUSS_BUDGET, REASON_KEYS
from judging.core.ranking.favouritism import favouritism
from judging.core.rubric import load_rubric
from judging.core.scores_io import read_scores_csv
from judging.errors import Problem, RankingError
from judging.i18n import t

OUTPUT_ENCODING = "utf-8-sig"  # Excel on Chinese Windows needs the BOM to read UTF-8


def register(subparsers) -> None:
    parser = subparsers.add_parser("rank", help="rank entries and allocate awards / 排名与评奖")
    parser.add_argument("--scores", type=Path, required=True, help="long-format scores CSV / 评分明细")
    parser.add_argument("--rubric", type=Path, required=True, help="rubric TOML / 评分标准")
    parser.add_argument("--method", default=DEFAULT_METHOD, help=f"one of {', '.join(METHOD_NAMES)}")
    parser.add_argument("--awards", type=Path, help="award configuration TOML / 奖项设置")
    parser.add_argument("--vetoes", type=Path, help="CSV entry_id,judge_id,veto_key,reason / 一票否决")
    parser.add_argument("--round-weight", action="append", default=[], metavar="ROUND=WEIGHT",
                        help="weight of a round when the scores hold several, e.g. 初评=0.4")
    parser.add_argument("--compare", action="store_true", help="every method side by side / 各方法对比")
    parser.add_argument("--out", type=Path, help="output CSV / 输出文件")
    parser.add_argument("--judges-out", type=Path, help="judge diagnostics CSV / 评委诊断")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--draws", type=int, default=200, help="draws for the intervals")
    parser.add_argument("--entries", type=Path, help="entries CSV: entry_id, organisation, recommending_unit / 作品信息")
    parser.add_argument("--favouritism-out", type=Path,
                        help="judge × organisation favouritism check CSV (needs --entries) / 评委偏袒检查")
    parser.add_argument("--discuss-budget", type=float, default=DISCUSS_BUDGET, metavar="Q",
                        help="must-discuss list: expected wrong-tier entries left off, as a share of each "
                             "tier's quota (0–1) / 必议名单误差预算")
    parser.set_defaults(func=run_rank)


def _round_weights(items: list[str]) -> dict[str, float] | None:
    weights = {}
    for item in items:
        name, _, value = item.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise RankingError(Problem("rank.cli.bad_round_weight", {"value": item})) from None
    return weights or None


def _read_vetoes(path: Path | None) -> pd.DataFrame | None:
    if path is None:
        return None
    if not path.is_file():
        raise RankingError(Problem("rank.cli.no_file", {"path": str(path)}))
    return _read_csv(path)


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise RankingError(Problem("rank.cli.bad_csv", {"path": str(path), "detail": str(exc)})) from exc


def _flag_text(flags: str) -> str:
    return "；".join(t(f"rank.flag.{code}") for code in flags.split(";") if code)


def run_rank(args) -> int:
    for path in (args.scores, args.rubric, args.awards):
        if path is not None and not path.is_file():
            raise RankingError(Problem("rank.cli.no_file", {"path": str(path)}))
    rubric = load_rubric(args.rubric)
    scores = read_scores_csv(args.scores, rubric)
    awards = load_award_config(args.awards, criteria=rubric.criterion_keys) if args.awards else default_award_config()
    vetoes = _read_vetoes(args.vetoes)
    weights = _round_weights(args.round_weight)
    if args.compare:
        return _run_compare(args, scores, rubric, awards, vetoes, weights)
    if args.out is None:
        raise RankingError(Problem("rank.cli.out_required"))
    result = rank(scores, rubric, method=args.method, vetoes=vetoes, awards=awards, round_weights=weights,
                  n_draws=args.draws, discuss_budget=args.discuss_budget, seed=args.seed)
    table = result.table[[c for c in result.table.columns if not c.startswith("tb:")]].copy()
    table["notes"] = [_flag_text(flags) + "".join(f"（{t(REASON_KEYS[r])}）" for r in discuss.split(";") if r)
                      for flags, discuss in zip(table["flags"], table["discuss"], strict=True)]
    table.to_csv(args.out, index=False, encoding=OUTPUT_ENCODING, float_format="%.4f")
    if args.judges_out:
        result.judges.to_csv(args.judges_out, index=False, encoding=OUTPUT_ENCODING, float_format="%.4f")
    if args.favouritism_out:
        _write_favouritism(args, scores, rubric)
    print(t("rank.cli.written", path=str(args.out), n=len(table), method=args.method))
    counts = table["flags"].str.split(";").explode()
    for flag in FLAG_ORDER:
        n = int((counts == flag).sum())
        if n:
            print(t("rank.cli.flagged", flag=t(f"rank.flag.{flag}"), n=n))
    return 0


def _write_favouritism(args, scores: pd.DataFrame, rubric) -> None:
    if args.entries is None:
        raise RankingError(Problem("rank.cli.favouritism_needs_entries"))
    if not args.entries.is_file():
        raise RankingError(Problem("rank.cli.no_file", {"path": str(args.entries)}))
    entries = _read_csv(args.entries)
    if "entry_id" not in entries or not {"organisation", "recommending_unit"} & set(entries.columns):
        raise RankingError(Problem("rank.cli.entries_columns", {"path": str(args.entries)}))
    method = args.method if args.method in ("calibrated", "additive", "linear") else "calibrated"
    table = favouritism(scores, rubric, entries, method=method)
    table.to_csv(args.favouritism_out, index=False, encoding=OUTPUT_ENCODING, float_format="%.4f")
    print(t("rank.cli.favouritism_written", path=str(args.favouritism_out), pairs=len(table),
            n=int(table["flagged"].sum())))


def _run_compare(args, scores, rubric, awards, vetoes, weights) -> int:
    comparison = compare_methods(scores, rubric, vetoes=vetoes, awards=awards, round_weights=weights,
                                 n_draws=args.draws, seed=args.seed)
    for method, detail in comparison.errors.items():
        print(t("rank.cli.method_skipped", method=method, detail=detail), file=sys.stderr)
    methods = list(comparison.results)
    shown = comparison.table[["entry_id", "track"] + [f"rank_{m}" for m in methods] + [f"tier_{m}" for m in methods]]
    with pd.option_context("display.max_rows", None, "display.width", 250, "display.max_columns", None):
        print(shown.to_string(index=False))
        print()
        if len(comparison.tier_changes):
            print(t("rank.cli.tier_changes", n=len(comparison.tier_changes)))
            print(comparison.tier_changes.to_string(index=False))
        else:
            print(t("rank.cli.no_tier_changes"))
    if args.out:
        comparison.table.to_csv(args.out, index=False, encoding=OUTPUT_ENCODING, float_format="%.4f")
        print(t("rank.cli.compare_written", path=str(args.out)))
    return 0
