"""The official calendar of the 公示: PRC public holidays and the weekend days worked in their place (调休).

From the ``holidays`` package (State Council notices, year by year), with the organiser's own list of
local days off on top. Pure: dates in, dates out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

import holidays as holiday_calendars

from judging.core.publication import window_end

COUNTRY = "CN"


def prc_calendar(years: Iterable[int]) -> tuple[frozenset[date], frozenset[date]]:
    """The public holidays and the weekend days worked (调休) of ``years``."""
    wanted = sorted(set(years))
    calendar = holiday_calendars.country_holidays(COUNTRY, years=wanted)
    days_off = frozenset(day for day in calendar if day.year in wanted)
    workdays = frozenset(day for day in calendar.weekend_workdays if day.year in wanted)
    return days_off, workdays


def window_calendar(start: date, *, local_days_off: Collection[date] = ()) -> tuple[frozenset[date], frozenset[date]]:
    """The days off and weekend workdays that count for a window starting on ``start`` (its year and the
    next, which a window in late December runs into), the local days off included."""
    days_off, workdays = prc_calendar((start.year, start.year + 1))
    local = frozenset(local_days_off)
    return days_off | local, workdays - local


def objection_window_end(start: date, working_days: int, *, local_days_off: Collection[date] = ()) -> date:
    """The last day of an objection window of ``working_days`` PRC working days from ``start``."""
    days_off, workdays = window_calendar(start, local_days_off=local_days_off)
    return window_end(start, working_days, holidays=days_off, workdays=workdays)
