"""Automatic assignment: k per entry, no conflicts, balanced loads, a connected graph, or a clear error."""

from __future__ import annotations

import random
from collections import Counter, deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.core.assignment import AssignmentError, assign_judges, assignment_stats, count_components

TRACKS = ("life", "public", "industry", "new_product", "platform")


@st.composite
def contests(draw):
    n_entries = draw(st.integers(min_value=1, max_value=40), label="entries")
    n_judges = draw(st.integers(min_value=1, max_value=14), label="judges")
    k = draw(st.integers(min_value=1, max_value=5), label="k")
    entries = {f"E{i:02d}": draw(st.sampled_from(TRACKS)) for i in range(n_entries)}
    judges = {f"J{j:02d}": draw(st.sets(st.sampled_from(TRACKS), max_size=3)) for j in range(n_judges)}
    density = draw(st.sampled_from([0.0, 0.05, 0.2, 0.5]), label="conflict density")
    rng = random.Random(draw(st.integers(0, 2**16), label="conflict seed"))
    conflicts = {(j, e) for j in judges for e in entries if rng.random() < density}
    seed = draw(st.integers(min_value=0, max_value=2**31), label="seed")
    return entries, judges, k, conflicts, seed


def loads_of(pairs, judges) -> dict[str, int]:
    loads = dict.fromkeys(judges, 0)
    loads.update(Counter(j for j, _ in pairs))
    return loads


def improving_path_exists(pairs, entries, judges, conflicts) -> bool:
    """Oracle: can one seat move along judge → judge hand-overs from load L to load <= L - 2?"""
    seats: dict[str, set[str]] = {j: set() for j in judges}
    for judge, entry in pairs:
        seats[judge].add(entry)
    on_entry: dict[str, set[str]] = {e: set() for e in entries}
    for judge, entry in pairs:
        on_entry[entry].add(judge)
    load = {j: len(s) for j, s in seats.items()}

    def takers(giver):
        return {b for e in seats[giver] for b in judges if b not in on_entry[e] and (b, e) not in conflicts}

    for start in judges:
        seen, queue = {start}, deque([start])
        while queue:
            a = queue.popleft()
            for b in takers(a) - seen:
                if load[b] <= load[start] - 2:
                    return True
                seen.add(b)
                queue.append(b)
    return False


# --- properties --------------------------------------------------------------------------------

@settings(max_examples=250, deadline=None)
@given(contest=contests())
def test_assignment_keeps_every_rule_or_says_why_not(contest):
    entries, judges, k, conflicts, seed = contest
    try:
        pairs = assign_judges(entries=entries, judges=judges, k=k, conflicts=conflicts, seed=seed)
    except AssignmentError as exc:
        codes = {p.code for p in exc.problems}
        available = {e: sum((j, e) not in conflicts for j in judges) for e in entries}
        if codes == {"assignment.too_few_judges"}:
            assert len(judges) < k
        elif codes == {"assignment.entry_short"}:
            assert {p.params["entry"] for p in exc.problems} == {e for e, n in available.items() if n < k}
        else:
            assert codes == {"assignment.disconnected"}
            assert k >= 2
        assert all(exc.render("zh") and exc.render("en") for _ in [0])
        return

    per_entry = Counter(e for _, e in pairs)
    assert len(set(pairs)) == len(pairs)
    assert per_entry == dict.fromkeys(entries, k)
    assert set(pairs).isdisjoint(conflicts)
    assert not improving_path_exists(pairs, entries, judges, conflicts)
    if k >= 2:
        assert count_components(pairs) == 1


@settings(max_examples=150, deadline=None)
@given(contest=contests())
def test_loads_are_within_one_when_there_are_no_conflicts(contest):
    entries, judges, k, _, seed = contest
    if len(judges) < k:
        return
    try:
        pairs = assign_judges(entries=entries, judges=judges, k=k, conflicts=(), seed=seed)
    except AssignmentError as exc:
        assert {p.code for p in exc.problems} == {"assignment.disconnected"}
        return

    loads = loads_of(pairs, judges).values()
    assert max(loads) - min(loads) <= 1


@settings(max_examples=100, deadline=None)
@given(contest=contests())
def test_assignment_is_deterministic_for_a_seed_whatever_the_input_order(contest):
    entries, judges, k, conflicts, seed = contest
    shuffled_entries = dict(reversed(list(entries.items())))
    shuffled_judges = dict(reversed(list(judges.items())))

    def run(e, j, c):
        try:
            return assign_judges(entries=e, judges=j, k=k, conflicts=c, seed=seed)
        except AssignmentError as exc:
            return exc.render("en")

    assert run(entries, judges, conflicts) == run(shuffled_entries, shuffled_judges, sorted(conflicts))


