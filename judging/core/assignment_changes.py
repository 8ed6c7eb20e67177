"""Changes to an assignment after it is made: one manual addition, and filling gaps left by a declared
conflict or a judge who drops out, with the same rules as ``assign_judges`` (回避, k per entry, balanced
load, expertise first, the judge–entry graph kept connected where possible, seeded).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping

import numpy as np

from judging.core.assignment import DEFAULT_EXPERTISE_WEIGHT, JITTER, AssignmentError, count_components
from judging.errors import Problem


def check_addition(*, judge_id: Hashable, entry_id: Hashable, judge_ok: bool, same_edition: bool,
                   assigned: Collection[tuple[Hashable, Hashable]],
                   conflicts: Collection[tuple[Hashable, Hashable]]) -> None:
    """Refuse a manual addition that the automatic assignment would never make; the message says why."""
    if not judge_ok:
        raise AssignmentError(Problem("oc.asg.not_a_judge", {"judge": judge_id}))
    if not same_edition:
        raise AssignmentError(Problem("oc.asg.other_edition", {"entry": entry_id}))
    if (judge_id, entry_id) in conflicts:
        raise AssignmentError(Problem("oc.asg.in_conflict", {"judge": judge_id, "entry": entry_id}))
    if (judge_id, entry_id) in assigned:
        raise AssignmentError(Problem("oc.asg.already", {"judge": judge_id, "entry": entry_id}))


def short_entries(*, pairs: Iterable[tuple[Hashable, Hashable]], entries: Iterable[Hashable],
                  conflicts: Collection[tuple[Hashable, Hashable]], k: int) -> dict[Hashable, int]:
    """Entries with fewer than ``k`` judges once conflicted pairs are left out: entry → judges it has."""
    have: dict[Hashable, int] = {e: 0 for e in entries}
    for judge, entry in pairs:
        if entry in have and (judge, entry) not in conflicts:
            have[entry] += 1
    return {e: n for e, n in have.items() if n < k}


def fill_gaps(
    *,
    pairs: Iterable[tuple[Hashable, Hashable]],
    entries: Mapping[Hashable, str],
    judges: Mapping[Hashable, Collection[str]],
    k: int,
    conflicts: Iterable[tuple[Hashable, Hashable]] = (),
    seed: int = 0,
    expertise_weight: float = DEFAULT_EXPERTISE_WEIGHT,
) -> list[tuple[Hashable, Hashable]]:
    """The pairs to add so that every entry has ``k`` judges again, leaving every existing pair alone.

    ``pairs`` is the current assignment; conflicted pairs in it do not count. ``judges`` are the
    judges who may still be given entries (leave out one who dropped out). Each missing seat goes
    to the judge with the lowest ``load - expertise_weight * is_expert + jitter`` among those
    without a conflict and not yet on the entry, among those below ``ceil(seats / judges)`` first
    (so loads stay within one where conflicts allow), preferring a seat that joins two parts of the
    judge–entry graph when it is not connected; entries are served most constrained first.

    Raises
    ------
    AssignmentError
        ``oc.asg.no_replacement`` for every entry that cannot get ``k`` judges, naming it.
    """
    conflicts = set(conflicts)
    current = [(j, e) for j, e in pairs if (j, e) not in conflicts and e in entries]
    on_entry: dict[Hashable, set] = {e: set() for e in entries}
    load: dict[Hashable, int] = {j: 0 for j in judges}
    for j, e in current:
        on_entry[e].add(j)
        if j in load:
            load[j] += 1
    rng = np.random.default_rng(seed)
    judge_ids = sorted(judges, key=lambda x: (type(x).__name__, x))
    jitter = {j: JITTER * r for j, r in zip(judge_ids, rng.random(len(judge_ids)), strict=True)}

    def candidates(e):
        return [j for j in judge_ids if j not in on_entry[e] and (j, e) not in conflicts]

    missing = {e: k - len(js) for e, js in on_entry.items() if len(js) < k}
    problems = [Problem("oc.asg.no_replacement", {"entry": e, "available": len(on_entry[e]) + len(candidates(e)),
                                                  "k": k})
                for e in sorted(missing, key=str) if len(candidates(e)) < missing[e]]
    if problems:
        raise AssignmentError(problems)
    added: list[tuple[Hashable, Hashable]] = []
    graph = list(current)
    cap = -(-(sum(load.values()) + sum(missing.values())) // max(len(load), 1))  # ceil(seats / judges)
    # adding seats never splits the graph: once connected (the usual case) it stays so, and the
    # component counts (a pass over every seat) are only needed while it is not
    before = count_components(graph) if graph else 0
    for e in sorted(missing, key=lambda x: (len(candidates(x)), str(x))):
        for _ in range(missing[e]):
            options = candidates(e)
            cost = {j: load[j] - expertise_weight * (entries[e] in set(judges[j])) + jitter[j] for j in options}
            # below the cap first (keeps loads within one), then a seat that joins two parts of the
            # graph, then the lightest expert
            best = min(options, key=lambda j: (
                load[j] >= cap, before > 1 and count_components(graph + [(j, e)]) >= before, cost[j]))
            added.append((best, e))
            graph.append((best, e))
            on_entry[e].add(best)
            load[best] += 1
            if before > 1:
                before = count_components(graph)
    return sorted(added, key=lambda p: (str(p[1]), str(p[0])))


def load_and_coverage(*, pairs: Iterable[tuple[Hashable, Hashable]], entries: Mapping[Hashable, str],
                      judges: Mapping[Hashable, Collection[str]],
                      conflicts: Collection[tuple[Hashable, Hashable]] = ()) -> tuple[list[dict], list[dict]]:
    """Rows for the charts: per judge (``judge, load, expert_seats``) and per entry (``entry, track, judges``).

    Conflicted pairs do not count: the judge no longer sees that entry.
    """
    load = {j: [0, 0] for j in judges}
    cover = {e: 0 for e in entries}
    for judge, entry in pairs:
        if (judge, entry) in conflicts or entry not in entries:
            continue
        seats = load.setdefault(judge, [0, 0])
        seats[0] += 1
        seats[1] += entries[entry] in set(judges.get(judge, ()))
        cover[entry] += 1
    return ([{"judge": j, "load": n, "expert_seats": x} for j, (n, x) in load.items()],
            [{"entry": e, "track": entries[e], "judges": n} for e, n in cover.items()])
