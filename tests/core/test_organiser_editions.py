"""Edition specs and advancement rules (judging.core.editions)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.core.editions import (
    AdvanceRule,
    EditionError,
    edition_spec_from_mapping,
    parse_advance_rule,
    parse_edition_toml,
    select_advancing,
    spec_to_mapping,
)

ROOT = Path(__file__).parents[2]
MINIMAL = {"name": "大赛", "year": 2026, "tracks": [{"key": "life", "name_zh": "生活类"}],
           "rounds": [{"key": "preliminary", "rubric": "innovation_contest"}]}


def test_example_file_parses_with_three_rounds():
    spec = parse_edition_toml((ROOT / "data" / "edition_example.toml").read_text(encoding="utf-8"))
    assert [r.key for r in spec.rounds] == ["preliminary", "second", "final"]
    assert [t.key for t in spec.tracks] == ["life", "public", "industry", "product", "platform"]
    assert spec.rounds[0].advance == "share:0.3"
    assert spec.rounds[0].starts_on == "2026-06-01"


def test_minimal_mapping_gets_defaults():
    spec = edition_spec_from_mapping(MINIMAL)
    assert spec.kind == "innovation_contest"
    assert spec.rounds[0].name == "初评（网评）"
    assert spec.rounds[0].judges_per_entry == 5
    assert spec.rounds[0].blind is True


def test_spec_round_trips_through_mapping():
    spec = parse_edition_toml((ROOT / "data" / "edition_example.toml").read_text(encoding="utf-8"))
    assert edition_spec_from_mapping(spec_to_mapping(spec)) == spec


def test_every_problem_is_reported_with_its_path():
    bad = {"name": "", "year": 1999, "kind": "lottery", "colour": "red",
           "tracks": [{"key": "life", "name_zh": "生活类"}, {"key": "life", "name_zh": "重复"}],
           "rounds": [{"key": "r1", "rubric": "nope", "judges_per_entry": 0, "advance": "top:ten",
                       "method": "magic", "starts_on": "2026-07-01", "ends_on": "2026-06-01"}]}
    with pytest.raises(EditionError) as caught:
        edition_spec_from_mapping(bad)
    found = {(p.code, p.where) for p in caught.value.problems}
    assert found == {
        ("edition.unknown_key", "colour"), ("edition.required", "name"), ("edition.out_of_range", "year"),
        ("edition.bad_choice", "kind"), ("edition.duplicate_key", "tracks[2].key"),
        ("edition.unknown_rubric", "rounds[1].rubric"), ("edition.out_of_range", "rounds[1].judges_per_entry"),
        ("edition.bad_advance", "rounds[1].advance"), ("edition.bad_choice", "rounds[1].method"),
        ("edition.dates_reversed", "rounds[1].ends_on"), ("edition.required", "rounds[1].name"),
    }


def test_bad_toml_names_the_file():
    with pytest.raises(EditionError) as caught:
        parse_edition_toml("name = ", source="x.toml")
    assert caught.value.problems[0].code == "edition.bad_toml"
    assert caught.value.problems[0].where == "x.toml"


@pytest.mark.parametrize("text, rule", [
    ("", None), ("top:10", AdvanceRule("top", 10)), ("share:0.3", AdvanceRule("share", 0.3)),
    ("30%", AdvanceRule("share", 0.3)), ("top：3", AdvanceRule("top", 3)),
])
def test_advance_rules_parse(text, rule):
    assert parse_advance_rule(text) == rule


@pytest.mark.parametrize("text", ["top:0", "top:2.5", "share:0", "share:1.5", "best:3", "abc", "150%"])
def test_bad_advance_rules_are_refused(text):
    with pytest.raises(EditionError):
        parse_advance_rule(text)


@pytest.mark.parametrize("rule, n, expected", [
    (AdvanceRule("top", 10), 7, 7), (AdvanceRule("top", 3), 7, 3), (AdvanceRule("share", 0.3), 7, 3),
    (AdvanceRule("share", 0.3), 10, 3), (AdvanceRule("share", 1.0), 4, 4), (AdvanceRule("share", 0.5), 0, 0),
])
def test_advance_count(rule, n, expected):
    assert rule.count(n) == expected


def test_select_advancing_per_track_lets_ties_in_and_flags_them():
    table = pd.DataFrame({"entry_id": ["a", "b", "c", "d", "e", "f"], "track": ["x", "x", "x", "x", "y", "y"],
                          "score": [90.0, 80.0, 80.0, 70.0, 60.0, float("nan")]})
    out = select_advancing(table, AdvanceRule("top", 2))
    assert out[["entry_id", "position", "advance", "tie"]].values.tolist() == [
        ["a", 1, True, False], ["b", 2, True, True], ["c", 3, True, True], ["d", 4, False, False],
        ["e", 1, True, False], ["f", 2, False, False]]


@settings(deadline=None, max_examples=50)
@given(st.lists(st.tuples(st.sampled_from("xyz"), st.integers(0, 20)), min_size=1, max_size=40),
       st.integers(1, 10))
def test_select_advancing_takes_at_least_n_and_only_the_best(rows, n):
    table = pd.DataFrame({"entry_id": [f"e{i}" for i in range(len(rows))], "track": [t for t, _ in rows],
                          "score": [float(s) for _, s in rows]})
    out = select_advancing(table, AdvanceRule("top", n))
    for _, group in out.groupby("track"):
        went = group[group["advance"]]
        assert len(went) >= min(n, len(group))
        assert len(went) == min(n, len(group)) or went["tie"].any()
        if len(went) < len(group):
            assert went["score"].min() > group[~group["advance"]]["score"].max()
