"""Score checks, weighted totals and required comments against the innovation-contest rubric."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from judging.core.rubric import load_rubric
from judging.core.scoring import check_score, missing_comments, score_problem, sheet_complete, weighted_total
from judging.errors import ScoreError

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
ON_STEP = st.integers(min_value=0, max_value=200).map(lambda n: n / 2)


@pytest.mark.parametrize(
    "criterion, value, code",
    [
        ("core_technology", 100.5, "score.out_of_range"),
        ("core_technology", -0.5, "score.out_of_range"),
        ("core_technology", 80.25, "score.off_step"),
        ("core_technology", float("nan"), "score.not_number"),
        ("core_technology", "80", "score.not_number"),
        ("core_technology", True, "score.not_number"),
        ("design", 80, "score.unknown_criterion"),
    ],
)
def test_score_problem_names_what_is_wrong(criterion, value, code):
    assert score_problem(rubric=RUBRIC, criterion=criterion, value=value).code == code


@given(value=ON_STEP)
def test_every_value_on_the_step_within_the_scale_is_accepted(value):
    check_score(rubric=RUBRIC, criterion="promotion_value", value=value)


def test_check_score_raises_with_the_criterion_label():
    with pytest.raises(ScoreError, match="核心技术水平"):
        check_score(rubric=RUBRIC, criterion="core_technology", value=101)


def test_weighted_total_uses_the_rubric_weights():
    total = weighted_total(scores={"core_technology": 90, "application_effect": 80, "promotion_value": 70}, rubric=RUBRIC)

    assert total == pytest.approx(0.4 * 90 + 0.3 * 80 + 0.3 * 70)


def test_weighted_total_is_none_while_a_criterion_is_missing():
    assert weighted_total(scores={"core_technology": 90, "application_effect": 80}, rubric=RUBRIC) is None


@given(a=ON_STEP, b=ON_STEP, c=ON_STEP)
def test_weighted_total_lies_between_the_lowest_and_highest_score(a, b, c):
    total = weighted_total(scores={"core_technology": a, "application_effect": b, "promotion_value": c}, rubric=RUBRIC)

    assert min(a, b, c) - 1e-9 <= total <= max(a, b, c) + 1e-9


@pytest.mark.parametrize("value, needs_comment", [(59.5, True), (60, False), (95, False), (95.5, True)])
def test_comment_rule_below_60_or_above_95(value, needs_comment):
    scores = {"core_technology": value, "application_effect": 80, "promotion_value": 80}

    missing = missing_comments(scores=scores, comments={}, rubric=RUBRIC)

    assert (missing == ["core_technology"]) is needs_comment


def test_sheet_complete_needs_every_score_and_every_required_comment():
    scores = {"core_technology": 50, "application_effect": 80, "promotion_value": 80}

    assert not sheet_complete(scores=scores, comments={}, rubric=RUBRIC)
    assert not sheet_complete(scores=scores, comments={"core_technology": "  "}, rubric=RUBRIC)
    assert sheet_complete(scores=scores, comments={"core_technology": "技术落后"}, rubric=RUBRIC)
