"""The big screen in projector mode at 1920×1080, in Chromium: no sidebar or header, type sized for
the back of a hall (computed font sizes), judges as 评委1…N and never their names, the live round
chosen by itself, and the line that says how the final score is made. The screenshot is kept as
docs/img/big_screen_projector.png (JUDGING_UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import pytest
from actors import as_user
from browser.support import settle, sign_in, start_app
from playwright.sync_api import expect

from judging.core.passwords import PreparedPassword, hash_password
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.store.db import open_database, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of, update_round
from judging.store.live import close_live_entry, open_live_entry, set_panel
from judging.store.people import create_user, get_user
from judging.store.sheets import save_score
from judging.ui.organiser_screen import MARK_PX, SCORE_PX

pytestmark = pytest.mark.browser
PASSWORD = "big screen 2026!"
JUDGES = (("pj1", "周一鸣", 82), ("pj2", "吴二妹", 90), ("pj3", "郑三立", 86))
HALL = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def live_final(tmp_path_factory):
    """A one-track contest whose live final has closed one entry (three panel marks) and opened the next."""
    from pathlib import Path

    root = Path(__file__).parents[2]
    url = f"sqlite:///{tmp_path_factory.mktemp('screen') / 'judging.db'}"
    engine = open_database(url)
    prepared = PreparedPassword(hash_password(PASSWORD))
    rubric = load_rubric(root / "rubrics" / "innovation_contest.toml")
    with write_session(engine) as s:
        edition = create_edition(s, name="信息消费大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=rubric, blind=True, actor=SYSTEM)
        final = add_round(s, edition_id=edition.id, key="final", name="终评（路演答辩）", position=1, rubric=rubric,
                          blind=False, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": "L-001", "track": "life", "title": "智慧养老服务平台", "organisation": "甲公司"},
            {"code": "L-002", "track": "life", "title": "社区团购小程序", "organisation": "乙公司"}], actor=SYSTEM)
        create_user(s, username="org", display_name="王组织", role="organiser", password=prepared, actor=SYSTEM)
        judges = [create_user(s, username=u, display_name=n, role="judge", password=prepared, actor=SYSTEM)
                  for u, n, _ in JUDGES]
        entries = {e.code: e.id for e in entries_of(s, edition.id)}
        final_id = final.id
        update_round(s, round_id=final_id, method="trimmed", actor=SYSTEM)  # the method the hall is told of
        set_panel(s, round_id=final_id, judge_ids=[j.id for j in judges], actor=SYSTEM)
        open_live_entry(s, round_id=final_id, entry_id=entries["L-001"], actor=SYSTEM)
    for username, _, mark in JUDGES:
        with write_session(engine) as s:
            judge = get_user(s, username, actor=SYSTEM)
            for criterion in ("core_technology", "application_effect", "promotion_value"):
                save_score(s, round_id=final_id, judge_id=judge.id, entry_id=entries["L-001"], criterion=criterion,
                           value=float(mark), actor=as_user(s, username))
    with write_session(engine) as s:
        close_live_entry(s, round_id=final_id, entry_id=entries["L-001"], actor=SYSTEM)
        open_live_entry(s, round_id=final_id, entry_id=entries["L-002"], actor=SYSTEM)
    engine.dispose()
    log = tmp_path_factory.mktemp("log") / "streamlit.log"
    with start_app(url, log) as base:
        yield {"base": base}


def _font_px(locator) -> float:
    """The font size of the element that draws the text (the innermost one), in CSS pixels."""
    return float(locator.evaluate(
        "e => { while (e.firstElementChild) e = e.firstElementChild; return parseFloat(getComputedStyle(e).fontSize); }"))


def test_big_screen_in_projector_mode_at_1920x1080(chromium, live_final, screenshot_dir):
    context = chromium.new_context(viewport=HALL, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_final['base']}/screen")
    settle(page)
    sign_in(page, "org", PASSWORD)
    expect(page.locator("[data-testid='stSidebar']")).to_be_visible()
    page.locator(".st-key-oc_screen_projector label").click()  # the switch in the sidebar
    settle(page)

    score = page.locator(".st-key-screen_score [data-testid='stMetricValue']")
    expect(score).to_have_text("86.00", timeout=15_000)  # trimmed mean of 82, 90, 86: drop 90 and 82
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    expect(page.locator("[data-testid='stHeader']")).to_be_hidden()
    expect(page.get_by_text("终评（路演答辩）").first).to_be_visible()  # the live round, chosen by itself
    expect(page.get_by_text("最终得分为去掉一个最高分和一个最低分后的平均分")).to_be_visible()
    marks = page.locator(".st-key-screen_board table td")
    expect(marks.first).to_be_visible()
    board = page.locator(".st-key-screen_board").inner_text()
    page.screenshot(path=str(screenshot_dir / "big_screen_projector.png"), full_page=False)
    sizes = (_font_px(score), min(_font_px(marks.nth(i)) for i in range(marks.count())))
    context.close()

    assert sizes[0] >= 120 and sizes[0] == SCORE_PX
    assert sizes[1] >= 40 and sizes[1] == MARK_PX
    assert all(f"评委{n}" in board for n in (1, 2, 3))
    assert not any(name in board or username in board for username, name, _ in JUDGES)


def test_streamlit_chrome_is_hidden_and_the_uploader_speaks_chinese(chromium, live_final, screenshot_dir):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_final['base']}/imports")
    settle(page)
    sign_in(page, "org", PASSWORD)
    dropzone = page.locator("[data-testid='stFileUploaderDropzone']").first
    expect(dropzone).to_be_visible()
    instructions = dropzone.locator("[data-testid='stFileUploaderDropzoneInstructions'] span").first
    before = instructions.evaluate("e => getComputedStyle(e, '::before').content")
    hidden_size = instructions.evaluate("e => getComputedStyle(e).fontSize")
    button = dropzone.locator("button").first
    button_texts = button.evaluate("""b => [...b.querySelectorAll('*')].map(e => [getComputedStyle(e).fontSize,
        getComputedStyle(e, '::after').content, e.childNodes.length && e.childNodes[0].nodeType === 3 ? e.textContent : ''])""")
    page.screenshot(path=str(screenshot_dir / "uploader_chinese.png"), full_page=False)
    deploy = page.locator("[data-testid='stAppDeployButton']")
    menu = page.locator("[data-testid='stMainMenu']")
    instructions_hint = page.get_by_text("Press Enter to apply")
    visible = (deploy.count() and deploy.first.is_visible(), menu.count() and menu.first.is_visible(),
               instructions_hint.count() and instructions_hint.first.is_visible())
    context.close()

    assert "每个文件不超过 20 MB" in before and hidden_size == "0px"
    drawn = [after for size, after, _ in button_texts if after not in ("none", "normal")]
    english = [text for size, _, text in button_texts if text.strip() == "Upload" and size != "0px"]
    assert drawn == ['"选择文件"'] and english == []
    assert not any(visible)
