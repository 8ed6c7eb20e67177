"""An entry's contact person, e-mail and phone are for organisers: an auditor's lists show the entry
without them, and nothing read that way is written back."""

from __future__ import annotations

from pathlib import Path

from actors import as_user

from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.core.states import SheetStatus
from judging.store.assignment import add_conflict, assign, conflict_rows
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.models import ScoreSheet
from judging.store.people import create_user
from judging.store.sheets import submitted_sheets

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
CONTACT = {"contact": "王联系", "email": "wang@example.cn", "phone": "13800138000"}


def _contest(engine) -> dict:
    with write_session(engine) as s:
        edition = create_edition(s, name="测试大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, actor=SYSTEM, records=[
            {"code": "E1", "track": "life", "title": "作品一", **CONTACT},
            {"code": "E2", "track": "life", "title": "作品二", **CONTACT}])
        judge = create_user(s, username="j1", display_name="张三", actor=SYSTEM)
        for role in ("organiser", "auditor"):
            create_user(s, username=role[:3], display_name=role, role=role, actor=SYSTEM)
        first, second = entries_of(s, edition.id)
        assign(s, round_id=rnd.id, pairs=[(judge.id, first.id)], actor=SYSTEM)
        s.add(ScoreSheet(round_id=rnd.id, judge_id=judge.id, entry_id=first.id, status=SheetStatus.SUBMITTED))
        add_conflict(s, judge_id=judge.id, entry_id=second.id, source="declared", actor=SYSTEM)
    return {"edition": edition.id, "round": rnd.id}


def _contacts(entry) -> dict:
    return {name: getattr(entry, name) for name in CONTACT}


def test_an_auditor_sees_sheets_and_conflicts_without_the_entries_contacts(engine):
    ids = _contest(engine)
    with read_session(engine) as s:
        auditor = as_user(s, "aud")
        sheets = submitted_sheets(s, round_id=ids["round"], actor=auditor)
        conflicts = conflict_rows(s, edition_id=ids["edition"], actor=auditor)

    assert [(r.entry.code, r.entry.title) for r in sheets] == [("E1", "作品一")]
    assert [(r.entry.code, r.entry.title) for r in conflicts] == [("E2", "作品二")]
    assert [_contacts(r.entry) for r in [*sheets, *conflicts]] == [dict.fromkeys(CONTACT, "")] * 2


def test_an_organiser_sees_them_and_the_auditors_reading_leaves_them_stored(engine):
    ids = _contest(engine)
    with write_session(engine) as s:  # a session that commits: a blanked row must not be flushed
        conflict_rows(s, edition_id=ids["edition"], actor=as_user(s, "aud"))
    with read_session(engine) as s:
        organiser = as_user(s, "org")
        sheets = submitted_sheets(s, round_id=ids["round"], actor=organiser)
        conflicts = conflict_rows(s, edition_id=ids["edition"], actor=organiser)

    assert [_contacts(r.entry) for r in [*sheets, *conflicts]] == [CONTACT] * 2
