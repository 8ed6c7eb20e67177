"""User text is shown as text: a refusal that quotes a title or a file's cell is never read as Markdown."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

HOSTILE = "**粗体** [链接](http://evil.example) ![图](http://evil.example/i.png) <b>x</b>"
UI = Path(__file__).resolve().parents[2] / "judging" / "ui"
# an element that reads its text as Markdown, given a rendered message that is not made plain first
_MARKDOWN_ELEMENT = re.compile(r"st\.(error|warning|info|success|markdown|caption|toast|write)\([^\n]*\.render\(")


def _refusal_quoting_a_title(hostile: str):
    from judging.errors import ImportValidationError, Problem
    from judging.ui.common import show_error

    show_error(ImportValidationError([Problem("import.match_title",
                                              {"position": 3, "title": hostile, "organisation": hostile,
                                               "existing": "life-001"})]))


def test_a_refusal_quoting_markdown_shows_it_as_text():
    at = AppTest.from_function(_refusal_quoting_a_title, args=(HOSTILE,)).run()

    (body,) = [e.value for e in at.error]
    assert "粗体" in body and "evil\\.example" in body
    # every character Markdown would act on is escaped: no bold, no link, no image, no HTML
    assert not re.search(r"(?<!\\)[*\[\]()!<>]", body), body


def test_no_page_puts_a_rendered_message_into_markdown_without_making_it_plain():
    unsafe = [f"{path.name}:{number}" for path in sorted(UI.glob("*.py"))
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if _MARKDOWN_ELEMENT.search(line) and "plain(" not in line]

    assert unsafe == []
