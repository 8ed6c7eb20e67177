"""Signed-in sessions in a real browser: a reload and a server restart keep the tab signed in; a
sign-out or an organiser's "sign out everywhere" ends it for good (the old cookie no longer works);
typing counts as activity, doing nothing brings the warning and then the sign-out; a lost connection
shows our banner instead of Streamlit's developer modal."""

from __future__ import annotations

import time

import pytest
from browser import support

from judging.core.permissions import SYSTEM
from judging.store.db import open_database, write_session
from judging.store.sessions import sign_out_everywhere
from judging.ui.browser_shell import COOKIE_NAME

pytestmark = pytest.mark.browser

SIGNED_IN = "已登录："  # the sidebar's caption of a signed-in tab
OFFLINE = "与服务器的连接已断开，正在重新连接…"
IDLE_MINUTES = 0.25  # 15 s: the warning 7.5 s before the sign-out


@pytest.fixture(scope="module")
def contest(tmp_path_factory):
    support.require_browser()
    url = f"sqlite:///{tmp_path_factory.mktemp('sessions') / 'judging.db'}"
    return support.build_contest(url) | {"log": tmp_path_factory.mktemp("log") / "streamlit.log"}


def _page(chromium):
    context = chromium.new_context(viewport=support.VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    return context.new_page()


def _signed_in(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_text(SIGNED_IN)).to_be_visible(timeout=30_000)
    expect(page.get_by_label("用户名")).to_have_count(0)


def _signed_out(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_label("用户名")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(SIGNED_IN)).to_have_count(0)


def _reload(page) -> None:
    page.reload()
    support.settle(page)


def _cookie(page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == COOKIE_NAME), None)


def _open_signed_in(chromium, base: str, contest: dict):
    page = _page(chromium)
    page.goto(base)
    support.settle(page)
    support.sign_in(page, contest["username"], contest["password"])
    _signed_in(page)
    page.wait_for_function(f"document.cookie.includes('{COOKIE_NAME}=')", timeout=10_000)
    return page


def test_reload_keeps_the_tab_signed_in_and_sign_out_ends_the_session_for_good(chromium, contest):
    from playwright.sync_api import expect

    with support.start_app(contest["url"], contest["log"]) as base:
        page = _open_signed_in(chromium, base, contest)
        cookie = _cookie(page)
        assert (cookie["path"], cookie["sameSite"], cookie["httpOnly"], cookie["secure"]) == ("/", "Strict", False, False)
        assert cookie["expires"] > time.time() + 11 * 3600  # Max-Age: the session's 12 hours

        _reload(page)
        _signed_in(page)

        page.locator(".st-key-sign_out button").click()
        support.settle(page)
        _signed_out(page)
        page.wait_for_function(f"!document.cookie.includes('{COOKIE_NAME}=')", timeout=10_000)
        _reload(page)
        _signed_out(page)

        # the old cookie value, put back by hand (a copy of it, stolen), signs nobody in
        page.context.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path", "sameSite")}])
        _reload(page)
        _signed_out(page)
        expect(page.get_by_text("您已在本浏览器中退出登录，请重新登录。")).to_be_visible()
        page.context.close()


def test_server_restart_shows_our_banner_and_keeps_the_tab_signed_in(chromium, contest):
    from playwright.sync_api import expect

    port = support.free_port()
    with support.start_app(contest["url"], contest["log"], port=port) as base:
        page = _open_signed_in(chromium, base, contest)
    # the server is gone: our banner, in the page's language, and not Streamlit's English modal
    expect(page.get_by_text(OFFLINE)).to_be_visible(timeout=30_000)
    # Streamlit opens its modal after its first failed reconnects: it is there, and hidden
    page.wait_for_selector("[data-testid='stDialog']", state="attached", timeout=60_000)
    expect(page.locator("[data-testid='stDialog']")).to_be_hidden()
    expect(page.get_by_text("Is Streamlit still running?")).not_to_be_visible()
    expect(page.get_by_text("Connection error")).not_to_be_visible()
    page.screenshot(path=str(contest["log"].with_name("offline.png")))
    expect(page.get_by_text(OFFLINE)).to_be_visible()

    with support.start_app(contest["url"], contest["log"], port=port):
        expect(page.get_by_text(OFFLINE)).not_to_be_visible(timeout=60_000)  # reconnected by itself
        support.settle(page)
        _signed_in(page)
        _reload(page)
        _signed_in(page)
        page.context.close()


def test_organiser_signing_the_judge_out_everywhere_signs_the_next_reload_out(chromium, contest):
    from playwright.sync_api import expect

    with support.start_app(contest["url"], contest["log"]) as base:
        page = _open_signed_in(chromium, base, contest)
        engine = open_database(contest["url"])
        with write_session(engine) as s:
            sign_out_everywhere(s, user_id=contest["judge_id"], actor=SYSTEM)
        engine.dispose()

        _reload(page)
        _signed_out(page)
        expect(page.get_by_text("组织方已让您的账号在所有设备上退出登录，请重新登录。")).to_be_visible()
        page.context.close()


def test_typing_keeps_the_tab_signed_in_and_doing_nothing_warns_then_signs_out(chromium, contest):
    from playwright.sync_api import expect

    idle_s = IDLE_MINUTES * 60
    with support.start_app(contest["url"], contest["log"], JUDGING_SESSION_IDLE_MINUTES=str(IDLE_MINUTES)) as base:
        page = _open_signed_in(chromium, base, contest | {"username": "organiser"})
        page.goto(f"{base}/staff")
        support.settle(page)
        warning = page.locator("#judging-idle")
        field = page.locator(".st-key-staff_new_username input")  # typed into, never left: nothing is sent
        field.click()
        started = time.monotonic()
        while time.monotonic() - started < idle_s * 1.8:  # well past the time-out, typing all along
            field.press_sequentially("评语", delay=50)
            page.wait_for_timeout(1_000)
            assert not warning.is_visible()
        _signed_in(page)

        quiet = time.monotonic()
        expect(warning).to_be_visible(timeout=idle_s * 1000)
        expect(warning).to_contain_text("将在")
        warned = time.monotonic() - quiet
        stayed = time.monotonic()
        page.get_by_role("button", name="继续使用").click()
        expect(warning).not_to_be_visible(timeout=5_000)

        _signed_out(page)  # nobody touches the page again
        signed_out = time.monotonic() - stayed  # the server saw the click after it was made
        expect(page.get_by_text("您已 0.25 分钟未操作，为安全起见已退出登录，请重新登录。")).to_be_visible()
        assert idle_s / 2 - 1 <= warned < idle_s and signed_out >= idle_s  # warned first, never signed out early
        page.context.close()
