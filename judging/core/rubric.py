"""Rubrics (评分标准): immutable objects loaded from TOML and validated with every problem named.

A rubric has a scale shared by its criteria, weighted criteria (weights sum to 100) with optional
sub-items and anchored bands (优秀/良好/一般/较差), a comment rule and veto items (一票否决).

Bands are half-open ranges ``[low, high)`` on the scale, the top band including the scale's
maximum, so that a band table of ``[0, 60] [60, 75] [75, 90] [90, 100]`` covers every score on any
step without gaps; a test of gaps and overlaps compares each band's low with the previous high.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judging.errors import Problem, RubricError

SUBJECTS = ("entry", "institution", "person")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
WEIGHT_TOTAL = 100.0
WEIGHT_TOLERANCE = 1e-6  # weights are written by hand; 33.333.. + 33.333.. + 33.333.. is fine
# Every number of a rubric (scale, weights, points, bands) is at most this big: real scales go to 100
# or 1,000, and a scale of 1e308 overflows every weighted total to inf.
MAX_NUMBER = 1_000_000.0
MIN_STEP = 0.001  # a score has at most three decimals


@dataclass(frozen=True)
class Label:
    """A text in Chinese and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Band:
    key: str
    label: Label
    low: float
    high: float
    description: Label

    def contains(self, value: float, *, top: bool) -> bool:
        return self.low <= value < self.high or (top and value == self.high)


@dataclass(frozen=True)
class SubItem:
    key: str
    label: Label
    description: Label
    points: float | None = None


@dataclass(frozen=True)
class Criterion:
    key: str
    label: Label
    weight: float
    description: Label
    sub_items: tuple[SubItem, ...]
    bands: tuple[Band, ...]

    def band_for(self, value: float) -> Band | None:
        # bands are kept highest first; the highest band includes the scale's maximum
        for i, band in enumerate(self.bands):
            if band.contains(value, top=i == 0):
                return band
        return None


@dataclass(frozen=True)
class Scale:
    min: float
    max: float
    step: float


@dataclass(frozen=True)
class CommentRule:
    """A comment is required when a criterion score is below ``below`` or above ``above``."""

    below: float | None
    above: float | None

    def requires_comment(self, value: float) -> bool:
        return (self.below is not None and value < self.below) or (
            self.above is not None and value > self.above
        )


@dataclass(frozen=True)
class VetoItem:
    key: str
    label: Label
    description: Label


@dataclass(frozen=True)
class Rubric:
    key: str
    version: int
    label: Label
    subject: str
    scale: Scale
    criteria: tuple[Criterion, ...]
    comment_rule: CommentRule
    veto_items: tuple[VetoItem, ...]

    @property
    def criterion_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.criteria)

    @property
    def weights(self) -> dict[str, float]:
        return {c.key: c.weight for c in self.criteria}

    def criterion(self, key: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)

    def resolve_criterion(self, name: str) -> str | None:
        """The criterion key for a key or a Chinese or English label, or None."""
        wanted = name.strip()
        for c in self.criteria:
            if wanted in (c.key, c.label.zh, c.label.en) or wanted.lower() == c.label.en.lower():
                return c.key
        return None

    def to_mapping(self) -> dict[str, Any]:
        """The rubric as the mapping its TOML file holds (round-trips through ``rubric_from_mapping``)."""
        return rubric_to_mapping(self)

    def to_json(self) -> str:
        return json.dumps(self.to_mapping(), ensure_ascii=False, sort_keys=True)


# --- loading ---------------------------------------------------------------------------------

_RUBRIC_KEYS = {"key", "version", "label", "subject", "scale", "comment_rule", "criteria", "veto"}
_SCALE_KEYS = {"min", "max", "step"}
_COMMENT_KEYS = {"below", "above"}
_CRITERION_KEYS = {"key", "label", "weight", "description", "sub_items", "bands"}
_SUB_ITEM_KEYS = {"key", "label", "description", "points"}
_BAND_KEYS = {"key", "label", "range", "description"}
_VETO_KEYS = {"key", "label", "description"}
_LABEL_KEYS = {"zh", "en"}


