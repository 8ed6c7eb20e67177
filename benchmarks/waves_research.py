"""Research: variants of the waves of extra judges (issue 15, item 3), paired on the same contests.

Every variant sees the same contests (seeds 2000+) and, for a new sheet of judge j on entry e, the same
noise draw (common random numbers: Z[j, e] per seed), so differences between variants are not blurred
by which noise each happened to draw.

Usage: ``python benchmarks/waves_research.py --regimes demo5 --replications 120 --variants base,w10``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

sys.path.insert(0, str(Path(__file__).parent))
from ranking_fidelity import SHEET_NOISE_SHARE, _tier_errors, true_tiers  # noqa: E402

from judging.core.extra_judges import p_assigned, propose_extra_judges  # noqa: E402
from judging.core.ranking import rank  # noqa: E402
from judging.core.rubric import load_rubric  # noqa: E402
from judging.core.simulate import DEFAULT_WEIGHTS, simulate_contest  # noqa: E402

GH_X, GH_W = np.polynomial.hermite_e.hermegauss(40)
GH_W = GH_W / GH_W.sum()


def _sheets_crn(sim, pairs, z):
    judges = sim.judges.set_index("judge_id")
    truth = sim.truth.set_index("entry_id")
    j = [p[0] for p in pairs]
    e = [p[1] for p in pairs]
    quality = truth.loc[e, "true_quality"].to_numpy()
    noise = np.array([z[p] for p in pairs])
    total = (70.0 + judges.loc[j, "severity"].to_numpy() + judges.loc[j, "scale"].to_numpy() * (quality - 70.0)
             + judges.loc[j, "noise"].to_numpy() * SHEET_NOISE_SHARE * noise)
    total = np.clip(np.round(total), 0, 100)
    return pd.DataFrame({"judge_id": np.repeat(j, 3), "entry_id": np.repeat(e, 3),
                         "criterion": np.tile(list(DEFAULT_WEIGHTS), len(pairs)), "score": np.repeat(total, 3),
                         "track": np.repeat(truth.loc[e, "track"].to_numpy(), 3)})


def kg_gain(p_assigned_: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Expected drop in wrong-tier probability from one more sheet, for an entry whose wrong-tier
    probability is 1 − P and whose sd shrinks by sqrt(n / (n + 1)) (one boundary, Gaussian)."""
    w = np.clip(1.0 - p_assigned_, 1e-6, 0.5)
    z = norm.isf(w)  # |m − c| / s
    r = np.sqrt(n / (n + 1.0))
    t = np.sqrt(1.0 - r ** 2)
    after = (norm.cdf(-np.abs(z[:, None] + t[:, None] * GH_X[None, :]) / r[:, None]) * GH_W[None, :]).sum(1)
    return w - after


def priority(table, how: str, wrong=None) -> np.ndarray:
    """Order of the table's rows, most urgent first."""
    p = np.array(p_assigned(table))
    n = table["n_judges"].to_numpy(dtype=float)
    if how == "p":
        key = p
    elif how == "kg":
        key = -kg_gain(p, n)
    elif how == "oracle":  # the entries truly in the wrong tier first (by P), then the rest by P
        key = p + 2.0 * (~wrong)
    elif how == "pn":  # P, entries with fewer judges first among near-equal P (ties at 0.05)
        key = np.round(p / 0.05) + n / 100
    else:
        raise ValueError(how)
    return np.argsort(key, kind="stable")


