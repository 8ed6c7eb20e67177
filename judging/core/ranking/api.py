"""The public ranking API: ``rank`` and ``compare_methods`` (pure: data frames in, data frames out)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from judging.core.ranking import methods as m
from judging.core.ranking.awards import AwardConfig, Disagreement, allocate, default_award_config
from judging.core.ranking.calibrated import fit_calibrated
from judging.core.ranking.design import Design, build_design, check_connected
from judging.core.ranking.diagnostics import entry_spread, judge_diagnostics
from judging.core.ranking.rounds import RoundScores, combine_rounds
from judging.core.ranking.totals import normalise_scores, sheet_totals
from judging.core.ranking.uncertainty import (
    BOUNDARY_CONFIDENCE,
    DEFAULT_DRAWS,
    DEFAULT_LEVEL,
    boundary_flags,
    default_draws,
    rank_intervals,
    score_intervals,
)
from judging.core.rubric import Rubric
from judging.errors import Problem, RankingError

METHODS: dict[str, Callable[[Design], m.MethodFit]] = {
    "raw": m.fit_raw,
    "median": m.fit_median,
    "trimmed": m.fit_trimmed,
    "zscore": m.fit_zscore,
    "percentile": m.fit_percentile,
    "additive": m.fit_additive,
    "linear": m.fit_linear,
    "calibrated": fit_calibrated,
}
METHOD_NAMES: tuple[str, ...] = tuple(METHODS)
DEFAULT_METHOD = "calibrated"
NEEDS_CONNECTED = frozenset({"additive", "linear", "calibrated"})  # they compare judges through shared entries
FLAG_ORDER = ("veto", "missing_round", "below_min_score", "tie", "boundary", "disagreement", "single_judge",
              "incomplete_sheet")
TABLE_COLUMNS = ("entry_id", "track", "score", "score_low", "score_high", "rank", "rank_low", "rank_high",
                 "tier", "tier_label", "flags", "n_judges", "raw_mean", "judge_range", "judge_sd", "veto")


@dataclass(frozen=True)
class RankingResult:
    """The outcome of ``rank``.

    ``table``: one row per entry, sorted by track then rank, with the columns of ``TABLE_COLUMNS``
    (``rank`` is within the track, 1 = best; ``flags`` is a ``;``-separated list of codes from
    ``FLAG_ORDER``). ``judges``: per-judge diagnostics (one row per judge and round). ``rounds``:
    the provenance of every round's score when rounds are combined (else ``None``). ``draws``:
    plausible scores, ``(n_draws, len(table))`` in ``table`` order.
    """

    table: pd.DataFrame
    judges: pd.DataFrame
    method: str
    draws: np.ndarray
    rounds: pd.DataFrame | None = None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MethodComparison:
    """Every method side by side: ``table`` has ``score_<m>, rank_<m>, tier_<m>`` per method;
    ``tier_changes`` lists the entries whose tier is not the same under every method; ``errors``
    names the methods that could not run on these data and why."""

    table: pd.DataFrame
    tier_changes: pd.DataFrame
    errors: dict[str, str]
    results: dict[str, RankingResult]


def _align(series: pd.Series, ids: np.ndarray, *, fill: object = np.nan) -> np.ndarray:
    """``series`` (indexed by id, possibly categorical) as an array in the order of ``ids``.

    Positional lookup on a plain object index: ``Series.reindex`` from a categorical index was
    the slowest step of a 100,000-entry ranking.
    """
    pos = pd.Index(np.asarray(series.index, dtype=object)).get_indexer(np.asarray(ids, dtype=object))
    values = np.asarray(series.to_numpy(), dtype=object if isinstance(fill, str) else None)
    hit = pos >= 0
    if hit.all():
        return values[pos]
    out = np.full(len(ids), fill, dtype=object if isinstance(fill, str) else float)
    out[hit] = values[pos[hit]]
    return out


def check_method(method: str) -> None:
    if method not in METHODS:
        raise RankingError(Problem("rank.unknown_method", {"value": method, "allowed": ", ".join(METHOD_NAMES)}))


def _first_places(sheets: pd.DataFrame) -> pd.Series:
    """How many judges gave the entry their highest total (shared firsts count for each)."""
    top = sheets.groupby(["round", "judge_id"])["total"].transform("max")
    return sheets[sheets["total"] == top].groupby("entry_id").size()


def _fit_round(sheets: pd.DataFrame, *, method: str, name: str, rng: np.random.Generator, n_draws: int,
               level: float, entry_tracks: pd.Series):
    design = build_design(sheets)
    if method in NEEDS_CONNECTED:
        check_connected(design, entry_tracks=_align(entry_tracks, design.entry_ids, fill=""))
    fit = METHODS[method](design)
    draws = fit.sample(rng, n_draws)
    low, high = score_intervals(draws, level=level)
    judges = judge_diagnostics(design, fit).assign(round=name)
    offset = fit.judge_offset if fit.judge_offset is not None else np.zeros(design.n_judges)
    spread = entry_spread(design, design.y - offset[design.judge]).assign(round=name)
    return design, fit, RoundScores(name, method, design.entry_ids, fit.score, draws, low, high), judges, spread


def _vetoes(vetoes: pd.DataFrame | None, rubric: Rubric, entries: pd.Index) -> pd.Series:
    """Veto text per entry (``key: reason`` joined), checked against the rubric's veto items."""
    if vetoes is None or len(vetoes) == 0:
        return pd.Series(dtype=object)
    missing = [c for c in ("entry_id", "veto_key") if c not in vetoes.columns]
    if missing:
        raise RankingError(Problem("rank.veto_columns", {"columns": ", ".join(missing)}))
    allowed = {v.key for v in rubric.veto_items}
    problems = []
    frame = vetoes.assign(entry_id=vetoes["entry_id"].astype(str).str.strip(),
                          veto_key=vetoes["veto_key"].astype(str).str.strip(),
                          reason=vetoes["reason"].fillna("").astype(str) if "reason" in vetoes else "")
    for row, (entry, key) in enumerate(zip(frame["entry_id"], frame["veto_key"], strict=True), start=2):
        if key not in allowed:
            problems.append(Problem("rank.unknown_veto", {"value": key, "allowed": ", ".join(sorted(allowed))},
                                    row=row, column="veto_key"))
        if entry not in entries:
            problems.append(Problem("rank.veto_unknown_entry", {"entry": entry}, row=row, column="entry_id"))
    if problems:
        raise RankingError(problems)
    text = frame["veto_key"] + np.where(frame["reason"] != "", ": " + frame["reason"], "")
    return text.groupby(frame["entry_id"]).agg("; ".join)


