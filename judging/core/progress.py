"""Progress of a round: per judge and per track, who is behind, which entries still miss scores.

Pure: rows of (judge, entry, track, criteria scored, sheet status) in, data frames out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd

from judging.core.states import SheetStatus

BEHIND_MARGIN = 0.15  # a judge 15 points of their load behind the expected pace is worth a reminder
PROGRESS_COLUMNS = ("judge", "entry", "track", "scored", "status")


def _frame(rows: Iterable[Mapping]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    if frame.empty:
        frame = pd.DataFrame(columns=[*PROGRESS_COLUMNS, "judge_name", "title", "track_name"])
    frame["submitted"] = frame["status"] == SheetStatus.SUBMITTED
    frame["started"] = frame["scored"].astype(int) > 0
    return frame


def expected_share(*, starts_on: str, ends_on: str, today: date) -> float | None:
    """The share of sheets that should be submitted by ``today`` at an even pace (None without dates)."""
    try:
        start, end = date.fromisoformat(starts_on), date.fromisoformat(ends_on)
    except (TypeError, ValueError):
        return None
    days = (end - start).days + 1
    return min(max(((today - start).days + 1) / days, 0.0), 1.0)


def judge_progress(rows: Iterable[Mapping], *, expected: float | None = None) -> pd.DataFrame:
    """One row per judge: ``judge, judge_name, assigned, started, submitted, share, behind``.

    ``behind`` compares the judge's submitted share with ``expected`` (the pace the round's dates
    ask for) minus ``BEHIND_MARGIN``; without dates, with the median judge's share.
    """
    frame = _frame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["judge", "judge_name", "assigned", "started", "submitted", "share", "behind"])
    names = frame.groupby("judge")["judge_name"].first() if "judge_name" in frame else None
    table = frame.groupby("judge").agg(assigned=("entry", "size"), started=("started", "sum"),
                                       submitted=("submitted", "sum")).reset_index()
    table.insert(1, "judge_name", table["judge"].map(names) if names is not None else "")
    table["share"] = table["submitted"] / table["assigned"]
    pace = expected if expected is not None else float(table["share"].median())
    table["behind"] = (table["share"] < pace - BEHIND_MARGIN) & (table["share"] < 1)
    return table.sort_values(["share", "judge"], kind="stable").reset_index(drop=True)


def track_progress(rows: Iterable[Mapping]) -> pd.DataFrame:
    """One row per track: ``track, sheets, started, submitted, share``."""
    frame = _frame(rows)
    table = frame.groupby("track").agg(sheets=("entry", "size"), started=("started", "sum"),
                                       submitted=("submitted", "sum")).reset_index()
    table["share"] = table["submitted"] / table["sheets"].where(table["sheets"] > 0, 1)
    return table


def entries_missing(rows: Iterable[Mapping]) -> pd.DataFrame:
    """Entries with a sheet not yet submitted: ``entry, title, track, assigned, submitted, waiting_for``."""
    frame = _frame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["entry", "title", "track", "assigned", "submitted", "waiting_for"])
    # who is awaited, by display name (the user name where an account has none)
    who = frame["judge_name"].where(frame["judge_name"].astype(bool), frame["judge"]) if "judge_name" in frame else frame["judge"]
    waiting = frame.assign(who=who)[~frame["submitted"]].groupby("entry")["who"].agg(lambda s: "、".join(sorted(s)))
    table = frame.groupby("entry").agg(title=("title", "first"), track=("track", "first"),
                                       assigned=("judge", "size"), submitted=("submitted", "sum")).reset_index()
    table = table[table["submitted"] < table["assigned"]].copy()
    table["waiting_for"] = table["entry"].map(waiting)
    return table.sort_values(["submitted", "entry"], kind="stable").reset_index(drop=True)
