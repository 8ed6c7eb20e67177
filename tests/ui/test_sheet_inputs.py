"""The score sheet's operations: what the browser sends is stored only over what the judge's screen showed.

Run on SQLite and PostgreSQL: each test builds its own small contest on the ``engine`` fixture.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from actors import as_user
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.errors import DatabaseBusy, Problem
from judging.store.assignment import assign
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.models import AuditEvent
from judging.store.people import create_user
from judging.store.sheets import clear_score, load_sheet, save_score, save_veto
from judging.ui import sheet_inputs
from judging.ui.sheet_inputs import apply_operation, apply_outbox, parse_operation

ZONE = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).parents[2]
# the innovation contest's criteria with the demonstration projects' veto items
RUBRIC = dataclasses.replace(load_rubric(ROOT / "rubrics" / "innovation_contest.toml"),
                             veto_items=load_rubric(ROOT / "rubrics" / "demonstration_project.toml").veto_items)


@pytest.fixture
def sheet(engine, password_hash):
    rubric = RUBRIC
    with write_session(engine) as s:
        edition = create_edition(s, name="协议测试", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=rubric, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[{"code": "E1", "track": "life", "title": "作品一"},
                                                       {"code": "E2", "track": "life", "title": "作品二"}], actor=SYSTEM)
        judges = [create_user(s, username=n, display_name=n, role="judge", password=password_hash, actor=SYSTEM)
                  for n in ("j1", "j2")]
        e1, e2 = entries_of(s, edition.id)
        assign(s, round_id=rnd.id, pairs=[(judges[0].id, e1.id), (judges[1].id, e2.id)], actor=SYSTEM)
        ids = {"round": rnd.id, "e1": e1.id, "e2": e2.id, "j1": judges[0].id, "j2": judges[1].id}
    with read_session(engine) as s:
        judge = as_user(s, "j1")
    return {"engine": engine, "ids": ids, "judge": judge}


def op(sheet, field, value, version=0, seen=None, *, op_id="op-1", entry="e1") -> dict:
    ids = sheet["ids"]
    return {"id": op_id, "round": ids["round"], "entry": ids[entry], "field": field, "value": value,
            "base": {"version": version, "value": seen}}


def apply(sheet, raw) -> dict:
    return apply_operation(sheet["engine"], parse_operation(raw), judge=sheet["judge"], code="zh", zone=ZONE)


def stored(sheet, entry="e1"):
    ids = sheet["ids"]
    with read_session(sheet["engine"]) as s:
        return load_sheet(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids[entry], actor=SYSTEM)


def events(sheet, action: str) -> int:
    with read_session(sheet["engine"]) as s:
        return len(s.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def elsewhere(sheet, criterion, value):
    """Another tab, device or an import stores a score for the judge."""
    ids = sheet["ids"]
    with write_session(sheet["engine"]) as s:
        save_score(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["e1"], criterion=criterion,
                   value=value, actor=as_user(s, "j1"))


def test_an_edit_over_what_is_stored_is_stored(sheet):
    answer = apply(sheet, op(sheet, "score:core_technology", 85))

    assert answer["status"] == "stored" and answer["version"] == 1 and answer["value"] == 85
    assert stored(sheet).score_values == {"core_technology": 85}


def test_an_edit_over_a_stale_screen_is_refused_with_what_is_stored(sheet):
    elsewhere(sheet, "core_technology", 70)

    answer = apply(sheet, op(sheet, "score:core_technology", 85, version=0, seen=None))

    assert answer == {"status": "conflict", "theirs": 70, "version": 1}
    assert stored(sheet).score_values == {"core_technology": 70}


def test_a_stale_screen_cannot_clear_a_score_stored_elsewhere(sheet):
    """The issue's four unasked ``score.clear`` events: a field emptied on a screen that never showed the
    imported score must not clear it."""
    elsewhere(sheet, "core_technology", 70)

    answer = apply(sheet, op(sheet, "score:core_technology", None, version=0, seen=None))

    assert answer["status"] == "conflict" and answer["theirs"] == 70
    assert stored(sheet).score_values == {"core_technology": 70}
    assert events(sheet, "score.clear") == 0


def test_a_score_cleared_and_stored_again_elsewhere_is_not_overwritten(sheet):
    """Cleared and stored again, a score restarts at version 1: the value the screen showed tells them apart."""
    elsewhere(sheet, "core_technology", 70)  # the judge's screen shows 70, version 1
    ids = sheet["ids"]
    with write_session(sheet["engine"]) as s:
        clear_score(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["e1"], criterion="core_technology",
                    actor=as_user(s, "j1"))
    elsewhere(sheet, "core_technology", 90)  # version 1 again

    answer = apply(sheet, op(sheet, "score:core_technology", 75, version=1, seen=70))

    assert answer["status"] == "conflict" and answer["theirs"] == 90
    assert stored(sheet).score_values == {"core_technology": 90}


def test_an_operation_sent_again_from_a_new_session_is_answered_stored_once(sheet):
    first = apply(sheet, op(sheet, "score:core_technology", 85))

    again = apply(sheet, op(sheet, "score:core_technology", 85))  # the answer was lost: same base, same value

    assert first["status"] == again["status"] == "stored" and again["version"] == 1
    assert events(sheet, "score.save") == 1


def test_the_outbox_answers_each_operation_once_and_forgets_those_no_longer_sent(sheet):
    acks: dict = {}
    message = {"ops": [op(sheet, "score:core_technology", 85, op_id="a"), op(sheet, "comment:core_technology", "很好", op_id="b")]}

    apply_outbox(sheet["engine"], message, acks, judge=sheet["judge"], code="zh", zone=ZONE)
    apply_outbox(sheet["engine"], message, acks, judge=sheet["judge"], code="zh", zone=ZONE)  # a resend
    apply_outbox(sheet["engine"], {"ops": [op(sheet, "score:application_effect", 60, op_id="c")]}, acks,
                 judge=sheet["judge"], code="zh", zone=ZONE)

    assert events(sheet, "score.save") == 2 and events(sheet, "comment.save") == 1
    assert set(acks) == {"c"}
    assert sheet_inputs.acks_for({"ops": [{"id": "c"}]}, acks) == {"c": acks["c"]}


@pytest.mark.parametrize(("value", "message"), [
    (101, "“核心技术水平”的分数 101 超出范围 0–100"),
    (-1, "“核心技术水平”的分数 -1 超出范围 0–100"),
    (85.3, "“核心技术水平”的分数 85.3 不符合步长 0.5"),
    ("八十五", "分数“八十五”不是数字"),
])
def test_a_value_the_rubric_does_not_allow_is_refused_with_a_message_and_nothing_changes(sheet, value, message):
    elsewhere(sheet, "core_technology", 70)

    answer = apply(sheet, op(sheet, "score:core_technology", value, version=1, seen=70))

    assert answer == {"status": "refused", "message": message}
    assert stored(sheet).score_values == {"core_technology": 70}


def test_full_width_digits_are_read_as_a_number(sheet):
    assert apply(sheet, op(sheet, "score:core_technology", "８５．５"))["value"] == 85.5


def test_a_busy_database_asks_the_browser_to_send_again(sheet, monkeypatch):
    def busy(*args, **kwargs):
        raise DatabaseBusy(Problem("store.busy", {"seconds": 5}))

    monkeypatch.setattr(sheet_inputs, "save_score", busy)
    assert apply(sheet, op(sheet, "score:core_technology", 85)) == {"status": "retry"}

    monkeypatch.undo()
    acks = {"op-1": {"status": "retry"}}
    apply_outbox(sheet["engine"], {"ops": [op(sheet, "score:core_technology", 85)]}, acks, judge=sheet["judge"], code="zh",
                 zone=ZONE)
    assert acks["op-1"]["status"] == "stored"


def test_another_judges_entry_is_refused(sheet):
    answer = apply(sheet, op(sheet, "score:core_technology", 85, entry="e2"))

    assert answer["status"] == "refused"
    assert stored(sheet, "e2").scores == {}


def test_a_veto_is_raised_withdrawn_and_not_overwritten_from_a_stale_screen(sheet):
    assert apply(sheet, op(sheet, "veto:false_material", "数据造假", seen=None))["status"] == "stored"
    assert stored(sheet).vetoes == {"false_material": "数据造假"}
    ids = sheet["ids"]
    with write_session(sheet["engine"]) as s:  # another window changes the reason
        save_veto(s, round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["e1"], veto_key="false_material",
                  reason="材料与实物不符", actor=as_user(s, "j1"))

    answer = apply(sheet, op(sheet, "veto:false_material", None, seen="数据造假", op_id="w"))

    assert answer["status"] == "conflict" and answer["theirs"] == "材料与实物不符"
    assert stored(sheet).vetoes == {"false_material": "材料与实物不符"}
    assert apply(sheet, op(sheet, "veto:false_material", None, seen="材料与实物不符", op_id="x"))["status"] == "stored"
    assert stored(sheet).vetoes == {}


def test_comments_compare_what_the_screen_showed(sheet):
    assert apply(sheet, op(sheet, "comment:", "总体不错"))["status"] == "stored"

    answer = apply(sheet, op(sheet, "comment:", "改了", version=0, seen="", op_id="2"))

    assert answer["status"] == "conflict" and answer["theirs"] == "总体不错"
    assert stored(sheet).comment_texts == {"": "总体不错"}


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=6),
                    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(raw=JSON | st.fixed_dictionaries({
    "id": JSON, "round": JSON, "entry": JSON, "field": JSON | st.sampled_from(["score:a", "comment:", "veto:x", "x:y"]),
    "value": JSON, "base": JSON | st.fixed_dictionaries({"version": JSON, "value": JSON})}))
def test_a_message_made_to_hurt_parses_or_is_refused_with_value_error(raw):
    try:
        parsed = parse_operation(raw)
    except ValueError:
        return
    assert isinstance(parsed.round_id, int) and isinstance(parsed.base_version, int)
    assert parsed.kind in ("score", "comment", "veto")
