"""The audit log read from the store (SQLite and PostgreSQL): filters applied in the database, pages
newest first, names instead of ids, and the trail's last verification recorded and shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from actors import as_user
from sqlalchemy import text

from judging.core.audit_query import LogQuery
from judging.core.audit_words import RENDERERS, describe
from judging.core.permissions import CLI, SYSTEM
from judging.core.rubric import load_rubric
from judging.errors import AuditLogError
from judging.store.assignment import assign
from judging.store.audit_events import (
    chain_state,
    count_matching,
    event_kinds,
    log_events,
    log_names,
    log_page,
    resolve_query,
    verify_and_record,
)
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.people import create_user
from judging.store.sheets import reopen_sheet, save_comment, save_score, submit_sheet

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
FULL = {"core_technology": 72.5, "application_effect": 70.0, "promotion_value": 90.0}


@pytest.fixture
def contest(engine):
    with write_session(engine) as s:
        edition = create_edition(s, name="2026年信息消费创新大赛", year=2026, tracks=[("life", "生活类", "Life")],
                                 actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"life-00{i}", "track": "life", "title": f"作品{i}"} for i in range(1, 5)], actor=SYSTEM)
        chen = create_user(s, username="j07", display_name="陈建国", actor=SYSTEM)
        li = create_user(s, username="j08", display_name="李娜", actor=SYSTEM)
        create_user(s, username="org", display_name="王芳", role="organiser", actor=SYSTEM)
        e = {x.code: x.id for x in entries_of(s, edition.id)}
        assign(s, round_id=rnd.id, pairs=[(chen.id, e["life-004"]), (chen.id, e["life-001"]), (li.id, e["life-004"])],
               actor=SYSTEM)
    with write_session(engine) as s:
        j07, j08 = as_user(s, "j07"), as_user(s, "j08")
        where = {"round_id": rnd.id, "judge_id": chen.id, "entry_id": e["life-004"]}
        for criterion, value in FULL.items():
            save_score(s, **where, criterion=criterion, value=value, actor=j07)
        save_score(s, **where, criterion="core_technology", value=80.0, actor=j07)
        save_comment(s, **where, criterion="", text_value="创新性强", actor=j07)
        submit_sheet(s, **where, actor=j07)
        save_score(s, round_id=rnd.id, judge_id=chen.id, entry_id=e["life-001"], criterion="core_technology",
                   value=60.0, actor=j07)
        save_score(s, round_id=rnd.id, judge_id=li.id, entry_id=e["life-004"], criterion="core_technology",
                   value=75.0, actor=j08)
    with write_session(engine) as s:
        reopen_sheet(s, **where, reason="评委要求修改", actor=as_user(s, "org"))
    return {"round": rnd.id, "chen": chen.id, "li": li.id} | e


def _texts(engine, query: LogQuery, **page) -> list[str]:
    with read_session(engine) as s:
        names = log_names(s, actor=CLI)
        return [describe(ev, names, "zh") for ev in log_page(s, query=query, actor=CLI, **page).events]


def test_the_log_reads_newest_first_in_words(engine, contest):
    texts = _texts(engine, LogQuery(kinds=("score", "sheet")), limit=3)

    assert texts == ["王芳 将 陈建国 对 life-004 的评分表退回草稿（评委要求修改）",
                     "李娜 给 life-004 的核心技术水平打分 75",
                     "陈建国 给 life-001 的核心技术水平打分 60"]


def test_every_event_of_a_contest_has_its_own_sentence(engine, contest):
    with read_session(engine) as s:
        kinds = event_kinds(s, actor=CLI)

    assert set(kinds) <= set(RENDERERS)
    assert {"score.save", "comment.save", "sheet.submit", "sheet.reopen", "assignment.add", "user.create"} <= set(kinds)


@pytest.mark.parametrize(("filters", "expected"), [
    ({"who": "陈建国", "kinds": ("score.save",), "entry": "life-004"}, [
        "陈建国 将 life-004 的核心技术水平从 72.5 改为 80", "陈建国 给 life-004 的推广价值打分 90",
        "陈建国 给 life-004 的应用效果打分 70", "陈建国 给 life-004 的核心技术水平打分 72.5"]),
    ({"who": "j08"}, ["李娜 给 life-004 的核心技术水平打分 75"]),
    ({"kinds": ("comment",)}, ["陈建国 写下 life-004 的总体评语：“创新性强”"]),
    ({"judge": "陈建国", "kinds": ("sheet",)}, ["王芳 将 陈建国 对 life-004 的评分表退回草稿（评委要求修改）",
                                               "陈建国 提交 life-004 的评分表（加权总分 80）"]),
    ({"entry": "life-001"}, ["陈建国 给 life-001 的核心技术水平打分 60"]),
])
def test_filters_by_who_kind_entry_and_judge(engine, contest, filters, expected):
    with read_session(engine) as s:
        query = resolve_query(s, **filters, actor=CLI)

    assert _texts(engine, query) == expected


def test_a_time_range_and_pages_are_applied_in_the_database(engine, contest):
    with read_session(engine) as s:
        everything = count_matching(s, query=LogQuery(), actor=CLI)
        future = count_matching(s, query=LogQuery(since=datetime.now(UTC) + timedelta(hours=1)), actor=CLI)
        past = count_matching(s, query=LogQuery(until=datetime.now(UTC) - timedelta(days=1)), actor=CLI)
        today = count_matching(s, query=LogQuery(since=datetime.now(UTC) - timedelta(hours=1)), actor=CLI)
        first, second = (log_page(s, query=LogQuery(), offset=o, limit=5, actor=CLI) for o in (0, 5))
        oldest_first = [ev.id for ev in log_events(s, query=LogQuery(), actor=CLI)]

    assert (future, past, today) == (0, 0, everything)
    assert first.total == second.total == everything == len(oldest_first)
    assert [ev.id for ev in first.events + second.events] == sorted(oldest_first, reverse=True)[:10]


@pytest.mark.parametrize(("filters", "message"), [
    ({"who": "张三"}, "没有账号或姓名为“张三”的人员"),
    ({"entry": "life-999"}, "没有编号为“life-999”的作品"),
    ({"since": datetime(2026, 12, 2, tzinfo=UTC), "until": datetime(2026, 12, 1, tzinfo=UTC)}, "晚于"),
])
def test_filters_that_match_nothing_say_what_to_fix(engine, contest, filters, message):
    with read_session(engine) as s, pytest.raises(AuditLogError) as raised:
        resolve_query(s, **filters, actor=CLI)

    assert message in raised.value.render("zh")


def test_a_verification_is_recorded_and_a_broken_chain_is_shown_with_its_event(engine, contest):
    with read_session(engine) as s:
        assert chain_state(s, actor=CLI).verification is None
    with write_session(engine) as s:
        ok = verify_and_record(s, actor=CLI, lang="zh")
    with write_session(engine) as s:
        save_score(s, round_id=contest["round"], judge_id=contest["li"], entry_id=contest["life-004"],
                   criterion="application_effect", value=71.0, actor=as_user(s, "j08"))
    with read_session(engine) as s:
        after_one_more = chain_state(s, actor=CLI)
        target = log_page(s, query=LogQuery(kinds=("comment.save",)), actor=CLI).events[0].id
    with engine.begin() as connection:  # an edit past the store
        connection.execute(text("UPDATE audit_event SET payload = '{}' WHERE id = :id"), {"id": target})
    with write_session(engine) as s:
        broken = verify_and_record(s, actor=CLI, lang="zh")

    assert (ok.payload["problems"], after_one_more.verification.id) == (0, ok.id)
    assert after_one_more.events_since >= 1  # the score saved since (and any chain or checkpoint event with it)
    assert broken.payload["problems"] >= 1 and broken.payload["broken"][0] == target
