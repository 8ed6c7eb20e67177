"""An attacker with database access and no audit key (SQLite and PostgreSQL): every direct edit of a
fact — a score, a comment, a conflict, a veto, a sheet's status, a role, the rubric weights, the
published list after freezing, the trail itself — is caught by ``judging audit verify``, which names it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from clock import freeze_on
from sqlalchemy import text
from sqlmodel import SQLModel
from store_publication_seed import MONDAY, SETTINGS, seed_round

from judging.cli import main
from judging.core.permissions import SYSTEM
from judging.store import publication as pub
from judging.store.assignment import add_conflict, assign
from judging.store.audit_verify import audit_problems
from judging.store.db import read_session, write_session
from judging.store.editions import entries_of
from judging.store.people import get_user
from judging.store.seals import NOT_SEALED, sealed_tables
from judging.store.sheets import save_comment, save_veto, submit_sheet


@pytest.fixture
def contest(engine):
    """A frozen 公示 over a scored round with a comment, a veto, a conflict and a submitted sheet."""
    ids = seed_round(engine)
    with write_session(engine) as s:
        j1, j2 = get_user(s, "j1", actor=SYSTEM), get_user(s, "j2", actor=SYSTEM)
        entries = entries_of(s, ids["edition"])
        assign(s, round_id=ids["round"], pairs=[(j1.id, e.id) for e in entries], actor=SYSTEM)
        save_comment(s, round_id=ids["round"], judge_id=j1.id, entry_id=entries[0].id, criterion="",
                     text_value="材料完整，技术扎实", actor=SYSTEM)
        save_veto(s, round_id=ids["round"], judge_id=j1.id, entry_id=entries[-1].id, veto_key="ip_dispute",
                  reason="专利权属存在争议", actor=SYSTEM)
        add_conflict(s, judge_id=j2.id, entry_id=entries[1].id, source="organiser", reason="同一单位", actor=SYSTEM)
        submit_sheet(s, round_id=ids["round"], judge_id=j1.id, entry_id=entries[0].id, actor=SYSTEM)
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=ids["round"], settings=SETTINGS, start_date=MONDAY, objection_days=5,
                                  close_round=True, actor=SYSTEM)
    with write_session(engine) as s:
        freeze_on(date(2026, 12, 1), s, publication_id=publication.id, actor=SYSTEM)
    return ids | {"publication": publication.id, "j1": j1.id, "entries": [e.id for e in entries]}


def _reweigh(conn, ids):
    rubric = json.loads(conn.execute(text("SELECT rubric_json FROM judging_round WHERE id = :r"),
                                     {"r": ids["round"]}).scalar_one())
    rubric["criteria"][0]["weight"], rubric["criteria"][1]["weight"] = 70, 0
    conn.execute(text("UPDATE judging_round SET rubric_json = :j WHERE id = :r"),
                 {"j": json.dumps(rubric, ensure_ascii=False), "r": ids["round"]})


def _promote_in_list(conn, ids):
    snapshot = json.loads(conn.execute(text("SELECT list_json FROM publication WHERE id = :p"),
                                       {"p": ids["publication"]}).scalar_one())
    rows = snapshot if isinstance(snapshot, list) else snapshot["rows"]
    loser = next(r for r in rows if not r.get("tier"))
    loser["tier"] = "first"
    conn.execute(text("UPDATE publication SET list_json = :j WHERE id = :p"),
                 {"j": json.dumps(snapshot, ensure_ascii=False), "p": ids["publication"]})


# (what the attacker does, a statement or a function of (connection, ids); words the report must contain)
EDITS = {
    "a score's value": ("UPDATE score SET value = value + 5 WHERE id = (SELECT min(id) FROM score)", "value"),
    "a score deleted": ("DELETE FROM score WHERE id = (SELECT max(id) FROM score)", "deleted"),
    "a score inserted": ("INSERT INTO score (round_id, judge_id, entry_id, criterion, value, version, updated_at) "
                         "SELECT round_id, judge_id, entry_id, 'extra', 99, 1, updated_at FROM score "
                         "WHERE id = (SELECT min(id) FROM score)", "not written by the app"),
    "a comment": ("UPDATE comment SET text = '材料造假'", "材料造假"),
    "a conflict removed": ("DELETE FROM conflict", "conflict of j2 on entry L-002 #1: this row was deleted"),
    "a veto's reason": ("UPDATE veto SET reason = '无'", "veto of j1 on entry P-005 (ip_dispute) #1: reason is 无"),
    "a veto removed": ("DELETE FROM veto", "veto of j1 on entry P-005 (ip_dispute) #1: this row was deleted"),
    "a sheet's status": ("UPDATE score_sheet SET status = 'draft' WHERE status = 'submitted'",
                         "score sheet of j1 on entry L-001 #1: status is draft but was written as submitted"),
    "a user's role": ("UPDATE app_user SET role = 'organiser' WHERE username = 'j3'", "role is organiser"),
    "the rubric weights": (_reweigh, "rubric_json.criteria[0].weight is 70 but was written as 40"),
    "the round's status": ("UPDATE judging_round SET status = 'open'", "status is open"),
    "an entry's organisation": ("UPDATE entry SET organisation = '冒名公司' WHERE code = 'L-001'", "冒名公司"),
    "an assignment added": ("INSERT INTO assignment (round_id, judge_id, entry_id, created_at) "
                            "SELECT round_id, judge_id + 1, entry_id, created_at FROM assignment "
                            "WHERE id = (SELECT min(id) FROM assignment)", "assignment"),
    "the award settings": ("UPDATE round_award_settings SET settings_json = replace(settings_json, '1', '3')",
                           "settings_json.tiers[0].count is 3 but was written as 1"),
    "a 一等奖 added to the frozen list": (_promote_in_list, "].tier is first but was written as \"\""),
    "a 一等奖 change inserted after freezing": (
        "INSERT INTO publication_change (publication_id, entry_code, tier_before, tier_after, reason, source, actor, at) "
        "SELECT id, 'L-005', '', 'first', '补录', 'manual', 'organiser', created_at FROM publication",
        "not written by the app"),
    "the last event deleted": ("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)",
                               "events at its end were deleted"),
    "an event's payload": ("UPDATE audit_event SET payload = '{}' WHERE id = 3", "audit trail was altered"),
}


def _report(engine, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["audit", "verify", "--db", engine.url.render_as_string(hide_password=False)])
    return code, capsys.readouterr().err


def test_untouched_contest_verifies(engine, contest, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "en")

    assert _report(engine, capsys) == (0, "")


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_direct_database_edit_is_caught_and_named(engine, contest, capsys, monkeypatch, edit):
    monkeypatch.setenv("JUDGING_LANG", "en")
    change, words = EDITS[edit]
    with engine.begin() as conn:
        if callable(change):
            change(conn, contest)
        else:
            assert conn.execute(text(change)).rowcount >= 1

    code, report = _report(engine, capsys)

    assert code == 1
    assert words in report


def test_score_change_is_named_by_round_judge_entry_and_criterion(engine, contest):
    with engine.begin() as conn:
        conn.execute(text("UPDATE score SET value = 12 WHERE id = (SELECT min(id) FROM score)"))

    with read_session(engine) as s:
        problems = [p.render("en") for p in audit_problems(s, actor=SYSTEM, lang="en")
                    if p.code == "audit.seal.changed"]

    assert len(problems) == 1
    assert problems[0].startswith("round 终评 (final): score of j1 on entry L-001 (")
    assert ": value is 12.0 but was written as " in problems[0]


def test_every_table_is_sealed_or_says_why_not():
    names = {table.name for table in SQLModel.metadata.sorted_tables}

    assert set(NOT_SEALED) <= names
    assert {t.name for t in sealed_tables()} == names - set(NOT_SEALED)
    assert {"score", "comment", "veto", "score_sheet", "conflict", "assignment", "app_user", "edition", "track",
            "judging_round", "entry", "publication", "publication_change", "objection", "round_award_settings",
            "panel_decision"} <= {t.name for t in sealed_tables()}
