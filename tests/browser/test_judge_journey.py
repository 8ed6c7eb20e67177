"""A judge's journey in a real browser: sign in, score two entries (one needing a comment), reload
and see the values, refuse a silent overwrite from a stale tab, submit; and the README screenshot."""

from __future__ import annotations

import json
import re

import pytest
from browser.support import VIEWPORT, field, open_entry, settle, sign_in, stored, wait_saved
from sqlmodel import select

from judging.store.db import open_database, read_session
from judging.store.models import AuditEvent, Entry

pytestmark = pytest.mark.browser

CRITERIA = ("core_technology", "application_effect", "promotion_value")


def enter(page, locator, value: str) -> None:
    locator.fill(value)
    locator.press("Tab")  # a field's edit is sent as it is left
    wait_saved(page)


def test_judge_scores_reloads_meets_a_stale_tab_and_submits(chromium, served_app, screenshot_dir):
    from playwright.sync_api import expect

    app = served_app
    first_entry, second_entry = app["entries"][:2]
    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.goto(app["base"])
    settle(page)
    sign_in(page, app["username"], app["password"])
    expect(page.get_by_role("heading", name="我的评审作品")).to_be_visible()

    # entry 1: a low score needs a comment before the sheet can be submitted
    open_entry(page, app, first_entry)
    for name, value in zip(CRITERIA, ("55", "80", "82.5"), strict=True):
        enter(page, field(page, app, first_entry, f"score_{name}"), value)
    expect(page.get_by_text("需要评语：核心技术水平")).to_be_visible()
    expect(page.get_by_role("button", name="提交评分表")).to_be_disabled()
    enter(page, field(page, app, first_entry, "comment_core_technology"), "核心算法依赖开源方案，自主知识产权不足")
    expect(page.get_by_role("button", name="提交评分表")).to_be_enabled()
    expect(page.locator(".sheet .bar .state")).to_contain_text("全部已保存")
    assert stored(app, first_entry).score_values == {"core_technology": 55, "application_effect": 80,
                                                     "promotion_value": 82.5}
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator("[data-testid='stHeading']").first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshot_dir / "score_sheet.png"))

    # entry 2: no comment needed
    page.get_by_role("link", name="返回列表").click()
    settle(page)
    open_entry(page, app, second_entry)
    for name, value in zip(CRITERIA, ("80", "85", "90"), strict=True):
        enter(page, field(page, app, second_entry, f"score_{name}"), value)
    expect(page.locator(".sheet .bar .total")).to_contain_text("84.50")  # (80*40 + 85*30 + 90*30) / 100

    # reload: a new session (the tab stays signed in); the same sheet shows the stored values
    page.reload()
    settle(page)
    expect(field(page, app, second_entry, "score_core_technology")).to_have_value("80.0")
    expect(field(page, app, second_entry, "score_promotion_value")).to_have_value("90.0")

    # a second tab changes a value; the first tab, still showing 80, is refused and asked
    other = context.new_page()
    other.goto(page.url)  # the same browser: signed in already
    settle(other)
    enter(other, field(other, app, second_entry, "score_core_technology"), "70")
    assert stored(app, second_entry).scores["core_technology"].value == 70

    enter(page, field(page, app, second_entry, "score_core_technology"), "60")
    expect(page.get_by_text("该项已在其他窗口改为 70，您的修改 60 尚未保存。请选择：")).to_be_visible()
    assert stored(app, second_entry).scores["core_technology"].value == 70
    expect(page.get_by_role("button", name="提交评分表")).to_be_disabled()
    page.get_by_role("button", name="保留已保存的值").click()
    expect(field(page, app, second_entry, "score_core_technology")).to_have_value("70.0")

    # submit asks first; then the sheet locks
    page.get_by_role("button", name="提交评分表").click()
    expect(page.get_by_text("提交后评分表将锁定")).to_be_visible()
    assert stored(app, second_entry).status == "draft"
    page.get_by_role("button", name="确认提交").click()
    settle(page)
    expect(page.get_by_text("评分表已于")).to_be_visible()
    expect(field(page, app, second_entry, "score_core_technology")).to_be_disabled()
    assert stored(app, second_entry).status == "submitted"
    context.close()


