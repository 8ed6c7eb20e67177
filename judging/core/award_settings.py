"""A round's award settings: the award configuration (tiers, quotas, minimum scores, tie-break chain)
plus which tiers give at least one award per track, read from the organiser's form or from TOML and
validated by the one award validator (``award_config_from_mapping``), and written back as TOML.

The stored form is the award TOML format (docs/ranking.md) with one more key per tier,
``at_least_one = true``: a tier whose share of a small track rounds down to nothing still gives one
award there. A ranking never sees that key: ``resolved_awards`` turns it into per-track counts for the
track sizes of the round, so the configuration a publication and its bundle store is an ordinary one
that ``judging verify`` reproduces.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from judging.core.bundle import BundleSettings, award_config_to_mapping
from judging.core.ranking import AwardConfig, award_config_from_mapping, default_award_config
from judging.core.ranking.awards import SHARE_ROUNDING, TIE_BREAK_KEYS, TIE_POLICIES
from judging.core.round_data import RoundData
from judging.errors import Problem, RankingError

AT_LEAST_ONE = "at_least_one"
PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[%％]\s*$")
COUNT = re.compile(r"^\s*(\d+)\s*$")
SHARE = re.compile(r"^\s*(0?\.\d+|0|1(?:\.0+)?)\s*$")


@dataclass(frozen=True)
class RoundAwards:
    """A round's award settings: the configuration and the tiers that give at least one award per track."""

    config: AwardConfig
    at_least_one: frozenset[str] = frozenset()

    def to_mapping(self) -> dict:
        """The award TOML format with ``at_least_one`` on the tiers that have it (``parse_round_awards`` reads it back)."""
        data = award_config_to_mapping(self.config)
        for tier in data["tiers"]:
            if tier["key"] in self.at_least_one:
                tier[AT_LEAST_ONE] = True
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_mapping(), ensure_ascii=False, sort_keys=True)


def default_round_awards() -> RoundAwards:
    """一等奖 5%, 二等奖 10%, 三等奖 15%, 优秀奖 20% of each track (rounded down), and at least one
    一等奖 in every track: 5% of a 10-entry track is half an entry, which alone would give none."""
    return RoundAwards(default_award_config(), frozenset({"first"}))


def parse_round_awards(data: Mapping, *, source: str = "", criteria: tuple[str, ...] = ()) -> RoundAwards:
    """Validate award settings given in the award TOML format (with ``at_least_one``); raises
    ``RankingError`` listing every problem, the validator's and ours together."""
    problems: list[Problem] = []
    at_least_one: set[str] = set()
    plain = dict(data)
    raw_tiers = data.get("tiers")
    if isinstance(raw_tiers, list):
        plain["tiers"] = []
        for n, raw in enumerate(raw_tiers):
            if not isinstance(raw, Mapping) or AT_LEAST_ONE not in raw:
                plain["tiers"].append(raw)
                continue
            tier = {k: v for k, v in raw.items() if k != AT_LEAST_ONE}
            plain["tiers"].append(tier)
            where = f"{source}: tiers[{n}]" if source else f"tiers[{n}]"
            flag = raw[AT_LEAST_ONE]
            if not isinstance(flag, bool):
                problems.append(Problem("awards.wrong_type", {"key": AT_LEAST_ONE, "expected": "true / false"},
                                        where=where))
            elif flag and "share" not in raw:
                problems.append(Problem("aws.at_least_one_needs_share", {"tier": str(raw.get("key", ""))},
                                        where=where))
            elif flag and isinstance(raw.get("key"), str):
                at_least_one.add(raw["key"])
    try:
        config = award_config_from_mapping(plain, source=source, criteria=criteria)
    except RankingError as exc:
        raise RankingError(exc.problems + problems) from exc
    if problems:
        raise RankingError(problems)
    return RoundAwards(config, frozenset(at_least_one))


def parse_round_awards_toml(text: str, *, source: str = "", criteria: tuple[str, ...] = ()) -> RoundAwards:
    """Award settings from a TOML file's text (the upload shortcut)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RankingError(Problem("awards.invalid_toml", {"detail": str(exc)}, where=source)) from exc
    except RecursionError:
        raise RankingError(Problem("file.too_deep", {"name": source or "TOML"}, where=source)) from None
    return parse_round_awards(data, source=source, criteria=criteria)


def round_awards_from_json(text: str, *, source: str = "") -> RoundAwards:
    return parse_round_awards(json.loads(text), source=source)


def resolved_awards(awards: RoundAwards, track_sizes: Mapping[str, int]) -> AwardConfig:
    """The configuration a ranking of these tracks uses: each ``at_least_one`` tier whose share of a
    track rounds to no award gets a count of one there. An explicit count (a per-track override) stands."""
    config = awards.config
    if not awards.at_least_one:
        return config
    tracks = {track: dict(values) for track, values in config.tracks.items()}
    for track in sorted(track_sizes):
        n = int(track_sizes[track])
        for tier in config.tiers:
            if tier.key not in awards.at_least_one or n <= 0:
                continue
            override = tracks.get(track, {}).get(tier.key)
            value = override if override is not None else tier.share
            if isinstance(value, int) and not isinstance(value, bool):
                continue
            if config.quota(tier, track=track, n_entries=n) == 0:
                tracks.setdefault(track, {})[tier.key] = 1
    return replace(config, tracks=tracks)


def track_sizes(data: RoundData) -> dict[str, int]:
    """Entries per track as the ranking counts them (those with scores in the round)."""
    if data.scores.empty:
        return {}
    counts = data.scores.groupby("track")["entry_id"].nunique()
    return {str(track): int(n) for track, n in counts.items()}


def round_settings(data: RoundData, awards: RoundAwards, **changes: object) -> BundleSettings:
    """The bundle settings of the round's ranking with its stored award settings (resolved for its tracks)."""
    return data.settings(awards=resolved_awards(awards, track_sizes(data)), **changes)


