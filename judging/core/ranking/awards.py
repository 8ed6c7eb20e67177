"""Award tiers (一等奖/二等奖/三等奖/优秀奖) per track: quotas, minimum scores, tie-break chain, tie flags.

The award configuration is a TOML file (format in docs/ranking.md; example in
rubrics/awards/example.toml). Allocation never orders entries silently: entries are compared on
their published score (rounded to ``score_decimals``), then on each tie-break key in turn; entries
still equal on every key share a rank, carry the ``tie`` flag, and a quota boundary falling inside
such a group is resolved by the explicit ``tie_policy`` (``include`` gives the whole group the
higher tier, ``exclude`` the lower one).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from judging.core.rubric import Label
from judging.errors import Problem, RankingError

TIE_POLICIES = ("include", "exclude")
SHARE_ROUNDING = ("floor", "round", "ceil")
TIE_BREAK_KEYS = ("first_places", "median", "raw", "n_judges")  # plus "criterion:<key>"
DEFAULT_SCORE_DECIMALS = 2  # published lists show two decimals; equal there means equal


@dataclass(frozen=True)
class Disagreement:
    """When the judges of one entry disagree enough to send it for another review (复评).

    Measured on the entry's weighted sheet totals: their range (max − min) and their SD.
    ``None`` switches a test off.
    """

    max_range: float | None = 30.0  # with severity removed, flags 4–6% of entries in the simulated random and
    # tracks contests (judges' noise SD 3–9); far more where judges are erratic (harsh) or noisy (NIPS-like)
    max_sd: float | None = 12.0  # about range / 2.3, the ratio of range to SD for five normal scores


@dataclass(frozen=True)
class TierRule:
    key: str
    label: Label
    count: int | None = None
    share: float | None = None
    min_score: float | None = None


@dataclass(frozen=True)
class AwardConfig:
    """Tiers in order (best first), per-track quota overrides, and how ties are handled."""

    tiers: tuple[TierRule, ...]
    min_score: float | None = None
    tie_break: tuple[str, ...] = ("criterion:core_technology", "first_places")
    tie_policy: str = "include"
    share_rounding: str = "floor"
    score_decimals: int = DEFAULT_SCORE_DECIMALS
    tracks: Mapping[str, Mapping[str, int | float]] = field(default_factory=dict)
    disagreement: Disagreement = field(default_factory=Disagreement)

    def quota(self, tier: TierRule, *, track: str, n_entries: int) -> int:
        """Entries this tier may receive in ``track`` (before any tie extends it)."""
        value: int | float | None = self.tracks.get(track, {}).get(tier.key)
        if value is None:
            value = tier.count if tier.count is not None else tier.share
        if value is None:
            return 0
        if isinstance(value, bool):
            return 0
        if isinstance(value, int):
            return value
        raw = value * n_entries
        rounding = {"floor": math.floor, "round": lambda x: math.floor(x + 0.5), "ceil": math.ceil}
        return int(rounding[self.share_rounding](raw - 1e-9 if self.share_rounding == "ceil" else raw + 1e-9))


def default_award_config() -> AwardConfig:
    """一等奖 5%, 二等奖 10%, 三等奖 15%, 优秀奖 20% of each track's entries (shares rounded down)."""
    return AwardConfig(tiers=(
        TierRule("first", Label("一等奖", "First prize"), share=0.05),
        TierRule("second", Label("二等奖", "Second prize"), share=0.10),
        TierRule("third", Label("三等奖", "Third prize"), share=0.15),
        TierRule("excellence", Label("优秀奖", "Award of excellence"), share=0.20),
    ))


# --- loading -----------------------------------------------------------------------------------

_TOP_KEYS = {"min_score", "tie_break", "tie_policy", "share_rounding", "score_decimals", "tiers", "tracks",
             "disagreement"}
