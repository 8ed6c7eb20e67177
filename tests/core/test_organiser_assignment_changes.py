"""Manual additions and gap filling after conflicts or drop-outs (judging.core.assignment_changes)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from judging.core.assignment import AssignmentError, assign_judges, count_components
from judging.core.assignment_changes import check_addition, fill_gaps, load_and_coverage, short_entries

ENTRIES = {f"e{i}": "life" if i % 2 else "public" for i in range(8)}
JUDGES = {f"j{i}": ("life",) if i < 3 else ("public",) for i in range(6)}


@pytest.mark.parametrize("kwargs, code", [
    ({"judge_ok": False}, "oc.asg.not_a_judge"),
    ({"same_edition": False}, "oc.asg.other_edition"),
    ({"conflicts": {("j", "e")}}, "oc.asg.in_conflict"),
    ({"assigned": {("j", "e")}}, "oc.asg.already"),
])
def test_check_addition_refuses_with_the_reason(kwargs, code):
    args = {"judge_id": "j", "entry_id": "e", "judge_ok": True, "same_edition": True, "assigned": set(),
            "conflicts": set()} | kwargs
    with pytest.raises(AssignmentError) as caught:
        check_addition(**args)
    assert [p.code for p in caught.value.problems] == [code]


def test_declared_conflict_gets_one_replacement_keeping_everything_else():
    pairs = assign_judges(entries=ENTRIES, judges=JUDGES, k=3, seed=1)
    judge, entry = pairs[0]
    added = fill_gaps(pairs=pairs, entries=ENTRIES, judges=JUDGES, k=3, conflicts={(judge, entry)}, seed=1)
    assert len(added) == 1
    new_judge, new_entry = added[0]
    assert new_entry == entry and new_judge != judge
    assert (new_judge, entry) not in pairs


def test_drop_out_moves_every_seat_to_others_with_balanced_load():
    pairs = assign_judges(entries=ENTRIES, judges=JUDGES, k=3, seed=1)
    kept = [p for p in pairs if p[0] != "j0"]
    others = {j: x for j, x in JUDGES.items() if j != "j0"}
    added = fill_gaps(pairs=kept, entries=ENTRIES, judges=others, k=3, seed=1)
    loads, cover = load_and_coverage(pairs=kept + added, entries=ENTRIES, judges=others)
    assert len(added) == len(pairs) - len(kept)
    assert all(row["judges"] == 3 for row in cover)
    assert max(r["load"] for r in loads) - min(r["load"] for r in loads) <= 1
    assert count_components(kept + added) == 1


def test_impossible_gap_names_the_entry():
    with pytest.raises(AssignmentError) as caught:
        fill_gaps(pairs=[], entries={"e0": "life"}, judges={"j0": ()}, k=2)
    assert [(p.code, p.params["entry"]) for p in caught.value.problems] == [("oc.asg.no_replacement", "e0")]


def test_short_entries_do_not_count_conflicted_pairs():
    pairs = [("a", "e1"), ("b", "e1"), ("a", "e2")]
    assert short_entries(pairs=pairs, entries=["e1", "e2", "e3"], conflicts={("b", "e1")}, k=2) == {
        "e1": 1, "e2": 1, "e3": 0}


@settings(max_examples=60, deadline=None)
@given(n_entries=st.integers(1, 12), n_judges=st.integers(2, 8), k=st.integers(1, 3), seed=st.integers(0, 99),
       data=st.data())
def test_fill_gaps_restores_k_without_conflicts_or_duplicates(n_entries, n_judges, k, seed, data):
    assume(k <= n_judges)
    entries = {f"e{i}": "t" for i in range(n_entries)}
    judges = {f"j{i}": () for i in range(n_judges)}
    pairs = assign_judges(entries=entries, judges=judges, k=k, seed=seed, require_connected=False)
    conflicts = set(data.draw(st.lists(st.sampled_from(pairs), max_size=3)))
    try:
        added = fill_gaps(pairs=pairs, entries=entries, judges=judges, k=k, conflicts=conflicts, seed=seed)
    except AssignmentError as exc:
        assert all(p.code == "oc.asg.no_replacement" for p in exc.problems)
        return
    final = [p for p in pairs if p not in conflicts] + added
    assert len(set(final)) == len(final)
    assert not set(added) & conflicts
    assert short_entries(pairs=final, entries=entries, conflicts=conflicts, k=k) == {}
    assert fill_gaps(pairs=pairs, entries=entries, judges=judges, k=k, conflicts=conflicts, seed=seed) == added
