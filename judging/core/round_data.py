"""Everything a round's ranking is computed from, as one value, and the one way to rank it.

The store reads a ``RoundData`` in one call (``judging.store.scores.round_data``); the results page,
the 公示, the bundle, the progress monitor, advancement and the live board all rank through
``rank_round``, so that they cannot disagree about which scores, vetoes or settings count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import pandas as pd

from judging.core.bundle import BundleSettings, canonical_scores
from judging.core.ranking import AwardConfig, RankingResult
from judging.core.rubric import Rubric

VETO_COLUMNS = ("entry_id", "judge_id", "veto_key", "reason")
ENTRY_COLUMNS = ("entry_id", "track", "title", "organisation", "recommending_unit")


@dataclass(frozen=True, eq=False)
class RoundData:
    """A round's ranking inputs as stored when they were read.

    ``scores`` are as the store read them (one round: sorted by entry, judge and criterion, with the
    judges' comments); ``canonical_scores`` is the copy a bundle stores and reads back, made only for
    the rankings that must be reproducible from it. ``vetoes`` and ``entries`` have ``VETO_COLUMNS``
    and ``ENTRY_COLUMNS``; ``version`` changes whenever the scores, vetoes, conflicts, entries, method
    or rubric could (not with comments alone, which no ranking reads), so that a cache keyed on it is
    never stale.
    """

    round_id: int
    round_key: str
    method: str  # the round's own method
    rubric: Rubric
    scores: pd.DataFrame
    vetoes: pd.DataFrame
    entries: pd.DataFrame
    version: tuple

    @cached_property
    def canonical_scores(self) -> pd.DataFrame:
        """The scores written and read back as the bundle's ``scores.csv`` (seconds for a national
        round: a CSV round trip with every check), so that a published ranking is the bundle's."""
        return canonical_scores(self.scores, self.rubric) if len(self.scores) else self.scores

    @property
    def empty(self) -> bool:
        return self.scores.empty

    @property
    def veto_frame(self) -> pd.DataFrame | None:
        return self.vetoes if len(self.vetoes) else None

    def settings(self, **changes: object) -> BundleSettings:
        """The round's own settings (its method, the default awards), with ``changes``."""
        return replace(BundleSettings(method=self.method), **changes)  # type: ignore[arg-type]  # fields by name


def rank_round(data: RoundData, settings: BundleSettings | None = None) -> RankingResult:
    """Rank the round with ``settings`` (default: the round's own) as its bundle would: the canonical
    scores and the vetoes. The results page, the 公示 and the bundle rank through this."""
    return (settings or data.settings()).rank(data.canonical_scores, data.rubric, data.veto_frame)


def order_round(data: RoundData, *, n_draws: int) -> RankingResult:
    """A ranking that only orders entries (advancement, the monitor's diagnostics): the round's method,
    no award tiers and no vetoes (a veto bars an award, not a place, and one ticked before any score
    of the entry must not stop it), on the scores as read: nothing here is published or reproduced
    from a bundle, so it skips the canonical copy."""
    return data.settings(awards=AwardConfig(tiers=()), n_draws=n_draws).rank(data.scores, data.rubric, None)


def with_entries(table: pd.DataFrame, entries: pd.DataFrame) -> pd.DataFrame:
    """The engine's table with each entry's title and organisations."""
    info = entries.drop(columns=["track"], errors="ignore").drop_duplicates("entry_id")
    merged = table.merge(info, on="entry_id", how="left")
    for column in ("title", "organisation", "recommending_unit"):
        merged[column] = merged[column].fillna("")
    return merged


def ranked_list(data: RoundData, result: RankingResult) -> pd.DataFrame:
    """The ranking as a list with the entries' names: what the results page shows and 公示 publishes."""
    return with_entries(result.table, data.entries)