# --- the organiser's form ----------------------------------------------------------------------

FORM_COLUMNS = ("key", "label_zh", "label_en", "quota", "min_score", "at_least_one")


def quota_text(count: int | None, share: float | None) -> str:
    """How the form shows a quota: a count as a whole number, a share as a percentage."""
    if count is not None:
        return str(count)
    if share is None:
        return ""
    return f"{round(share * 100, 4):g}%"


def form_rows(awards: RoundAwards) -> list[dict]:
    """The tiers as the form's rows (``FORM_COLUMNS``)."""
    return [{"key": t.key, "label_zh": t.label.zh, "label_en": t.label.en, "quota": quota_text(t.count, t.share),
             "min_score": t.min_score, "at_least_one": t.key in awards.at_least_one} for t in awards.config.tiers]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str)
                                                                                 and not value.strip())


def _quota(text: object, where: str, problems: list[Problem]) -> dict:
    value = "" if _blank(text) else str(text)
    if match := COUNT.match(value):
        return {"count": int(match.group(1))}
    if match := PERCENT.match(value):
        return {"share": float(match.group(1)) / 100}
    if SHARE.match(value):
        return {"share": float(value)}
    problems.append(Problem("aws.bad_quota", {"value": value}, where=where))
    return {}


def mapping_from_form(*, rows: Sequence[Mapping], min_score: float | None, tie_break: Sequence[str],
                      tie_policy: str, share_rounding: str, base: RoundAwards) -> tuple[dict, list[Problem]]:
    """The award mapping the form describes, and the problems only the form can have (a quota that is
    neither a count nor a percentage); the rest is checked by ``parse_round_awards``, as for TOML.
    The per-track overrides, decimals and disagreement thresholds are kept from ``base``."""
    problems: list[Problem] = []
    tiers = []
    for n, row in enumerate(rows):
        if all(_blank(row.get(c)) or row.get(c) is False for c in FORM_COLUMNS):
            continue  # an empty row the editor added
        where = f"tiers[{n}]"
        tier: dict = {"key": "" if _blank(row.get("key")) else str(row["key"]).strip(),
                      "label": {"zh": "" if _blank(row.get("label_zh")) else str(row["label_zh"]).strip(),
                                "en": "" if _blank(row.get("label_en")) else str(row["label_en"]).strip()}}
        tier |= _quota(row.get("quota"), where, problems)
        if not _blank(row.get("min_score")):
            tier["min_score"] = float(row["min_score"])
        if bool(row.get("at_least_one")):
            tier[AT_LEAST_ONE] = True
        tiers.append(tier)
    data = base.to_mapping()
    data.pop("min_score", None)
    data |= {"tiers": tiers, "tie_break": list(tie_break), "tie_policy": tie_policy, "share_rounding": share_rounding}
    if min_score is not None:
        data["min_score"] = float(min_score)
    return data, problems


def tie_break_options(criteria: Sequence[str]) -> list[str]:
    """Every key the tie-break chain may hold for a rubric with these criteria."""
    return [f"criterion:{c}" for c in criteria] + list(TIE_BREAK_KEYS)


FORM_CHOICES = {"tie_policy": TIE_POLICIES, "share_rounding": SHARE_ROUNDING}


# --- TOML ----------------------------------------------------------------------------------------

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_string(text: str) -> str:
    # a JSON string is a TOML basic string, except that TOML wants DEL escaped as well
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(key: str) -> str:
    return key if BARE_KEY.match(key) else _toml_string(key)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {type(value).__name__}")


def round_awards_to_toml(awards: RoundAwards) -> str:
    """The settings as an award TOML file (the download shortcut; ``parse_round_awards_toml`` reads it back)."""
    data = awards.to_mapping()
    lines = ["# 奖项设置 / award settings (format: docs/ranking.md)"]
    for key in ("min_score", "score_decimals", "tie_break", "tie_policy", "share_rounding"):
        if key in data:
            lines.append(f"{key} = {_toml_value(data[key])}")
    if data.get("disagreement"):
        lines += ["", "[disagreement]"] + [f"{k} = {_toml_value(v)}" for k, v in data["disagreement"].items()]
    for tier in data["tiers"]:
        lines += ["", "[[tiers]]"] + [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in tier.items()]
    for track, values in data.get("tracks", {}).items():
        lines += ["", f"[tracks.{_toml_key(str(track))}]"] + [f"{_toml_key(str(k))} = {_toml_value(v)}"
                                                            for k, v in values.items()]
    return "\n".join(lines) + "\n"


def quota_preview(awards: RoundAwards, track_sizes: Mapping[str, int]) -> list[dict]:
    """For each track: its entries and the awards each tier may give there (before ties extend a tier)."""
    config = resolved_awards(awards, track_sizes)
    return [{"track": track, "entries": int(n)} | {tier.key: config.quota(tier, track=track, n_entries=int(n))
                                                  for tier in config.tiers}
            for track, n in track_sizes.items()]
