"""The 公示 window on the official PRC calendar: holidays and 调休 working weekend days count."""

from __future__ import annotations

from datetime import date

import pytest

from judging.core.calendar import objection_window_end, prc_calendar


@pytest.mark.parametrize(("start", "days", "end"), [
    (date(2026, 9, 28), 5, date(2026, 10, 9)),  # across National Day: 1–7 October off
    (date(2026, 2, 12), 5, date(2026, 2, 25)),  # Spring Festival; Saturday 14 February is worked (调休)
    (date(2026, 11, 23), 5, date(2026, 11, 27)),  # an ordinary week
])
def test_window_counts_prc_working_days(start, days, end):
    assert objection_window_end(start, days) == end


def test_a_local_day_off_moves_the_end():
    assert objection_window_end(date(2026, 11, 23), 5, local_days_off=[date(2026, 11, 25)]) == date(2026, 11, 30)


def test_the_calendar_knows_the_2026_weekend_workdays():
    days_off, workdays = prc_calendar([2026])

    assert {date(2026, 2, 14), date(2026, 10, 10)} <= workdays and date(2026, 10, 1) in days_off
    assert all(day.year == 2026 for day in days_off | workdays)
