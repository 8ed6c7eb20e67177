"""Extra judges for the entries the panel must discuss: 回避, load, no judge twice, clear refusals."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.core.assignment import AssignmentError, assign_judges
from judging.core.extra_judges import least_sure_first, most_uncertain_first, propose_extra_judges

ENTRIES = {f"E{i:02d}": "life" if i % 2 else "public" for i in range(20)}
JUDGES = {f"J{j:02d}": ("life",) if j % 3 else ("public",) for j in range(10)}


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 1000), extra=st.integers(1, 3), n_listed=st.integers(1, 8),
       conflict_seeds=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 19)), max_size=12))
def test_proposal_respects_conflicts_never_repeats_a_judge_and_balances_load(seed, extra, n_listed, conflict_seeds):
    conflicts = {(f"J{j:02d}", f"E{e:02d}") for j, e in conflict_seeds}
    pairs = assign_judges(entries=ENTRIES, judges=JUDGES, k=3, conflicts=conflicts, seed=seed)
    listed = sorted(ENTRIES)[:n_listed]

    added = propose_extra_judges(pairs=pairs, listed=listed, entries=ENTRIES, judges=JUDGES, extra=extra,
                                 conflicts=conflicts, seed=seed, expertise_weight=0.0)

    assert Counter(e for _, e in added) == dict.fromkeys(listed, extra)
    assert not set(added) & conflicts
    assert not set(added) & set(pairs) and len(set(added)) == len(added)
    # balanced: replayed in order, every seat went to a judge with the fewest sheets among those free for it
    load = Counter(j for j, e in pairs if (j, e) not in conflicts)
    on = {e: {j for j, x in pairs if x == e and (j, x) not in conflicts} for e in listed}
    for judge, entry in added:
        free = [j for j in JUDGES if j not in on[entry] and (j, entry) not in conflicts]
        assert load[judge] == min(load[j] for j in free)
        load[judge] += 1
        on[entry].add(judge)


def test_experts_of_the_entrys_track_come_first():
    pairs = assign_judges(entries=ENTRIES, judges=JUDGES, k=3, seed=1)

    added = propose_extra_judges(pairs=pairs, listed=["E00"], entries=ENTRIES, judges=JUDGES, extra=2, seed=1)

    assert all("public" in JUDGES[j] for j, _ in added)


def test_an_entry_without_enough_free_judges_is_refused_by_name():
    pairs = [(j, "E00") for j in list(JUDGES)[:8]]

    with pytest.raises(AssignmentError) as info:
        propose_extra_judges(pairs=pairs, listed=["E00"], entries=ENTRIES, judges=JUDGES, extra=3,
                             conflicts={("J08", "E00")})

    assert [(p.code, p.params) for p in info.value.problems] == [
        ("oc.asg.no_replacement", {"entry": "E00", "available": 9, "k": 11})]


def test_listed_entries_come_lowest_probability_of_their_tier_first():
    table = pd.DataFrame({"entry_id": ["A", "B", "C", "D"], "tier": ["first", "", "second", "first"],
                          "discuss": ["coin_flip", "error_budget", "", "error_budget"],
                          "p_tier_first": [0.45, 0.30, 0.10, 0.60], "p_tier_second": [0.50, 0.30, 0.80, 0.40],
                          "p_tier_none": [0.05, 0.40, 0.10, 0.00]})

    assert most_uncertain_first(table) == ["B", "A", "D"]  # B: P(no award) .40, A: P(first) .45; C not listed


def test_a_wave_takes_the_share_of_entries_least_sure_of_their_tier_listed_or_not():
    table = pd.DataFrame({"entry_id": ["A", "B", "C", "D", "E"], "tier": ["first", None, "second", "first", None],
                          "discuss": ["coin_flip", "", "", "", ""],
                          "p_tier_first": [0.45, 0.30, 0.10, 0.90, None], "p_tier_second": [0.50, 0.30, 0.80, 0.10, None],
                          "p_tier_none": [0.05, 0.40, 0.10, 0.00, None]})  # E: vetoed, no probabilities

    assert least_sure_first(table, 0.5) == ["B", "A"]  # P(assigned) B .40, A .45, C .80, D .90; E left out
    assert least_sure_first(table, 0.01) == ["B"]  # at least one
    assert least_sure_first(table, 1.0) == ["B", "A", "C", "D"]


@settings(max_examples=60, deadline=None)
@given(p=st.lists(st.floats(0, 1), min_size=1, max_size=40), share=st.floats(0.01, 1))
def test_a_wave_is_sorted_by_the_probability_of_the_assigned_tier_and_sized_by_the_share(p, share):
    table = pd.DataFrame({"entry_id": [f"E{i}" for i in range(len(p))], "tier": ["first"] * len(p),
                          "discuss": [""] * len(p), "p_tier_first": p, "p_tier_none": [1 - x for x in p]})

    wave = least_sure_first(table, share)

    chosen = [p[int(e[1:])] for e in wave]
    assert len(wave) == max(1, round(share * len(p))) and chosen == sorted(chosen)
    assert max(chosen) <= min([x for i, x in enumerate(p) if f"E{i}" not in wave], default=1.0)



def test_with_precision_the_seats_go_to_the_most_precise_free_judges_within_the_load_cap():
    pairs = assign_judges(entries=ENTRIES, judges=JUDGES, k=3, seed=1)
    precision = {f"J{j:02d}": float(j) for j in range(9)}  # J09 has none: counts as the median judge (4.0)
    listed = sorted(ENTRIES)[:6]

    added = propose_extra_judges(pairs=pairs, listed=listed, entries=ENTRIES, judges=JUDGES, extra=1, seed=1,
                                 expertise_weight=0.0, precision=precision, load_cap=1.0)

    assert Counter(e for _, e in added) == dict.fromkeys(listed, 1)
    cap = 2  # max(2, ceil(1.0 × 6 seats / 10 judges))
    given = Counter()
    for judge, entry in added:  # replayed: the most precise judge free for the entry and under the cap
        free = [j for j in JUDGES if (j, entry) not in set(pairs) and given[j] < cap]
        assert precision.get(judge, 4.0) == max(precision.get(j, 4.0) for j in free)
        given[judge] += 1
    assert max(given.values()) <= cap


def test_judge_precision_is_scale_over_noise_squared_and_leaves_out_judges_without_one():
    from judging.core.extra_judges import judge_precision

    judges = pd.DataFrame({"judge_id": ["A", "B", "C", "D", "A"], "scale": [1.0, 0.5, 1.0, 0.0, 1.0],
                           "noise": [2.0, 1.0, float("nan"), 3.0, 4.0]})

    assert judge_precision(judges) == pytest.approx({"A": (0.25 + 0.0625) / 2, "B": 0.25})
