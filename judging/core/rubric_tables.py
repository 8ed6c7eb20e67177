"""A rubric as flat tables for an editor (criteria, sub-items, bands, veto items) and back.

The way back builds the same mapping a rubric TOML file holds and validates it with
``rubric_from_mapping``, so the editor reports exactly what ``judging rubric check`` reports.
Changing the rubric of a round that already has scores is limited to what keeps the stored scores
meaningful (``frozen_change_problems``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from judging.core.rubric import Rubric, rubric_from_mapping
from judging.errors import Problem, RubricError

CRITERION_COLUMNS = ("key", "label_zh", "label_en", "weight", "description_zh", "description_en")
SUB_ITEM_COLUMNS = ("criterion", "key", "label_zh", "label_en", "points", "description_zh", "description_en")
BAND_COLUMNS = ("criterion", "key", "label_zh", "label_en", "low", "high", "description_zh", "description_en")
VETO_COLUMNS = ("key", "label_zh", "label_en", "description_zh", "description_en")
META_FIELDS = ("key", "version", "label_zh", "label_en", "subject", "scale_min", "scale_max", "scale_step",
               "comment_below", "comment_above")


@dataclass(frozen=True)
class RubricTables:
    meta: dict[str, Any]
    criteria: list[dict[str, Any]]
    sub_items: list[dict[str, Any]]
    bands: list[dict[str, Any]]
    vetoes: list[dict[str, Any]]


def rubric_to_tables(rubric: Rubric) -> RubricTables:
    meta = {"key": rubric.key, "version": rubric.version, "label_zh": rubric.label.zh, "label_en": rubric.label.en,
            "subject": rubric.subject, "scale_min": rubric.scale.min, "scale_max": rubric.scale.max,
            "scale_step": rubric.scale.step, "comment_below": rubric.comment_rule.below,
            "comment_above": rubric.comment_rule.above}
    criteria = [{"key": c.key, "label_zh": c.label.zh, "label_en": c.label.en, "weight": c.weight,
                 "description_zh": c.description.zh, "description_en": c.description.en} for c in rubric.criteria]
    sub_items = [{"criterion": c.key, "key": s.key, "label_zh": s.label.zh, "label_en": s.label.en, "points": s.points,
                  "description_zh": s.description.zh, "description_en": s.description.en}
                 for c in rubric.criteria for s in c.sub_items]
    bands = [{"criterion": c.key, "key": b.key, "label_zh": b.label.zh, "label_en": b.label.en, "low": b.low,
              "high": b.high, "description_zh": b.description.zh, "description_en": b.description.en}
             for c in rubric.criteria for b in c.bands]
    vetoes = [{"key": v.key, "label_zh": v.label.zh, "label_en": v.label.en, "description_zh": v.description.zh,
               "description_en": v.description.en} for v in rubric.veto_items]
    return RubricTables(meta, criteria, sub_items, bands, vetoes)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str)
                                                                                 and not value.strip())


def _text(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    return "" if _empty(value) else str(value).strip()


def _number(value: Any) -> Any:
    """Whole floats become ints (a TOML file would say 40, not 40.0); other values pass through."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _label(row: Mapping[str, Any], prefix: str) -> dict[str, str]:
    return {"zh": _text(row, f"{prefix}_zh"), "en": _text(row, f"{prefix}_en")}


