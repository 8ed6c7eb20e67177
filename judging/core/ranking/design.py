"""The judge–entry design as integer arrays, and its connectivity (which groups can be compared)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from judging.errors import Problem, RankingError

MAX_NAMED_IDS = 5  # a group is named by its first few judges and entries; the rest are counted


@dataclass(frozen=True)
class Design:
    """Score sheets as codes: sheet ``k`` is judge ``judge[k]`` scoring entry ``entry[k]`` with ``y[k]``.

    ``criteria``, when the rubric has several criteria, holds sheet ``k``'s criterion scores in row ``k``
    (NaN where the sheet lacks one): the calibrated fit reads each judge's noise from the spread between
    them as well (``calibrated.criterion_noise_evidence``); ``y`` alone is what is ranked.
    """

    judge: np.ndarray
    entry: np.ndarray
    y: np.ndarray
    judge_ids: np.ndarray
    entry_ids: np.ndarray
    criteria: np.ndarray | None = None

    @property
    def n_judges(self) -> int:
        return len(self.judge_ids)

    @property
    def n_entries(self) -> int:
        return len(self.entry_ids)

    def judge_counts(self) -> np.ndarray:
        return np.bincount(self.judge, minlength=self.n_judges)

    def entry_counts(self) -> np.ndarray:
        return np.bincount(self.entry, minlength=self.n_entries)

    def entry_mean(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.entry, values, self.n_entries) / self.entry_counts()

    def judge_mean(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.judge, values, self.n_judges) / self.judge_counts()


def build_design(sheets: pd.DataFrame, *, value: str = "total", criteria: list[str] | None = None) -> Design:
    """Encode sheets (``judge_id, entry_id`` and a value column) in order of first appearance;
    ``criteria`` names columns of criterion scores to keep beside the value (``Design.criteria``)."""
    judge_codes, judge_ids = pd.factorize(sheets["judge_id"], sort=False)
    entry_codes, entry_ids = pd.factorize(sheets["entry_id"], sort=False)
    return Design(
        judge=judge_codes.astype(np.int64),
        entry=entry_codes.astype(np.int64),
        y=sheets[value].to_numpy(dtype=float),
        judge_ids=np.asarray(judge_ids, dtype=object),
        entry_ids=np.asarray(entry_ids, dtype=object),
        criteria=_criteria(sheets[criteria].to_numpy(dtype=float) if criteria else None),
    )


def _criteria(values: np.ndarray | None) -> np.ndarray | None:
    """Criterion scores per sheet, kept only when there are at least two criteria."""
    if values is None or values.ndim != 2 or values.shape[1] < 2:
        return None
    return np.asarray(values, dtype=float)


def design_from_codes(*, judge: np.ndarray, entry: np.ndarray, y: np.ndarray, judge_names: np.ndarray,
                      entry_names: np.ndarray, criteria: np.ndarray | None = None) -> tuple[Design, np.ndarray, np.ndarray]:
    """``build_design`` for sheets already coded (into ``judge_names`` / ``entry_names``).

    Returns the design and, per design judge and entry, its code in those name arrays.
    """
    judge_codes, judges = pd.factorize(judge, sort=False)
    entry_codes, entries = pd.factorize(entry, sort=False)
    design = Design(judge=judge_codes.astype(np.int64), entry=entry_codes.astype(np.int64),
                    y=np.asarray(y, dtype=float), judge_ids=judge_names[judges], entry_ids=entry_names[entries],
                    criteria=_criteria(criteria))
    return design, judges, entries


def components(design: Design) -> tuple[int, np.ndarray, np.ndarray]:
    """Connected groups of the bipartite judge–entry graph: (count, label per judge, label per entry)."""
    nj, ne = design.n_judges, design.n_entries
    graph = sparse.coo_matrix(
        (np.ones(len(design.y)), (design.judge, nj + design.entry)), shape=(nj + ne, nj + ne)
    )
    count, labels = connected_components(graph, directed=False)
    return count, labels[:nj], labels[nj:]


def _name(ids: np.ndarray) -> str:
    shown = ", ".join(str(i) for i in ids[:MAX_NAMED_IDS])
    return shown + (f" … (+{len(ids) - MAX_NAMED_IDS})" if len(ids) > MAX_NAMED_IDS else "")


def check_connected(design: Design, *, entry_tracks: np.ndarray | None = None) -> np.ndarray:
    """The group label per entry, or raise ``RankingError`` naming the groups that cannot be compared.

    A design split into several groups is accepted only when every track lies inside one group
    (awards are per track, so entries of different groups are never compared); otherwise the
    error lists each group's judges and entries, so the organiser can add a bridging judge.
    """
    count, judge_labels, entry_labels = components(design)
    if count == 1:
        return entry_labels
    if entry_tracks is not None:
        per_track = pd.Series(entry_labels).groupby(np.asarray(entry_tracks)).nunique()
        if (per_track.to_numpy() == 1).all():
            return entry_labels
    problems = [Problem("rank.disconnected", {"n": count})]
    for label in range(count):
        problems.append(Problem("rank.group", {
            "group": label + 1,
            "judges": _name(design.judge_ids[judge_labels == label]),
            "entries": _name(design.entry_ids[entry_labels == label]),
        }))
    raise RankingError(problems)
