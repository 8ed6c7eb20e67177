"""Edition specifications (届 with tracks and rounds) and advancement rules: parsing, checking, selecting.

Pure: a mapping (from a TOML file or from the setup form) in, an ``EditionSpec`` out, or an
``EditionError`` naming every problem with its key path, so that a file with any error creates
nothing. The rubric of a round is named by its template key (the file stem in ``rubrics/``).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from judging import resources
from judging.core.ranking import METHOD_NAMES
from judging.errors import JudgingError, Problem

KINDS = ("innovation_contest", "new_product", "demonstration", "custom")
SUBJECTS = ("entry", "institution", "person")
ROUND_KINDS = ("preliminary", "second", "final")  # 初评(网评) / 复评 / 终评(会评·路演)
ROUND_NAMES = {"preliminary": "初评（网评）", "second": "复评", "final": "终评（路演答辩）"}
DEFAULT_RUBRIC = {"innovation_contest": "innovation_contest", "new_product": "new_product_selection",
                  "demonstration": "demonstration_project", "custom": "innovation_contest"}
# the five tracks of the information-consumption action plans
DEFAULT_TRACKS = (("life", "生活类信息消费", "Life services"),
                  ("public", "公共服务类信息消费", "Public services"),
                  ("industry", "行业类信息消费", "Industry"),
                  ("product", "新型信息产品", "New information products"),
                  ("platform", "信息消费支撑平台", "Support platforms"))
MAX_JUDGES_PER_ENTRY = 50  # a live final panel rarely has more than 15; 50 catches typing slips
RUBRIC_DIR = resources.rubrics_dir()
KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EDITION_KEYS = {"name", "year", "kind", "subject", "tracks", "rounds"}
_TRACK_KEYS = {"key", "name_zh", "name_en"}
_ROUND_KEYS = {"key", "name", "rubric", "judges_per_entry", "method", "advance", "blind", "starts_on", "ends_on",
               "weight_in_final"}


class EditionError(JudgingError):
    """An edition file or the setup form has problems; nothing was created."""


# --- advancement rules ------------------------------------------------------------------------

@dataclass(frozen=True)
class AdvanceRule:
    """Who goes on to the next round, per track: the best ``top`` entries, or the best ``share``."""

    kind: str  # "top" | "share"
    value: float

    def count(self, n_entries: int) -> int:
        """How many of ``n_entries`` in a track advance (a share is rounded up: 30% of 7 is 3)."""
        if self.kind == "top":
            return min(int(self.value), n_entries)
        return min(n_entries, math.ceil(self.value * n_entries - 1e-9))

    def text(self) -> str:
        return f"top:{int(self.value)}" if self.kind == "top" else f"share:{self.value:g}"


def parse_advance_rule(text: str) -> AdvanceRule | None:
    """``"top:10"``, ``"share:0.3"``, ``"30%"`` or empty (no advancement); raises ``EditionError``."""
    raw = (text or "").strip().replace("：", ":").replace("％", "%")
    if not raw:
        return None
    kind, _, value = raw.partition(":")
    try:
        if raw.endswith("%"):
            return _checked_rule("share", float(raw[:-1]) / 100, raw)
        if kind in ("top", "share"):
            return _checked_rule(kind, float(value), raw)
    except ValueError:
        pass
    raise EditionError(Problem("edition.bad_advance", {"value": text}))


def _checked_rule(kind: str, value: float, raw: str) -> AdvanceRule:
    ok = value >= 1 and value == int(value) if kind == "top" else 0 < value <= 1
    if not ok:
        raise EditionError(Problem("edition.bad_advance", {"value": raw}))
    return AdvanceRule(kind, float(value))


def select_advancing(table: pd.DataFrame, rule: AdvanceRule) -> pd.DataFrame:
    """Mark the entries that advance, per track, from a ranked table.

    ``table`` has ``entry_id, track, score`` (higher is better; NaN never advances). Returns a copy
    sorted by track and score with ``position`` (1 = best in its track), ``advance`` and ``tie``:
    entries scoring exactly the same as the last one in are all let in and flagged ``tie``, so that
    the organiser decides instead of the sort order.
    """
    frame = table.copy()
    frame["score"] = frame["score"].astype(float)
    frame = frame.sort_values(["track", "score", "entry_id"], ascending=[True, False, True], kind="stable",
                              na_position="last").reset_index(drop=True)
    frame["position"] = frame.groupby("track", sort=False).cumcount() + 1
    frame["advance"] = False
    frame["tie"] = False
    for _, group in frame.groupby("track", sort=False):
        scored = group[group["score"].notna()]
        n = rule.count(len(scored))
        if n == 0:
            continue
        cutoff = scored["score"].iloc[n - 1]
        inside = scored.index[scored["score"] >= cutoff]
        frame.loc[inside, "advance"] = True
        if len(inside) > n:  # the cut falls inside a group of equal scores
            frame.loc[scored.index[scored["score"] == cutoff], "tie"] = True
    return frame


# --- edition specifications -------------------------------------------------------------------

@dataclass(frozen=True)
class TrackSpec:
    key: str
    name_zh: str
    name_en: str = ""


@dataclass(frozen=True)
class RoundSpec:
    key: str
    name: str
    rubric: str  # template key: a file stem in rubrics/
    judges_per_entry: int = 5
    method: str = "calibrated"
    advance: str = ""  # "top:N" | "share:X" | ""
    blind: bool = True
    starts_on: str = ""
    ends_on: str = ""
    weight_in_final: float = 1.0


@dataclass(frozen=True)
class EditionSpec:
    name: str
    year: int
    kind: str
    subject: str
    tracks: tuple[TrackSpec, ...]
    rounds: tuple[RoundSpec, ...]


def rubric_templates(directory: Path = RUBRIC_DIR) -> dict[str, Path]:
    """Template key → file, for every rubric file shipped in ``directory``."""
    return resources.rubric_templates(directory)


def parse_edition_toml(text: str, *, source: str = "", rubrics: Collection[str] | None = None) -> EditionSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EditionError(Problem("edition.bad_toml", {"detail": str(exc)}, where=source)) from exc
    except RecursionError:
        raise EditionError(Problem("file.too_deep", {"name": source or "TOML"}, where=source)) from None
    return edition_spec_from_mapping(data, source=source, rubrics=rubrics)


def edition_spec_from_mapping(data: Mapping[str, Any], *, source: str = "",
                              rubrics: Collection[str] | None = None) -> EditionSpec:
    """Check an edition mapping and return its spec; ``EditionError`` lists every problem.

    ``rubrics`` is the set of known template keys (default: the files in ``rubrics/``).
    """
    known_rubrics = set(rubric_templates()) if rubrics is None else set(rubrics)
    problems: list[Problem] = []

    def add(code: str, path: str, **params: object) -> None:
        problems.append(Problem(code, params, where=f"{source}: {path}" if source else path))

    def unknown(mapping: Mapping, allowed: set[str], path: str) -> None:
        for key in mapping:
            if key not in allowed:
                add("edition.unknown_key", f"{path}{key}", key=key, allowed=", ".join(sorted(allowed)))

    def text(mapping: Mapping, key: str, path: str, *, required: bool = True, default: str = "") -> str:
        value = mapping.get(key, default)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            value = default
        if not isinstance(value, str):
            add("edition.not_text", path + key, key=key)
            return default
        value = value.strip()
        if required and not value:
            add("edition.required", path + key, key=key)
        return value

    def integer(mapping: Mapping, key: str, path: str, default: int | None, low: int, high: int) -> int:
        value = mapping.get(key, default)
        if isinstance(value, float) and value == int(value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            add("edition.not_integer", path + key, key=key, low=low, high=high)
            return default or low
        if not low <= value <= high:
            add("edition.out_of_range", path + key, key=key, value=value, low=low, high=high)
        return value

    unknown(data, _EDITION_KEYS, "")
    name = text(data, "name", "")
    year = integer(data, "year", "", None, 2000, 2100)
    kind = text(data, "kind", "", default="innovation_contest")
    if kind and kind not in KINDS:
        add("edition.bad_choice", "kind", key="kind", value=kind, allowed=", ".join(KINDS))
    subject = text(data, "subject", "", default="entry")
    if subject and subject not in SUBJECTS:
        add("edition.bad_choice", "subject", key="subject", value=subject, allowed=", ".join(SUBJECTS))

    def section_key(raw: Mapping[str, Any], path: str, taken: set[str]) -> str:
        """A track's or round's key: an identifier not used before in its list."""
        key = text(raw, "key", path)
        if key and not KEY.match(key):
            add("edition.bad_key", path + "key", value=key)
        if key and key in taken:
            add("edition.duplicate_key", path + "key", value=key)
        return key

    tracks: list[TrackSpec] = []
    raw_tracks = data.get("tracks", [])
    if not isinstance(raw_tracks, list) or not raw_tracks:
        add("edition.no_tracks", "tracks")
        raw_tracks = []
    for i, raw in enumerate(raw_tracks):
        path = f"tracks[{i + 1}]."
        if not isinstance(raw, Mapping):
            add("edition.not_table", path.rstrip("."))
            continue
        unknown(raw, _TRACK_KEYS, path)
        key = section_key(raw, path, {t.key for t in tracks})
        tracks.append(TrackSpec(key, text(raw, "name_zh", path), text(raw, "name_en", path, required=False)))

    rounds: list[RoundSpec] = []
    raw_rounds = data.get("rounds", [])
    if not isinstance(raw_rounds, list) or not raw_rounds:
        add("edition.no_rounds", "rounds")
        raw_rounds = []
    for i, raw in enumerate(raw_rounds):
        path = f"rounds[{i + 1}]."
        if not isinstance(raw, Mapping):
            add("edition.not_table", path.rstrip("."))
            continue
        unknown(raw, _ROUND_KEYS, path)
        key = section_key(raw, path, {r.key for r in rounds})
        rubric = text(raw, "rubric", path, default=DEFAULT_RUBRIC.get(kind, "innovation_contest"))
        if rubric and rubric not in known_rubrics:
            add("edition.unknown_rubric", path + "rubric", value=rubric, allowed=", ".join(sorted(known_rubrics)))
        k = integer(raw, "judges_per_entry", path, 5, 1, MAX_JUDGES_PER_ENTRY)
        method = text(raw, "method", path, default="calibrated")
        if method and method not in METHOD_NAMES:
            add("edition.bad_choice", path + "method", key="method", value=method, allowed=", ".join(METHOD_NAMES))
        advance = text(raw, "advance", path, required=False)
        try:
            rule = parse_advance_rule(advance)
        except EditionError:
            add("edition.bad_advance", path + "advance", value=advance)
            rule = None
        blind = raw.get("blind", True)
        if not isinstance(blind, bool):
            add("edition.not_bool", path + "blind", key="blind")
            blind = True
        dates = {}
        for field in ("starts_on", "ends_on"):
            value = raw.get(field, "")
            value = value.isoformat() if hasattr(value, "isoformat") else value  # TOML dates arrive as dates
            value = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
            if value and not DATE.match(value):
                add("edition.bad_date", path + field, value=value)
            dates[field] = value
        if dates["starts_on"] and dates["ends_on"] and dates["ends_on"] < dates["starts_on"]:
            add("edition.dates_reversed", path + "ends_on", starts=dates["starts_on"], ends=dates["ends_on"])
        weight = raw.get("weight_in_final", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 100:
            add("edition.out_of_range", path + "weight_in_final", key="weight_in_final", value=weight, low=0, high=100)
            weight = 1.0
        rounds.append(RoundSpec(key=key, name=text(raw, "name", path, default=ROUND_NAMES.get(key, "")), rubric=rubric,
                                judges_per_entry=k, method=method, advance=rule.text() if rule else "",
                                blind=blind, weight_in_final=float(weight), **dates))
    if problems:
        raise EditionError(problems)
    return EditionSpec(name=name, year=year, kind=kind, subject=subject, tracks=tuple(tracks), rounds=tuple(rounds))


def spec_to_mapping(spec: EditionSpec) -> dict[str, Any]:
    """The spec as the mapping an edition file holds (round-trips through ``edition_spec_from_mapping``)."""
    return {
        "name": spec.name, "year": spec.year, "kind": spec.kind, "subject": spec.subject,
        "tracks": [{"key": t.key, "name_zh": t.name_zh, "name_en": t.name_en} for t in spec.tracks],
        "rounds": [{"key": r.key, "name": r.name, "rubric": r.rubric, "judges_per_entry": r.judges_per_entry,
                    "method": r.method, "advance": r.advance, "blind": r.blind, "starts_on": r.starts_on,
                    "ends_on": r.ends_on, "weight_in_final": r.weight_in_final} for r in spec.rounds],
    }