def test_a_submit_click_lost_on_the_way_is_sent_again_and_handled_once(chromium, served_app):
    """The first message carrying the submit click never reaches the server (as when it is sent into a
    rerun that swallows it, or the connection drops it): the sheet sends the click again until the
    server answers it, the sheet locks, and the server handles the click once."""
    from playwright.sync_api import expect

    app = served_app
    entry = app["entries"][2]
    dropped: list[int] = []

    def relay(ws) -> None:
        server = ws.connect_to_server()

        def to_server(message) -> None:
            wire = message if isinstance(message, bytes) else message.encode()
            if not dropped and b'"submit"' in wire:
                dropped.append(len(wire))
                return
            server.send(message)

        ws.on_message(to_server)
        server.on_message(ws.send)

    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.route_web_socket(re.compile(r".*/_stcore/stream"), relay)
    page.goto(app["base"])
    settle(page)
    sign_in(page, app["username"], app["password"])
    open_entry(page, app, entry)
    for criterion in CRITERIA:
        enter(page, field(page, app, entry, f"score_{criterion}"), "80")

    page.get_by_role("button", name="提交评分表").click()
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("评分表已于")).to_be_visible(timeout=30_000)
    assert len(dropped) == 1  # the first click was lost
    assert stored(app, entry).status == "submitted"
    assert submits_of(app, entry) == 1
    context.close()


def submits_of(app, entry: int) -> int:
    """How many times the sheet's submit is in the audit log."""
    engine = open_database(app["url"])
    try:
        with read_session(engine) as s:
            events = s.exec(select(AuditEvent).where(AuditEvent.action == "sheet.submit")).all()
            payloads = [json.loads(e.payload) for e in events]
            return sum(1 for p in payloads if p.get("entry_id") == entry and p.get("judge_id") == app["judge_id"])
    finally:
        engine.dispose()


# The judge's "click" into the second score at the instant the sheet's inputs appear (a judge on a busy
# laptop is there before the sheet's own timers run): a MutationObserver, also inside the shadow root the
# sheet's component lives in, focuses it as soon as it exists.
CLICK_AS_IT_APPEARS = """
const judge = new MutationObserver(() => {
  for (const root of [document, ...window.__judgeRoots]) {
    const box = root.querySelector("input[data-field='score:application_effect']");
    if (box && !box.dataset.judgeWasHere) { box.dataset.judgeWasHere = "1"; box.focus(); }
  }
});
window.__judgeRoots = [];
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  const root = attach.call(this, init);
  window.__judgeRoots.push(root);
  judge.observe(root, { subtree: true, childList: true });
  return root;
};
judge.observe(document, { subtree: true, childList: true });
"""


def _on_sheet(chromium, app, entry: int):
    """A new browser context signed in as the judge, with the entry's sheet open."""
    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.goto(app["base"])
    settle(page)
    sign_in(page, app["username"], app["password"])
    open_entry(page, app, entry)
    return context, page


FOCUSED_FIELD = """() => {
  let now = document.activeElement;
  while (now && now.shadowRoot && now.shadowRoot.activeElement) now = now.shadowRoot.activeElement;
  return now && now.dataset ? now.dataset.field || null : null;
}"""


def test_the_sheet_never_takes_the_field_a_judge_went_into_as_it_appeared(chromium, served_app):
    """A sheet puts the caret into its first score when it opens. A judge already in another field keeps
    it: what they type goes where they typed it (it went into the first score, over the 77 stored there,
    when the judge was quicker than the sheet's timer; caught by CI on a reload behind the proxy)."""
    app = served_app
    entry = app["entries"][3]
    context, page = _on_sheet(chromium, app, entry)
    page.wait_for_timeout(300)
    assert page.evaluate(FOCUSED_FIELD) == "score:core_technology"  # a sheet opened from the list: the first score
    enter(page, field(page, app, entry, "score_core_technology"), "77")

    page.add_init_script(CLICK_AS_IT_APPEARS)
    page.reload()
    settle(page)
    field(page, app, entry, "score_core_technology").wait_for()
    page.wait_for_timeout(300)  # the sheet's own timers have run
    page.keyboard.type("66", delay=20)
    page.keyboard.press("Tab")
    wait_saved(page)

    assert stored(app, entry).score_values == {"core_technology": 77.0, "application_effect": 66.0}
    assert float(field(page, app, entry, "score_core_technology").input_value()) == 77.0
    assert page.evaluate(FOCUSED_FIELD) == "comment:application_effect"  # the Tab went on from where they typed
    context.close()


def test_a_veto_whose_reason_is_cleared_stays_stored_when_the_judge_leaves_the_sheet(chromium, served_app):
    """A veto needs its reason: clearing the reason to write a better one, then leaving the sheet, must not
    withdraw the stored veto (found by review: the sheet going away sent the empty reason, a withdrawal)."""
    app = served_app
    entry, other = app["entries"][4], app["entries"][5]
    context, page = _on_sheet(chromium, app, entry)
    page.locator(".sheet details.vetoes summary").click()
    page.locator(".sheet .field.veto input[type=checkbox]").first.check()
    reason = page.locator(".sheet .field.veto input.reason").first
    reason.fill("抄袭他人成果")
    page.wait_for_timeout(1200)  # the pause after which a reason is sent
    wait_saved(page)
    raised = stored(app, entry).vetoes
    assert list(raised.values()) == ["抄袭他人成果"]

    reason.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.get_by_role("link", name="返回列表").first.click()
    settle(page)
    open_entry(page, app, other)
    page.wait_for_timeout(3000)  # the next sheet's ticks send whatever the outbox holds
    wait_saved(page)

    assert stored(app, entry).vetoes == raised
    context.close()


