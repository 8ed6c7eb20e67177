"""The one path from the database to a ranking: ``round_data`` reads every input of a round with a version
that changes with any of them, and the 公示 list, the bundle and advancement rank through it alike."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from actors import as_user

from judging.core.bundle import BundleSettings, canonical_scores
from judging.core.permissions import SYSTEM
from judging.core.round_data import ENTRY_COLUMNS, VETO_COLUMNS, order_round, rank_round, ranked_list
from judging.core.rubric import load_rubric
from judging.core.scores_io import read_scores_csv, write_scores_csv
from judging.store.advancement import advancement_preview
from judging.store.assignment import add_conflict, assign
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of, update_round
from judging.store.people import create_user
from judging.store.publication import provisional_list, publication_bundle, publish
from judging.store.scores import round_data
from judging.store.sheets import save_score, save_veto

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
JUDGES = ("j1", "j2", "j3")
SETTINGS = BundleSettings(method="raw", seed=3, n_draws=40)


@pytest.fixture
def contest(engine):
    with write_session(engine) as s:
        edition = create_edition(s, name="测试大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, method="raw", actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"L-{i:03d}", "track": "life", "title": f"作品{i}", "organisation": f"单位{i}"} for i in range(1, 5)
        ], actor=SYSTEM)
        judges = [create_user(s, username=name, display_name=name, actor=SYSTEM) for name in JUDGES]
        entries = entries_of(s, edition.id)
        assign(s, round_id=rnd.id, pairs=[(j.id, e.id) for j in judges for e in entries], actor=SYSTEM)
        ids = {"edition": edition.id, "round": rnd.id} | {j.username: j.id for j in judges} | {e.code: e.id for e in entries}
    with write_session(engine) as s:
        for n, judge in enumerate(JUDGES):
            for i, code in enumerate(("L-001", "L-002", "L-003", "L-004")):
                for criterion in RUBRIC.criterion_keys:
                    save_score(s, round_id=ids["round"], judge_id=ids[judge], entry_id=ids[code], criterion=criterion,
                               value=float(90 - 10 * i + n), actor=as_user(s, judge))
    return ids


def _data(engine, ids):
    with read_session(engine) as s:
        return round_data(s, round_id=ids["round"], actor=SYSTEM)


def test_round_data_holds_scores_in_canonical_order_vetoes_and_entries(engine, contest):
    data = _data(engine, contest)

    assert (len(data.scores), tuple(data.vetoes.columns), tuple(data.entries.columns)) == (
        3 * 4 * len(RUBRIC.criteria), VETO_COLUMNS, ENTRY_COLUMNS)
    assert data.scores[["round", "entry_id", "judge_id", "criterion"]].equals(
        data.scores[["round", "entry_id", "judge_id", "criterion"]].sort_values(
            ["round", "entry_id", "judge_id", "criterion"]).reset_index(drop=True))
    assert (data.method, data.round_key, data.entries["organisation"].tolist()) == (
        "raw", "prelim", ["单位1", "单位2", "单位3", "单位4"])
    # the bundle's copy is made once, when a reproducible ranking first asks for it
    assert data.canonical_scores is data.canonical_scores
    assert data.canonical_scores.equals(canonical_scores(data.scores, RUBRIC))
    # the results page's digest is taken from the scores as read: the same bytes as the canonical copy's
    assert write_scores_csv(data.scores) == write_scores_csv(data.canonical_scores)


def _score_change(s, ids):
    save_score(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-004"], criterion="core_technology",
               value=5.0, actor=as_user(s, "j1"))


def _veto(s, ids):
    save_veto(s, round_id=ids["round"], judge_id=ids["j2"], entry_id=ids["L-002"],
              veto_key=RUBRIC.veto_items[0].key, reason="抄袭", actor=as_user(s, "j2"))


def _conflict(s, ids):
    add_conflict(s, judge_id=ids["j3"], entry_id=ids["L-001"], source="organiser", actor=SYSTEM)


def _entry(s, ids):
    add_entries(s, edition_id=ids["edition"], records=[{"code": "L-009", "track": "life", "title": "新作品"}],
                actor=SYSTEM)


def _method(s, ids):
    update_round(s, round_id=ids["round"], method="trimmed", actor=SYSTEM)


@pytest.mark.parametrize("change", [_score_change, _veto, _conflict, _entry, _method],
                         ids=lambda f: f.__name__.strip("_"))
def test_round_data_version_changes_with_every_input(engine, contest, change):
    before = _data(engine, contest)
    with write_session(engine) as s:
        change(s, contest)

    after = _data(engine, contest)

    assert after.version != before.version
    assert _data(engine, contest).version == after.version  # and is stable while nothing changes


def test_published_list_and_bundle_are_the_ranking_of_round_data(engine, contest):
    with write_session(engine) as s:
        _veto(s, contest)
    data = _data(engine, contest)
    expected = ranked_list(data, rank_round(data, SETTINGS))
    with write_session(engine) as s:
        published = publish(s, round_id=contest["round"], settings=SETTINGS, start_date=date(2026, 11, 23), close_round=True,
                            actor=SYSTEM)
    with read_session(engine) as s:
        bundle = publication_bundle(s, published.id, actor=SYSTEM)
    listed = provisional_list(published)
    bundled = read_scores_csv(zipfile.ZipFile(io.BytesIO(bundle)).read("scores.csv"), RUBRIC)

    assert listed["entry_id"].tolist() == expected["entry_id"].tolist()
    assert listed["score"].round(9).tolist() == expected["score"].round(9).tolist()
    assert listed["veto"].fillna("").tolist() == expected["veto"].fillna("").tolist()
    assert bundled[["entry_id", "judge_id", "criterion", "score"]].equals(
        data.scores[["entry_id", "judge_id", "criterion", "score"]])


def test_advancement_ranks_the_same_round_data(engine, contest):
    with write_session(engine) as s:
        update_round(s, round_id=contest["round"], advance_rule="top:2", actor=SYSTEM)
    data = _data(engine, contest)
    scores = order_round(data, n_draws=50).table.set_index("entry_id")["score"]
    with read_session(engine) as s:
        preview = advancement_preview(s, round_id=contest["round"], actor=SYSTEM)

    assert pd.Series(preview.set_index("entry_id")["score"]).sort_index().round(9).tolist() == \
        scores.sort_index().round(9).tolist()
    assert preview.loc[preview["advance"], "entry_id"].tolist() == ["L-001", "L-002"]


def test_a_conflicted_judges_veto_is_left_out_like_their_scores(engine, contest):
    with write_session(engine) as s:
        _veto(s, contest)  # j2 on L-002
        add_conflict(s, judge_id=contest["j2"], entry_id=contest["L-002"], source="organiser", actor=SYSTEM)

    data = _data(engine, contest)

    assert data.vetoes.empty
    assert "j2" not in set(data.scores.loc[data.scores["entry_id"] == "L-002", "judge_id"])


def test_a_veto_ticked_before_any_score_does_not_stop_advancement(engine, contest):
    with write_session(engine) as s:
        add_entries(s, edition_id=contest["edition"], records=[{"code": "L-005", "track": "life", "title": "新"}],
                    actor=SYSTEM)
        entry = next(e for e in entries_of(s, contest["edition"]) if e.code == "L-005")
        assign(s, round_id=contest["round"], pairs=[(contest["j1"], entry.id)], actor=SYSTEM)
    with write_session(engine) as s:
        save_veto(s, round_id=contest["round"], judge_id=contest["j1"], entry_id=entry.id,
                  veto_key=RUBRIC.veto_items[0].key, reason="抄袭", actor=as_user(s, "j1"))
        update_round(s, round_id=contest["round"], advance_rule="top:2", actor=SYSTEM)
    with read_session(engine) as s:
        preview = advancement_preview(s, round_id=contest["round"], actor=SYSTEM)

    assert preview.loc[preview["advance"], "entry_id"].tolist() == ["L-001", "L-002"]
