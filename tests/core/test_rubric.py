"""Rubric files: the shipped ones load and round-trip; every validation rule names the key at fault."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.cli import main
from judging.core.rubric import SUBJECTS, load_rubric, parse_rubric, rubric_from_mapping, rubric_to_toml
from judging.errors import RubricError

RUBRICS_DIR = Path(__file__).parents[2] / "rubrics"
SHIPPED = sorted(RUBRICS_DIR.glob("*.toml"))
BASE = tomllib.loads((RUBRICS_DIR / "innovation_contest.toml").read_text(encoding="utf-8"))
SOURCE = "broken.toml"


def problems_of(mapping: dict) -> set[tuple[str, str]]:
    with pytest.raises(RubricError) as caught:
        rubric_from_mapping(mapping, source=SOURCE)
    return {(p.code, p.where) for p in caught.value.problems}


def edited(change: Callable[[dict], object]) -> dict:
    data = copy.deepcopy(BASE)
    change(data)
    return data


# --- shipped rubrics -------------------------------------------------------------------------

def test_shipped_rubrics_are_the_expected_set():
    assert {p.stem for p in SHIPPED} >= {
        "innovation_contest", "new_product_selection", "demonstration_project",
        "education_institution", "industry_leader",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_rubric_loads_with_anchored_bands_and_vetoes(path):
    rubric = load_rubric(path)

    assert rubric.key == path.stem
    assert rubric.subject in SUBJECTS
    assert sum(c.weight for c in rubric.criteria) == 100
    assert all([b.label.zh for b in c.bands] == ["优秀", "良好", "一般", "较差"] for c in rubric.criteria)
    assert all(b.description.zh and b.description.en for c in rubric.criteria for b in c.bands)
    assert rubric.veto_items
    assert rubric.comment_rule.below is not None


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_rubric_sub_item_points_add_up_to_the_weight(path):
    rubric = load_rubric(path)

    mismatched = {c.key: (sum(s.points or 0 for s in c.sub_items), c.weight)
                  for c in rubric.criteria if c.sub_items and sum(s.points or 0 for s in c.sub_items) != c.weight}

    assert mismatched == {}


@pytest.mark.parametrize("path, subject", [
    (RUBRICS_DIR / "education_institution.toml", "institution"),
    (RUBRICS_DIR / "industry_leader.toml", "person"),
    (RUBRICS_DIR / "new_product_selection.toml", "entry"),
    (RUBRICS_DIR / "demonstration_project.toml", "entry"),
], ids=lambda v: getattr(v, "stem", v))
def test_selection_rubrics_name_their_subject(path, subject):
    assert load_rubric(path).subject == subject


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_rubric_round_trips_through_toml(path):
    rubric = load_rubric(path)

    again = parse_rubric(rubric_to_toml(rubric), source=path.name)

    assert again == rubric


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_rubric_round_trips_through_json(path):
    rubric = load_rubric(path)

    assert rubric_from_mapping(rubric.to_mapping()) == rubric


# --- validation: one broken variant per rule -------------------------------------------------

def _set(path: str, value):
    def change(data):
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is _DELETE:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value
    return change


_DELETE = object()

BROKEN = [
    ("weight zero", _set("criteria.0.weight", 0), "rubric.weight_not_positive", "criteria[0].weight"),
    ("weight negative", _set("criteria.1.weight", -30), "rubric.weight_not_positive", "criteria[1].weight"),
    ("weight not a number", _set("criteria.0.weight", "40"), "rubric.wrong_type", "criteria[0].weight"),
    ("weights sum to 90", _set("criteria.0.weight", 30), "rubric.weights_sum", "criteria"),
    ("weights sum to 110", _set("criteria.2.weight", 40), "rubric.weights_sum", "criteria"),
    ("duplicate criterion key", _set("criteria.1.key", "core_technology"), "rubric.duplicate_key", "criteria[1].key"),
    ("criterion key with a dash", _set("criteria.0.key", "core-technology"), "rubric.bad_identifier",
     "criteria[0].key"),
    ("criterion key upper case", _set("criteria.0.key", "Core"), "rubric.bad_identifier", "criteria[0].key"),
    ("criterion key starts with a digit", _set("criteria.2.key", "3value"), "rubric.bad_identifier",
     "criteria[2].key"),
    ("criterion key in Chinese", _set("criteria.0.key", "核心技术"), "rubric.bad_identifier", "criteria[0].key"),
    ("rubric key not an identifier", _set("key", "innovation contest"), "rubric.bad_identifier", "key"),
    ("duplicate sub-item key", _set("criteria.0.sub_items.1.key", "advancement"), "rubric.duplicate_key",
     "criteria[0].sub_items[1].key"),
    ("duplicate band key", _set("criteria.0.bands.1.key", "excellent"), "rubric.duplicate_key",
     "criteria[0].bands[1].key"),
    ("duplicate veto key", _set("veto.1.key", "ip_dispute"), "rubric.duplicate_key", "veto[1].key"),
    ("scale min above max", _set("scale.min", 120), "rubric.min_not_below_max", "scale"),
    ("scale min equal to max", _set("scale.max", 0), "rubric.min_not_below_max", "scale"),
    ("step zero", _set("scale.step", 0), "rubric.step_not_positive", "scale.step"),
    ("band gap in the middle", _set("criteria.0.bands.1.range", [76, 90]), "rubric.bands_gap",
     "criteria[0].bands"),
    ("band overlap in the middle", _set("criteria.1.bands.2.range", [60, 80]), "rubric.bands_overlap",
     "criteria[1].bands"),
    ("bands stop short of the maximum", _set("criteria.2.bands.0.range", [90, 99]), "rubric.bands_gap",
     "criteria[2].bands"),
    ("bands start above the minimum", _set("criteria.0.bands.3.range", [10, 60]), "rubric.bands_gap",
     "criteria[0].bands"),
    ("bands beyond the maximum", _set("criteria.0.bands.0.range", [90, 101]), "rubric.bands_overlap",
     "criteria[0].bands"),
    ("band range reversed", _set("criteria.0.bands.0.range", [100, 90]), "rubric.band_range",
     "criteria[0].bands[0].range"),
    ("band range of one number", _set("criteria.0.bands.0.range", [90]), "rubric.band_range",
     "criteria[0].bands[0].range"),
    ("unknown top-level key", _set("weights", {"a": 1}), "rubric.unknown_key", "weights"),
    ("unknown criterion key", _set("criteria.0.weigth", 40), "rubric.unknown_key", "criteria[0].weigth"),
    ("unknown band key", _set("criteria.0.bands.0.colour", "green"), "rubric.unknown_key",
     "criteria[0].bands[0].colour"),
    ("unknown scale key", _set("scale.steps", 1), "rubric.unknown_key", "scale.steps"),
    ("unknown label language", _set("label.fr", "Grille"), "rubric.unknown_key", "label.fr"),
    ("criterion label without English", _set("criteria.0.label", {"zh": "核心技术水平"}),
     "rubric.label_missing_language", "criteria[0].label.en"),
    ("rubric label without Chinese", _set("label", {"en": "Rubric"}), "rubric.label_missing_language", "label.zh"),
    ("band label with empty English", _set("criteria.1.bands.0.label", {"zh": "优秀", "en": " "}),
     "rubric.label_missing_language", "criteria[1].bands[0].label.en"),
    ("veto label without English", _set("veto.0.label", {"zh": "知识产权纠纷"}), "rubric.label_missing_language",
     "veto[0].label.en"),
    ("unknown subject", _set("subject", "company"), "rubric.subject_unknown", "subject"),
    ("comment threshold outside the scale", _set("comment_rule.above", 120), "rubric.comment_threshold",
     "comment_rule.above"),
    ("criteria missing", _set("criteria", _DELETE), "rubric.missing_key", ""),
    ("criteria empty", _set("criteria", []), "rubric.no_criteria", "criteria"),
    ("criterion weight missing", _set("criteria.0.weight", _DELETE), "rubric.missing_key", "criteria[0]"),
]


@pytest.mark.parametrize("change, code, path", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_rubric_names_the_rule_and_the_key(change, code, path):
    where = f"{SOURCE}: {path}" if path else SOURCE

    assert (code, where) in problems_of(edited(change))


def test_broken_rubric_reports_every_problem_at_once():
    data = edited(lambda d: (
        _set("criteria.0.weight", 0)(d), _set("criteria.1.key", "Bad Key")(d), _set("criteria.2.bands.1.range", [70, 90])(d)
    ))

    assert problems_of(data) >= {
        ("rubric.weight_not_positive", f"{SOURCE}: criteria[0].weight"),
        ("rubric.bad_identifier", f"{SOURCE}: criteria[1].key"),
        ("rubric.bands_overlap", f"{SOURCE}: criteria[2].bands"),
    }


@pytest.mark.parametrize("text", ["key = [", "key = \"a\"\nkey = \"b\"", "[[criteria]\nkey = 1"])
def test_invalid_toml_is_reported_with_the_file(text):
    with pytest.raises(RubricError) as caught:
        parse_rubric(text, source=SOURCE)

    assert [(p.code, p.where) for p in caught.value.problems] == [("rubric.invalid_toml", SOURCE)]


def test_unreadable_file_is_reported_with_the_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes("label = \"caf\xe9\"".encode("latin-1"))

    with pytest.raises(RubricError) as caught:
        load_rubric(path)

    assert [(p.code, p.where) for p in caught.value.problems] == [("rubric.unreadable", "latin1.toml")]


# --- bands: any partition from sorted cut points is valid; a moved or missing band is not ---

CUTS = st.lists(st.integers(min_value=1, max_value=199), min_size=0, max_size=8, unique=True).map(
    lambda cuts: [0.0] + sorted(c / 2 for c in cuts) + [100.0]
)


def _with_bands(edges: list[float]) -> dict:
    bands = [
        {"key": f"band_{i}", "label": {"zh": f"档{i}", "en": f"Band {i}"}, "range": [low, high]}
        for i, (low, high) in enumerate(zip(edges, edges[1:], strict=False))
    ]
    return edited(_set("criteria.0.bands", bands))


@settings(max_examples=150, deadline=None)
@given(edges=CUTS, value=st.integers(min_value=0, max_value=200).map(lambda n: n / 2))
def test_bands_from_sorted_cut_points_are_valid_and_cover_every_score(edges, value):
    rubric = rubric_from_mapping(_with_bands(edges))

    band = rubric.criteria[0].band_for(value)

    assert band is not None
    assert band.low <= value <= band.high


@settings(max_examples=150, deadline=None)
@given(edges=CUTS, data=st.data())
def test_shifting_one_band_edge_makes_a_gap_or_an_overlap(edges, data):
    i = data.draw(st.integers(min_value=0, max_value=len(edges) - 2), label="band")
    low, high = edges[i], edges[i + 1]
    # the band's upper edge moves, the next band's lower edge stays: down leaves a gap, up overlaps
    delta = data.draw(st.integers(min_value=-int((high - low) * 2) + 1, max_value=20).filter(bool), label="delta") / 2
    mapping = _with_bands(edges)
    mapping["criteria"][0]["bands"][i]["range"] = [low, high + delta]

    codes = {code for code, _ in problems_of(mapping)}

    assert codes == {"rubric.bands_gap" if delta < 0 else "rubric.bands_overlap"}


@settings(max_examples=100, deadline=None)
@given(edges=CUTS.filter(lambda e: len(e) >= 3), data=st.data())
def test_removing_one_band_makes_a_gap(edges, data):
    i = data.draw(st.integers(min_value=0, max_value=len(edges) - 2), label="band")
    mapping = _with_bands(edges)
    del mapping["criteria"][0]["bands"][i]

    assert problems_of(mapping) == {("rubric.bands_gap", f"{SOURCE}: criteria[0].bands")}


# --- judging rubric check --------------------------------------------------------------------

def test_rubric_check_passes_the_shipped_rubrics(capsys):
    code = main(["rubric", "check", *map(str, SHIPPED)])

    out = capsys.readouterr().out
    assert code == 0
    assert all(str(path) in out for path in SHIPPED)


def test_rubric_check_lists_every_problem_with_file_and_key(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "en")
    text = (RUBRICS_DIR / "innovation_contest.toml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace("weight = 40", "weight = 0").replace('key = "promotion_value"', 'key = "Promotion"')
                      .replace("range = [75, 90]", "range = [76, 90]", 1), encoding="utf-8")
    invalid = tmp_path / "invalid.toml"
    invalid.write_text("key = [", encoding="utf-8")

    code = main(["rubric", "check", str(RUBRICS_DIR / "innovation_contest.toml"), str(broken), str(invalid)])

    err = capsys.readouterr().err
    assert code == 1
    assert "broken.toml: criteria[0].weight: the weight must be positive, got 0" in err
    assert "broken.toml: criteria[2].key:" in err
    assert "broken.toml: criteria[0].bands: the bands leave a gap: scores from 75 to 76" in err
    assert "invalid.toml: not valid TOML" in err
    assert "4 problem(s) found" in err
