"""Entries imported twice (SQLite and PostgreSQL): the rows already in the edition are listed row by row
and nothing is imported, unless the organiser chooses to update them or to add them as new."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from sqlmodel import select

from judging.core.import_matches import ADD, UPDATE, DuplicateEntries
from judging.core.permissions import SYSTEM
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, create_edition, entries_of
from judging.store.imports import entry_import_plan, import_entries
from judging.store.models import AuditEvent

TRACKS = [("life", "生活类", "Life"), ("public", "公共服务类", "Public")]
HEADER = ["作品名称", "申报单位", "推荐单位", "赛道"]
ROWS = [[f"{'智慧养老' if i % 2 else '城市大脑'}项目{i}", f"第{i}科技有限公司", "某市经信局", "生活类" if i % 2 else "公共服务类"]
        for i in range(1, 31)]


def csv_bytes(rows, header=HEADER) -> bytes:
    return ("\r\n".join(",".join(r) for r in [header, *rows]) + "\r\n").encode("utf-8-sig")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def edition(engine):
    with write_session(engine) as s:
        return create_edition(s, name="测试大赛", year=2026, tracks=TRACKS, actor=SYSTEM).id


def _import(engine, edition, data, **kwargs):
    with write_session(engine) as s:
        return import_entries(s, edition_id=edition, data=data, actor=SYSTEM, **kwargs)


def _entries(engine, edition):
    with read_session(engine) as s:
        return [(e.code, e.title, e.recommending_unit) for e in entries_of(s, edition)]


def test_the_same_entries_as_xlsx_after_csv_without_ids_import_nothing(engine, edition):
    _import(engine, edition, csv_bytes(ROWS))
    xlsx = xlsx_bytes(ROWS)
    assert openpyxl.load_workbook(io.BytesIO(xlsx)).active.max_row == 31  # a real workbook, header and 30 rows

    with pytest.raises(DuplicateEntries) as caught:
        _import(engine, edition, xlsx)

    assert [(m.position, m.title, m.by) for m in caught.value.matches] == [
        (i, ROWS[i - 1][0], "title") for i in range(1, 31)]
    assert [p.code for p in caught.value.problems] == ["import.match_title"] * 30
    assert len(_entries(engine, edition)) == 30


def test_title_and_organisation_match_whatever_the_spacing_width_and_punctuation(engine, edition):
    _import(engine, edition, csv_bytes(ROWS[:2]))
    again = [[" 智慧养老 项目1", "第1科技有限公司（）", "", "生活类"], ["ＡＢＣ平台", "第2科技有限公司", "", "生活类"]]

    with pytest.raises(DuplicateEntries) as caught:
        _import(engine, edition, csv_bytes(again))

    assert [(m.position, m.existing_code) for m in caught.value.matches] == [(1, "life-001")]


def test_update_writes_the_file_into_the_entries_found_and_adds_the_others(engine, edition):
    _import(engine, edition, csv_bytes(ROWS[:3]))
    changed = [[r[0], r[1], "某省工信厅", r[3]] for r in ROWS[:2]] + [["新的项目", "新公司", "", "生活类"]]

    outcome = _import(engine, edition, xlsx_bytes(changed), on_match=UPDATE)

    with read_session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "entries.update")).one()
    assert (outcome.imported, outcome.updated) == (1, 2)
    assert _entries(engine, edition) == [
        ("life-001", "智慧养老项目1", "某省工信厅"), ("life-002", "智慧养老项目3", "某市经信局"),
        ("life-003", "新的项目", ""), ("public-001", "城市大脑项目2", "某省工信厅")]
    assert json.loads(event.payload)["changed"]["life-001"] == {
        "recommending_unit": {"old": "某市经信局", "new": "某省工信厅"}}


def test_add_as_new_gives_a_taken_id_a_new_one(engine, edition):
    header = ["作品编号", *HEADER]
    _import(engine, edition, csv_bytes([["L-1", *ROWS[0]]], header))

    outcome = _import(engine, edition, csv_bytes([["L-1", *ROWS[0]], ["", *ROWS[2]]], header), on_match=ADD)

    assert outcome.imported == 2
    assert [c for c, _, _ in _entries(engine, edition)] == ["L-1", "life-001", "life-002"]


def test_an_id_already_in_the_edition_matches_by_id_even_under_another_title(engine, edition):
    header = ["作品编号", *HEADER]
    _import(engine, edition, csv_bytes([["L-1", *ROWS[0]]], header))

    with pytest.raises(DuplicateEntries) as caught:
        _import(engine, edition, csv_bytes([["L-1", "改名后的项目", "第1科技有限公司", "", "生活类"]], header))

    assert [(m.position, m.code, m.existing_code, m.by) for m in caught.value.matches] == [(1, "L-1", "L-1", "id")]


def test_the_plan_lists_the_matches_and_stores_nothing(engine, edition):
    _import(engine, edition, csv_bytes(ROWS[:2]))

    with read_session(engine) as s:
        plan = entry_import_plan(s, edition_id=edition, data=csv_bytes(ROWS[:4]), actor=SYSTEM)

    assert [m.position for m in plan.matches] == [1, 2] and len(plan.records) == 4 and plan.problems == []
    assert [r["code"] for r in plan.records] == ["life-002", "public-002", "life-003", "public-003"]
    assert len(_entries(engine, edition)) == 2


def test_other_problems_are_reported_as_before_and_stop_the_file(engine, edition):
    _import(engine, edition, csv_bytes(ROWS[:1]))

    with pytest.raises(Exception) as caught:
        _import(engine, edition, csv_bytes([ROWS[0], ["", "无名称单位", "", "生活类"]]))

    assert not isinstance(caught.value, DuplicateEntries)
    assert [p.code for p in caught.value.problems] == ["import.required"]


def test_add_entries_refuses_an_entry_the_edition_has_whatever_the_path(engine, edition):
    _import(engine, edition, csv_bytes(ROWS[:1]))

    with pytest.raises(DuplicateEntries) as caught, write_session(engine) as s:
        add_entries(s, edition_id=edition, records=[{"code": "X-1", "track": "life", "title": ROWS[0][0],
                                                     "organisation": ROWS[0][1]}], actor=SYSTEM)

    assert [(m.code, m.existing_code, m.by) for m in caught.value.matches] == [("X-1", "life-001", "title")]
    assert len(_entries(engine, edition)) == 1