_TIER_KEYS = {"key", "label", "count", "share", "min_score"}


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def award_config_from_mapping(data: Mapping, *, source: str = "", criteria: tuple[str, ...] = ()) -> AwardConfig:
    """Build and validate an ``AwardConfig``; raises ``RankingError`` listing every problem."""
    problems: list[Problem] = []

    def bad(code: str, where: str, **params: object) -> None:
        problems.append(Problem(code, params, where=f"{source}: {where}" if source else where))

    for key in data:
        if key not in _TOP_KEYS:
            bad("awards.unknown_key", key, key=key, allowed=", ".join(sorted(_TOP_KEYS)))
    tiers: list[TierRule] = []
    raw_tiers = data.get("tiers")
    if not isinstance(raw_tiers, list) or not raw_tiers:
        bad("awards.no_tiers", "tiers")
        raw_tiers = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_tiers):
        where = f"tiers[{n}]"
        if not isinstance(raw, Mapping):
            bad("awards.wrong_type", where, key=where, expected="table")
            continue
        for key in raw:
            if key not in _TIER_KEYS:
                bad("awards.unknown_key", f"{where}.{key}", key=key, allowed=", ".join(sorted(_TIER_KEYS)))
        key = raw.get("key")
        if not isinstance(key, str) or not key:
            bad("awards.missing_key", where, key="key")
            continue
        if key in seen:
            bad("awards.duplicate_tier", where, key=key)
        seen.add(key)
        label = raw.get("label", {})
        if isinstance(label, str):
            label = {"zh": label, "en": label}
        if not isinstance(label, Mapping) or not label.get("zh"):
            bad("awards.missing_key", where, key="label.zh")
            label = {"zh": key, "en": key}
        count, share = raw.get("count"), raw.get("share")
        if (count is None) == (share is None):
            bad("awards.count_or_share", where, key=key)
        if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
            bad("awards.bad_count", where, value=count)
            count = None
        if share is not None and (not _number(share) or not 0 <= share <= 1):
            bad("awards.bad_share", where, value=share)
            share = None
        min_score = raw.get("min_score")
        if min_score is not None and not _number(min_score):
            bad("awards.wrong_type", f"{where}.min_score", key="min_score", expected="number")
            min_score = None
        tiers.append(TierRule(key, Label(label["zh"], label.get("en") or label["zh"]), count, share,
                              None if min_score is None else float(min_score)))
    min_score = data.get("min_score")
    if min_score is not None and not _number(min_score):
        bad("awards.wrong_type", "min_score", key="min_score", expected="number")
        min_score = None
    tie_break = data.get("tie_break", ["criterion:core_technology", "first_places"])
    if not isinstance(tie_break, list) or not all(isinstance(k, str) for k in tie_break):
        bad("awards.wrong_type", "tie_break", key="tie_break", expected="list of text")
        tie_break = []
    for key in tie_break:
        known = key in TIE_BREAK_KEYS or (key.startswith("criterion:") and (not criteria or key[10:] in criteria))
        if not known:
            allowed = list(TIE_BREAK_KEYS) + [f"criterion:{c}" for c in criteria or ("<key>",)]
            bad("awards.unknown_tie_break", "tie_break", value=key, allowed=", ".join(allowed))
    tie_policy = data.get("tie_policy", "include")
    if tie_policy not in TIE_POLICIES:
        bad("awards.bad_choice", "tie_policy", key="tie_policy", value=tie_policy, allowed=", ".join(TIE_POLICIES))
    share_rounding = data.get("share_rounding", "floor")
    if share_rounding not in SHARE_ROUNDING:
        bad("awards.bad_choice", "share_rounding", key="share_rounding", value=share_rounding,
            allowed=", ".join(SHARE_ROUNDING))
    decimals = data.get("score_decimals", DEFAULT_SCORE_DECIMALS)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
        bad("awards.bad_choice", "score_decimals", key="score_decimals", value=decimals, allowed="0–6")
        decimals = DEFAULT_SCORE_DECIMALS
    tracks: dict[str, dict[str, int | float]] = {}
    for track, overrides in (data.get("tracks") or {}).items():
        if not isinstance(overrides, Mapping):
            bad("awards.wrong_type", f"tracks.{track}", key=track, expected="table")
            continue
        for tier_key, value in overrides.items():
            if tier_key not in seen:
                bad("awards.unknown_tier", f"tracks.{track}.{tier_key}", value=tier_key, allowed=", ".join(seen))
            elif not _number(value) or value < 0 or (isinstance(value, float) and value > 1):
                bad("awards.bad_override", f"tracks.{track}.{tier_key}", value=value)
        tracks[str(track)] = dict(overrides)
    raw_dis = data.get("disagreement") or {}
    defaults = Disagreement()
    dis = {}
    for key in ("max_range", "max_sd"):
        value = raw_dis.get(key, getattr(defaults, key)) if isinstance(raw_dis, Mapping) else None
        if value is not None and not _number(value):
            bad("awards.wrong_type", f"disagreement.{key}", key=key, expected="number")
            value = getattr(defaults, key)
        dis[key] = None if value is None else float(value)
    if problems:
        raise RankingError(problems)
    return AwardConfig(tiers=tuple(tiers), min_score=None if min_score is None else float(min_score),
                       tie_break=tuple(tie_break), tie_policy=tie_policy, share_rounding=share_rounding,
                       score_decimals=decimals, tracks=tracks, disagreement=Disagreement(**dis))


