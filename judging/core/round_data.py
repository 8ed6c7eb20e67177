"""Everything a round's ranking is computed from, as one value, and the one way to rank it.

The store reads a ``RoundData`` in one call (``judging.store.scores.round_data``); the results page,
the 公示, the bundle, the progress monitor, advancement and the live board all rank through
``rank_round``, so that they cannot disagree about which scores, vetoes or settings count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from judging.core.bundle import BundleSettings
from judging.core.ranking import AwardConfig, RankingResult
from judging.core.rubric import Rubric

VETO_COLUMNS = ("entry_id", "judge_id", "veto_key", "reason")
ENTRY_COLUMNS = ("entry_id", "track", "title", "organisation", "recommending_unit")


@dataclass(frozen=True, eq=False)
class RoundData:
    """A round's ranking inputs as stored when they were read.

    ``scores`` are in the bundle's canonical order (with the judges' comments); ``vetoes`` and
    ``entries`` have ``VETO_COLUMNS`` and ``ENTRY_COLUMNS``; ``version`` changes whenever any of
    them could, so that a cache keyed on it is never stale.
    """

    round_id: int
    round_key: str
    method: str  # the round's own method
    rubric: Rubric
    scores: pd.DataFrame
    vetoes: pd.DataFrame
    entries: pd.DataFrame
    version: tuple

    @property
    def empty(self) -> bool:
        return self.scores.empty

    @property
    def veto_frame(self) -> pd.DataFrame | None:
        return self.vetoes if len(self.vetoes) else None

    def settings(self, **changes: object) -> BundleSettings:
        """The round's own settings (its method, the default awards), with ``changes``."""
        return replace(BundleSettings(method=self.method), **changes)


# the settings of a ranking that only orders entries (advancement, the live board, the monitor's diagnostics)
def no_awards(data: RoundData, *, n_draws: int) -> BundleSettings:
    return data.settings(awards=AwardConfig(tiers=()), n_draws=n_draws)


def rank_round(data: RoundData, settings: BundleSettings | None = None, *, vetoes: bool = True) -> RankingResult:
    """Rank the round's scores with ``settings`` (default: the round's own), with the vetoes unless
    ``vetoes`` is false: a veto bars an award, not a place, so a ranking that only orders entries
    (advancement, the monitor's diagnostics) leaves them out, and a veto ticked before any score of
    the entry cannot stop it."""
    return (settings or data.settings()).rank(data.scores, data.rubric, data.veto_frame if vetoes else None)


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
