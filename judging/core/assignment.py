"""Automatic assignment of judges to entries: k per entry, balanced, matched, conflict-free, connected.

The algorithm has three phases, each keeping what the previous one established:

1. **Greedy.** Entries are visited most constrained first (fewest non-conflicted judges), ties in a
   seeded random order. Each takes, one at a time, the judge with the lowest
   ``load - expertise_weight * is_expert + jitter`` among those it may have, where the load caps
   (``q`` or ``q + 1`` with ``N·k = q·m + r``, at most ``r`` judges at ``q + 1``) keep the loads
   within one of each other; a judge is taken over the cap only when nobody else is left.
2. **Balancing.** Where conflicts made the greedy overshoot, load is moved along alternating paths
   (judge ``a`` hands an entry to ``b``, who hands another to ``c``...) from a judge with load
   ``L`` to one with load ``<= L - 2`` until no such path exists. The judges' possible load
   vectors form an M-convex set, on which a vector admitting no such step is decreasingly minimal
   (Frank and Murota's discrete decreasing minimization), hence the most balanced possible: loads
   differ by at most one whenever that is achievable at all.
3. **Connecting.** Calibration compares judges through shared entries, so the judge–entry graph
   must be connected. Components are joined by swapping one seat across them (``j1`` on ``e1`` in
   one component, ``j2`` on ``e2`` in another, become ``j1`` on ``e2`` and ``j2`` on ``e1``),
   which keeps every load and every entry's k.

Everything is numpy on an ``entries × judges`` boolean matrix; 10,000 × 500 × 5 takes about a
second (``benchmarks/assignment.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from judging.errors import JudgingError, Problem

DEFAULT_EXPERTISE_WEIGHT = 25.0  # experts first: preferred unless they already carry 25 more entries (caps keep the balance)
JITTER = 0.01  # breaks ties at random (seeded) without ever outweighing a whole entry of load
CONNECT_ATTEMPTS = 200  # random seat pairs tried per merge before giving up on two components
MAX_CONNECT_STALLS = 50  # swaps in a row that may leave the component count unchanged


class AssignmentError(JudgingError):
    """The assignment asked for cannot be made; the message says why."""


@dataclass(frozen=True)
class AssignmentStats:
    """Figures an organiser wants to see next to an assignment."""

    loads: dict[Hashable, int]
    expert_share: float  # share of seats held by a judge whose expertise includes the entry's track
    components: int


def assign_judges(
    *,
    entries: Mapping[Hashable, str],
    judges: Mapping[Hashable, Collection[str]],
    k: int,
    conflicts: Iterable[tuple[Hashable, Hashable]] = (),
    seed: int = 0,
    expertise_weight: float = DEFAULT_EXPERTISE_WEIGHT,
    require_connected: bool = True,
) -> list[tuple[Hashable, Hashable]]:
    """Assign ``k`` judges to every entry.

    Parameters
    ----------
    entries
        Entry id → track key.
    judges
        Judge id → the track keys (or tags) of their expertise.
    k
        Judges per entry.
    conflicts
        ``(judge_id, entry_id)`` pairs that must never be assigned (回避). Pairs naming unknown ids
        are ignored.
    seed
        The same inputs and seed give the same assignment.
    expertise_weight
        How strongly experts of an entry's track are preferred, in units of load; 0 ignores
        expertise.
    require_connected
        Make the judge–entry graph connected (needed for calibration); only possible with ``k >= 2``.

    Returns
    -------
    list of (judge_id, entry_id)
        Sorted by entry, then judge (in the order the ids sort).

    Raises
    ------
    AssignmentError
        When ``k`` is not positive, an entry has fewer than ``k`` judges without a conflict, or the
        graph cannot be connected; the message names the entry or says what to change.
    """
    entry_ids = _sorted_ids(entries)
    judge_ids = _sorted_ids(judges)
    n, m = len(entry_ids), len(judge_ids)
    if k < 1:
        raise AssignmentError(Problem("assignment.k_not_positive", {"k": k}))
    if n == 0:
        return []
    if m < k:
        raise AssignmentError(Problem("assignment.too_few_judges", {"judges": m, "k": k}))

    eligible = _eligibility(entry_ids, judge_ids, conflicts)
    counts = eligible.sum(axis=1)
    short = np.flatnonzero(counts < k)
    if len(short):
        raise AssignmentError([
            Problem("assignment.entry_short", {"entry": entry_ids[i], "available": int(counts[i]), "k": k})
            for i in short
        ])

    tracks = sorted({entries[e] for e in entry_ids})
    track_index = {t: i for i, t in enumerate(tracks)}
    entry_track = np.array([track_index[entries[e]] for e in entry_ids], dtype=np.int64)
    expert = np.array([[t in set(judges[j]) for j in judge_ids] for t in tracks], dtype=bool)

    rng = np.random.default_rng(seed)
    assigned = _greedy(eligible, entry_track, expert, k, expertise_weight, rng)
    _balance(assigned, eligible)
    if require_connected and k >= 2:
        _connect(assigned, eligible, rng, entry_ids)

    rows, cols = np.nonzero(assigned)
    return [(judge_ids[j], entry_ids[i]) for i, j in zip(rows.tolist(), cols.tolist(), strict=True)]


def assignment_stats(
    *, pairs: Iterable[tuple[Hashable, Hashable]], entries: Mapping[Hashable, str],
    judges: Mapping[Hashable, Collection[str]],
) -> AssignmentStats:
    """Loads per judge, the share of expert seats and the number of connected components."""
    pairs = list(pairs)
    loads = {j: 0 for j in judges}
    expert_seats = 0
    for judge, entry in pairs:
        loads[judge] = loads.get(judge, 0) + 1
        expert_seats += entries[entry] in set(judges.get(judge, ()))
    return AssignmentStats(
        loads=loads,
        expert_share=expert_seats / len(pairs) if pairs else 0.0,
        components=count_components(pairs),
    )


def count_components(pairs: Iterable[tuple[Hashable, Hashable]]) -> int:
    """Connected components of the judge–entry graph (judges without entries are not counted)."""
    parent: dict[tuple[str, Hashable], tuple[str, Hashable]] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for judge, entry in pairs:
        a, b = find(("j", judge)), find(("e", entry))
        if a != b:
            parent[a] = b
    return len({find(x) for x in parent})


# --- phases ----------------------------------------------------------------------------------

def _sorted_ids(ids: Iterable[Hashable]) -> list[Hashable]:
    ids = list(ids)
    try:
        return sorted(ids)  # type: ignore[type-var]  # ids of one kind sort; mixed kinds are caught below
    except TypeError:  # mixed id types: any fixed order keeps the result deterministic
        return sorted(ids, key=lambda x: (type(x).__name__, str(x)))


def _eligibility(entry_ids: list, judge_ids: list, conflicts: Iterable[tuple[Hashable, Hashable]]) -> np.ndarray:
    eligible = np.ones((len(entry_ids), len(judge_ids)), dtype=bool)
    entry_pos = {e: i for i, e in enumerate(entry_ids)}
    judge_pos = {j: i for i, j in enumerate(judge_ids)}
    for judge, entry in conflicts:
        if judge in judge_pos and entry in entry_pos:
            eligible[entry_pos[entry], judge_pos[judge]] = False
    return eligible


def _greedy(
    eligible: np.ndarray, entry_track: np.ndarray, expert: np.ndarray, k: int, weight: float,
    rng: np.random.Generator,
) -> np.ndarray:
    n, m = eligible.shape
    q, r = divmod(n * k, m)
    load = np.zeros(m, dtype=np.int64)
    at_top = 0  # judges that reached q + 1
    assigned = np.zeros((n, m), dtype=bool)
    order = np.lexsort((rng.permutation(n), eligible.sum(axis=1)))
    preference = weight * expert.astype(float)
    for i in order:
        base = load - preference[entry_track[i]] + JITTER * rng.random(m)
        free = eligible[i].copy()
        for _ in range(k):
            under_cap = (load < q) | ((load == q) & (at_top < r))
            candidates = free & under_cap
            if not candidates.any():  # conflicts left nobody under the cap: overshoot, balanced later
                candidates = free
            j = int(np.argmin(np.where(candidates, base, np.inf)))
            assigned[i, j] = True
            free[j] = False
            load[j] += 1
            if load[j] == q + 1:
                at_top += 1
    return assigned


def _balance(assigned: np.ndarray, eligible: np.ndarray) -> None:
    """Move load along alternating paths from a judge with load L to one with load <= L - 2."""
    load = assigned.sum(axis=0)
    while True:
        moved = False
        for level in sorted(set(load.tolist()), reverse=True):
            if level - load.min() < 2:
                break
            path = _find_path(assigned, eligible, load, sources=np.flatnonzero(load == level), limit=level - 2)
            if path is not None:
                for giver, entry, taker in path:
                    assigned[entry, giver] = False
                    assigned[entry, taker] = True
                load[path[0][0]] -= 1
                load[path[-1][2]] += 1
                moved = True
                break
        if not moved:
            return


def _find_path(
    assigned: np.ndarray, eligible: np.ndarray, load: np.ndarray, *, sources: np.ndarray, limit: int
) -> list[tuple[int, int, int]] | None:
    """Breadth-first search over judges; ``a -> b`` when ``b`` can take one of ``a``'s entries."""
    m = assigned.shape[1]
    parent = np.full(m, -1, dtype=np.int64)
    via = np.full(m, -1, dtype=np.int64)
    seen = np.zeros(m, dtype=bool)
    seen[sources] = True
    frontier = list(sources.tolist())
    while frontier:
        next_frontier = []
        for a in frontier:
            rows = np.flatnonzero(assigned[:, a])
            if not len(rows):
                continue
            can_take = eligible[rows] & ~assigned[rows] & ~seen
            reachable = np.flatnonzero(can_take.any(axis=0))
            if not len(reachable):
                continue
            first_row = can_take[:, reachable].argmax(axis=0)
            for b, row in zip(reachable.tolist(), first_row.tolist(), strict=True):
                seen[b] = True
                parent[b], via[b] = a, rows[row]
                if load[b] <= limit:
                    return _trace(parent, via, b)
                next_frontier.append(b)
        frontier = next_frontier
    return None


