"""The rules of the 公示 (publication) that need no database: working days and changes to a list.

Working days are Monday to Friday, less ``holidays`` and plus ``workdays`` (weekend dates worked).
The official PRC calendar of those (``judging.core.calendar``) is filled in by the store when a list
is published, and stored with it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from judging.errors import JudgingError, Problem

DEFAULT_OBJECTION_DAYS = 5  # "公示期为5个工作日" is the usual wording of provincial notices


class PublicationError(JudgingError):
    """A 公示 step is not allowed in the list's present state."""


def is_working_day(day: date, *, holidays: Collection[date] = (), workdays: Collection[date] = ()) -> bool:
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def window_end(start: date, working_days: int, *, holidays: Collection[date] = (),
               workdays: Collection[date] = ()) -> date:
    """The last day of an objection window of ``working_days`` working days beginning on ``start``.

    ``start`` counts when it is a working day (a list published on Monday with 5 days closes on
    Friday); published on a Saturday, the window starts on Monday.
    """
    if working_days < 1:
        raise PublicationError(Problem("pub.bad_window", {"days": working_days}))
    day, counted = start, 0
    while True:
        if is_working_day(day, holidays=holidays, workdays=workdays):
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)


def window_closed(start: date, working_days: int, today: date, *, holidays: Collection[date] = (),
                  workdays: Collection[date] = ()) -> bool:
    """True from the day after the window's last day."""
    return today > window_end(start, working_days, holidays=holidays, workdays=workdays)


@dataclass(frozen=True)
class TierChange:
    """A change to one entry's tier on the list (``tier`` empty = no award), with the reason."""

    entry_id: str
    tier: str
    reason: str
    source: str = "manual"  # manual | objection:<id> | reopening:<id>


def check_change(change: TierChange, *, entries: Collection[str], tiers: Collection[str]) -> None:
    if not change.reason.strip():
        raise PublicationError(Problem("pub.reason_required", {"entry": change.entry_id}))
    if change.entry_id not in entries:
        raise PublicationError(Problem("pub.unknown_entry", {"entry": change.entry_id}))
    if change.tier and change.tier not in tiers:
        raise PublicationError(Problem("pub.unknown_tier", {"tier": change.tier, "allowed": ", ".join(tiers)}))


def apply_changes(table: pd.DataFrame, changes: Iterable[TierChange], *,
                  labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The list with each change applied in order; ``tier_label`` follows when ``labels`` is given.

    A changed row gets ``changed`` True and the reasons in ``change_reason``; nothing else moves
    (ranks and scores stay what the engine computed, so that the change is visible as a change).
    """
    out = table.copy()
    if "changed" not in out.columns:
        out["changed"] = False
    if "change_reason" not in out.columns:
        out["change_reason"] = ""
    position = {entry: i for i, entry in enumerate(out["entry_id"].astype(str))}
    tiers = out["tier"].astype(object).to_numpy().copy()
    changed = out["changed"].to_numpy(dtype=bool).copy()
    reasons = out["change_reason"].astype(str).to_numpy(dtype=object).copy()
    for change in changes:
        i = position.get(change.entry_id)
        if i is None:
            raise PublicationError(Problem("pub.unknown_entry", {"entry": change.entry_id}))
        tiers[i] = change.tier
        changed[i] = True
        reasons[i] = change.reason if not reasons[i] else f"{reasons[i]}；{change.reason}"
    out["tier"], out["changed"], out["change_reason"] = tiers, changed, reasons
    if labels is not None and "tier_label" in out.columns:
        out["tier_label"] = [labels.get(str(k), "") for k in out["tier"]]
    return out


def tier_differences(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """``entry_id, track, tier_before, tier_after`` for every entry whose tier differs."""
    merged = before[["entry_id", "track", "tier"]].merge(
        after[["entry_id", "tier"]], on="entry_id", how="outer", suffixes=("_before", "_after"))
    merged = merged.fillna({"tier_before": "", "tier_after": ""})
    return merged[merged["tier_before"] != merged["tier_after"]].reset_index(drop=True)


@dataclass(frozen=True)
class PublicationGaps:
    """What an organiser should see before a round is closed and its list published (公示)."""

    unscored: int  # assigned sheets without any score
    unsubmitted: int  # assigned sheets not submitted (the unscored included)
    flagged: int  # entries the panel must discuss (ties, boundaries, disagreement, vetoes ...)

    @property
    def any(self) -> bool:
        return bool(self.unscored or self.unsubmitted or self.flagged)


def publication_gaps(sheets: Iterable[Mapping], *, flagged: int) -> PublicationGaps:
    """``sheets``: one mapping per assigned sheet with ``scored`` (criteria scored) and ``status``."""
    rows = list(sheets)
    return PublicationGaps(unscored=sum(1 for r in rows if not r["scored"]),
                           unsubmitted=sum(1 for r in rows if r["status"] != "submitted"), flagged=flagged)


def parse_dates(text: str) -> list[date]:
    """Dates typed as ``YYYY-MM-DD`` separated by commas, spaces or 、; ``PublicationError`` names a bad one."""
    days = []
    for part in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(","):
        if part.strip():
            try:
                days.append(date.fromisoformat(part.strip()))
            except ValueError:
                raise PublicationError(Problem("pub.bad_date", {"value": part.strip()})) from None
    return days
