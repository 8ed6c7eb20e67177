"""Score sheets: checking one score against the rubric, weighted totals, required comments."""

from __future__ import annotations

import math
from collections.abc import Mapping

from judging.core.rubric import Rubric
from judging.errors import Problem, ScoreError

STEP_TOLERANCE = 1e-6  # in steps: floating-point slack when checking that a score sits on the step


def score_problem(*, rubric: Rubric, criterion: str, value: object) -> Problem | None:
    """The problem with one score, or None when it is valid."""
    if criterion not in rubric.criterion_keys:
        return Problem("score.unknown_criterion", {"value": criterion, "allowed": ", ".join(rubric.criterion_keys)})
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return Problem("score.not_number", {"value": value})
    label = rubric.criterion(criterion).label.zh
    scale = rubric.scale
    if not scale.min <= value <= scale.max:
        return Problem("score.out_of_range", {"criterion": label, "value": f"{value:g}",
                                              "min": f"{scale.min:g}", "max": f"{scale.max:g}"})
    steps = (value - scale.min) / scale.step
    if abs(steps - round(steps)) > STEP_TOLERANCE:
        return Problem("score.off_step", {"criterion": label, "value": f"{value:g}", "step": f"{scale.step:g}"})
    return None


def check_score(*, rubric: Rubric, criterion: str, value: object) -> None:
    problem = score_problem(rubric=rubric, criterion=criterion, value=value)
    if problem is not None:
        raise ScoreError(problem)


def weighted_total(*, scores: Mapping[str, float], rubric: Rubric) -> float | None:
    """The weighted total on the rubric's scale, or None while a criterion is missing."""
    if any(key not in scores or scores[key] is None for key in rubric.criterion_keys):
        return None
    return sum(scores[c.key] * c.weight for c in rubric.criteria) / sum(c.weight for c in rubric.criteria)


def missing_comments(*, scores: Mapping[str, float], comments: Mapping[str, str], rubric: Rubric) -> list[str]:
    """Criterion keys whose score needs a comment that is not there yet."""
    rule = rubric.comment_rule
    return [
        key for key, value in scores.items()
        if value is not None and rule.requires_comment(value) and not (comments.get(key) or "").strip()
    ]


def sheet_complete(*, scores: Mapping[str, float], comments: Mapping[str, str], rubric: Rubric) -> bool:
    """True when every criterion is scored and every required comment is written (ready to submit)."""
    return weighted_total(scores=scores, rubric=rubric) is not None and not missing_comments(
        scores=scores, comments=comments, rubric=rubric
    )
