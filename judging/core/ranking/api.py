"""The public ranking API: ``rank`` and ``compare_methods`` (pure: data frames in, data frames out)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from judging.core.ranking import methods as m
from judging.core.ranking.awards import AwardConfig, Disagreement, allocate, default_award_config
from judging.core.ranking.calibrated import carried_priors, fit_calibrated
from judging.core.ranking.decisions import (
    DISCUSS_BUDGET,
    discuss_text,
    expected_tier,
    must_discuss,
    tier_probabilities,
)
from judging.core.ranking.design import Design, check_connected, design_from_codes
from judging.core.ranking.diagnostics import entry_spread, judge_diagnostics
from judging.core.ranking.rounds import RoundScores, combine_rounds
from judging.core.ranking.totals import encode_scores, encoded_sheets
from judging.core.ranking.uncertainty import (
    DEFAULT_DRAWS,
    DEFAULT_LEVEL,
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
# a method that cannot run on these data is listed beside the others, not allowed to stop the comparison
SKIPPABLE_IN_COMPARISON = frozenset({"rank.disconnected", "rank.not_converged"})
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


def _by_code(values: np.ndarray, codes: np.ndarray, n: int, how: str) -> np.ndarray:
    """``how`` (``mean``, ``median``) of ``values`` per code, as an array over all ``n`` codes (NaN
    where a code has none). pandas' group-by on integer codes: the same (compensated) sums as a
    group-by on the ids, in a fraction of the time."""
    stat = pd.Series(values).groupby(codes).agg(how)
    out = np.full(n, np.nan)
    out[stat.index.to_numpy()] = stat.to_numpy()
    return out


def _first_places(*, rounds: np.ndarray, judges: np.ndarray, entries: np.ndarray, totals: np.ndarray,
                  n_entries: int) -> np.ndarray:
    """How many judges gave each entry their highest total (shared firsts count for each), per entry code."""
    judge_in_round, _ = pd.factorize(rounds * (int(judges.max()) + 1) + judges)
    top = np.full(int(judge_in_round.max()) + 1, np.nan)
    np.fmax.at(top, judge_in_round, totals)
    return np.bincount(entries[totals == top[judge_in_round]], minlength=n_entries)


def _fit_round(design: Design, *, method: str, name: str, rng: np.random.Generator, n_draws: int,
               level: float, entry_tracks: np.ndarray, earlier: tuple | None = None):
    if method in NEEDS_CONNECTED:
        check_connected(design, entry_tracks=entry_tracks)
    if earlier is not None and method == "calibrated":  # judges carried from the earlier rounds
        model, judge_ids = earlier
        fit = fit_calibrated(design, priors=carried_priors(model, previous_judges=judge_ids, design=design))
    else:
        fit = METHODS[method](design)
    draws = fit.sample(rng, n_draws)
    low, high = score_intervals(draws, level=level)
    judges = judge_diagnostics(design, fit).assign(round=name)
    offset = fit.judge_offset if fit.judge_offset is not None else np.zeros(design.n_judges)
    spread = entry_spread(design, design.y - offset[design.judge])
    return fit, RoundScores(name, method, design.entry_ids, fit.score, draws, low, high), judges, spread


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
         level: float = DEFAULT_LEVEL, discuss_budget: float = DISCUSS_BUDGET,
         carry_judges: bool = False, seed: int = 0) -> RankingResult:
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
    carry_judges : bool
        With several rounds and the calibrated method: fit the rounds in the order of
        ``round_weights`` and start each judge already seen in the previous round from its
        severity, scale and noise there (``calibrated.carried_priors``).
    n_draws, level, seed : int, float, int
        Draws for the intervals (default 200, fewer above 50,000 entries: ``default_draws``), their
        coverage, and the seed (same seed, same result).
    discuss_budget : float
        The must-discuss list's error budget ``q`` (0–1, default 0.2): at each tier boundary of a
        track, the entries most likely on the wrong side are listed until the expected number of
        wrong-side entries left off is at most ``q`` × the tier's quota; coin flips and gross risks
        are listed too (``judging.core.ranking.decisions``). Listed entries carry the ``boundary``
        flag and their reasons in ``discuss``; ``p_tier_<key>`` (and ``p_tier_none``) hold each
        entry's tier probabilities over the draws and ``expected_tier`` their mean tier position
        (1 = the best tier, one more than the number of tiers = no award).

    Raises
    ------
    RankingError
        Bad scores, unknown method, a disconnected judge–entry graph (naming its groups), vetoes
        for unknown entries or items, rounds without weights, a fit that did not converge
        (``rank.not_converged``: no ranking is made from a fit stopped at its iteration limit).
    """
    check_method(method)
    if not (isinstance(discuss_budget, int | float) and 0.0 <= discuss_budget <= 1.0):
        raise RankingError(Problem("rank.bad_discuss_budget", {"value": discuss_budget}))
    config = awards if awards is not None else default_award_config()
    disagreement = disagreement or config.disagreement
    rng = np.random.default_rng(seed)
    # the draws are assigned to entries and judges in the order they appear: rank from one canonical
    # order so that the same scores in any row order give the same result, intervals included.
    # Ids are integer codes from here on (into sorted texts, so code order is text order).
    long = encode_scores(scores=scores, rubric=rubric).in_canonical_order()
    sheets = encoded_sheets(long, rubric)
    n_all, n_judge_codes = len(long.entry_ids), len(long.judge_ids)
    n_draws = n_draws or default_draws(n_all)
    entry_track = np.zeros(n_all, dtype=np.int64)
    entry_track[sheets.entry] = sheets.track
    round_codes = pd.unique(sheets.round)
    present_rounds = [str(long.rounds[c]) for c in round_codes]
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
    if carry_judges and round_weights:
        used = [r for r in round_weights if r in used]  # the organiser's order: 初评 before 复评 before 终评
    used_codes = [int(round_codes[present_rounds.index(r)]) for r in used]
    earlier = None
    fitted, judge_tables, details = [], [], {}
    judge_range, judge_sd = np.full(n_all, np.nan), np.full(n_all, np.nan)
    round_entries = []
    for name, code in zip(used, used_codes, strict=True):
        part = np.flatnonzero(sheets.round == code)
        design, _, entries = design_from_codes(judge=sheets.judge[part], entry=sheets.entry[part],
                                               y=sheets.total[part], judge_names=long.judge_ids,
                                               entry_names=long.entry_ids,
                                               criteria=None if sheets.criteria is None else sheets.criteria[part])
        fit, round_scores, judges, spread = _fit_round(
            design, method=method, name=name, rng=rng, n_draws=n_draws, level=level,
            entry_tracks=long.tracks[entry_track[entries]], earlier=earlier)
        if carry_judges and fit.model is not None:
            earlier = (fit.model, design.judge_ids)
        fitted.append(round_scores)
        judge_tables.append(judges)
        round_entries.append(entries)
        np.fmax.at(judge_range, entries, spread["judge_range"].to_numpy())  # the widest over rounds
        np.fmax.at(judge_sd, entries, spread["judge_sd"].to_numpy())
        details[name] = fit.details
    in_used = np.isin(sheets.round, used_codes)
    u_entry, u_judge, u_round = sheets.entry[in_used], sheets.judge[in_used], sheets.round[in_used]
    u_total = sheets.total[in_used]
    codes = pd.unique(u_entry)  # entries in order of first appearance
    entry_ids = long.entry_ids[codes]
    if len(used) == 1:
        only = fitted[0]
        position = np.full(n_all, -1)
        position[round_entries[0]] = np.arange(len(round_entries[0]))
        order = position[codes]
        same = np.array_equal(order, np.arange(len(order)))  # the usual case: no 160 MB copy at 1.5 M rows
        score, draws, provenance = only.score[order], (only.draws if same else only.draws[:, order]), None
    else:
        score, draws, provenance = combine_rounds(fitted, round_weights or {}, entry_ids=entry_ids)
    tracks = entry_track[codes]
    table = pd.DataFrame({"entry_id": entry_ids, "track": long.tracks[tracks], "score": score})
    judged = pd.unique(u_entry * n_judge_codes + u_judge)  # a judge scoring in two rounds counts once
    table["n_judges"] = np.bincount(judged // n_judge_codes, minlength=n_all)[codes]
    table["raw_mean"] = _by_code(u_total, u_entry, n_all, "mean")[codes]
    table["judge_range"] = judge_range[codes]
    table["judge_sd"] = judge_sd[codes]
    rows_used = np.isin(long.round, used_codes)
    criterion_code = {str(key): k for k, key in enumerate(long.criteria)}
    for key in config.tie_break:
        if key.startswith("criterion:"):
            values = np.full(len(codes), np.nan)
            if key[10:] in criterion_code:
                rows = rows_used & (long.criterion == criterion_code[key[10:]])
                values = _by_code(long.score[rows], long.entry[rows], n_all, "mean")[codes]
        elif key == "first_places":
            values = _first_places(rounds=u_round, judges=u_judge, entries=u_entry, totals=u_total,
                                   n_entries=n_all)[codes]
        elif key == "median":
            values = _by_code(u_total, u_entry, n_all, "median")[codes]
        else:
            values = table["raw_mean" if key == "raw" else "n_judges"].to_numpy()
        table[f"tb:{key}"] = np.asarray(values, dtype=float)
    veto_text = _vetoes(vetoes, rubric, pd.Index(entry_ids))
    table["veto"] = _align(veto_text, entry_ids, fill="") if len(veto_text) else ""
    table["eligible"] = (table["veto"] == "") & np.isfinite(table["score"].to_numpy())
    allocation = allocate(table, config)
    tier = allocation["tier"].to_numpy()
    table["rank"] = allocation["rank"].to_numpy()
    table["tier"] = tier
    labels = {t.key: t.label.zh for t in config.tiers}
    table["tier_label"] = np.array([labels.get(k, "") for k in tier], dtype=object)
    finite = np.isfinite(score)
    low, high = np.full(len(score), np.nan), np.full(len(score), np.nan)
    rlow, rhigh = np.zeros(len(score), dtype=np.int64), np.zeros(len(score), dtype=np.int64)
    if len(used) == 1:
        low, high = only.low[order], only.high[order]
    elif finite.any():
        low[finite], high[finite] = score_intervals(draws[:, finite], level=level)
    if finite.any():
        rlow[finite], rhigh[finite] = rank_intervals(draws[:, finite], groups=tracks[finite], level=level)
    table["score_low"], table["score_high"] = low, high
    table["rank_low"], table["rank_high"] = rlow, rhigh
    tier_order = {t.key: k for k, t in enumerate(config.tiers)}
    tier_rank = np.array([tier_order.get(k, len(tier_order)) for k in tier], dtype=np.int64)
    taking_part = table["eligible"].to_numpy() & ~allocation["below_min"].to_numpy() & finite
    p_tier = tier_probabilities(np.where(np.isfinite(draws), draws, -np.inf), groups=tracks, tier=tier_rank,
                                n_tiers=len(config.tiers), taking_part=taking_part)
    reasons = must_discuss(p_tier, tier=tier_rank, groups=tracks, taking_part=taking_part, budget=discuss_budget)
    for k, key in enumerate([t.key for t in config.tiers] + ["none"]):
        table[f"p_tier_{key}"] = p_tier[:, k]
    table["expected_tier"] = expected_tier(p_tier)
    table["discuss"] = discuss_text(reasons)
    boundary = table["discuss"].to_numpy() != ""
    incomplete = np.zeros(n_all, dtype=bool)
    incomplete[u_entry[sheets.n_criteria[in_used] < len(rubric.criteria)]] = True
    conditions = {
        "veto": table["veto"].to_numpy() != "",
        "missing_round": ~finite,
        "below_min_score": allocation["below_min"].to_numpy() & finite,
        "tie": allocation["tie"].to_numpy(),
        "boundary": boundary,
        "disagreement": _disagrees(table, disagreement),
        "single_judge": table["n_judges"].to_numpy() < 2,
        "incomplete_sheet": incomplete[codes],
    }
    table["flags"] = _flag_text(conditions)
    table["method"] = method
    # sorted by track, rank and entry id: codes sort like their texts
    by_rank = np.lexsort((codes, table["rank"].to_numpy(), tracks))
    table = table.iloc[by_rank].reset_index(drop=True)
    draws = draws[:, by_rank]
    extra = [c for c in table.columns if c not in TABLE_COLUMNS and c != "eligible"]
    table = table[list(TABLE_COLUMNS) + extra]
    return RankingResult(table=table, judges=pd.concat(judge_tables, ignore_index=True), method=method,
                         draws=draws, rounds=provenance, details=details)


def _flag_text(conditions: dict[str, np.ndarray]) -> np.ndarray:
    """Per entry, the ``;``-joined names of its flags in ``FLAG_ORDER`` (text made once per combination)."""
    bits = np.zeros(len(conditions[FLAG_ORDER[0]]), dtype=np.int64)
    for bit, name in enumerate(FLAG_ORDER):
        bits |= np.asarray(conditions[name], dtype=np.int64) << bit
    combinations, which = np.unique(bits, return_inverse=True)
    texts = [";".join(name for bit, name in enumerate(FLAG_ORDER) if c >> bit & 1) for c in combinations]
    return np.array(texts, dtype=object)[which]


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
    in ``errors`` (e.g. a disconnected graph stops additive/linear/calibrated but not raw; a fit that
    does not converge stops its method)."""
    for name in methods:
        check_method(name)
    results, errors = {}, {}
    for name in methods:
        try:
            results[name] = rank(scores, rubric, method=name, vetoes=vetoes, awards=awards,
                                 round_weights=round_weights, n_draws=n_draws, seed=seed)
        except RankingError as exc:
            if exc.problems and exc.problems[0].code in SKIPPABLE_IN_COMPARISON:
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