def _rows(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Rows that hold anything (a data editor's empty added row is dropped)."""
    return [r for r in rows if any(not _empty(v) for v in r.values())]


def tables_to_mapping(tables: RubricTables) -> dict[str, Any]:
    """The rubric mapping (as in a TOML file) the tables describe, not yet validated."""
    meta = tables.meta
    data: dict[str, Any] = {
        "key": _text(meta, "key"), "version": _number(meta.get("version")),
        "label": _label(meta, "label"), "subject": _text(meta, "subject") or "entry",
        "scale": {"min": _number(meta.get("scale_min")), "max": _number(meta.get("scale_max")),
                  "step": _number(meta.get("scale_step"))},
        "criteria": [],
    }
    rule = {name: _number(meta[f"comment_{name}"]) for name in ("below", "above") if not _empty(meta.get(f"comment_{name}"))}
    if rule:
        data["comment_rule"] = rule
    sub_items, bands = _rows(tables.sub_items), _rows(tables.bands)
    for row in _rows(tables.criteria):
        key = _text(row, "key")
        criterion: dict[str, Any] = {"key": key, "label": _label(row, "label"), "weight": _number(row.get("weight"))}
        description = _label(row, "description")
        if description["zh"] or description["en"]:
            criterion["description"] = description
        criterion["sub_items"] = []
        for sub in (s for s in sub_items if _text(s, "criterion") == key):
            item: dict[str, Any] = {"key": _text(sub, "key"), "label": _label(sub, "label")}
            text = _label(sub, "description")
            if text["zh"] or text["en"]:
                item["description"] = text
            if not _empty(sub.get("points")):
                item["points"] = _number(sub["points"])
            criterion["sub_items"].append(item)
        criterion["bands"] = []
        for band in (b for b in bands if _text(b, "criterion") == key):
            item = {"key": _text(band, "key"), "label": _label(band, "label"),
                    "range": [_number(band.get("low")), _number(band.get("high"))]}
            text = _label(band, "description")
            if text["zh"] or text["en"]:
                item["description"] = text
            criterion["bands"].append(item)
        data["criteria"].append(criterion)
    data["veto"] = []
    for row in _rows(tables.vetoes):
        item = {"key": _text(row, "key"), "label": _label(row, "label")}
        text = _label(row, "description")
        if text["zh"] or text["en"]:
            item["description"] = text
        data["veto"].append(item)
    return data


def orphan_problems(tables: RubricTables) -> list[Problem]:
    """Sub-items and bands naming a criterion that is not in the criteria table (they would be lost)."""
    keys = {_text(r, "key") for r in _rows(tables.criteria)}
    problems = []
    for name, rows in (("sub_items", tables.sub_items), ("bands", tables.bands)):
        for i, row in enumerate(_rows(rows)):
            if _text(row, "criterion") not in keys:
                problems.append(Problem("oc.rub.orphan", {"criterion": _text(row, "criterion")},
                                        where=f"{name}[{i}].criterion"))
    return problems


def rubric_from_tables(tables: RubricTables, *, source: str = "") -> Rubric:
    """Validate the tables as ``judging rubric check`` validates a file; ``RubricError`` lists every problem."""
    orphans = orphan_problems(tables)
    try:
        rubric = rubric_from_mapping(tables_to_mapping(tables), source=source)
    except RubricError as exc:
        raise RubricError(exc.problems + orphans) from None
    if orphans:
        raise RubricError(orphans)
    return rubric


def frozen_change_problems(old: Rubric, new: Rubric) -> list[Problem]:
    """What a new version of a rubric that already has scores may not change.

    Stored scores name criteria and sit on the old scale, so the criteria keys and the scale must
    stay; the version must go up so that every published result can say which version it used.
    """
    problems = []
    if new.version <= old.version:
        problems.append(Problem("oc.rub.version_not_higher", {"old": old.version, "new": new.version}))
    if set(new.criterion_keys) != set(old.criterion_keys):
        problems.append(Problem("oc.rub.frozen_criteria", {"old": "、".join(old.criterion_keys),
                                                           "new": "、".join(new.criterion_keys)}))
    if new.scale != old.scale:
        problems.append(Problem("oc.rub.frozen_scale", {"old": f"{old.scale.min:g}–{old.scale.max:g}/{old.scale.step:g}",
                                                        "new": f"{new.scale.min:g}–{new.scale.max:g}/{new.scale.step:g}"}))
    return problems
