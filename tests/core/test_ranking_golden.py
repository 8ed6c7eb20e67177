"""The default method against a golden case in a data file, and invariances every method must keep.

The golden file (``tests/core/data/golden_calibrated.json``, written by
``benchmarks/golden_calibrated.py``) holds a 6-judge × 10-entry score table and what ``calibrated``
made of it; this test only reads it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from judging.core.ranking import METHOD_NAMES, AwardConfig, rank
from judging.core.ranking.calibrated import MODEL_CHOICE_ALPHA
from judging.core.rubric import load_rubric
from judging.core.simulate import simulate_contest

ROOT = Path(__file__).parents[2]
GOLDEN = json.loads((Path(__file__).parent / "data" / "golden_calibrated.json").read_text(encoding="utf-8"))
TOLERANCE = GOLDEN["tolerance"]
RUBRIC = load_rubric(ROOT / GOLDEN["rubric"])
NO_AWARDS = AwardConfig(tiers=())


def _table(part: dict) -> pd.DataFrame:
    return pd.DataFrame(part["rows"], columns=part["columns"])


@pytest.fixture(scope="module")
def golden_result():
    return rank(_table(GOLDEN["scores"]), RUBRIC, method=GOLDEN["method"])


# --- the golden case -------------------------------------------------------------------------------

def test_golden_case_exercises_every_part_of_the_judge_model():
    fit = GOLDEN["expected"]["fit"]

    assert GOLDEN["method"] == "calibrated"
    assert fit["offset_p"] < MODEL_CHOICE_ALPHA and fit["scale_p"] < MODEL_CHOICE_ALPHA
    assert fit["noise_log_var"] > 0  # the judges' noise levels are not pooled into one


def test_golden_entries_get_the_expected_ranks_tiers_and_scores(golden_result):
    expected = _table(GOLDEN["expected"]["entries"])
    table = golden_result.table

    assert table[["entry_id", "rank", "tier", "n_judges"]].to_dict("records") == \
        expected[["entry_id", "rank", "tier", "n_judges"]].to_dict("records")
    np.testing.assert_allclose(table["score"], expected["score"], rtol=0, atol=TOLERANCE["score"])


def test_golden_judges_get_the_expected_severity_scale_and_noise(golden_result):
    expected = _table(GOLDEN["expected"]["judges"]).set_index("judge_id")
    judges = golden_result.judges.set_index("judge_id").loc[expected.index]

    assert judges["n_sheets"].tolist() == expected["n_sheets"].tolist()
    for column in ("severity", "scale", "noise"):
        np.testing.assert_allclose(judges[column], expected[column], rtol=0, atol=TOLERANCE[column],
                                   err_msg=column)


def test_golden_fit_has_the_expected_variance_components_and_tests(golden_result):
    expected = GOLDEN["expected"]["fit"]
    (details,) = golden_result.details.values()

    for key in ("tau", "offset_sd", "scale_sd", "noise_log_var"):
        assert details[key] == pytest.approx(expected[key], rel=0, abs=TOLERANCE[key]), key
    for key in ("offset_p", "scale_p"):
        assert details[key] == pytest.approx(expected[key], rel=TOLERANCE["p_relative"]), key


# --- invariances ---------------------------------------------------------------------------------------

SHIFT = -10.0


@pytest.fixture(scope="module")
def contest() -> pd.DataFrame:
    return simulate_contest(regime="random", seed=10, n_entries=40, n_judges=12, rubric=RUBRIC).scores


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_shifting_every_score_by_a_constant_shifts_the_scores_and_keeps_the_ranking(contest, method):
    assert contest["score"].min() + SHIFT >= RUBRIC.scale.min  # the shift stays on the scale: nothing clips
    shifted = contest.assign(score=contest["score"] + SHIFT)

    before = rank(contest, RUBRIC, method=method, awards=NO_AWARDS, n_draws=20).table
    after = rank(shifted, RUBRIC, method=method, awards=NO_AWARDS, n_draws=20).table

    assert after[["entry_id", "rank"]].to_dict("records") == before[["entry_id", "rank"]].to_dict("records")
    np.testing.assert_allclose(after["score"], before["score"] + SHIFT, rtol=0, atol=1e-6)


def _permuted_ids(contest: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """The same contest with judges and entries renamed by a random permutation of their own ids
    (so that their sorted order, which fixes the internal order, changes)."""
    rng = np.random.default_rng(seed)
    judges, entries = sorted(contest["judge_id"].unique()), sorted(contest["entry_id"].unique())
    judge_map = dict(zip(judges, rng.permutation(judges), strict=True))
    entry_map = dict(zip(entries, rng.permutation(entries), strict=True))
    renamed = contest.assign(judge_id=contest["judge_id"].map(judge_map), entry_id=contest["entry_id"].map(entry_map))
    return renamed, judge_map, entry_map


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_permuting_judge_and_entry_ids_gives_every_entry_and_judge_the_same_result(contest, method):
    renamed, judge_map, entry_map = _permuted_ids(contest, seed=3)

    before = rank(contest, RUBRIC, method=method, awards=NO_AWARDS, n_draws=20)
    after = rank(renamed, RUBRIC, method=method, awards=NO_AWARDS, n_draws=20)

    entries = after.table.set_index("entry_id").loc[before.table["entry_id"].map(entry_map)]
    assert entries["rank"].tolist() == before.table["rank"].tolist()
    assert entries["n_judges"].tolist() == before.table["n_judges"].tolist()
    np.testing.assert_allclose(entries["score"], before.table["score"], rtol=0, atol=1e-6)
    judges = after.judges.set_index("judge_id").loc[before.judges["judge_id"].map(judge_map)]
    for column in ("severity", "scale", "noise"):
        np.testing.assert_allclose(judges[column], before.judges[column], rtol=0, atol=1e-6, err_msg=column)
