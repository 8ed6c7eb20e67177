"""Working days of the objection window and changes applied to a list."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from judging.core.publication import (
    PublicationError,
    TierChange,
    apply_changes,
    tier_differences,
    window_closed,
    window_end,
)


@pytest.mark.parametrize(("start", "days", "end"), [
    (date(2026, 11, 23), 5, date(2026, 11, 27)),  # Monday + 5 working days = Friday
    (date(2026, 11, 25), 5, date(2026, 12, 1)),  # Wednesday: over the weekend to Tuesday
    (date(2026, 11, 28), 5, date(2026, 12, 4)),  # published on a Saturday: Monday is day one
    (date(2026, 11, 23), 1, date(2026, 11, 23)),
])
def test_window_end_counts_monday_to_friday(start, days, end):
    assert window_end(start, days) == end


def test_window_end_skips_holidays_and_counts_adjusted_workdays():
    national_day = [date(2026, 10, d) for d in range(1, 8)]
    worked_saturday = [date(2026, 10, 10)]

    assert window_end(date(2026, 9, 30), 5, holidays=national_day, workdays=worked_saturday) == date(2026, 10, 12)


def test_window_is_closed_from_the_day_after_its_end():
    assert [window_closed(date(2026, 11, 23), 5, d) for d in (date(2026, 11, 27), date(2026, 11, 28))] == [False, True]


def test_window_of_no_days_is_refused():
    with pytest.raises(PublicationError, match="at least 1 working day"):
        window_end(date(2026, 11, 23), 0)


def test_apply_changes_marks_changed_rows_and_relabels():
    table = pd.DataFrame({"entry_id": ["A", "B", "C"], "track": ["t", "t", "t"], "tier": ["first", "second", ""],
                          "tier_label": ["一等奖", "二等奖", ""], "rank": [1, 2, 3]})
    changes = [TierChange("A", "", "知识产权纠纷"), TierChange("C", "second", "递补")]

    out = apply_changes(table, changes, labels={"first": "一等奖", "second": "二等奖"})

    assert out[["entry_id", "tier", "tier_label", "changed", "change_reason", "rank"]].values.tolist() == [
        ["A", "", "", True, "知识产权纠纷", 1], ["B", "second", "二等奖", False, "", 2],
        ["C", "second", "二等奖", True, "递补", 3]]
    assert tier_differences(table, out)[["entry_id", "tier_before", "tier_after"]].values.tolist() == [
        ["A", "first", ""], ["C", "", "second"]]


def test_apply_changes_to_an_unknown_entry_is_refused():
    table = pd.DataFrame({"entry_id": ["A"], "track": ["t"], "tier": ["first"]})

    with pytest.raises(PublicationError, match="no entry X"):
        apply_changes(table, [TierChange("X", "", "r")])


def test_publication_gaps_count_unscored_and_unsubmitted_sheets_and_flagged_entries():
    from judging.core.publication import PublicationGaps, publication_gaps

    sheets = [{"scored": 0, "status": ""}, {"scored": 2, "status": "draft"}, {"scored": 3, "status": "submitted"}]

    assert publication_gaps(sheets, flagged=4) == PublicationGaps(unscored=1, unsubmitted=2, flagged=4)
    assert not publication_gaps([{"scored": 3, "status": "submitted"}], flagged=0).any