def rank(scores: pd.DataFrame, rubric: Rubric, *, method: str = DEFAULT_METHOD, vetoes: pd.DataFrame | None = None,
         awards: AwardConfig | None = None, disagreement: Disagreement | None = None,
         round_weights: Mapping[str, float] | None = None, n_draws: int | None = None,
         level: float = DEFAULT_LEVEL, boundary_confidence: float = BOUNDARY_CONFIDENCE,
         seed: int = 0) -> RankingResult:
    """Rank the entries of a long score table and allocate award tiers per track.

    Parameters
    ----------
    scores : DataFrame
        ``judge_id, entry_id, criterion, score`` and optionally ``track`` and ``round``.
    rubric : Rubric
        Gives the criteria weights, the scale and the veto items.
    method : str
        One of ``METHOD_NAMES``; ``calibrated`` (default) corrects judge severity, scale and noise.
    vetoes : DataFrame, optional
        ``entry_id, judge_id, veto_key, reason``: a vetoed entry keeps its score and rank but gets
        no award; the reason is kept in the ``veto`` column.
    awards : AwardConfig, optional
        Tiers, quotas, minimum scores and tie-breaks; default ``default_award_config()``; pass
        ``AwardConfig(tiers=())`` for a ranking without awards.
    disagreement : Disagreement, optional
        Thresholds for the ``disagreement`` flag; default ``awards.disagreement``.
    round_weights : mapping, optional
        Needed when the scores hold several rounds, e.g. ``{"初评": 0.4, "路演": 0.6}``; each round is
        normalised on its own with ``method`` and the final score is the weighted mean of round
        scores (entries missing from a weighted round get no final score and the
        ``missing_round`` flag).
    n_draws, level, seed : int, float, int
        Draws for the intervals (default 200, fewer above 50,000 entries: ``default_draws``), their
        coverage, and the seed (same seed, same result).
    boundary_confidence : float
        An entry next to a tier boundary gets the ``boundary`` flag when the draws put it on its
        side of the nearest entry across the boundary with less than this probability.

    Raises
    ------
    RankingError
        Bad scores, unknown method, a disconnected judge–entry graph (naming its groups), vetoes
        for unknown entries or items, rounds without weights.
    """
    check_method(method)
    config = awards if awards is not None else default_award_config()
    disagreement = disagreement or config.disagreement
    rng = np.random.default_rng(seed)
    long = normalise_scores(scores=scores, rubric=rubric)
    # the draws are assigned to entries and judges in the order they appear: rank from one canonical
    # order so that the same scores in any row order give the same result, intervals included
    long = long.sort_values(["round", "entry_id", "judge_id", "criterion"], kind="stable", ignore_index=True)
    sheets = sheet_totals(scores=long, rubric=rubric, checked=True)
    n_draws = n_draws or default_draws(sheets["entry_id"].nunique())
    entry_tracks = sheets.groupby("entry_id", sort=False)["track"].first()
    present_rounds = list(pd.unique(sheets["round"]))
    if round_weights:
        unknown = [r for r in round_weights if r not in present_rounds]
        if unknown:
            raise RankingError(Problem("rank.unknown_round", {"value": ", ".join(unknown),
                                                              "allowed": ", ".join(present_rounds)}))
        used = [r for r in present_rounds if round_weights.get(r, 0) > 0]
        if not used or any(not np.isfinite(w) or w < 0 for w in round_weights.values()):
            raise RankingError(Problem("rank.bad_round_weights", {"value": dict(round_weights)}))
    elif len(present_rounds) > 1:
        raise RankingError(Problem("rank.rounds_need_weights", {"rounds": ", ".join(present_rounds)}))
    else:
        used = present_rounds
    fitted, judge_tables, spreads, details = [], [], [], {}
    for name in used:
        design, fit, round_scores, judges, spread = _fit_round(
            sheets[sheets["round"] == name], method=method, name=name, rng=rng, n_draws=n_draws, level=level,
            entry_tracks=entry_tracks)
        fitted.append(round_scores)
        judge_tables.append(judges)
        spreads.append(spread)
        details[name] = fit.details
    used_sheets = sheets[sheets["round"].isin(used)]
    entry_ids = np.asarray(pd.unique(used_sheets["entry_id"]), dtype=object)
    if len(used) == 1:
        only = fitted[0]
        order = pd.Index(only.entry_ids).get_indexer(entry_ids)
        score, draws, provenance = only.score[order], only.draws[:, order], None
    else:
        score, draws, provenance = combine_rounds(fitted, round_weights, entry_ids=entry_ids)
    table = pd.DataFrame({"entry_id": entry_ids, "track": _align(entry_tracks, entry_ids, fill=""),
                          "score": score})
    per_entry = used_sheets.groupby("entry_id").agg(n_judges=("judge_id", "nunique"), raw_mean=("total", "mean"))
    table["n_judges"] = _align(per_entry["n_judges"], entry_ids)
    table["raw_mean"] = _align(per_entry["raw_mean"], entry_ids)
    widest = pd.concat(spreads).groupby("entry_id")[["judge_range", "judge_sd"]].max()
    table["judge_range"] = _align(widest["judge_range"], entry_ids)
    table["judge_sd"] = _align(widest["judge_sd"], entry_ids)
    crit = (long[long["round"].isin(used)].groupby(["entry_id", "criterion"])["score"].mean().unstack())
    firsts = _first_places(used_sheets)
    medians = used_sheets.groupby("entry_id")["total"].median()
    for key in config.tie_break:
        if key.startswith("criterion:"):
            values = _align(crit[key[10:]], entry_ids) if key[10:] in crit else np.full(len(entry_ids), np.nan)
        elif key == "first_places":
            values = np.nan_to_num(_align(firsts, entry_ids).astype(float), nan=0.0)
        elif key == "median":
            values = _align(medians, entry_ids)
        else:
            values = table["raw_mean" if key == "raw" else "n_judges"].to_numpy()
        table[f"tb:{key}"] = np.asarray(values, dtype=float)
    veto_text = _vetoes(vetoes, rubric, pd.Index(entry_ids))
    table["veto"] = _align(veto_text, entry_ids, fill="") if len(veto_text) else ""
    table["eligible"] = (table["veto"] == "") & np.isfinite(table["score"].to_numpy())
    allocation = allocate(table, config)
    table["rank"] = allocation["rank"].to_numpy()
    table["tier"] = allocation["tier"].to_numpy()
    labels = {t.key: t.label.zh for t in config.tiers}
    table["tier_label"] = table["tier"].map(lambda k: labels.get(k, ""))
    finite = np.isfinite(score)
    low, high = np.full(len(score), np.nan), np.full(len(score), np.nan)
    rlow, rhigh = np.zeros(len(score), dtype=np.int64), np.zeros(len(score), dtype=np.int64)
    groups = table["track"].to_numpy(dtype=object)
    if len(used) == 1:
        low, high = only.low[order], only.high[order]
    elif finite.any():
        low[finite], high[finite] = score_intervals(draws[:, finite], level=level)
    if finite.any():
        rlow[finite], rhigh[finite] = rank_intervals(draws[:, finite], groups=groups[finite], level=level)
    table["score_low"], table["score_high"] = low, high
    table["rank_low"], table["rank_high"] = rlow, rhigh
    tier_order = {t.key: k for k, t in enumerate(config.tiers)}
    tier_rank = table["tier"].map(lambda k: tier_order.get(k, len(tier_order))).to_numpy()
    boundary = boundary_flags(score=np.nan_to_num(score, nan=-np.inf), draws=draws, tier_rank=tier_rank,
                              groups=groups, level=boundary_confidence,
                              awarded=table["eligible"].to_numpy() & ~allocation["below_min"].to_numpy())
    incomplete = used_sheets[used_sheets["n_criteria"] < len(rubric.criteria)]["entry_id"].unique()
    conditions = {
        "veto": table["veto"].to_numpy() != "",
        "missing_round": ~finite,
        "below_min_score": allocation["below_min"].to_numpy() & finite,
        "tie": allocation["tie"].to_numpy(),
        "boundary": boundary,
        "disagreement": _disagrees(table, disagreement),
        "single_judge": table["n_judges"].to_numpy() < 2,
        "incomplete_sheet": table["entry_id"].isin(incomplete).to_numpy(),
    }
    flags = np.full(len(table), "", dtype=object)
    for name in FLAG_ORDER:
        flags = np.where(conditions[name], np.where(flags == "", name, flags + ";" + name), flags)
    table["flags"] = flags
    table["method"] = method
    table = table.sort_values(["track", "rank", "entry_id"], kind="stable")
    draws = draws[:, table.index.to_numpy()]
    table = table.reset_index(drop=True)
    extra = [c for c in table.columns if c not in TABLE_COLUMNS and c != "eligible"]
    table = table[list(TABLE_COLUMNS) + extra]
    return RankingResult(table=table, judges=pd.concat(judge_tables, ignore_index=True), method=method,
                         draws=draws, rounds=provenance, details=details)


