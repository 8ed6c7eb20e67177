"""Extra judges where the ranking is unsure: a proposal of more seats for the entries the panel must
discuss, with the assignment's rules (回避, balanced load, expertise first, seeded).

Adding seats to entries already in the judge–entry graph never disconnects it; a judge without sheets
joins the graph through the seats proposed here. The organiser confirms the proposal; the ranking
then updates as the new sheets arrive.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from functools import partial

import numpy as np

from judging.core.assignment import DEFAULT_EXPERTISE_WEIGHT, JITTER, AssignmentError
from judging.errors import Problem

DEFAULT_LOAD_CAP = 3.0  # with ``precision``: no judge takes more than 3× an even share of a proposal's seats
DEFAULT_EXTRA_JUDGES = 3  # three more sheets on the 20% most uncertain entries cut tier errors where the same
# sheets spread at random barely did (RANKING.md; benchmarks/ranking_fidelity.py --extra prints the figures)


def propose_extra_judges(
    *,
    pairs: Iterable[tuple[Hashable, Hashable]],
    listed: Sequence[Hashable],
    entries: Mapping[Hashable, str],
    judges: Mapping[Hashable, Collection[str]],
    extra: int = DEFAULT_EXTRA_JUDGES,
    conflicts: Iterable[tuple[Hashable, Hashable]] = (),
    seed: int = 0,
    expertise_weight: float = DEFAULT_EXPERTISE_WEIGHT,
    precision: Mapping[Hashable, float] | None = None,
    load_cap: float = DEFAULT_LOAD_CAP,
) -> list[tuple[Hashable, Hashable]]:
    """``extra`` more judges for each entry of ``listed`` (most urgent first), as ``(judge, entry)`` pairs.

    Seats are handed out a round at a time (every listed entry gets its first extra judge before any
    gets its second), each to the judge with the lowest ``load − expertise_weight · is_expert +
    jitter`` among those not on the entry and without a conflict, so the new load spreads over the
    least loaded judges. ``pairs`` is the current assignment (conflicted pairs do not count);
    ``entries`` maps every entry id to its track; ``judges`` are the judges who may take more
    entries, with their expertise.

    With ``precision`` (``judge_precision`` of the ranking's judge diagnostics: how much one sheet of
    the judge tells), each seat goes instead to the most precise judge free for the entry among those
    given fewer than ``max(2, ceil(load_cap × seats / judges))`` of this proposal's seats (every free
    judge once they all are), ties by the load rule above; a judge without a precision counts as the
    median judge. Measured (``benchmarks/ranking_fidelity.py --extra``): waves of such seats cut tier
    errors by far more than the same waves to the least loaded judges, see ``least_sure_first``.

    Raises
    ------
    AssignmentError
        ``oc.asg.no_replacement`` for every listed entry that cannot get ``extra`` more judges.
    """
    conflicts = set(conflicts)
    on_entry: dict[Hashable, set] = {e: set() for e in entries}
    load = dict.fromkeys(judges, 0)
    for j, e in pairs:
        if (j, e) in conflicts or e not in on_entry:
            continue
        on_entry[e].add(j)
        if j in load:
            load[j] += 1
    judge_ids = sorted(judges, key=lambda x: (type(x).__name__, x))
    rng = np.random.default_rng(seed)
    jitter = {j: JITTER * r for j, r in zip(judge_ids, rng.random(len(judge_ids)), strict=True)}
    order = list(dict.fromkeys(e for e in listed if e in on_entry))

    def candidates(e):
        return [j for j in judge_ids if j not in on_entry[e] and (j, e) not in conflicts]

    problems = [Problem("oc.asg.no_replacement", {"entry": e, "available": len(on_entry[e]) + len(candidates(e)),
                                                  "k": len(on_entry[e]) + extra})
                for e in order if len(candidates(e)) < extra]
    if problems:
        raise AssignmentError(problems)
    def balance(j, e):
        return load[j] - expertise_weight * (entries[e] in set(judges[j])) + jitter[j]

    def precise_first(j, e):
        return -prec[j], balance(j, e)

    added = []
    if precision is not None:
        known = {j: float(precision[j]) for j in judge_ids if j in precision and np.isfinite(precision[j])}
        typical = float(np.median(list(known.values()))) if known else 1.0
        prec = {j: known.get(j, typical) for j in judge_ids}
        cap = max(2, math.ceil(load_cap * extra * len(order) / max(len(judge_ids), 1)))
        given = dict.fromkeys(judge_ids, 0)
    for _ in range(extra):
        for e in order:
            free = candidates(e)
            if precision is None:
                best = min(free, key=partial(balance, e=e))
            else:
                best = min([j for j in free if given[j] < cap] or free, key=partial(precise_first, e=e))
                given[best] += 1
            added.append((best, e))
            on_entry[e].add(best)
            load[best] += 1
    return added


def judge_precision(judges) -> dict:
    """How much one more sheet of each judge tells, ``(scale / noise)²`` from ``rank()``'s judge
    diagnostics (``RankingResult.judges``; a judge in several rounds: the mean over them). Judges without
    a finite noise or a positive scale are left out (``propose_extra_judges`` counts them as typical)."""
    scale = judges["scale"].astype(float).clip(lower=0.0)
    noise = judges["noise"].astype(float)
    value = (scale / noise.where(noise > 0)) ** 2
    per = value[np.isfinite(value) & (value > 0)].groupby(judges["judge_id"]).mean()
    return {j: float(v) for j, v in per.items()}


def p_assigned(table) -> list[float]:
    """Each row's probability of the tier the list gives it (``p_tier_none`` for no award; 0 without columns)."""
    columns = {c[len("p_tier_"):] for c in table.columns if c.startswith("p_tier_")}
    if not columns:
        return [0.0] * len(table)
    return [float(row[f"p_tier_{tier if tier in columns else 'none'}"])
            for tier, (_, row) in zip(table["tier"].fillna("").astype(str), table.iterrows(), strict=True)]


