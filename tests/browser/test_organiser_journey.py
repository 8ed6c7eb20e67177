"""An organiser's journey in a real browser (Playwright + Debian Chromium) over the demo database:
create an edition from a file, import entries (a file with errors, then a good one) and judges,
download the sign-in handout, generate the assignment, watch progress update while a judge scores
in another browser context, and run one entry through the live final to the big screen."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from browser.support import choose_own_password, score_box, settle, sign_in, wait_saved

from judging.core.permissions import SYSTEM
from judging.store.db import open_database, read_session
from judging.store.editions import list_editions, rounds_of
from judging.store.people import get_user
from judging.store.scores import sheet_status_rows
from judging.store.sheets import assigned_entries

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
OWN_PASSWORD = "swallow-terrace-17"  # the judge's own, chosen at the first sign-in
VIEWPORT = {"width": 1366, "height": 768}
CRITERIA = ("core_technology", "application_effect", "promotion_value")
BAD_ENTRIES = "作品名称,申报单位,赛道\n智慧社区,甲公司,生活类\n,乙公司,生活类\n远程问诊,丙公司,农业类\n"
GOOD_ENTRIES = "作品名称,申报单位,推荐单位,赛道\n" + "".join(
    f"{'生活' if i % 2 else '政务'}应用{i},申报单位{i},{'某市经信局' if i == 0 else ''},{'生活类' if i % 2 else '公共服务类'}\n"
    for i in range(12))
JUDGES = ("评委编号,姓名,单位,专业领域\njf01,周一,某市经信局,生活类\njf02,吴二,甲大学,公共服务类\n"
          "jf03,郑三,乙研究院,生活类、公共服务类\n")






def go(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
    settle(page)


def upload(page, key: str, path: Path) -> None:
    page.locator(f".st-key-{key} input[type=file]").set_input_files(str(path))
    settle(page)
    page.wait_for_timeout(500)
    settle(page)


def choose(page, key: str, option: str) -> None:
    page.locator(f".st-key-{key}").click()
    page.get_by_role("option", name=option).first.click()
    settle(page)


def db(url: str):
    return open_database(url)



def _score(page, round_id: int, entry_id: int, values: tuple[str, ...]) -> None:
    """Type one score per criterion into the open sheet, each stored as the field is left."""
    for name, value in zip(CRITERIA, values, strict=True):
        box = score_box(page, name)
        box.fill(value)
        box.press("Tab")
        wait_saved(page)

def test_organiser_sets_up_imports_assigns_watches_and_runs_the_live_final(chromium, served_app, tmp_path, screenshot_dir):
    from playwright.sync_api import expect

    app = served_app
    files = {}
    for name, text in (("bad_entries.csv", BAD_ENTRIES), ("entries.csv", GOOD_ENTRIES), ("judges.csv", JUDGES)):
        files[name] = tmp_path / name
        files[name].write_text(text, encoding="utf-8-sig")

    org_context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    org = org_context.new_page()
    org.goto(app["base"])
    settle(org)
    sign_in(org, "organiser", app["password"])
    expect(org.get_by_role("heading", name="赛事设置")).to_be_visible()

    # 1. the edition from the example file
    org.get_by_role("tab", name="从文件创建").click()
    upload(org, "oc_edition_file", ROOT / "data" / "edition_example.toml")
    expect(org.get_by_text("将创建：2026 年“2026年信息消费创新大赛”")).to_be_visible()
    org.get_by_role("button", name="按此文件创建届次").click()
    settle(org)
    expect(org.get_by_text("已创建“2026年信息消费创新大赛”：5 个赛道，3 个评审阶段。")).to_be_visible()

    # 2. entries: a file with errors imports nothing; the good one imports twelve
    go(org, "导入作品与评委")
    upload(org, "oc_imp_entries_0", files["bad_entries.csv"])
    expect(org.get_by_text("发现 2 个问题，未导入任何记录")).to_be_visible()
    expect(org.get_by_role("button", name=re.compile(r"^导入 \d+ 件作品$"))).to_have_count(0)
    upload(org, "oc_imp_entries_0", files["entries.csv"])
    expect(org.get_by_text("检查通过：12 条记录可以导入。")).to_be_visible()
    org.get_by_role("button", name="导入 12 件作品").click()
    settle(org)
    expect(org.get_by_text("已导入 12 件作品")).to_be_visible()

    # judges, with the handout of their initial passwords
    org.get_by_text("评委", exact=True).click()
    settle(org)
    upload(org, "oc_imp_judges_1", files["judges.csv"])
    org.get_by_role("button", name="导入 3 位评委并生成账号").click()
    settle(org)
    expect(org.get_by_text("已导入 3 位评委，自动回避 1 对")).to_be_visible()
    with org.expect_download() as download:
        org.get_by_role("button", name="下载评委账号表（CSV）").click()
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    passwords = {r["账号"]: r["初始密码"] for r in rows}
    assert sorted(passwords) == ["jf01", "jf02", "jf03"]

    # 3. the assignment of the first round
    go(org, "评委分配")
    org.get_by_role("button", name="生成分配").click()
    settle(org)
    expect(org.get_by_text("已生成分配（随机种子 2026）。")).to_be_visible()
    expect(org.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
    org.screenshot(path=str(screenshot_dir / "organiser_assignment.png"), full_page=False)

    engine = db(app["url"])
    with read_session(engine) as s:
        edition = list_editions(s)[0]
        prelim, _, final = rounds_of(s, edition.id)
        judge = get_user(s, "jf03", actor=SYSTEM)
        mine = [e.id for e in assigned_entries(s, round_id=prelim.id, judge_id=judge.id, actor=SYSTEM)]
        sheets = len(sheet_status_rows(s, round_id=prelim.id, actor=SYSTEM))
    engine.dispose()
    assert mine and sheets == 12 * 5

    # 4. progress, live: the organiser watches while the judge scores in another browser context
    go(org, "评审进度")
    submitted = org.locator("[data-testid='stMetric']", has_text="已提交").first
    expect(submitted).to_contain_text(f"0/{sheets}")

    judge_context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    jp = judge_context.new_page()
    jp.goto(app["base"])
    settle(jp)
    sign_in(jp, "jf03", passwords["jf03"])
    choose_own_password(jp, passwords["jf03"], OWN_PASSWORD)  # the handout's password is one-time
    expect(jp.get_by_role("heading", name="我的评审作品")).to_be_visible()
    jp.locator(f".st-key-open_{mine[0]} button").click()
    settle(jp)
    _score(jp, prelim.id, mine[0], ("80", "82", "85"))
    jp.get_by_role("button", name="提交评分表").click()
    jp.get_by_role("button", name="确认提交").click()
    settle(jp)
    expect(jp.get_by_text("评分表已于")).to_be_visible()

    expect(submitted).to_contain_text(f"1/{sheets}", timeout=20_000)  # no reload: the fragment refreshes
    org.screenshot(path=str(screenshot_dir / "organiser_progress.png"), full_page=False)

    # 5. the live final: panel, open one entry, the judge sees only it, close, the big screen
    go(org, "路演答辩")
    choose(org, "oc_round", "终评（路演答辩）")
    org.locator(f".st-key-oc_panel_{final.id}").click()
    org.get_by_role("option", name="jf03 · 郑三").click()
    org.keyboard.press("Escape")
    org.get_by_role("button", name="保存评委组").click()
    settle(org)
    expect(org.get_by_text("评委组已保存（1 位）。")).to_be_visible()
    org.get_by_role("button", name="开始评分").click()
    settle(org)
    expect(org.get_by_text("正在评分：")).to_be_visible()

    engine = db(app["url"])
    with read_session(engine) as s:
        [live_entry] = assigned_entries(s, round_id=final.id, judge_id=judge.id, actor=SYSTEM)
    engine.dispose()

    jp.goto(app["base"])  # a fresh session, landing on the entry list: the browser's session cookie signs it in
    settle(jp)
    expect(jp.get_by_label("用户名")).to_have_count(0)
    choose(jp, "judge_round", "终评（路演答辩）")
    expect(jp.locator("[class*='st-key-open_']")).to_have_count(1)  # the panel sees only the open entry
    jp.locator(f".st-key-open_{live_entry.id} button").click()
    settle(jp)
    _score(jp, final.id, live_entry.id, ("90", "88", "86"))

    screen_page = org_context.new_page()  # the projector: the same organiser's browser, the Big screen page
    screen_page.goto(app["base"])
    settle(screen_page)
    expect(screen_page.get_by_label("用户名")).to_have_count(0)  # signed in already (the session cookie)
    go(screen_page, "大屏")
    expect(screen_page.get_by_text("终评（路演答辩）").first).to_be_visible()  # the live round by default
    expect(screen_page.locator("[data-testid='stMetric']", has_text="已评分评委")).to_contain_text("1 / 1")

    org.bring_to_front()
    org.locator(".st-key-oc_live_close button").click()
    settle(org)
    expect(org.get_by_text(f"{live_entry.code} 评分已结束。")).to_be_visible()
    score = screen_page.locator("[data-testid='stMetric']", has_text="最终得分")
    expect(score).to_contain_text("88.20", timeout=15_000)  # (90*40 + 88*30 + 86*30) / 100
    expect(screen_page.get_by_text("评委1")).to_be_visible()  # judges by number: names only if the organiser chooses
    expect(screen_page.locator(".st-key-screen_board").get_by_text("郑三")).to_have_count(0)
    screen_page.screenshot(path=str(screenshot_dir / "organiser_big_screen.png"), full_page=False)
    judge_context.close()
    org_context.close()
