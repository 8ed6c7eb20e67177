"""AppTest of the paper sheets page: make a judge's PDF, type a sheet in by its id (stored and submitted),
and the refusals shown: a typo in the check character, a sheet typed twice."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
from streamlit.testing.v1 import AppTest

from judging.core.permissions import CLI
from judging.store.db import read_session
from judging.store.scores import load_scores_frame, sheet_status_rows
from judging.ui.common import USER_KEY


def _render() -> None:
    from judging.ui import organiser_paper

    organiser_paper.render()


def page(contest) -> AppTest:
    at = AppTest.from_function(_render, default_timeout=60)
    at.session_state[USER_KEY] = contest["users"]["org"]
    return at


def _codes_of_j1(contest) -> list[str]:
    at = page(contest).run()
    at.selectbox(key="oc_paper_judge").set_value(contest["ids"]["j1"]).run()
    at.button(key="oc_paper_make").click().run()
    assert not at.exception
    name, data, mime, n, _ = at.session_state["oc_paper_pdf"]
    assert (name, mime, n) == ("j1.pdf", "application/pdf", 4)
    return [re.search(r"PS-\d{8}-[\dX]", p.get_textpage().get_text_range()).group(0) for p in pdfium.PdfDocument(data)]


def _type(at: AppTest, code: str, scores=(80.0, 75.0, 70.0)) -> AppTest:
    at.text_input(key="oc_paper_code").input(code).run()
    for key, value in zip(("core_technology", "application_effect", "promotion_value"), scores, strict=True):
        at.number_input(key=f"oc_paper_score_{key}").set_value(value)
    return at.get("form_submit_button")[0].click().run()


def test_a_sheet_typed_in_by_its_printed_id_is_stored_and_submitted(contest):
    codes = _codes_of_j1(contest)
    at = page(contest).run()

    _type(at, codes[0])

    assert not at.exception
    assert f"评分表 {codes[0]} 已录入并提交" in [s.value for s in at.success]
    with read_session(contest["engine"]) as s:
        frame = load_scores_frame(s, round_id=contest["ids"]["round"], actor=CLI)
        submitted = [r for r in sheet_status_rows(s, round_id=contest["ids"]["round"], actor=CLI)
                     if r["status"] == "submitted"]
    assert sorted(frame["score"]) == [70.0, 75.0, 80.0] and [r["judge"] for r in submitted] == ["j1"]


def test_a_typo_in_the_check_character_and_a_sheet_typed_twice_are_refused(contest):
    codes = _codes_of_j1(contest)
    typo = codes[1][:-1] + ("1" if codes[1][-1] != "1" else "2")
    at = page(contest).run()

    at.text_input(key="oc_paper_code").input(typo).run()
    problems = at.dataframe[0].value
    assert "校验码不符" in problems.iloc[0, -1]
    _type(at, codes[1])
    at.text_input(key="oc_paper_code").input(codes[1]).run()

    assert any("已于" in w.value and "录入" in w.value for w in at.warning)
    assert not at.get("form_submit_button")


def test_only_organisers_open_the_page(contest):
    for user in ("j1", "ann", "aud"):
        at = AppTest.from_function(_render, default_timeout=60)
        at.session_state[USER_KEY] = contest["users"][user]

        at.run()

        assert [e.value for e in at.error] == ["您的角色无权访问此页面。"] and not at.text_input, user


def test_the_whole_round_prints_as_one_pdf_judge_after_judge(contest):
    at = page(contest).run()

    at.button(key="oc_paper_make").click().run()

    name, data, mime, n, typing = at.session_state["oc_paper_pdf"]
    pages = [p.get_textpage().get_text_range() for p in pdfium.PdfDocument(data)]
    assert (name, n, len(pages)) == ("paper-sheets.pdf", 8, 8)
    assert ["（j1）" in p for p in pages] == [True] * 4 + [False] * 4
    assert typing.decode("utf-8-sig").count("PS-") == 8