def _least_sure_order(rows) -> list:
    """The rows' entry ids, lowest probability of their assigned tier first (ties in table order)."""
    p = p_assigned(rows)
    return [rows["entry_id"].iloc[i] for i in sorted(range(len(rows)), key=lambda i: (p[i], i))]


def most_uncertain_first(table) -> list:
    """The must-discuss entries of a ranked table (``discuss`` not empty), lowest probability of their
    assigned tier first: the order in which ``propose_extra_judges`` hands out seats."""
    return _least_sure_order(table[table["discuss"].fillna("") != ""])


DEFAULT_WAVE_SHARE = 0.15  # of a track's entries per wave: five waves of one judge ≈ +15% sheets at 5 per entry


def least_sure_first(table, share: float = DEFAULT_WAVE_SHARE) -> list:
    """The ``share`` of a ranked table's entries least sure of their assigned tier (lowest probability
    first; at least one while any entry has tier probabilities), for a wave of extra judges: one more
    judge each, then the next wave once their sheets are in and the ranking has moved.

    Measured (``benchmarks/ranking_fidelity.py --extra``, 120 contests per regime): five such waves
    within +15% sheets cut tier errors by 26.5–28.8% when each wave's seats go to the most precise judges
    (``propose_extra_judges(precision=judge_precision(result.judges))``), 18.5–18.9% when they go to the
    least loaded; three more judges at once for the 20% most uncertain entries cut 13–15% for +12%. Entries without tier probabilities (vetoed, below the minimum, unscored) are left out.
    """
    columns = [c for c in table.columns if c.startswith("p_tier_")]
    if not columns:
        return []
    with_p = table.dropna(subset=columns, how="all")
    return _least_sure_order(with_p)[:max(1, round(share * len(with_p)))] if len(with_p) else []
