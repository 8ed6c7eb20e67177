"""An unattended score sheet turns into the sign-in form by itself, in a real browser, without a click;
what the judge typed without leaving the field is stored after a short pause (the sheet's own send), and
the timer neither wipes it nor signs out before the time-out after the judge's last action."""

from __future__ import annotations

import time

import pytest
from browser import support

from judging.core.signin_limits import idle_check_seconds

pytestmark = pytest.mark.browser


IDLE_MINUTES = 0.2  # 12 s: long enough for a few actions on a loaded machine, short enough for a test
IDLE_S = IDLE_MINUTES * 60
CHECK_AT_S = IDLE_S + idle_check_seconds(IDLE_MINUTES) + 0.5  # after the sheet opened
SLACK_S = 10  # a loaded 2-core machine: the run after the tick, the page drawing


@pytest.fixture(scope="module")
def idle_app(chromium, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('idle') / 'judging.db'}"
    contest = support.build_contest(url)
    log = tmp_path_factory.mktemp("log") / "streamlit.log"
    with support.start_app(url, log, JUDGING_SESSION_IDLE_MINUTES=str(IDLE_MINUTES)) as base:
        yield contest | {"base": base}


def _wait_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def test_unattended_score_sheet_signs_out_by_itself(chromium, idle_app):
    from playwright.sync_api import expect

    app = idle_app
    entry = app["entries"][0]
    page = chromium.new_context(viewport=support.VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    page.goto(app["base"])
    support.settle(page)
    support.sign_in(page, app["username"], app["password"])
    support.open_entry(page, app, entry)
    opened = time.monotonic()

    # a score stored halfway through the time-out is activity: the tab stays signed in past opened + time-out
    _wait_until(opened + IDLE_S / 2)
    stored_score = support.field(page, app, entry, "score_core_technology")
    stored_score.fill("70")
    acted = time.monotonic()
    stored_score.press("Tab")
    support.settle(page)
    # then a score typed without leaving the field (it keeps the focus) while the timer ticks: typing is
    # activity, and the sheet sends it after a short pause
    typed = support.field(page, app, entry, "score_application_effect")
    typed.fill("88")
    acted = time.monotonic()
    support.wait_saved(page)
    _wait_until(opened + CHECK_AT_S)
    expect(page.get_by_label("用户名")).to_have_count(0)
    expect(typed).to_have_value("88")
    assert support.stored(app, entry).score_values == {"core_technology": 70, "application_effect": 88}

    # nobody touches the page again: the sign-in form comes by itself, with the reason
    expect(page.get_by_label("用户名")).to_be_visible(timeout=(acted + CHECK_AT_S + SLACK_S - time.monotonic()) * 1000)
    signed_out = time.monotonic()
    expect(page.get_by_text("您已 0.2 分钟未操作，为安全起见已退出登录，请重新登录。")).to_be_visible()
    expect(typed).to_have_count(0)
    assert signed_out - acted >= IDLE_S  # never earlier than the time-out after the last action
    assert support.stored(app, entry).score_values == {"core_technology": 70, "application_effect": 88}
    page.context.close()
