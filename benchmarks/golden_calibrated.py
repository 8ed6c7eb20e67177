"""The golden case of the default method: how far the code is from ``tests/core/data/golden_calibrated.json``.

The file holds a small score table (6 judges × 10 entries, 4–5 judges per entry, the
innovation_contest rubric; simulated once with the seed and regime below, where the fit keeps
judge offsets, judge scales and judge-specific noise) and what ``rank(..., method="calibrated")`` made of it:
entry scores, ranks and tiers, judge severity, scale and noise, and the fit's summary figures.
``tests/core/test_ranking_golden.py`` compares the code with it to the tolerances stored there.

Usage: ``python benchmarks/golden_calibrated.py`` prints the largest deviation per figure;
``--write`` recomputes the expectations from the table stored in the file (the table stays as it
is); ``--simulate`` draws the table anew as well. Rewrite the file only for a deliberate change of
the model, and say in the commit why the numbers moved.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from judging.core.ranking import rank
from judging.core.rubric import load_rubric
from judging.core.simulate import Regime, simulate_contest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "core" / "data" / "golden_calibrated.json"
RUBRIC = "rubrics/innovation_contest.toml"
SEED = 85  # the first seed where the fit keeps all three judge parts: offsets and scales (F tests at 1%:
# p = 3e-5 and 0.005) and noise levels that differ between judges (noise_log_var > 0)
REGIME = Regime(n_entries=10, n_judges=6, judges_per_entry=(4, 5), severity_sd=6.0, log_scale_sd=0.5,
                noise=(1.0, 8.0), erratic_share=0.0, favour_share=0.0)
SCORE_COLUMNS = ["judge_id", "entry_id", "criterion", "score"]
ENTRY_COLUMNS = ["entry_id", "score", "rank", "tier", "n_judges"]
JUDGE_COLUMNS = ["judge_id", "n_sheets", "severity", "scale", "noise"]
FIT_KEYS = ["offset_p", "scale_p", "tau", "offset_sd", "scale_sd", "noise_log_var"]
TOLERANCE = {  # absolute, in scale points for scores, severity and noise; relative for the p-values
    "score": 1e-6, "severity": 1e-6, "scale": 1e-6, "noise": 1e-6,
    "tau": 1e-6, "offset_sd": 1e-6, "scale_sd": 1e-6, "noise_log_var": 1e-6, "p_relative": 1e-6,
}
DECIMALS = 9  # the scores are rounded to 1e-9 points by the fit itself
ABOUT = [
    "Golden case of the calibrated method: a fixed score table and what rank(..., method='calibrated') gives.",
    f"Table simulated once: judging.core.simulate.simulate_contest(regime={REGIME!r}, seed={SEED}, "
    f"rubric={RUBRIC}), without the track column.",
    "Expectations from rank(scores, rubric, method='calibrated') with the default awards, seed 0.",
    "Written by benchmarks/golden_calibrated.py --write; the test never rewrites it.",
]


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    out = []
    for row in frame[columns].itertuples(index=False):
        out.append([round(float(v), DECIMALS) if isinstance(v, float | np.floating) else
                    int(v) if isinstance(v, int | np.integer) else str(v) for v in row])
    return out


def _dumps(golden: dict) -> str:
    """JSON with one table row per line (diffs of a rewritten file then show which rows moved)."""
    def dump(value, pad: str) -> str:
        if isinstance(value, dict) and set(value) == {"columns", "rows"}:
            rows = f",\n{pad}  ".join(json.dumps(row, ensure_ascii=False) for row in value["rows"])
            return f'{{"columns": {json.dumps(value["columns"])},\n{pad} "rows": [\n{pad}  {rows}\n{pad} ]}}'
        if isinstance(value, dict):
            items = f",\n{pad} ".join(f"{json.dumps(k)}: {dump(v, pad + ' ')}" for k, v in value.items())
            return f"{{\n{pad} {items}\n{pad}}}"
        if isinstance(value, list):
            return "[\n" + ",\n".join(f"{pad}  {json.dumps(v, ensure_ascii=False)}" for v in value) + f"\n{pad} ]"
        return json.dumps(value, ensure_ascii=False)
    return dump(golden, "") + "\n"


def expectations(scores: pd.DataFrame) -> dict:
    result = rank(scores, load_rubric(ROOT / RUBRIC), method="calibrated")
    (details,) = result.details.values()
    return {
        "entries": {"columns": ENTRY_COLUMNS, "rows": _rows(result.table, ENTRY_COLUMNS)},
        "judges": {"columns": JUDGE_COLUMNS, "rows": _rows(result.judges, JUDGE_COLUMNS)},
        "fit": {key: float(details[key]) for key in FIT_KEYS},
    }


def stored_scores(golden: dict) -> pd.DataFrame:
    return pd.DataFrame(golden["scores"]["rows"], columns=golden["scores"]["columns"])


def simulated_scores() -> pd.DataFrame:
    sim = simulate_contest(regime=REGIME, seed=SEED, rubric=load_rubric(ROOT / RUBRIC))
    return sim.scores[SCORE_COLUMNS]


def deviations(golden: dict) -> dict[str, float]:
    now = expectations(stored_scores(golden))
    out = {}
    for part, key in (("entries", "entry_id"), ("judges", "judge_id")):
        want = pd.DataFrame(golden["expected"][part]["rows"], columns=golden["expected"][part]["columns"])
        got = pd.DataFrame(now[part]["rows"], columns=now[part]["columns"]).set_index(key).loc[want[key]]
        for column in want.columns.drop(key):
            if want[column].dtype.kind == "f":
                out[f"{part}.{column}"] = float(np.max(np.abs(got[column].to_numpy() - want[column].to_numpy())))
            else:
                out[f"{part}.{column} (differing)"] = float(np.sum(got[column].to_numpy() != want[column].to_numpy()))
    for key in FIT_KEYS:
        out[f"fit.{key}"] = abs(now["fit"][key] - golden["expected"]["fit"][key])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="recompute the expectations and rewrite the file")
    parser.add_argument("--simulate", action="store_true", help="with --write: draw the score table anew too")
    args = parser.parse_args()
    if not args.write:
        for name, value in deviations(json.loads(GOLDEN.read_text(encoding="utf-8"))).items():
            print(f"{name:>32} {value:.3g}")
        return
    if args.simulate or not GOLDEN.exists():
        scores = simulated_scores()
    else:
        scores = stored_scores(json.loads(GOLDEN.read_text(encoding="utf-8")))
    golden = {"about": ABOUT, "rubric": RUBRIC, "method": "calibrated", "tolerance": TOLERANCE,
              "scores": {"columns": SCORE_COLUMNS, "rows": _rows(scores, SCORE_COLUMNS)},
              "expected": expectations(scores)}
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    text = _dumps(golden)
    assert json.loads(text) == golden
    GOLDEN.write_text(text, encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
