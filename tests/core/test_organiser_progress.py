"""Round progress: per judge, per track, who is behind, entries missing scores (judging.core.progress)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.core.progress import entries_missing, expected_share, judge_progress, track_progress


def row(judge, entry, track, scored, status="draft"):
    return {"judge": judge, "judge_name": judge.upper(), "entry": entry, "title": f"T{entry}", "track": track,
            "scored": scored, "status": status}


ROWS = [row("a", "1", "x", 3, "submitted"), row("a", "2", "x", 3, "submitted"), row("a", "3", "y", 3, "submitted"),
        row("b", "1", "x", 2), row("b", "2", "x", 0), row("b", "3", "y", 3, "submitted"),
        row("c", "1", "x", 0), row("c", "2", "x", 0), row("c", "3", "y", 0)]


def test_judge_progress_against_the_median_pace():
    table = judge_progress(ROWS)
    assert table[["judge", "judge_name", "assigned", "started", "submitted", "behind"]].values.tolist() == [
        ["c", "C", 3, 0, 0, True], ["b", "B", 3, 2, 1, False], ["a", "A", 3, 3, 3, False]]


def test_judge_progress_against_the_dates():
    table = judge_progress(ROWS, expected=0.9).set_index("judge")
    assert table["behind"].to_dict() == {"c": True, "b": True, "a": False}


def test_track_progress():
    table = track_progress(ROWS)
    assert table[["track", "sheets", "started", "submitted"]].values.tolist() == [["x", 6, 3, 2], ["y", 3, 2, 2]]


def test_entries_missing_name_who_they_wait_for_by_display_name():
    table = entries_missing(ROWS)
    assert table[["entry", "submitted", "waiting_for"]].values.tolist() == [
        ["1", 1, "B、C"], ["2", 1, "B、C"], ["3", 2, "C"]]


def test_entries_missing_names_a_judge_without_a_display_name_by_user_name():
    rows = [row("b", "1", "x", 0) | {"judge_name": ""}, row("c", "1", "x", 0)]
    assert entries_missing(rows)["waiting_for"].tolist() == ["C、b"]


@pytest.mark.parametrize("today, share", [
    (date(2026, 5, 31), 0.0), (date(2026, 6, 1), 0.1), (date(2026, 6, 5), 0.5), (date(2026, 6, 10), 1.0),
    (date(2026, 7, 1), 1.0),
])
def test_expected_share_over_ten_days(today, share):
    assert expected_share(starts_on="2026-06-01", ends_on="2026-06-10", today=today) == pytest.approx(share)


def test_expected_share_without_dates_is_none():
    assert expected_share(starts_on="", ends_on="2026-06-10", today=date(2026, 6, 1)) is None


def test_empty_round_gives_empty_tables():
    assert judge_progress([]).empty and entries_missing([]).empty


@settings(deadline=None, max_examples=50)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("123"), st.integers(0, 3), st.booleans()),
                min_size=1, max_size=20, unique_by=lambda t: (t[0], t[1])))
def test_counts_add_up(items):
    rows = [row(j, e, "x", n, "submitted" if done else "draft") for j, e, n, done in items]
    judges = judge_progress(rows)
    assert judges["assigned"].sum() == len(rows)
    assert judges["submitted"].sum() == sum(done for *_, done in items)
    missing = entries_missing(rows)
    assert set(missing["entry"]) == {e for _, e, _, done in items if not done}
