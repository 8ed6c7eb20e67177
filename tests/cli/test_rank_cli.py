"""``judging rank`` and ``judging simulate`` end to end through ``judging.cli.main``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from judging.cli import main

ROOT = Path(__file__).parents[2]
RUBRIC = str(ROOT / "rubrics" / "innovation_contest.toml")
AWARDS = str(ROOT / "rubrics" / "awards" / "example.toml")


@pytest.fixture(scope="module")
def scores_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rank") / "scores.csv"
    assert main(["simulate", "--regime", "random", "--seed", "3", "--entries", "40", "--judges", "12",
                 "--rubric", RUBRIC, "--out", str(path)]) == 0
    return path


def test_simulate_writes_scores_and_truth(scores_csv):
    scores = pd.read_csv(scores_csv, encoding="utf-8-sig")
    truth = pd.read_csv(scores_csv.with_suffix(".truth.csv"), encoding="utf-8-sig")
    assert list(scores.columns[:4]) == ["judge_id", "entry_id", "criterion", "score"]
    assert len(truth) == 40 == scores["entry_id"].nunique()


def test_rank_writes_one_row_per_entry_with_bom(scores_csv, tmp_path):
    out = tmp_path / "ranking.csv"
    assert main(["rank", "--scores", str(scores_csv), "--rubric", RUBRIC, "--awards", AWARDS, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert {"entry_id", "track", "score", "score_low", "score_high", "rank", "tier", "flags"} <= set(table.columns)
    assert len(table) == 40
    assert sorted(table.groupby("track")["rank"].min().unique()) == [1]
    assert (table["method"] == "calibrated").all()


def test_rank_with_a_named_method(scores_csv, tmp_path):
    out = tmp_path / "raw.csv"
    assert main(["rank", "--scores", str(scores_csv), "--rubric", RUBRIC, "--method", "raw", "--out", str(out)]) == 0
    assert set(pd.read_csv(out, encoding="utf-8-sig")["method"]) == {"raw"}


def test_compare_prints_every_method_and_tier_changes(scores_csv, capsys):
    assert main(["rank", "--scores", str(scores_csv), "--rubric", RUBRIC, "--compare", "--draws", "20"]) == 0
    out = capsys.readouterr().out
    for method in ("raw", "median", "trimmed", "zscore", "percentile", "additive", "linear", "calibrated"):
        assert f"rank_{method}" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--method", "magic"], "magic"),
    (["--scores", "missing.csv"], "missing.csv"),
])
def test_bad_input_exits_non_zero_with_a_message(scores_csv, tmp_path, capsys, args, message):
    base = {"--scores": str(scores_csv), "--rubric": RUBRIC, "--out": str(tmp_path / "x.csv")}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = ["rank"] + [part for pair in base.items() for part in pair]
    if "--method" in args:
        argv += ["--method", "magic"]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_bad_score_file_names_the_row(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("judge_id,entry_id,criterion,score\nj1,e1,core_technology,abc\n", encoding="utf-8")
    assert main(["rank", "--scores", str(path), "--rubric", RUBRIC, "--out", str(tmp_path / "o.csv")]) == 2
    assert capsys.readouterr().err.strip() != ""


def test_rank_writes_tier_probabilities_expected_tier_and_the_discuss_reasons(scores_csv, tmp_path):
    out = tmp_path / "ranking.csv"
    assert main(["rank", "--scores", str(scores_csv), "--rubric", RUBRIC, "--discuss-budget", "0.05",
                 "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)

    p = table[[f"p_tier_{k}" for k in ("first", "second", "third", "excellence", "none")]]
    assert ((p.sum(axis=1) - 1).abs() < 1e-3).all()
    assert table["expected_tier"].between(1, 5).all()
    listed = table["discuss"] != ""
    assert listed.any() and (table.loc[listed, "flags"].str.contains("boundary")).all()
    assert table.loc[listed, "notes"].str.contains("（").all()  # the reasons in words beside the flags


def test_a_discuss_budget_above_one_is_refused(scores_csv, tmp_path, capsys):
    assert main(["rank", "--scores", str(scores_csv), "--rubric", RUBRIC, "--discuss-budget", "2",
                 "--out", str(tmp_path / "x.csv")]) != 0
    assert "必议名单的误差预算必须是 0 到 1 之间的数，实际为 2.0" in capsys.readouterr().err


def test_favouritism_check_is_written_for_the_entries_organisations(scores_csv, tmp_path, capsys):
    scores = pd.read_csv(scores_csv, encoding="utf-8-sig")
    ids = sorted(scores["entry_id"].unique())
    entries = tmp_path / "entries.csv"
    pd.DataFrame({"entry_id": ids, "organisation": [f"单位{i % 8}" for i in range(len(ids))],
                  "recommending_unit": ""}).to_csv(entries, index=False, encoding="utf-8-sig")
    out = tmp_path / "favour.csv"

    assert main(["rank", "--scores", str(scores_csv), "--rubric", RUBRIC, "--out", str(tmp_path / "r.csv"),
                 "--entries", str(entries), "--favouritism-out", str(out)]) == 0

    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert list(table.columns) == ["judge_id", "kind", "group", "n_sheets", "mean_residual", "z", "p_adjusted",
                                   "flagged", "round"]
    assert len(table) > 0 and set(table["kind"]) == {"organisation"} and (table["n_sheets"] >= 2).all()
    assert f"检查 {len(table)} 组" in capsys.readouterr().out


def test_favouritism_without_entries_says_what_to_give(scores_csv, tmp_path, capsys):
    assert main(["rank", "--scores", str(scores_csv), "--rubric", RUBRIC, "--out", str(tmp_path / "r.csv"),
                 "--favouritism-out", str(tmp_path / "f.csv")]) == 2
    assert "--entries" in capsys.readouterr().err
