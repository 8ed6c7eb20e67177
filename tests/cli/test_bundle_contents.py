"""What a publication's bundle holds (entries with titles and organisations, the award settings, the panel's
decisions, every tier change, every comment with the sheets' overall comments) and what ``judging scores
export`` holds (overall comments); and forged bundles refused against the digest recorded with the
publication, with the file that changed named, even when every checksum in the bundle was recomputed
(SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from clock import freeze_on

from judging.cli import main
from judging.core.award_settings import RoundAwards
from judging.core.bundle import SUMS_NAME, BundleSettings, scores_file, verify_bundle
from judging.core.permissions import SYSTEM
from judging.core.ranking import AwardConfig, TierRule
from judging.core.rubric import Label, load_rubric
from judging.store import publication as pub
from judging.store.award_settings import save_award_settings
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.panel import record_decision
from judging.store.people import create_user
from judging.store.scores import load_scores_frame
from judging.store.sheets import save_comment, save_score

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
AWARDS = AwardConfig(tiers=(TierRule("first", Label("一等奖", "First prize"), count=1),
                            TierRule("second", Label("二等奖", "Second prize"), count=1)))


@pytest.fixture
def frozen(engine, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    with write_session(engine) as s:
        edition = create_edition(s, name="2026年新产品评选", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="final", name="终评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"L-{i}", "track": "life", "title": f"新产品{i}", "organisation": f"公司{i}"} for i in range(1, 5)],
            actor=SYSTEM)
        judges = [create_user(s, username=f"j{k}", display_name=f"评委{k}", actor=SYSTEM) for k in range(1, 4)]
        for n, entry in enumerate(entries_of(s, edition.id)):
            for k, judge in enumerate(judges):
                where = {"round_id": rnd.id, "judge_id": judge.id, "entry_id": entry.id, "actor": SYSTEM,
                         "enforce_assignment": False}
                for criterion in RUBRIC.criterion_keys:
                    save_score(s, **where, criterion=criterion, value=float(90 - 8 * n + k))
                save_comment(s, **where, criterion="", text_value=f"总评{n}{k}")
            save_comment(s, round_id=rnd.id, judge_id=judges[0].id, entry_id=entry.id, criterion="core_technology",
                         text_value=f"技术{n}", actor=SYSTEM, enforce_assignment=False)
        save_award_settings(s, round_id=rnd.id, awards=RoundAwards(AWARDS), based_on=0, actor=SYSTEM)
        record_decision(s, round_id=rnd.id, entry_id="L-2", decision="keep", reason="评审组维持", present="张三、李四",
                        actor=SYSTEM)
        publication = pub.publish(s, round_id=rnd.id, settings=BundleSettings(method="raw"), close_round=True,
                                  start_date=date(2026, 11, 23), actor=SYSTEM)
        pub.change_tier(s, publication_id=publication.id, entry_id="L-3", tier="second", reason="异议成立",
                        actor=SYSTEM)
        freeze_on(date(2026, 12, 1), s, publication_id=publication.id, actor=SYSTEM)
    with read_session(engine) as s:
        bundle = pub.publication_bundle(s, publication.id, actor=SYSTEM)
    return {"engine": engine, "url": engine.url.render_as_string(hide_password=False), "bundle": bundle,
            "round": rnd.id}


def _files(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def test_the_bundle_holds_entries_settings_decisions_changes_and_comments(frozen):
    files = _files(frozen["bundle"])
    entries = json.loads(files["entries.json"])
    manifest = json.loads(files["manifest.json"])
    comments = json.loads(files["comments.json"])

    assert verify_bundle(frozen["bundle"]).ok
    assert sorted((e["entry_id"], e["title"], e["organisation"]) for e in entries) == [
        (f"L-{i}", f"新产品{i}", f"公司{i}") for i in range(1, 5)]
    assert [t["key"] for t in json.loads(files["settings.json"])["awards"]["tiers"]] == ["first", "second"]
    assert [(d["entry_id"], d["decision"], d["reason"]) for d in manifest["edition"]["panel_decisions"]] == [
        ("L-2", "keep", "评审组维持")]
    assert [(c["entry_id"], c["tier"], c["reason"]) for c in json.loads(files["changes.json"])] == [
        ("L-3", "second", "异议成立")]
    assert len(comments) == 4 * 3 + 4  # every sheet's overall comment, and one criterion's comment per entry
    assert {"judge_id": "j2", "entry_id": "L-1", "criterion": "", "text": "总评01"} in comments
    assert {"judge_id": "j1", "entry_id": "L-4", "criterion": "core_technology", "text": "技术3"} in comments
    assert "总评" not in files["scores.csv"].decode("utf-8-sig")  # comments play no part in the result
    with read_session(frozen["engine"]) as s:  # the results page shows this file's digest
        assert scores_file(load_scores_frame(s, round_id=frozen["round"], actor=SYSTEM)) == files["scores.csv"]


def test_the_scores_export_holds_the_overall_comments(frozen, tmp_path):
    out = tmp_path / "scores.csv"

    assert main(["scores", "export", "--round", str(frozen["round"]), "--out", str(out), "--db", frozen["url"]]) == 0

    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert {(r["judge_id"], r["entry_id"], r["overall_comment"]) for r in rows} == {
        (f"j{k + 1}", f"L-{n + 1}", f"总评{n}{k}") for n in range(4) for k in range(3)}
    assert {r["comment"] for r in rows if r["criterion"] == "core_technology" and r["judge_id"] == "j1"} == {
        f"技术{n}" for n in range(4)}


def _forged(bundle: bytes, name: str, change) -> bytes:
    """The bundle with ``name`` changed and every checksum in it made to agree again (manifest, SHA256SUMS)."""
    files = _files(bundle)
    files[name] = change(files[name])
    manifest = json.loads(files["manifest.json"])
    for member, meta in manifest["files"].items():
        if member in files:
            meta.update(bytes=len(files[member]), sha256=hashlib.sha256(files[member]).hexdigest())
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    del files[SUMS_NAME]
    sums = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(files.items())).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in [(SUMS_NAME, sums), *sorted(files.items())]:
            archive.writestr(member, data)
    return buffer.getvalue()


def _json_edit(edit):
    def change(data: bytes) -> bytes:
        value = json.loads(data)
        edit(value)
        return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"
    return change


def _organisation(entries):
    entries[0]["organisation"] = "另一家公司"


def _decision(manifest):
    manifest["edition"]["panel_decisions"][0]["reason"] = "评审组改判"


def _change(changes):
    changes.clear()


def _comment(comments):
    comments[0]["text"] = "改过的评语"


@pytest.mark.parametrize(("name", "edit"), [
    ("entries.json", _organisation), ("manifest.json", _decision), ("changes.json", _change),
    ("comments.json", _comment)])
def test_a_forged_bundle_with_recomputed_checksums_fails_against_the_recorded_digest(frozen, tmp_path, capsys,
                                                                                    name, edit):
    path = tmp_path / "forged.zip"
    path.write_bytes(_forged(frozen["bundle"], name, _json_edit(edit)))
    genuine = tmp_path / "genuine.zip"
    genuine.write_bytes(frozen["bundle"])

    assert main(["verify", str(genuine), "--db", frozen["url"]]) == 0
    capsys.readouterr()
    code = main(["verify", str(path), "--db", frozen["url"]])

    err = capsys.readouterr().err
    assert code == 1
    assert "与记录不同的文件" in err and name in err.split("与记录不同的文件")[1]
