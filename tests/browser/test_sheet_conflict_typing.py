"""A conflict answered while the judge is still typing into that field leaves their text alone.

The judge types "7", stops for longer than the sheet's pause (the sheet sends 7), and meanwhile 42 is
stored elsewhere: the answer is a conflict. Showing the sent change then rewrote the field under the
caret ("7.0"), and the judge's next keys made "7.04.5" (seen in CI: a screen value the database did not
hold). The field must keep what the judge typed, and "use my value" must store it.
"""

from __future__ import annotations

import pytest
from browser.support import VIEWPORT, elsewhere, field, open_entry, settle, sign_in, stored, wait_saved

pytestmark = [pytest.mark.browser]

PAUSE_S = 0.9  # SCORE_PAUSE_MS in score_sheet.js


def test_a_conflict_answered_while_the_judge_types_keeps_their_text(chromium, served_app):
    from playwright.sync_api import expect

    app = served_app
    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.goto(app["base"])
    settle(page)
    sign_in(page, app["username"], app["password"])
    entry = app["entries"][0]
    open_entry(page, app, entry)
    box = field(page, app, entry, "score_application_effect")
    box.click()
    page.keyboard.type("7", delay=20)
    elsewhere(app, entry, "application_effect", 42)  # before the pause ends: the sent 7 meets 42
    expect(page.get_by_text("该项已在其他窗口改为 42")).to_be_visible(timeout=15_000)
    assert box.input_value() == "7"  # not rewritten under the caret
    page.keyboard.type("4.5", delay=20)
    page.keyboard.press("Tab")
    assert box.input_value() == "74.5"
    page.get_by_role("button", name="用我的值覆盖").click()
    wait_saved(page)
    assert stored(app, entry).scores["application_effect"].value == 74.5
    assert box.input_value() == "74.5"
    context.close()
