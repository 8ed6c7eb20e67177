"""Paper score sheets: printed (the PDF's text extracted), their ids typed back through the typing file
and ``judging scores import``, and the refusals: a sheet typed twice, a typo in the check character, a
sheet twice in one file, a score that differs from one stored online, a closed round."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from actors import as_user
from sqlalchemy import text
from sqlmodel import select

from judging.cli import main
from judging.core.paper_sheets import read_typing_file, render_paper_sheets, typing_csv
from judging.core.permissions import CLI, SYSTEM
from judging.core.rubric import load_rubric
from judging.core.sheet_ids import sheet_code
from judging.errors import ScoreError
from judging.store.assignment import add_conflict, assign
from judging.store.db import read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of, update_round
from judging.store.models import AuditEvent, Comment, ScoreSheet
from judging.store.paper import paper_sheet_view, print_sheets, type_in_sheets
from judging.store.people import create_user
from judging.store.scores import load_scores_frame
from judging.store.sheets import save_score

RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
LABELS = [c.label.zh for c in RUBRIC.criteria]


@pytest.fixture
def contest(engine):
    with write_session(engine) as s:
        edition = create_edition(s, name="2026年信息消费创新大赛", year=2026, tracks=[("life", "生活类", "Life")],
                                 actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        update_round(s, round_id=rnd.id, ends_on="2026-12-20", actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"L-00{i}", "track": "life", "title": f"智慧养老平台{i}"} for i in range(1, 4)], actor=SYSTEM)
        j1 = create_user(s, username="zhang", display_name="张建国", actor=SYSTEM)
        j2 = create_user(s, username="li", display_name="李红", actor=SYSTEM)
        e = {x.code: x.id for x in entries_of(s, edition.id)}
        assign(s, round_id=rnd.id, pairs=[(j.id, x) for j in (j1, j2) for x in e.values()], actor=SYSTEM)
        add_conflict(s, judge_id=j2.id, entry_id=e["L-003"], actor=SYSTEM)
    return {"engine": engine, "round": rnd.id, "zhang": j1.id, "li": j2.id} | e


def _print(contest, **kw):
    with write_session(contest["engine"]) as s:
        return print_sheets(s, round_id=contest["round"], actor=CLI, **kw)


def _pdf_pages(data: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data)]


def _typed_file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["评分表编号", *LABELS, "评语"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_each_assigned_entry_gets_a_page_with_its_id_criteria_bands_and_boxes(contest):
    rubric, by_judge = _print(contest)

    assert {name: len(sheets) for name, sheets in by_judge.items()} == {"li": 2, "zhang": 3}  # li's conflict left out
    pages = _pdf_pages(render_paper_sheets(by_judge["zhang"], rubric))
    assert len(pages) == 3
    codes = [re.search(r"评分表编号：(PS-\d{8}-[\dX])", page).group(1) for page in pages]
    assert codes == [s.code for s in by_judge["zhang"]]
    first = pages[0]
    for words in (*LABELS, "张建国", "初评", "得分", "评语", "评委签名", "2026-12-20", RUBRIC.criteria[0].bands[0].label.zh):
        assert words in first, words
    assert by_judge["zhang"][0].entry_code in first and "智慧养老平台" in first


def test_a_rubric_with_sub_items_prints_them_under_their_criterion(contest):
    rubric = load_rubric(Path(__file__).parents[2] / "rubrics" / "demonstration_project.toml")
    _, by_judge = _print(contest)
    with_items = next(c for c in rubric.criteria if c.sub_items)

    pages = _pdf_pages(render_paper_sheets(by_judge["li"][:1], rubric))
    page = "".join(pages)

    assert all(item.label.zh in page for item in with_items.sub_items)
    assert page.index(with_items.label.zh) < page.index(with_items.sub_items[0].label.zh)
    assert len(pages) == 2 and f"评分表编号：{by_judge['li'][0].code}（续）" in pages[1]  # a loose page says whose


def test_a_reprint_gives_the_same_ids(contest):
    _, first = _print(contest)
    _, again = _print(contest, judge_id=contest["zhang"])

    assert [s.code for s in again["zhang"]] == [s.code for s in first["zhang"]] and list(again) == ["zhang"]


def test_ids_read_from_the_pdf_and_typed_back_store_submitted_sheets(contest):
    rubric, by_judge = _print(contest)
    pages = _pdf_pages(render_paper_sheets(by_judge["zhang"], rubric))
    codes = [re.search(r"PS-\d{8}-[\dX]", page).group(0) for page in pages]
    data = _typed_file([[code, "80", "75.5", "70", "创新性强"] for code in codes])

    with write_session(contest["engine"]) as s:
        n = type_in_sheets(s, sheets=read_typing_file(data, rubric), round_id=contest["round"], actor=CLI)

    assert n == 3
    with read_session(contest["engine"]) as s:
        frame = load_scores_frame(s, round_id=contest["round"], actor=CLI)
        statuses = s.exec(select(ScoreSheet.status).where(ScoreSheet.judge_id == contest["zhang"])).all()
        events = s.exec(select(AuditEvent.action).where(AuditEvent.action.in_(["score.save", "paper.typed"]))).all()
        overall = s.exec(select(Comment.text).where(Comment.criterion == "", Comment.judge_id == contest["zhang"])).all()
    assert sorted(frame["score"].tolist()) == sorted([80.0, 75.5, 70.0] * 3) and overall == ["创新性强"] * 3
    assert set(frame["judge_id"]) == {"zhang"} and statuses == ["submitted"] * 3
    assert events.count("paper.typed") == 3 and events.count("score.save") == 9


def test_a_sheet_typed_twice_and_a_typo_in_the_check_character_are_refused_by_sheet_and_row(contest):
    rubric, by_judge = _print(contest)
    first, second = by_judge["zhang"][0].code, by_judge["zhang"][1].code
    with write_session(contest["engine"]) as s:
        type_in_sheets(s, sheets=read_typing_file(_typed_file([[first, "80", "80", "80", ""]]), rubric), actor=CLI)
    typo = second[:-1] + ("0" if second[-1] != "0" else "1")

    with pytest.raises(ScoreError) as refused, write_session(contest["engine"]) as s:
        type_in_sheets(s, sheets=read_typing_file(_typed_file([[first, "81", "80", "80", ""]]), rubric), actor=CLI)
    with pytest.raises(ScoreError) as typo_refused:
        read_typing_file(_typed_file([[typo, "80", "80", "80", ""]]), rubric)

    [twice] = refused.value.problems
    assert (twice.code, twice.where) == ("paper.typed_twice", first)
    [bad] = typo_refused.value.problems
    assert (bad.code, bad.row, bad.where) == ("paper.bad_check", 2, typo)
    assert bad.render("zh").startswith(typo) and "校验码不符" in bad.render("zh")


def test_a_file_with_a_sheet_twice_or_a_score_off_the_scale_names_each_row(contest):
    rubric, by_judge = _print(contest)
    code = by_judge["zhang"][0].code

    with pytest.raises(ScoreError) as refused:
        read_typing_file(_typed_file([[code, "80", "80", "80", ""], [code, "80", "80", "80", ""],
                                      [by_judge["zhang"][1].code, "180", "", "80", ""]]), rubric)

    assert [(p.code, p.row) for p in refused.value.problems] == [
        ("paper.typed_twice_in_file", 3), ("score.out_of_range", 4), ("paper.score_missing", 4)]


def test_paper_scores_that_differ_from_online_ones_or_a_closed_round_are_refused(contest):
    rubric, by_judge = _print(contest)
    sheet = by_judge["zhang"][0]
    with write_session(contest["engine"]) as s:
        view = paper_sheet_view(s, code=sheet.code, actor=CLI)
        entry_id = contest[view.entry_code]
        save_score(s, round_id=contest["round"], judge_id=contest["zhang"], entry_id=entry_id,
                   criterion=RUBRIC.criteria[0].key, value=60.0, actor=as_user(s, "zhang"))
    typed = read_typing_file(_typed_file([[sheet.code, "80", "80", "80", ""]]), rubric)

    with pytest.raises(ScoreError) as differs, write_session(contest["engine"]) as s:
        type_in_sheets(s, sheets=typed, actor=CLI)
    with write_session(contest["engine"]) as s:
        update_round(s, round_id=contest["round"], status="closed", actor=SYSTEM)
    with pytest.raises(ScoreError) as closed, write_session(contest["engine"]) as s:
        type_in_sheets(s, sheets=typed, actor=CLI)

    assert [p.code for p in differs.value.problems] == ["paper.differs_online"]
    assert "60" in differs.value.problems[0].render("zh") and "80" in differs.value.problems[0].render("zh")
    assert "store.round_not_open" in [p.code for p in closed.value.problems]


def test_cli_prints_pdfs_and_imports_the_typing_file(contest, tmp_path, capsys):
    url = contest["engine"].url.render_as_string(hide_password=False)
    out = tmp_path / "sheets"

    assert main(["paper", "print", "--round", str(contest["round"]), "--out", str(out), "--db", url]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["li.pdf", "typing.csv", "zhang.pdf"]
    rows = list(csv.reader(io.StringIO((out / "typing.csv").read_text("utf-8-sig"))))
    assert rows[0][:4] == ["评分表编号", "评委账号", "作品编号", LABELS[0]] and len(rows) == 6
    for row in rows[1:]:
        row[3:6] = ["85", "80", "75"]
    typed = tmp_path / "typed.csv"
    with typed.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)

    assert main(["scores", "import", str(typed), "--round", str(contest["round"]), "--db", url]) == 0
    assert "已录入纸质评分表 5 份" in capsys.readouterr().out
    assert main(["scores", "import", str(typed), "--round", str(contest["round"]), "--db", url]) == 1
    err = capsys.readouterr().err
    assert err.count("不能重复录入") == 5 and rows[1][0] in err


def test_typing_csv_lists_each_sheet_once(contest):
    rubric, by_judge = _print(contest)

    rows = list(csv.reader(io.StringIO(typing_csv(by_judge["li"], rubric).decode("utf-8-sig"))))

    assert [r[0] for r in rows[1:]] == [s.code for s in by_judge["li"]]
    assert all(re.fullmatch(r"PS-\d{8}-[\dX]", r[0]) for r in rows[1:]) and sheet_code(1) == "PS-00000001-X"


def test_a_typed_sheet_made_typeable_again_in_the_database_is_caught_by_the_seals(contest, capsys, monkeypatch):
    rubric, by_judge = _print(contest)
    with write_session(contest["engine"]) as s:
        type_in_sheets(s, sheets=read_typing_file(_typed_file([[by_judge["li"][0].code, "80", "80", "80", ""]]),
                                                  rubric), actor=CLI)
    url = contest["engine"].url.render_as_string(hide_password=False)
    monkeypatch.setenv("JUDGING_LANG", "en")
    assert main(["audit", "verify", "--db", url]) == 0
    with contest["engine"].begin() as conn:
        assert conn.execute(text("UPDATE paper_sheet SET typed_at = NULL, typed_by = '' "
                                 "WHERE typed_at IS NOT NULL")).rowcount == 1
    capsys.readouterr()

    assert main(["audit", "verify", "--db", url]) == 1
    assert "paper_sheet" in capsys.readouterr().err


def test_two_staff_typing_the_same_sheet_at_once_store_it_once(contest):
    import threading

    rubric, by_judge = _print(contest)
    typed = read_typing_file(_typed_file([[by_judge["zhang"][0].code, "80", "80", "80", ""]]), rubric)
    outcomes = []

    def type_it():
        try:
            with write_session(contest["engine"]) as s:
                outcomes.append(type_in_sheets(s, sheets=typed, actor=CLI))
        except ScoreError as exc:
            outcomes.append(exc.problems[0].code)

    threads = [threading.Thread(target=type_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(map(str, outcomes)) == ["1", "paper.typed_twice"]
    with read_session(contest["engine"]) as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "paper.typed")).all()) == 1
