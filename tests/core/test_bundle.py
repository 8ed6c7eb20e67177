"""The reproducible bundle: a fresh one verifies, and every kind of edit is caught."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from judging.cli import main
from judging.core.bundle import (
    REQUIRED_FILES,
    SUMS_NAME,
    BundleError,
    BundleSettings,
    award_config_to_mapping,
    build_bundle,
    bundle_digest,
    canonical_scores,
    verify_bundle,
)
from judging.core.publication import TierChange
from judging.core.ranking import award_config_from_mapping, load_award_config
from judging.core.rubric import load_rubric
from judging.core.simulate import simulate_contest

ROOT = Path(__file__).parents[2]
RUBRIC = load_rubric(ROOT / "rubrics" / "innovation_contest.toml")
SETTINGS = BundleSettings(method="calibrated", seed=11, n_draws=100)


@pytest.fixture(scope="module")
def contest():
    scores = canonical_scores(simulate_contest(seed=3, rubric=RUBRIC, n_entries=60, n_judges=12).scores, RUBRIC)
    result = SETTINGS.rank(scores, RUBRIC, None)
    winner = result.table.loc[result.table["tier"] != "", "entry_id"].iloc[0]
    changes = [TierChange(winner, "", "异议成立：知识产权纠纷", "objection:1")]
    data = build_bundle(rubric=RUBRIC, scores=scores, settings=SETTINGS, result=result, changes=changes,
                        edition={"name": "2026年信息消费创新大赛"}, created_at="2026-11-30T09:00:00+00:00")
    return {"scores": scores, "result": result, "changes": changes, "bundle": data}


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def repack(files: dict[str, bytes], *, reseal: bool = False) -> bytes:
    """A ZIP of ``files``; with ``reseal`` the checksums are recomputed as a forger would."""
    files = dict(files)
    if reseal:
        manifest = json.loads(files["manifest.json"])
        for name, meta in manifest["files"].items():
            meta["sha256"] = hashlib.sha256(files[name]).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()
        files[SUMS_NAME] = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n"
                                   for n, d in sorted(files.items()) if n != SUMS_NAME).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def change_one_score(files: dict[str, bytes]) -> dict[str, bytes]:
    lines = files["scores.csv"].decode("utf-8-sig").split("\r\n")
    cells = lines[1].split(",")
    cells[3] = "0" if cells[3] != "0" else "100"
    lines[1] = ",".join(cells)
    return files | {"scores.csv": "\r\n".join(lines).encode("utf-8-sig")}


def test_fresh_bundle_verifies_with_identical_result(contest):
    report = verify_bundle(contest["bundle"])

    assert report.ok, [p.render("en") for p in report.problems]
    assert (report.entries, report.max_float_difference, len(report.differences)) == (60, 0.0, 0)
    assert report.digest == bundle_digest(contest["bundle"])


def test_bundle_holds_every_file_and_is_byte_reproducible(contest):
    files = members(contest["bundle"])

    assert sorted(files) == sorted((SUMS_NAME, *REQUIRED_FILES))
    again = build_bundle(rubric=RUBRIC, scores=contest["scores"], settings=SETTINGS, result=contest["result"],
                         changes=contest["changes"], edition={"name": "2026年信息消费创新大赛"},
                         created_at="2026-11-30T09:00:00+00:00")
    assert again == contest["bundle"]
    final = {r["entry_id"]: r for r in json.loads(files["final_list.json"])}
    assert final[contest["changes"][0].entry_id]["tier"] == ""
    assert final[contest["changes"][0].entry_id]["change_reason"] == "异议成立：知识产权纠纷"


def test_one_changed_score_with_resealed_checksums_fails_on_recomputation(contest):
    forged = repack(change_one_score(members(contest["bundle"])), reseal=True)

    report = verify_bundle(forged)

    assert not report.ok
    assert "bundle.result_differs" in [p.code for p in report.problems]
    assert "bundle.checksum" not in [p.code for p in report.problems]
    assert len(report.differences) > 0


@pytest.mark.parametrize("name", [SUMS_NAME, *REQUIRED_FILES])
def test_any_edited_file_is_detected(contest, name):
    files = members(contest["bundle"])
    files[name] = files[name] + b" "

    report = verify_bundle(repack(files), expected_digest=bundle_digest(contest["bundle"]))

    assert not report.ok
    codes = {p.code for p in report.problems}
    expected = {"bundle.digest_mismatch"} if name == SUMS_NAME else {"bundle.checksum"}
    assert expected <= codes


def test_an_added_or_removed_file_is_detected(contest):
    files = members(contest["bundle"])
    added = verify_bundle(repack(files | {"extra.csv": b"x"}))
    removed = verify_bundle(repack({k: v for k, v in files.items() if k != "vetoes.json"}))

    assert [p.code for p in added.problems] == ["bundle.file_unlisted"]
    assert "bundle.file_missing" in [p.code for p in removed.problems]


def test_edited_final_list_with_resealed_checksums_fails(contest):
    files = members(contest["bundle"])
    final = json.loads(files["final_list.json"])
    loser = next(r for r in final if not r["tier"])
    loser["tier"] = "first"
    files["final_list.json"] = json.dumps(final, ensure_ascii=False).encode()

    report = verify_bundle(repack(files, reseal=True))

    assert [p.code for p in report.problems] == ["bundle.final_differs"]
    assert report.differences[["entry_id", "column", "actual"]].values.tolist() == [
        [loser["entry_id"], "final_list.tier", ""]]


def test_not_a_zip_is_a_bundle_error(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")

    with pytest.raises(BundleError, match="not a readable ZIP"):
        verify_bundle(path)


def test_award_config_round_trips_through_the_settings():
    config = load_award_config(ROOT / "rubrics" / "awards" / "example.toml")

    assert award_config_from_mapping(award_config_to_mapping(config)) == config


def test_cli_verify_passes_on_a_fresh_bundle_and_fails_with_one_score_changed(contest, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    good, bad = tmp_path / "复核数据包.zip", tmp_path / "bad.zip"
    good.write_bytes(contest["bundle"])
    bad.write_bytes(repack(change_one_score(members(contest["bundle"]))))

    assert main(["verify", str(good)]) == 0
    assert "复核通过" in capsys.readouterr().out
    assert main(["verify", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "scores.csv" in err and "复核未通过" in err


def test_cli_bundle_then_verify_from_files(tmp_path, capsys):
    scores_path = tmp_path / "scores.csv"
    from judging.core.scores_io import write_scores_csv

    scores_path.write_bytes(write_scores_csv(simulate_contest(seed=4, rubric=RUBRIC, n_entries=30, n_judges=8).scores))
    out = tmp_path / "bundle.zip"

    assert main(["bundle", "--scores", str(scores_path), "--rubric", str(ROOT / "rubrics" / "innovation_contest.toml"),
                 "--method", "zscore", "--seed", "2", "--draws", "50", "--out", str(out)]) == 0
    assert main(["verify", str(out), "--digest", bundle_digest(out.read_bytes())]) == 0
    assert main(["verify", str(out), "--digest", "0" * 64]) == 1


def test_cli_export_from_a_ranking_csv_writes_every_file_with_chinese_names(contest, tmp_path, capsys):
    ranking = tmp_path / "ranking.csv"
    contest["result"].table.to_csv(ranking, index=False, encoding="utf-8-sig")
    entries = tmp_path / "entries.csv"
    table = contest["result"].table
    entries.write_text("作品编号,作品名称,申报单位\n" + "".join(
        f"{e},作品{e},单位{e}\n" for e in table["entry_id"]), encoding="utf-8-sig")

    export = ["export", "--ranking", str(ranking), "--entries", str(entries), "--edition", "2026年信息消费创新大赛"]
    unsigned = main([*export, "--out", str(tmp_path / "unsigned")])  # no issuer: refused, nothing written
    names = [f"{track}=第{n}赛道" for n, track in enumerate(sorted(table["track"].unique()), 1)]
    code = main([*export, "--organiser", "信息消费大赛组委会", "--track-names", ",".join(names), "--out", str(tmp_path / "out")])

    assert unsigned == 2
    assert not (tmp_path / "unsigned").exists() or not any((tmp_path / "unsigned").iterdir())
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([
        "2026年信息消费创新大赛_获奖名单.xlsx", "2026年信息消费创新大赛_获奖名单.csv", "2026年信息消费创新大赛_公示名单.pdf",
        "2026年信息消费创新大赛_公告.docx", "2026年信息消费创新大赛_获奖证书.pdf"])
    csv_text = (tmp_path / "out" / "2026年信息消费创新大赛_获奖名单.csv").read_text(encoding="utf-8-sig")
    first = table.iloc[0]["entry_id"]
    assert f"作品{first},单位{first}" in csv_text