class _Collector:
    """Collects problems while reading a mapping, so that one run reports all of them."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def add(self, code: str, path: str, **params: object) -> None:
        where = f"{self.source}: {path}" if self.source and path else (self.source or path)
        self.problems.append(Problem(code, params, where=where))

    def check_keys(self, data: Mapping[str, Any], allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                self.add(
                    "rubric.unknown_key",
                    _join(path, key),
                    key=key,
                    allowed=", ".join(sorted(allowed)),
                )

    def table(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> dict:
        value = data.get(key)
        if value is None:
            if required:
                self.add("rubric.missing_key", path, key=key)
            return {}
        if not isinstance(value, Mapping):
            self.add("rubric.wrong_type", _join(path, key), key=key, expected="table", actual=value)
            return {}
        return dict(value)

    def array(self, data: Mapping[str, Any], key: str, path: str, *, required: bool) -> list:
        value = data.get(key)
        if value is None:
            if required:
                self.add("rubric.missing_key", path, key=key)
            return []
        if not isinstance(value, list):
            self.add("rubric.wrong_type", _join(path, key), key=key, expected="array", actual=value)
            return []
        return value

    def number(
        self, data: Mapping[str, Any], key: str, path: str, *, default: float | None = None
    ) -> float | None:
        value = data.get(key, default)
        if value is None:
            if default is None and key not in data:
                self.add("rubric.missing_key", path, key=key)
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            # nan and inf are valid TOML floats, but no weight, range or scale can be one
            self.add("rubric.wrong_type", _join(path, key), key=key, expected="number", actual=value)
            return None
        if abs(value) > MAX_NUMBER:
            self.add("rubric.number_too_large", _join(path, key), key=key, value=value, max=_fmt(MAX_NUMBER))
            return None
        return float(value)

    def identifier(self, data: Mapping[str, Any], path: str, seen: set[str]) -> str:
        value = data.get("key")
        if value is None:
            self.add("rubric.missing_key", path, key="key")
            return ""
        if not isinstance(value, str) or not IDENTIFIER.match(value):
            self.add("rubric.bad_identifier", _join(path, "key"), value=value)
            return str(value)
        if value in seen:
            self.add("rubric.duplicate_key", _join(path, "key"), value=value)
        seen.add(value)
        return value

    def label(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> Label:
        value = data.get(key)
        if value is None:
            if required:
                self.add("rubric.missing_key", path, key=key)
            return Label("", "")
        if isinstance(value, str):
            if not value.strip():  # an empty text would not load back from the round's frozen copy
                if required:
                    self.add("rubric.label_missing_language", _join(path, key), language="zh/en")
                return Label("", "")
            return Label(value, value)
        if not isinstance(value, Mapping):
            self.add("rubric.wrong_type", _join(path, key), key=key, expected="{ zh, en }", actual=value)
            return Label("", "")
        self.check_keys(value, _LABEL_KEYS, _join(path, key))
        texts = {}
        for lang in ("zh", "en"):
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.add("rubric.label_missing_language", _join(path, f"{key}.{lang}"), language=lang)
                text = ""
            texts[lang] = text.strip()
        return Label(**texts)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def load_rubric(path: str | Path) -> Rubric:
    """Read and validate one rubric file; raise ``RubricError`` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(Problem("rubric.unreadable", {"detail": str(exc)}, where=path.name)) from exc
    return parse_rubric(text, source=path.name)


