"""``judging import entries|judges`` and ``judging scores export|import`` on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from judging.cli import main
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.store.db import open_database, read_session, write_session
from judging.store.editions import add_round, create_edition, entries_of, list_editions, rounds_of
from judging.store.scores import count_scores

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")

ENTRIES = (
    "作品编号,作品名称,申报单位,推荐单位,赛道,联系电话\r\n"
    "ＬＳ－００１,智慧养老服务平台,甲科技有限公司,某市经信局,生活类,１３８００１３８０００\r\n"
    "-P1,一网通办,丙大数据中心,,public,010-12345678\r\n"
)
JUDGES = "评委编号,姓名,工作单位,专业领域\nj1,张伟,甲科技有限公司,生活类\nj2,李娜,丁大学,public\n"


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = open_database(url)
    with write_session(engine) as s:
        edition = create_edition(s, name="测试大赛", year=2026,
                                      tracks=[("life", "生活类信息消费", "Life"), ("public", "公共服务类信息消费", "Public")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
    engine.dispose()
    return {"url": url, "edition": edition.id, "round": rnd.id, "dir": tmp_path}


def _write(db, name, data: bytes) -> str:
    path = db["dir"] / name
    path.write_bytes(data)
    return str(path)


def _codes(db):
    engine = open_database(db["url"])
    with read_session(engine) as s:
        return [e.code for e in entries_of(s, db["edition"])]


def test_import_entries_gbk_file(db, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    path = _write(db, "entries.csv", ENTRIES.encode("gbk"))

    code = main(["import", "entries", path, "--edition", str(db["edition"]), "--db", db["url"]])

    assert code == 0
    assert capsys.readouterr().out.strip() == "已导入 2 个作品"
    assert _codes(db) == ["-P1", "LS-001"]


def test_import_entries_with_errors_prints_every_bad_row_and_imports_nothing(db, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "en")
    bad = ENTRIES + ",,乙公司,,life,\r\nX,标题,,,火星,123\r\n"
    path = _write(db, "entries.csv", bad.encode("gbk"))

    code = main(["import", "entries", path, "--edition", str(db["edition"]), "--db", db["url"]])

    assert code == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "entries.csv: the file has problems; nothing was imported:"
    assert [line.split("\t")[:2] for line in err[2:-1]] == [
        ["4", "作品名称"], ["5", "申报单位"], ["5", "赛道"], ["5", "联系电话"],
    ]
    assert err[-1] == "4 problem(s) found"
    assert _codes(db) == []


def test_import_judges_records_automatic_conflicts(db, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    main(["import", "entries", _write(db, "e.csv", ENTRIES.encode("gbk")), "--edition", str(db["edition"]),
          "--db", db["url"]])
    capsys.readouterr()

    code = main(["import", "judges", _write(db, "j.csv", JUDGES.encode("utf-8-sig")),
                 "--edition", str(db["edition"]), "--db", db["url"]])

    assert code == 0
    assert capsys.readouterr().out.strip() == "已导入 2 位评委，自动回避 1 对"


def test_db_defaults_to_the_environment_variable(db, monkeypatch):
    monkeypatch.setenv("JUDGING_DATABASE_URL", db["url"])

    assert main(["import", "entries", _write(db, "e.csv", ENTRIES.encode()), "--edition", str(db["edition"])]) == 0
    assert _codes(db) == ["-P1", "LS-001"]


def test_scores_export_import_export_is_byte_identical(db, capsys):
    main(["import", "entries", _write(db, "e.csv", ENTRIES.encode()), "--edition", str(db["edition"]), "--db", db["url"]])
    main(["import", "judges", _write(db, "j.csv", JUDGES.encode()), "--db", db["url"]])
    scores = (
        "评委编号,作品编号,评分项,分数,评语\n"
        "j2,LS-001,核心技术水平,85,\"=SUM(A1)，请核实\"\n"
        "j2,-P1,应用效果,92.5,\n"
        "j1,'-P1,推广价值,60,\n"
    )
    assert main(["scores", "import", _write(db, "s.csv", scores.encode("gb18030")), "--round", str(db["round"]),
                 "--db", db["url"]]) == 0
    first, second = db["dir"] / "first.csv", db["dir"] / "second.csv"

    main(["scores", "export", "--round", str(db["round"]), "--out", str(first), "--db", db["url"]])
    assert main(["scores", "import", str(first), "--round", str(db["round"]), "--db", db["url"]]) == 0
    main(["scores", "export", "--round", str(db["round"]), "--out", str(second), "--db", db["url"]])

    assert second.read_bytes() == first.read_bytes()
    assert first.read_bytes().decode("utf-8-sig").splitlines() == [
        "judge_id,entry_id,criterion,score,track,round,comment,overall_comment",
        "j1,'-P1,promotion_value,60,public,prelim,,",
        "j2,'-P1,application_effect,92.5,public,prelim,,",
        "j2,LS-001,core_technology,85,life,prelim,'=SUM(A1)，请核实,",
    ]


def test_scores_import_with_errors_exits_non_zero_and_stores_nothing(db, capsys):
    path = _write(db, "s.csv", b"judge_id,entry_id,criterion,score\nnobody,E,core_technology,101\n")

    code = main(["scores", "import", path, "--round", str(db["round"]), "--db", db["url"]])

    assert code == 1
    assert "2\tscore\t" in capsys.readouterr().err
    engine = open_database(db["url"])
    with read_session(engine) as s:
        assert count_scores(s, round_id=db["round"], actor=SYSTEM) == 0


def test_missing_file_is_reported_without_a_traceback(db, capsys):
    code = main(["import", "judges", str(db["dir"] / "nope.csv"), "--db", db["url"]])

    assert code == 2
    assert "nope.csv" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_scores_export_imports_back_unchanged(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "en")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--db", url]) == 0
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    engine = open_database(url)
    with read_session(engine) as s:
        round_id = rounds_of(s, list_editions(s)[0].id)[0].id

    main(["scores", "export", "--round", str(round_id), "--out", str(first), "--db", url])
    capsys.readouterr()
    assert main(["scores", "import", str(first), "--round", str(round_id), "--db", url]) == 0
    main(["scores", "export", "--round", str(round_id), "--out", str(second), "--db", url])

    assert capsys.readouterr().out.splitlines()[0].endswith("scores imported (0 new or changed)")
    assert second.read_bytes() == first.read_bytes()
    assert len(first.read_bytes().splitlines()) > 1000


def test_import_entries_again_lists_the_matches_and_imports_nothing_without_on_match(db, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "en")
    first = _write(db, "entries.csv", ENTRIES.encode("gbk"))
    assert main(["import", "entries", first, "--edition", str(db["edition"]), "--db", db["url"]]) == 0
    no_ids = "作品名称,申报单位,赛道\r\n智慧养老服务平台,甲科技有限公司,生活类\r\n新项目,戊公司,public\r\n"
    again = _write(db, "again.csv", no_ids.encode("utf-8"))
    capsys.readouterr()

    refused = main(["import", "entries", again, "--edition", str(db["edition"]), "--db", db["url"]])
    err = capsys.readouterr().err.splitlines()
    added = main(["import", "entries", again, "--edition", str(db["edition"]), "--db", db["url"], "--on-match", "add"])
    out = capsys.readouterr().out.strip()

    assert refused == 1
    assert err[2].endswith("entry 1 '智慧养老服务平台' (甲科技有限公司): same title and organisation as the "
                           "edition's entry LS-001")
    assert err[-1].startswith("nothing was imported. Run again with --on-match update")
    assert (added, out) == (0, "2 entries imported")
    assert _codes(db) == ["-P1", "LS-001", "life-001", "public-001"]


def test_import_entries_on_match_update_keeps_the_ids(db, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    assert main(["import", "entries", _write(db, "e.csv", ENTRIES.encode("gbk")), "--edition", str(db["edition"]),
                 "--db", db["url"]]) == 0
    changed = ENTRIES.replace("某市经信局", "某省工信厅")
    capsys.readouterr()

    code = main(["import", "entries", _write(db, "e2.csv", changed.encode("gbk")), "--edition", str(db["edition"]),
                 "--db", db["url"], "--on-match", "update"])

    assert (code, capsys.readouterr().out.strip()) == (0, "已导入 0 个新作品，更新 2 个已有作品")
    engine = open_database(db["url"])
    with read_session(engine) as s:
        assert [(e.code, e.recommending_unit) for e in entries_of(s, db["edition"])] == [("-P1", ""), ("LS-001", "某省工信厅")]


def test_a_title_row_above_the_header_is_said_where_the_header_was_found(db, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    titled = "2026年信息消费创新大赛参赛作品汇总表,,,,,\r\n" + ENTRIES
    path = _write(db, "entries.csv", titled.encode("utf-8-sig"))

    code = main(["import", "entries", path, "--edition", str(db["edition"]), "--db", db["url"]])

    assert code == 0
    assert capsys.readouterr().out.strip().splitlines() == ["表头在第 2 行，上面的 1 行（标题）未导入", "已导入 2 个作品"]
    assert _codes(db) == ["-P1", "LS-001"]
