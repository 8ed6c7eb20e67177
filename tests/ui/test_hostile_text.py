"""Entry and judge text is shown as text, never as HTML or markdown: a ``<script>``/``**`` title
and judge name render escaped on the judge's pages, and no module renders HTML at all."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from sqlmodel import select

from judging.store.db import write_session
from judging.store.models import Entry, User
from judging.ui.common import plain

ROOT = Path(__file__).parents[2]
TITLE = "<script>alert(1)</script> **粗体** [点我](javascript:alert(2))"


def _texts(at) -> list[str]:
    kinds = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success")
    return [element.value for kind in kinds for element in getattr(at, kind)]


def _hostile_title(contest) -> int:
    with write_session(contest["engine"]) as s:
        entry = s.exec(select(Entry).where(Entry.code == "P-002")).one()
        entry.title = TITLE
        entry.organisation = "<b>丁公司</b>"
        judge = s.exec(select(User).where(User.username == "j1")).one()
        judge.display_name = "<i>张三</i>**"
        return entry.id


def _escaped(texts: list[str]) -> list[str]:
    shown = [t for t in texts if "alert" in t]
    for text in shown:
        assert "<script>" not in text and "](javascript" not in text, text
        assert plain(TITLE) in text, text  # every markdown character of the title escaped
    return shown


def test_hostile_title_is_text_on_the_entry_list(app, contest):
    _hostile_title(contest)

    at = app("j1").run()

    assert _escaped(_texts(at))


def test_hostile_title_is_text_on_the_score_sheet(app, contest):
    entry_id = _hostile_title(contest)

    at = app("j1").run()
    at.button(key=f"open_{entry_id}").click().run()

    assert not at.exception
    assert _escaped(_texts(at))


def test_no_module_renders_html():
    # judging/ui/chrome.py's style() is the one call, and it takes a <style> element only (next test)
    sources = [p for p in (ROOT / "judging").rglob("*.py") if p != ROOT / "judging" / "ui" / "chrome.py"] + [
        ROOT / "streamlit_app.py"]

    offenders = [str(p.relative_to(ROOT)) for p in sources
                 if re.search(r"unsafe_allow_html\s*=\s*True|st\.html\(|components\.v1\.html|components\.html\(",
                              p.read_text(encoding="utf-8"))]

    assert offenders == []


@pytest.mark.parametrize("sheet", ["<b>张三</b>", "<style>p {}</style><img src=x onerror=alert(1)>",
                                   "<style>p {}</style><script>alert(1)</script><style></style>"])
def test_the_style_sheet_call_takes_a_style_element_and_nothing_else(sheet):
    from judging.ui import chrome

    with pytest.raises(ValueError):
        chrome.style(sheet)


def test_a_hostile_name_is_text_in_the_signed_in_caption(app, contest):
    _hostile_title(contest)  # the account's name as imported, and as the tab holds it since signing in
    contest["users"]["j1"] = dataclasses.replace(contest["users"]["j1"], display_name="<i>张三</i>**")

    at = app("j1").run()

    shown = [c.value for c in at.sidebar.caption if "张三" in c.value]
    assert shown and all(plain("<i>张三</i>**") in text for text in shown)