# --- examples ----------------------------------------------------------------------------------

def test_entry_with_too_few_judges_after_conflicts_is_named():
    entries = {"E1": "life", "E2": "life"}
    judges = {f"J{i}": {"life"} for i in range(4)}
    conflicts = {("J0", "E2"), ("J1", "E2")}

    with pytest.raises(AssignmentError) as caught:
        assign_judges(entries=entries, judges=judges, k=3, conflicts=conflicts, seed=1)

    [problem] = caught.value.problems
    assert (problem.code, problem.params) == ("assignment.entry_short", {"entry": "E2", "available": 2, "k": 3})
    assert "E2" in caught.value.render("zh") and "2" in caught.value.render("en")


def test_fewer_judges_than_k_is_refused():
    with pytest.raises(AssignmentError) as caught:
        assign_judges(entries={"E1": "life"}, judges={"J1": set(), "J2": set()}, k=3, seed=0)

    assert [p.code for p in caught.value.problems] == ["assignment.too_few_judges"]


def test_k_below_one_is_refused():
    with pytest.raises(AssignmentError) as caught:
        assign_judges(entries={"E1": "life"}, judges={"J1": set()}, k=0, seed=0)

    assert [p.code for p in caught.value.problems] == ["assignment.k_not_positive"]


def test_design_that_cannot_be_connected_is_refused_unless_allowed():
    entries = {"E1": "life", "E2": "public"}
    judges = {f"J{i}": set() for i in range(4)}  # four judges with one seat each: two islands

    with pytest.raises(AssignmentError) as caught:
        assign_judges(entries=entries, judges=judges, k=2, seed=0)
    pairs = assign_judges(entries=entries, judges=judges, k=2, seed=0, require_connected=False)

    assert [p.code for p in caught.value.problems] == ["assignment.disconnected"]
    assert loads_of(pairs, judges) == dict.fromkeys(judges, 1)


def test_no_entries_gives_no_assignment():
    assert assign_judges(entries={}, judges={"J1": set()}, k=3, seed=0) == []


def test_experts_take_their_tracks_while_the_graph_stays_connected():
    # five tracks of 40 entries and five experts per track: every seat could go to an expert, but
    # judges then never meet across tracks; a few swaps connect them and cost almost no expertise
    entries = {f"{t}-{i:02d}": t for t in TRACKS for i in range(40)}
    judges = {f"{t}-J{j}": {t} for t in TRACKS for j in range(5)}

    pairs = assign_judges(entries=entries, judges=judges, k=5, seed=7)
    stats = assignment_stats(pairs=pairs, entries=entries, judges=judges)

    assert stats.components == 1
    assert stats.expert_share >= 0.95
    assert set(stats.loads.values()) == {40}


def test_expertise_weight_zero_ignores_expertise():
    entries = {f"{t}-{i:02d}": t for t in TRACKS for i in range(40)}
    judges = {f"{t}-J{j}": {t} for t in TRACKS for j in range(5)}

    pairs = assign_judges(entries=entries, judges=judges, k=5, seed=7, expertise_weight=0.0)
    stats = assignment_stats(pairs=pairs, entries=entries, judges=judges)

    assert stats.expert_share < 0.5


def test_conflicts_that_unbalance_the_greedy_are_balanced_by_moving_seats():
    # judge J0 is in conflict with the first half of the entries, which the greedy visits first
    entries = {f"E{i:02d}": "life" for i in range(20)}
    judges = {f"J{j}": {"life"} for j in range(6)}
    conflicts = {("J0", f"E{i:02d}") for i in range(10)} | {("J1", f"E{i:02d}") for i in range(5)}

    pairs = assign_judges(entries=entries, judges=judges, k=3, conflicts=conflicts, seed=3)

    loads = loads_of(pairs, judges).values()
    assert max(loads) - min(loads) <= 1
    assert set(pairs).isdisjoint(conflicts)


def test_ids_may_be_integers():
    entries = {i: TRACKS[i % 5] for i in range(1, 31)}
    judges = {100 + j: {TRACKS[j % 5]} for j in range(8)}

    pairs = assign_judges(entries=entries, judges=judges, k=3, seed=1)

    assert all(isinstance(j, int) and isinstance(e, int) for j, e in pairs)
    assert Counter(e for _, e in pairs) == dict.fromkeys(entries, 3)


def test_different_seeds_give_different_assignments():
    entries = {f"E{i:02d}": TRACKS[i % 5] for i in range(50)}
    judges = {f"J{j:02d}": {TRACKS[j % 5]} for j in range(12)}

    first = assign_judges(entries=entries, judges=judges, k=4, seed=1)
    second = assign_judges(entries=entries, judges=judges, k=4, seed=2)

    assert first != second