def load_award_config(path: str | Path, *, criteria: tuple[str, ...] = ()) -> AwardConfig:
    """Read an award configuration TOML file (see docs/ranking.md)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise RankingError(Problem("awards.unreadable", {"detail": str(exc)}, where=path.name)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise RankingError(Problem("awards.invalid_toml", {"detail": str(exc)}, where=path.name)) from exc
    except RecursionError:
        raise RankingError(Problem("file.too_deep", {"name": path.name}, where=path.name)) from None
    return award_config_from_mapping(data, source=path.name, criteria=criteria)


# --- allocation --------------------------------------------------------------------------------

def order_keys(table: pd.DataFrame, config: AwardConfig) -> list[np.ndarray]:
    """The comparison keys, most significant first, each 'higher is better' (NaN counts lowest)."""
    keys = [np.round(table["score"].to_numpy(dtype=float), config.score_decimals)]
    for name in config.tie_break:
        column = f"tb:{name}"
        keys.append(table[column].to_numpy(dtype=float) if column in table else np.zeros(len(table)))
    return [np.where(np.isnan(k), -np.inf, k) for k in keys]


def allocate(table: pd.DataFrame, config: AwardConfig) -> pd.DataFrame:
    """Rank every entry within its track and give tiers to eligible ones.

    ``table`` needs ``entry_id, track, score, eligible`` and one ``tb:<key>`` column per tie-break.
    Returns ``entry_id, rank, tier, tie, below_min`` in the order of ``table``.
    """
    keys = order_keys(table, config)
    n = len(table)
    rank = np.zeros(n, dtype=np.int64)
    tier = np.full(n, "", dtype=object)
    tie = np.zeros(n, dtype=bool)
    below = np.zeros(n, dtype=bool)
    score = table["score"].to_numpy(dtype=float)
    eligible = table["eligible"].to_numpy(dtype=bool)
    if config.min_score is not None:
        below = ~(np.round(score, config.score_decimals) >= config.min_score)
    tracks = table["track"].to_numpy(dtype=object)
    for track in pd.unique(tracks):
        idx = np.flatnonzero(tracks == track)
        order = idx[np.lexsort(tuple(-k[idx] for k in reversed(keys)))]
        stacked = np.stack([k[order] for k in keys], axis=1)
        same_as_prev = np.concatenate(([False], (stacked[1:] == stacked[:-1]).all(axis=1)))
        group = np.cumsum(~same_as_prev) - 1
        first_pos = np.flatnonzero(~same_as_prev)
        rank[order] = first_pos[group] + 1
        sizes = np.bincount(group)
        tie[order] = sizes[group] > 1
        taking_part = eligible[order] & ~below[order]
        candidates, cand_group = order[taking_part], group[taking_part]
        # a fully tied group is contiguous in the order: where each candidate's group ends
        starts = np.flatnonzero(np.concatenate(([True], cand_group[1:] != cand_group[:-1])))
        group_end = np.repeat(np.append(starts[1:], len(candidates)), np.diff(np.append(starts, len(candidates))))
        published = np.round(score[candidates], config.score_decimals)
        pos = 0
        for rule in config.tiers:
            quota = config.quota(rule, track=str(track), n_entries=len(idx))
            taken = 0
            while pos < len(candidates) and taken < quota:
                if rule.min_score is not None and published[pos] < rule.min_score:
                    break
                end = int(group_end[pos])
                if taken + (end - pos) > quota and config.tie_policy == "exclude":
                    break
                tier[candidates[pos:end]] = rule.key
                taken += end - pos
                pos = end
    return pd.DataFrame({"entry_id": table["entry_id"].to_numpy(), "rank": rank, "tier": tier, "tie": tie,
                         "below_min": below})