def parse_rubric(text: str, *, source: str = "") -> Rubric:
    """Parse TOML text into a validated rubric."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(Problem("rubric.invalid_toml", {"detail": str(exc)}, where=source)) from exc
    except RecursionError:
        raise RubricError(Problem("file.too_deep", {"name": source or "TOML"}, where=source)) from None
    return rubric_from_mapping(data, source=source)


def rubric_from_mapping(data: Mapping[str, Any], *, source: str = "") -> Rubric:
    """Validate a rubric mapping (as read from TOML or JSON); raise ``RubricError`` with all problems."""
    c = _Collector(source)
    c.check_keys(data, _RUBRIC_KEYS, "")
    key = c.identifier(data, "", set())
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        c.add("rubric.wrong_type", "version", key="version", expected="integer ≥ 1", actual=version)
        version = 1
    label = c.label(data, "label", "")
    subject = data.get("subject", "entry")
    if subject not in SUBJECTS:
        c.add("rubric.subject_unknown", "subject", value=subject, allowed=", ".join(SUBJECTS))

    scale_data = c.table(data, "scale", "")
    c.check_keys(scale_data, _SCALE_KEYS, "scale")
    lo = c.number(scale_data, "min", "scale", default=0.0)
    hi = c.number(scale_data, "max", "scale", default=100.0)
    step = c.number(scale_data, "step", "scale", default=1.0)
    if lo is not None and hi is not None and lo >= hi:
        c.add("rubric.min_not_below_max", "scale", min=_fmt(lo), max=_fmt(hi))
    if step is not None and step <= 0:
        c.add("rubric.step_not_positive", "scale.step", value=_fmt(step))
    elif step is not None and step < MIN_STEP:
        c.add("rubric.step_too_small", "scale.step", value=step, min=_fmt(MIN_STEP))
    scale = Scale(lo if lo is not None else 0.0, hi if hi is not None else 100.0, step or 1.0)
    scale_ok = scale.min < scale.max

    comment_data = c.table(data, "comment_rule", "", required=False)
    c.check_keys(comment_data, _COMMENT_KEYS, "comment_rule")
    below = c.number(comment_data, "below", "comment_rule", default=None) if "below" in comment_data else None
    above = c.number(comment_data, "above", "comment_rule", default=None) if "above" in comment_data else None
    for name, value in (("below", below), ("above", above)):
        if value is not None and scale_ok and not scale.min <= value <= scale.max:
            c.add("rubric.comment_threshold", f"comment_rule.{name}", value=_fmt(value),
                  min=_fmt(scale.min), max=_fmt(scale.max))

    criteria = []
    seen_criteria: set[str] = set()
    raw_criteria = c.array(data, "criteria", "", required=True)
    if "criteria" in data and not raw_criteria:
        c.add("rubric.no_criteria", "criteria")
    for i, raw in enumerate(raw_criteria):
        path = f"criteria[{i}]"
        if not isinstance(raw, Mapping):
            c.add("rubric.wrong_type", path, key="criteria", expected="table", actual=raw)
            continue
        criteria.append(_criterion(c, raw, path, seen_criteria, scale, scale_ok))
    total = sum(cr.weight for cr in criteria)
    if criteria and all(cr.weight > 0 for cr in criteria) and abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
        c.add("rubric.weights_sum", "criteria", total=_fmt(total))

    veto_items = []
    seen_veto: set[str] = set()
    for i, raw in enumerate(c.array(data, "veto", "", required=False)):
        path = f"veto[{i}]"
        if not isinstance(raw, Mapping):
            c.add("rubric.wrong_type", path, key="veto", expected="table", actual=raw)
            continue
        c.check_keys(raw, _VETO_KEYS, path)
        veto_items.append(
            VetoItem(
                key=c.identifier(raw, path, seen_veto),
                label=c.label(raw, "label", path),
                description=c.label(raw, "description", path, required=False),
            )
        )

    if c.problems:
        raise RubricError(c.problems)
    return Rubric(
        key=key,
        version=version,
        label=label,
        subject=subject,
        scale=scale,
        criteria=tuple(criteria),
        comment_rule=CommentRule(below, above),
        veto_items=tuple(veto_items),
    )


def _criterion(
    c: _Collector, raw: Mapping[str, Any], path: str, seen: set[str], scale: Scale, scale_ok: bool
) -> Criterion:
    c.check_keys(raw, _CRITERION_KEYS, path)
    key = c.identifier(raw, path, seen)
    weight = c.number(raw, "weight", path)
    if weight is not None and weight <= 0:
        c.add("rubric.weight_not_positive", _join(path, "weight"), value=_fmt(weight))
    sub_items = []
    seen_sub: set[str] = set()
    for j, sub in enumerate(c.array(raw, "sub_items", path, required=False)):
        sub_path = f"{path}.sub_items[{j}]"
        if not isinstance(sub, Mapping):
            c.add("rubric.wrong_type", sub_path, key="sub_items", expected="table", actual=sub)
            continue
        c.check_keys(sub, _SUB_ITEM_KEYS, sub_path)
        points = c.number(sub, "points", sub_path, default=None) if "points" in sub else None
        sub_items.append(
            SubItem(
                key=c.identifier(sub, sub_path, seen_sub),
                label=c.label(sub, "label", sub_path),
                description=c.label(sub, "description", sub_path, required=False),
                points=points,
            )
        )
    bands = _bands(c, raw, path, scale, scale_ok)
    return Criterion(
        key=key,
        label=c.label(raw, "label", path),
        weight=weight if weight is not None else 0.0,
        description=c.label(raw, "description", path, required=False),
        sub_items=tuple(sub_items),
        bands=bands,
    )


def _bands(c: _Collector, raw: Mapping[str, Any], path: str, scale: Scale, scale_ok: bool) -> tuple[Band, ...]:
    bands = []
    seen: set[str] = set()
    for j, band in enumerate(c.array(raw, "bands", path, required=False)):
        band_path = f"{path}.bands[{j}]"
        if not isinstance(band, Mapping):
            c.add("rubric.wrong_type", band_path, key="bands", expected="table", actual=band)
            continue
        c.check_keys(band, _BAND_KEYS, band_path)
        rng = band.get("range")
        if (
            not isinstance(rng, list)
            or len(rng) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng)
            or rng[0] >= rng[1]
        ):
            c.add("rubric.band_range", _join(band_path, "range"), value=rng)
            rng = None
        key = c.identifier(band, band_path, seen)
        if rng is None:
            continue
        bands.append(
            Band(
                key=key,
                label=c.label(band, "label", band_path),
                low=float(rng[0]),
                high=float(rng[1]),
                description=c.label(band, "description", band_path, required=False),
            )
        )
    if not bands or not scale_ok:
        return tuple(bands)
    ordered = sorted(bands, key=lambda b: (b.low, b.high))
    edge = scale.min
    for band in ordered:
        if band.low > edge:
            c.add("rubric.bands_gap", _join(path, "bands"), low=_fmt(edge), high=_fmt(band.low))
        elif band.low < edge:
            c.add("rubric.bands_overlap", _join(path, "bands"), low=_fmt(band.low), high=_fmt(min(edge, band.high)))
        edge = max(edge, band.high)
    if edge < scale.max:
        c.add("rubric.bands_gap", _join(path, "bands"), low=_fmt(edge), high=_fmt(scale.max))
    elif edge > scale.max:
        c.add("rubric.bands_overlap", _join(path, "bands"), low=_fmt(scale.max), high=_fmt(edge))
    # highest band first, as score sheets list them
    return tuple(sorted(ordered, key=lambda b: -b.low))


def _fmt(value: float) -> str:
    return f"{value:g}"


# --- writing ---------------------------------------------------------------------------------

def _label(label: Label) -> dict[str, str]:
    return {"zh": label.zh, "en": label.en}


def _description(label: Label) -> dict[str, dict[str, str]]:
    # an optional description that was left out stays out: an empty one would not load back
    return {"description": _label(label)} if label.zh or label.en else {}


def rubric_to_mapping(rubric: Rubric) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": rubric.key,
        "version": rubric.version,
        "label": _label(rubric.label),
        "subject": rubric.subject,
        "scale": {"min": rubric.scale.min, "max": rubric.scale.max, "step": rubric.scale.step},
        "criteria": [],
        "veto": [
            {"key": v.key, "label": _label(v.label)} | _description(v.description)
            for v in rubric.veto_items
        ],
    }
    rule = {k: v for k, v in (("below", rubric.comment_rule.below), ("above", rubric.comment_rule.above)) if v is not None}
    if rule:
        data["comment_rule"] = rule
    for cr in rubric.criteria:
        data["criteria"].append(
            {
                "key": cr.key,
                "label": _label(cr.label),
                "weight": cr.weight,
                **_description(cr.description),
                "sub_items": [
                    {"key": s.key, "label": _label(s.label)} | _description(s.description)
                    | ({"points": s.points} if s.points is not None else {})
                    for s in cr.sub_items
                ],
                "bands": [
                    {"key": b.key, "label": _label(b.label), "range": [b.low, b.high]}
                    | _description(b.description)
                    for b in cr.bands
                ],
            }
        )
    return data


def rubric_from_json(text: str, *, source: str = "") -> Rubric:
    try:
        data = json.loads(text)
    except RecursionError:
        raise RubricError(Problem("file.too_deep", {"name": source or "JSON"}, where=source)) from None
    return rubric_from_mapping(data, source=source)


def rubric_to_toml(rubric: Rubric) -> str:
    """Render a rubric as TOML text that ``parse_rubric`` reads back to an equal rubric."""
    data = rubric.to_mapping()
    lines = []
    for key in ("key", "version", "subject"):
        lines.append(f"{key} = {_toml_value(data[key])}")
    lines.append(f"label = {_toml_value(data['label'])}")
    lines.append(f"scale = {_toml_value(data['scale'])}")
    if "comment_rule" in data:
        lines.append(f"comment_rule = {_toml_value(data['comment_rule'])}")
    for cr in data["criteria"]:
        lines += ["", "[[criteria]]"]
        for key in ("key", "label", "weight", "description"):
            if key in cr:
                lines.append(f"{key} = {_toml_value(cr[key])}")
        for sub in cr["sub_items"]:
            lines += ["[[criteria.sub_items]]"] + [f"{k} = {_toml_value(v)}" for k, v in sub.items()]
        for band in cr["bands"]:
            lines += ["[[criteria.bands]]"] + [f"{k} = {_toml_value(v)}" for k, v in band.items()]
    for veto in data["veto"]:
        lines += ["", "[[veto]]"] + [f"{k} = {_toml_value(v)}" for k, v in veto.items()]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def check_rubric_files(paths: list[Path]) -> list[Problem]:
    """Every problem in every file (for ``judging rubric check``)."""
    problems: list[Problem] = []
    for path in paths:
        try:
            load_rubric(path)
        except RubricError as exc:
            problems.extend(exc.problems)
    return problems
