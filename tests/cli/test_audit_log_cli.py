"""``judging audit log``: the trail in words on the terminal, filtered, and as CSV (BOM) and XLSX files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from actors import as_user

from judging.cli import main
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.store.assignment import assign
from judging.store.db import write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.people import create_user
from judging.store.sheets import save_comment, save_score

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")


@pytest.fixture
def url(engine, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    with write_session(engine) as s:
        edition = create_edition(s, name="大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[{"code": "life-004", "track": "life", "title": "作品"}],
                    actor=SYSTEM)
        chen = create_user(s, username="j07", display_name="陈建国", actor=SYSTEM)
        entry = entries_of(s, edition.id)[0]
        assign(s, round_id=rnd.id, pairs=[(chen.id, entry.id)], actor=SYSTEM)
    with write_session(engine) as s:
        where = {"round_id": rnd.id, "judge_id": chen.id, "entry_id": entry.id, "actor": as_user(s, "j07")}
        save_score(s, **where, criterion="core_technology", value=72.5)
        save_score(s, **where, criterion="core_technology", value=80.0)
        save_comment(s, **where, criterion="", text_value="=HYPERLINK(\"x\")")  # a formula, to be kept as text
    return engine.url.render_as_string(hide_password=False)


def test_the_log_prints_the_filtered_events_in_words(url, capsys):
    code = main(["audit", "log", "--who", "陈建国", "--entry", "life-004", "--kind", "score.save", "--db", url])

    lines = [line.split("\t")[2] for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert lines == ["陈建国 将 life-004 的核心技术水平从 72.5 改为 80", "陈建国 给 life-004 的核心技术水平打分 72.5"]


def test_the_log_exports_csv_with_a_bom_and_xlsx(url, tmp_path):
    assert main(["audit", "log", "--kind", "score,comment", "--format", "csv", "--out", str(tmp_path / "a.csv"),
                 "--db", url]) == 0
    assert main(["audit", "log", "--kind", "score,comment", "--format", "xlsx", "--out", str(tmp_path / "a.xlsx"),
                 "--db", url]) == 0

    data = (tmp_path / "a.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx").active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert data.startswith(b"\xef\xbb\xbf")
    assert rows[0] == ["序号", "时间（UTC）", "操作人", "类型", "对象", "内容", "原始记录"]
    assert [r[5] for r in rows[1:]] == ["陈建国 给 life-004 的核心技术水平打分 72.5",
                                        "陈建国 将 life-004 的核心技术水平从 72.5 改为 80",
                                        "陈建国 写下 life-004 的总体评语：“=HYPERLINK(\"x\")”"]
    assert [[str(v) for v in r] for r in cells] == [[str(v) for v in r] for r in rows]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize(("argv", "message"), [
    (["--since", "2026-13-01"], "日期“2026-13-01”无法识别"),
    (["--who", "张三"], "没有账号或姓名为“张三”的人员"),
    (["--format", "pdf"], "格式“pdf”无效"),
])
def test_a_bad_filter_says_what_to_fix(url, capsys, argv, message):
    code = main(["audit", "log", *argv, "--db", url])

    assert code == 2
    assert message in capsys.readouterr().err
