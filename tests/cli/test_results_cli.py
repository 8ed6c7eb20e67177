"""``judging export`` and ``judging bundle`` from a publication in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from clock import freeze_on

from judging.cli import main
from judging.core.award_settings import RoundAwards
from judging.core.bundle import BundleSettings, verify_bundle
from judging.core.permissions import SYSTEM
from judging.core.ranking import AwardConfig, TierRule
from judging.core.rubric import Label, load_rubric
from judging.store import publication as pub
from judging.store.award_settings import save_award_settings
from judging.store.db import write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.people import create_user
from judging.store.sheets import save_score

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
AWARDS = AwardConfig(tiers=(TierRule("first", Label("一等奖", "First prize"), count=1),
                            TierRule("second", Label("二等奖", "Second prize"), count=1)))


def published(engine) -> int:
    with write_session(engine) as s:
        edition = create_edition(s, name="2026年新产品评选", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="final", name="终评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"L-{i}", "track": "life", "title": f"新产品{i}", "organisation": f"公司{i}"} for i in range(1, 5)], actor=SYSTEM)
        judges = [create_user(s, username=f"j{k}", display_name=f"评委{k}", actor=SYSTEM) for k in range(1, 4)]
        for n, entry in enumerate(entries_of(s, edition.id)):
            for k, judge in enumerate(judges):
                for criterion in RUBRIC.criterion_keys:
                    save_score(s, round_id=rnd.id, judge_id=judge.id, entry_id=entry.id, criterion=criterion,
                                    value=float(90 - 8 * n + k), actor=SYSTEM, enforce_assignment=False)
        save_award_settings(s, round_id=rnd.id, awards=RoundAwards(AWARDS), based_on=0, actor=SYSTEM)
        publication = pub.publish(s, round_id=rnd.id, settings=BundleSettings(method="raw"), close_round=True,
                                  start_date=date(2026, 11, 23), actor=SYSTEM)
        freeze_on(date(2026, 12, 1), s, publication_id=publication.id, actor=SYSTEM)
        return publication.id


def test_export_and_bundle_of_a_frozen_publication(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    pid = published(engine)
    url = engine.url.render_as_string(hide_password=False)

    code = main(["export", "--publication", str(pid), "--db", url, "--organiser", "某市经信局",
                 "--formats", "xlsx,pdf,bundle", "--out", str(tmp_path / "out")])

    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([
        "2026年新产品评选_获奖名单.pdf", "2026年新产品评选_获奖名单.xlsx", "2026年新产品评选_复核数据包.zip"])
    sheet = openpyxl.load_workbook(tmp_path / "out" / "2026年新产品评选_获奖名单.xlsx")["生活类"]
    assert [(r[1].value, r[2].value, r[5].value) for r in sheet.iter_rows(min_row=2, max_row=3)] == [
        ("L-1", "新产品1", "一等奖"), ("L-2", "新产品2", "二等奖")]
    assert verify_bundle(tmp_path / "out" / "2026年新产品评选_复核数据包.zip").ok
    bundle = tmp_path / "b.zip"
    assert main(["bundle", "--publication", str(pid), "--db", url, "--out", str(bundle)]) == 0
    assert main(["verify", str(bundle), "--db", url]) == 0  # against the digest recorded with the publication


def test_export_refuses_an_unknown_format(tmp_path, capsys):
    code = main(["export", "--ranking", "x.csv", "--edition", "x", "--formats", "pdf,pptx", "--out", str(tmp_path)])

    assert code == 2
    assert "pptx" in capsys.readouterr().err