def run_variant(sim, rubric, seed, z, *, schedule, how="p", double=0.0, double_below=None, cap=None, judge_pick=None, load_cap=3.0):
    """``schedule``: fractions of the budget per wave (sum 1). ``double``: share of a wave's entries (the
    least sure) that get two judges; ``double_below``: entries with P below this get two."""
    truth = sim.truth.set_index("entry_id")["true_quality"]
    entries = dict(zip(sim.truth["entry_id"], sim.truth["track"], strict=True))
    judges = {j: () for j in sim.judges["judge_id"]}
    scores = sim.scores
    n_sheets = len(scores[["judge_id", "entry_id"]].drop_duplicates())
    budget = int(round(0.15 * n_sheets))
    left, spent = budget, 0
    res = rank(scores, rubric, seed=seed)
    table = res.table
    cum = np.cumsum(schedule)
    for wave in range(len(schedule)):
        target = int(round(cum[wave] * budget)) - spent
        target = min(target, left)
        if target <= 0:
            continue
        wrong = None
        if how == "oracle":
            keys = [c[7:] for c in table.columns if c.startswith("p_tier_")][:-1]
            assigned = table["tier"].map({k: i for i, k in enumerate(keys)}).fillna(len(keys)).astype(int).to_numpy()
            wrong = true_tiers(table, truth, keys) != assigned
        order = priority(table, how, wrong)
        n_all = len(judges)
        order = order[table["n_judges"].to_numpy()[order] < min(n_all, cap if cap else n_all)]
        ids = table["entry_id"].to_numpy()[order]
        p_sorted = np.array(p_assigned(table))[order]
        if double_below is not None:
            n2 = int(np.sum(p_sorted < double_below))
            n2 = min(n2, target // 2)
            n1 = target - 2 * n2
            two, one = list(ids[:n2]), list(ids[n2:n2 + n1])
        elif double:
            # m entries, the first d of them twice: d + m = target, d = double * m
            m = int(round(target / (1 + double)))
            d = target - m
            two, one = list(ids[:d]), list(ids[d:m])
        else:
            two, one = [], list(ids[:target])
        nj = dict(zip(table["entry_id"], table["n_judges"], strict=True))
        two = [e for e in two if nj[e] <= n_all - 2]
        sheets = scores[["judge_id", "entry_id"]].drop_duplicates()
        pairs = list(zip(sheets["judge_id"], sheets["entry_id"], strict=True))
        if judge_pick:
            if judge_pick == "true":
                jt = sim.judges.set_index("judge_id")
            else:
                jt = res.judges.set_index("judge_id")
            cost = ((jt["noise"] / jt["scale"].clip(lower=0.2)) ** 2).to_dict()
            on = {}
            for j, e in pairs:
                on.setdefault(e, set()).add(j)
            used = dict.fromkeys(judges, 0)
            per = max(2, int(np.ceil(load_cap * (len(two) + len(one) + len(two)) / len(judges))))
            added = []
            for e in two + one + two:
                cand = [j for j in judges if j not in on.get(e, ()) and used[j] < per] or \
                       [j for j in judges if j not in on.get(e, ())]
                best = min(cand, key=lambda j: cost[j])
                added.append((best, e))
                on.setdefault(e, set()).add(best)
                used[best] += 1
            two = []
        else:
            added = propose_extra_judges(pairs=pairs, listed=two + one, entries=entries, judges=judges, extra=1,
                                     seed=seed + wave, expertise_weight=0.0)
        if two and not judge_pick:
            added += propose_extra_judges(pairs=pairs + added, listed=two, entries=entries, judges=judges, extra=1,
                                          seed=seed + wave + 1000, expertise_weight=0.0)
        scores = pd.concat([scores, _sheets_crn(sim, added, z)], ignore_index=True)
        left, spent = left - len(added), spent + len(added)
        res = rank(scores, rubric, seed=seed)
        table = res.table
    new = scores.iloc[len(sim.scores):][["judge_id", "entry_id"]].drop_duplicates()
    global LAST_MAX_PER_JUDGE
    LAST_MAX_PER_JUDGE = int(new["judge_id"].value_counts().max()) if len(new) else 0
    return _tier_errors(table, truth), spent / n_sheets, int(table["n_judges"].max())


def even(k):
    return [1.0 / k] * k


VARIANTS = {
    "base": dict(schedule=even(5)),
    "w8": dict(schedule=even(8)),
    "w10": dict(schedule=even(10)),
    "w15": dict(schedule=even(15)),
    "w20": dict(schedule=even(20)),
    "front5": dict(schedule=[0.3, 0.2, 0.2, 0.15, 0.15]),
    "back5": dict(schedule=[0.1, 0.15, 0.2, 0.25, 0.3]),
    "front10": dict(schedule=[0.2] + [0.8 / 9] * 9),
    "kg5": dict(schedule=even(5), how="kg"),
    "kg10": dict(schedule=even(10), how="kg"),
    "kgfront5": dict(schedule=[0.3, 0.2, 0.2, 0.15, 0.15], how="kg"),
    "kg7": dict(schedule=even(7), how="kg"),
    "bjt5": dict(schedule=even(5), judge_pick="true"),
    "bjf5": dict(schedule=even(5), judge_pick="fit"),
    "bjf5c6": dict(schedule=even(5), judge_pick="fit", load_cap=6.0),
    "kgbjf5": dict(schedule=even(5), judge_pick="fit", how="kg"),
    "oracle5": dict(schedule=even(5), how="oracle"),
    "pn5": dict(schedule=even(5), how="pn"),
    "dbl5": dict(schedule=even(5), double=0.25),
    "dblP5": dict(schedule=even(5), double_below=0.4),
    "dbl10": dict(schedule=even(10), double=0.25),
    "c8": dict(schedule=even(5), cap=8),
    "w10c8": dict(schedule=even(10), cap=8),
    "w10c10": dict(schedule=even(10), cap=10),
    "w15c8": dict(schedule=even(15), cap=8),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--regimes", default="demo5")
    ap.add_argument("--replications", type=int, default=120)
    ap.add_argument("--variants", default="base,w10")
    ap.add_argument("--out", default="")
    ap.add_argument("--seed0", type=int, default=2000)
    args = ap.parse_args()
    rubric = load_rubric("rubrics/innovation_contest.toml")
    names = args.variants.split(",")
    records = []
    for regime in args.regimes.split(","):
        t0 = time.time()
        for seed in range(args.replications):
            sim = simulate_contest(regime=regime, seed=args.seed0 + seed, rubric=rubric)
            truth = sim.truth.set_index("entry_id")["true_quality"]
            before = _tier_errors(rank(sim.scores, rubric, seed=seed).table, truth)
            zr = np.random.default_rng(10_000_000 + seed)
            jid, eid = sim.judges["judge_id"].to_numpy(), sim.truth["entry_id"].to_numpy()
            zm = zr.standard_normal((len(jid), len(eid)))
            z = {(j, e): zm[a, b] for a, j in enumerate(jid) for b, e in enumerate(eid)}
            if seed % 20 == 19:
                print(f"# {regime} {seed + 1} seeds {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
            for name in names:
                err, sh, mx = run_variant(sim, rubric, seed, z, **VARIANTS[name])
                records.append(dict(regime=regime, seed=args.seed0 + seed, variant=name, before=before, after=err,
                                    sheets=sh, max_judges=mx, max_per_judge=LAST_MAX_PER_JUDGE))
        print(f"# {regime}: {time.time() - t0:.0f} s", file=sys.stderr)
    df = pd.DataFrame(records)
    if args.out:
        df.to_csv(args.out, index=False)
    summarise(df, names)


def summarise(df, names):
    print(f"{'regime':>8} {'variant':>8} {'n':>4} {'before':>7} {'after':>7} {'change':>7} {'chg pooled':>10} "
          f"{'se(a-b)':>7} {'sheets+':>7} {'max n':>5} {'max/j':>5} {'vs ' + names[0]:>9} {'se':>5}")
    for regime, g in df.groupby("regime", sort=False):
        ref = g[g.variant == names[0]].set_index("seed")
        for name in names:
            v = g[g.variant == name].set_index("seed")
            d = v.after - v.before
            rel = (d / v.before).mean()
            pooled = v.after.mean() / v.before.mean() - 1
            dv = v.after - ref.after.loc[v.index]
            print(f"{regime:>8} {name:>8} {len(v):4d} {v.before.mean():7.2f} {v.after.mean():7.2f} {rel:+7.1%} "
                  f"{pooled:+10.1%} {d.std(ddof=1) / np.sqrt(len(d)):7.2f} {v.sheets.mean():7.1%} {v.max_judges.mean():5.1f} {v.max_per_judge.mean():5.1f} "
                  f"{dv.mean():+9.2f} {dv.std(ddof=1) / np.sqrt(len(dv)):5.2f}")


if __name__ == "__main__":
    main()