def _trace(parent: np.ndarray, via: np.ndarray, end: int) -> list[tuple[int, int, int]]:
    path = []
    node = end
    while parent[node] != -1:
        path.append((int(parent[node]), int(via[node]), node))
        node = int(parent[node])
    return path[::-1]


def _components(assigned: np.ndarray) -> tuple[int, np.ndarray]:
    """Components of the graph over entries and judges with at least one entry."""
    n, m = assigned.shape
    rows, cols = np.nonzero(assigned)
    graph = sparse.coo_matrix((np.ones(len(rows)), (rows, n + cols)), shape=(n + m, n + m))
    _, labels = connected_components(graph, directed=False)
    used = np.concatenate([np.ones(n, dtype=bool), assigned.any(axis=0)])
    labels = np.where(used, labels, -1)
    return len(set(labels[used].tolist())), labels


def _connect(assigned: np.ndarray, eligible: np.ndarray, rng: np.random.Generator, entry_ids: list) -> None:
    n = assigned.shape[0]
    count, labels = _components(assigned)
    stalls = 0
    while count > 1:
        sizes = {c: int(np.sum(labels == c)) for c in set(labels[labels >= 0].tolist())}
        ordered = sorted(sizes, key=lambda c: (-sizes[c], c))
        if not any(_swap_across(assigned, eligible, labels, ordered[0], other, rng) for other in ordered[:0:-1]):
            stalls = MAX_CONNECT_STALLS
        else:
            new_count, labels = _components(assigned)
            stalls = 0 if new_count < count else stalls + 1
            count = new_count
        if stalls >= MAX_CONNECT_STALLS:
            small = ordered[-1]
            entry = entry_ids[int(np.flatnonzero(labels[:n] == small)[0])]
            raise AssignmentError(Problem("assignment.disconnected", {"components": count, "entry": entry}))


def _swap_across(
    assigned: np.ndarray, eligible: np.ndarray, labels: np.ndarray, comp_a: int, comp_b: int,
    rng: np.random.Generator,
) -> bool:
    """Swap one seat of component a with one of component b; False when no allowed pair was found."""
    n = assigned.shape[0]
    load = assigned.sum(axis=0)
    seats_a = np.argwhere(assigned & (labels[:n] == comp_a)[:, None])
    seats_b = np.argwhere(assigned & (labels[:n] == comp_b)[:, None])
    for _ in range(CONNECT_ATTEMPTS):
        e1, j1 = seats_a[rng.integers(len(seats_a))]
        e2, j2 = seats_b[rng.integers(len(seats_b))]
        # a judge with other entries keeps its own side attached, so the two sides merge
        if max(load[j1], load[j2]) < 2 or not (eligible[e2, j1] and eligible[e1, j2]):
            continue
        assigned[e1, j1] = assigned[e2, j2] = False
        assigned[e2, j1] = assigned[e1, j2] = True
        return True
    return False