def test_a_comment_typed_just_before_a_reload_is_stored(chromium, served_app):
    """The sheet sends a comment after a short pause in typing; a reload (or a closed tab) inside that pause
    keeps it: it goes into the browser's outbox as the page goes, and the reloaded page sends it."""
    app = served_app
    entry = app["entries"][6]
    context, page = _on_sheet(chromium, app, entry)
    field(page, app, entry, "comment_overall").click()
    page.keyboard.type("刷新前写下的评语")
    page.reload()  # at once: inside the pause
    settle(page)
    if f"entry={entry}" not in page.url:
        open_entry(page, app, entry)
    field(page, app, entry, "comment_overall").wait_for()
    wait_saved(page)
    page.wait_for_timeout(1000)

    assert stored(app, entry).comment_texts == {"": "刷新前写下的评语"}
    assert field(page, app, entry, "comment_overall").input_value() == "刷新前写下的评语"
    context.close()


def test_a_comment_left_as_the_judge_goes_back_to_the_list_is_stored_from_the_list(chromium, served_app):
    """Browser Back at once after typing a comment: the change leaves the sheet in the browser's outbox,
    and the entry list sends it (before, it waited there until a sheet was opened again)."""
    app = served_app
    entry = app["entries"][7]
    context, page = _on_sheet(chromium, app, entry)
    field(page, app, entry, "comment_overall").click()
    page.keyboard.type("返回前写下的评语", delay=40)
    page.go_back()  # the caret still in the box
    settle(page)
    for _ in range(50):  # up to 10 s on the list
        if stored(app, entry).comment_texts:
            break
        page.wait_for_timeout(200)

    assert page.locator(".sheet .bar").count() == 0  # on the list, not on a sheet
    assert stored(app, entry).comment_texts == {"": "返回前写下的评语"}
    context.close()


def test_a_refused_change_answered_on_the_list_shows_with_its_reason_when_the_sheet_is_reopened(chromium, served_app):
    """150 typed into a 0–100 score, then browser Back at once: the list sends it and the server refuses it.
    The list names the entry; reopened, the sheet shows 150 with the reason (before the list sent it, the
    refusal was dropped there). Once corrected on the sheet, the list no longer names it."""
    app = served_app
    entry = app["entries"][8]
    context, page = _on_sheet(chromium, app, entry)
    field(page, app, entry, "score_core_technology").click()
    page.keyboard.type("150", delay=40)
    page.go_back()
    settle(page)
    page.wait_for_timeout(4000)  # the list sends it; the answer comes back
    assert stored(app, entry).score_values == {}

    # the list names the entry until the judge opens its sheet
    kept = page.locator(".sheet.courier .kept")
    assert code_of(app, entry) in kept.inner_text()
    assert "有修改未能保存" in kept.inner_text()

    open_entry(page, app, entry)
    page.wait_for_timeout(1000)
    assert float(field(page, app, entry, "score_core_technology").input_value()) == 150.0
    status = page.locator(f".sheet[data-entry='{entry}'] .field.score").first.locator(".status")
    assert "超出范围" in status.inner_text()
    page.get_by_role("link", name="返回列表").first.click()  # left as it is: still not stored, still named
    settle(page)
    page.wait_for_timeout(4000)
    assert code_of(app, entry) in page.locator(".sheet.courier .kept").inner_text()

    open_entry(page, app, entry)  # corrected: stored, and no longer named on the list
    enter(page, field(page, app, entry, "score_core_technology"), "90")
    assert stored(app, entry).score_values == {"core_technology": 90.0}
    page.get_by_role("link", name="返回列表").first.click()
    settle(page)
    page.wait_for_timeout(1500)  # a tick of the list's courier
    assert page.locator(".sheet.courier .kept").count() == 0
    context.close()


def code_of(app, entry: int) -> str:
    with read_session(open_database(app["url"])) as s:
        return s.get(Entry, entry).code


