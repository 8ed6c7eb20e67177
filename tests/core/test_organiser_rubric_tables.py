"""The rubric editor's tables (judging.core.rubric_tables): round trips, the same validation as the CLI, frozen rules."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from judging.core.rubric import Scale, load_rubric
from judging.core.rubric_tables import (
    frozen_change_problems,
    rubric_from_tables,
    rubric_to_tables,
    tables_to_mapping,
)
from judging.errors import RubricError

ROOT = Path(__file__).parents[2]
TEMPLATES = sorted((ROOT / "rubrics").glob("*.toml"))


@pytest.mark.parametrize("path", [p for p in TEMPLATES if not p.stem.startswith("awards")], ids=lambda p: p.stem)
def test_every_template_round_trips_through_the_tables(path):
    rubric = load_rubric(path)
    assert rubric_from_tables(rubric_to_tables(rubric)) == rubric


def test_whole_floats_are_written_as_integers():
    tables = rubric_to_tables(load_rubric(ROOT / "rubrics" / "innovation_contest.toml"))
    data = tables_to_mapping(tables)
    assert data["criteria"][0]["weight"] == 40 and isinstance(data["criteria"][0]["weight"], int)


def test_problems_are_those_of_rubric_check_plus_orphans():
    tables = rubric_to_tables(load_rubric(ROOT / "rubrics" / "innovation_contest.toml"))
    tables.criteria[0]["weight"] = 50.0  # weights now add up to 110
    tables.bands[0]["low"] = 92.0  # a gap 90–92 in the first criterion's bands
    tables.sub_items.append({"criterion": "nonexistent", "key": "x", "label_zh": "某", "label_en": "X"})
    tables.criteria.append({"key": None, "label_zh": None, "weight": float("nan")})  # an empty added row is ignored
    with pytest.raises(RubricError) as caught:
        rubric_from_tables(tables, source="编辑器")
    assert sorted((p.code, p.where) for p in caught.value.problems) == [
        ("oc.rub.orphan", "sub_items[7].criterion"),
        ("rubric.bands_gap", "编辑器: criteria[0].bands"),
        ("rubric.weights_sum", "编辑器: criteria"),
    ]


def test_a_label_in_one_language_only_is_refused():
    tables = rubric_to_tables(load_rubric(ROOT / "rubrics" / "innovation_contest.toml"))
    tables.vetoes[0]["label_en"] = ""
    with pytest.raises(RubricError) as caught:
        rubric_from_tables(tables)
    assert [p.code for p in caught.value.problems] == ["rubric.label_missing_language"]


def test_frozen_changes_keep_criteria_and_scale_and_raise_the_version():
    old = load_rubric(ROOT / "rubrics" / "innovation_contest.toml")
    ok = replace(old, version=old.version + 1, comment_rule=replace(old.comment_rule, below=50.0))
    assert frozen_change_problems(old, ok) == []
    bad = replace(old, criteria=old.criteria[:2], scale=Scale(0, 10, 1))
    assert [p.code for p in frozen_change_problems(old, bad)] == [
        "oc.rub.version_not_higher", "oc.rub.frozen_criteria", "oc.rub.frozen_scale"]
