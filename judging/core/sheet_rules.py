"""The rules of a judge's score sheet: when a judge may change it (one place, no database)."""

from __future__ import annotations

from dataclasses import dataclass

from judging.errors import PermissionDenied, Problem


@dataclass(frozen=True)
class SheetFacts:
    """What the rules need to know of one judge's sheet on one entry, read in one query by the store."""

    round_name: str
    round_open: bool
    assigned: bool  # the entry is assigned to the judge in the round
    in_conflict: bool  # the judge declared or was given a conflict (回避) with the entry
    submitted: bool


def check_may_score(facts: SheetFacts) -> None:
    """Refuse unless the round is open, the entry is assigned to the judge, there is no conflict and
    the sheet is not submitted (in this order: the first broken rule is the one the judge is told)."""
    if not facts.round_open:
        raise PermissionDenied(Problem("store.round_not_open", {"round": facts.round_name}))
    if not facts.assigned:
        raise PermissionDenied(Problem("store.not_assigned", {}))
    if facts.in_conflict:
        raise PermissionDenied(Problem("store.in_conflict", {}))
    if facts.submitted:
        raise PermissionDenied(Problem("store.sheet_submitted", {}))