def _conflict_in(page, other, app, entry: int, theirs: str, mine: str) -> None:
    """``other`` (a second tab) stores ``theirs``; ``page``, still showing the value before, types ``mine``:
    the server refuses it as a conflict, and the judge is asked to choose."""
    from playwright.sync_api import expect

    enter(other, field(other, app, entry, "score_core_technology"), theirs)
    box = field(page, app, entry, "score_core_technology")
    box.fill(mine)
    box.press("Tab")
    expect(page.locator("[data-action='keep-stored']")).to_be_visible(timeout=15_000)


def test_a_value_typed_while_in_conflict_is_what_overwrite_stores_and_a_locked_sheet_offers_no_overwrite(
        chromium, served_app):
    """In a conflict the judge may retype their value before choosing "overwrite": the retyped value is
    stored (it sent the value from when the conflict arose). A sheet submitted meanwhile (from another
    tab) offers only "keep the stored value", and its field shows what is stored."""
    from playwright.sync_api import expect

    app = served_app
    entry = app["entries"][9]
    context, page = _on_sheet(chromium, app, entry)
    for name in CRITERIA:
        enter(page, field(page, app, entry, f"score_{name}"), "80")
    other = context.new_page()
    other.goto(page.url)
    settle(other)
    field(other, app, entry, "score_core_technology").wait_for()

    _conflict_in(page, other, app, entry, "70", "60")
    box = field(page, app, entry, "score_core_technology")
    box.fill("65")
    page.wait_for_timeout(1200)  # the typing pause passes: nothing may be sent before the judge chooses
    assert stored(app, entry).scores["core_technology"].value == 70
    page.locator("[data-action='overwrite']").click()
    wait_saved(page)
    page.wait_for_timeout(500)
    assert stored(app, entry).scores["core_technology"].value == 65

    # a second conflict, then the other tab submits the sheet: reloaded, the sheet is locked
    other.reload()
    settle(other)
    field(other, app, entry, "score_core_technology").wait_for()
    _conflict_in(page, other, app, entry, "75", "50")
    other.get_by_role("button", name="提交评分表").click()
    other.get_by_role("button", name="确认提交").click()
    settle(other)
    expect(other.get_by_text("评分表已于")).to_be_visible(timeout=30_000)
    page.reload()
    settle(page)
    if f"entry={entry}" not in page.url:
        open_entry(page, app, entry)
    box = field(page, app, entry, "score_core_technology")
    box.wait_for()
    expect(page.locator("[data-action='keep-stored']")).to_be_visible()
    assert page.locator("[data-action='overwrite']").count() == 0
    assert float(box.input_value()) == 75.0
    page.locator("[data-action='keep-stored']").click()
    expect(page.locator("[data-action='keep-stored']")).to_have_count(0)
    assert stored(app, entry).scores["core_technology"].value == 75
    assert stored(app, entry).status == "submitted"
    context.close()


def test_a_sheet_reopened_at_once_from_the_list_puts_the_caret_in_its_first_score(chromium, served_app):
    """Back to the list and the same sheet opened again within a second or two: the judge opened it, so it
    takes the caret (it was taken for Streamlit swapping the sheet's element, which gives no caret)."""
    app = served_app
    entry = app["entries"][10]
    context, page = _on_sheet(chromium, app, entry)
    page.wait_for_timeout(300)
    assert page.evaluate(FOCUSED_FIELD) == "score:core_technology"
    page.go_back()
    settle(page)
    open_entry(page, app, entry)
    page.wait_for_timeout(300)
    assert page.evaluate(FOCUSED_FIELD) == "score:core_technology"
    context.close()


def test_back_to_the_list_by_its_link_while_a_score_is_being_typed_shows_the_list_and_stores_the_score(
        chromium, served_app):
    """A score typed and the "back to the list" link pressed at once, three times: the list shows every time
    and each score is stored from there. The blur of the score sent it as the link changed the page, and the
    two reruns raced: the list was left blank, with nothing on it to send the score (3 of 6 tries)."""
    from playwright.sync_api import expect

    app = served_app
    entry = app["entries"][11]
    context, page = _on_sheet(chromium, app, entry)
    for value in ("71", "72", "73"):
        box = field(page, app, entry, "score_core_technology")
        box.click()
        page.keyboard.type(value, delay=30)
        page.get_by_role("link", name="返回列表").first.click()
        settle(page)
        expect(page.get_by_role("heading", name="我的评审作品")).to_be_visible(timeout=10_000)
        expect(page.locator(f".st-key-open_{entry} button")).to_be_visible()
        for _ in range(50):  # up to 10 s: the list's courier sends it
            if stored(app, entry).score_values.get("core_technology") == float(value):
                break
            page.wait_for_timeout(200)
        assert stored(app, entry).score_values == {"core_technology": float(value)}
        open_entry(page, app, entry)
    context.close()
