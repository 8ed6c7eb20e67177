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


# the message of each broken rule, for a change to the sheet and for declaring a conflict on it (which
# sends the judge to the organiser, and is no refusal when the conflict is recorded already)
SCORING: dict[str, str | None] = {"round": "store.round_not_open", "assigned": "store.not_assigned", "conflict": "store.in_conflict",
           "submitted": "store.sheet_submitted"}
DECLARING: dict[str, str | None] = {"round": "conflict.round_not_open", "assigned": "conflict.not_assigned", "conflict": None,
             "submitted": "conflict.sheet_submitted"}


def check_may_score(facts: SheetFacts, *, codes: dict[str, str | None] = SCORING) -> None:
    """Refuse unless the round is open, the entry is assigned to the judge, there is no conflict and
    the sheet is not submitted (in this order: the first broken rule is the one the judge is told)."""
    broken = [("round", not facts.round_open), ("assigned", not facts.assigned),
              ("conflict", facts.in_conflict), ("submitted", facts.submitted)]
    for rule, is_broken in broken:
        code = codes[rule]
        if is_broken and code is not None:
            params: dict[str, object] = {"round": facts.round_name} if rule == "round" else {}
            raise PermissionDenied(Problem(code, params))