def _disagrees(table: pd.DataFrame, disagreement: Disagreement) -> np.ndarray:
    flag = np.zeros(len(table), dtype=bool)
    if disagreement.max_range is not None:
        flag |= table["judge_range"].fillna(0).to_numpy() > disagreement.max_range
    if disagreement.max_sd is not None:
        flag |= table["judge_sd"].fillna(0).to_numpy() > disagreement.max_sd
    return flag


def compare_methods(scores: pd.DataFrame, rubric: Rubric, *, methods: Sequence[str] = METHOD_NAMES,
                    vetoes: pd.DataFrame | None = None, awards: AwardConfig | None = None,
                    round_weights: Mapping[str, float] | None = None, n_draws: int = DEFAULT_DRAWS,
                    seed: int = 0) -> MethodComparison:
    """Run ``rank`` with every method and line the results up; methods that cannot run are listed
    in ``errors`` (e.g. a disconnected graph stops additive/linear/calibrated but not raw)."""
    for name in methods:
        check_method(name)
    results, errors = {}, {}
    for name in methods:
        try:
            results[name] = rank(scores, rubric, method=name, vetoes=vetoes, awards=awards,
                                 round_weights=round_weights, n_draws=n_draws, seed=seed)
        except RankingError as exc:
            if exc.problems and exc.problems[0].code == "rank.disconnected":
                errors[name] = exc.render()
            else:
                raise
    if not results:
        raise RankingError([p for name in methods for p in [Problem("rank.method_failed", {"method": name,
                                                                                             "detail": errors[name]})]])
    base = next(iter(results.values())).table[["entry_id", "track"]]
    table = base.copy()
    for name, result in results.items():
        part = result.table.set_index("entry_id")[["score", "rank", "tier"]].add_suffix(f"_{name}")
        table = table.merge(part, left_on="entry_id", right_index=True, how="left")
    tiers = table[[f"tier_{n}" for n in results]]
    changed = tiers.nunique(axis=1) > 1
    tier_changes = table.loc[changed, ["entry_id", "track"] + list(tiers.columns)].reset_index(drop=True)
    return MethodComparison(table=table, tier_changes=tier_changes, errors=errors, results=results)
