"""A real contest from an EMPTY database in a real browser (Playwright + Debian Chromium): the first-run
page with the setup code from the server's log → the organiser → a staff account → the edition →
imports → the assignment → judges score → close and publish (with the missing-scores warning) → an
objection → freezing refused before the window ends → freezing once it has (a server started days
later: the app has no date to type) → every write refused after freezing."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest
from browser.support import (
    choose_own_password,
    free_port,
    open_entry,
    score_box,
    settle,
    sign_in,
    start_app,
    wait_saved,
)
from playwright.sync_api import expect

from judging.core.permissions import SYSTEM
from judging.errors import PermissionDenied
from judging.store import publication as pub
from judging.store.db import open_database, read_session, write_session
from judging.store.editions import list_editions, rounds_of
from judging.store.people import get_user
from judging.store.sheets import assigned_entries, save_score
from judging.ui.forms import DOUBLE_CLICK_S

pytestmark = pytest.mark.browser

LATER_CLOCK = Path(__file__).parent / "later_clock"
VIEWPORT = {"width": 1366, "height": 768}
CRITERIA = ("core_technology", "application_effect", "promotion_value")
ORGANISER_PASSWORD = "harbour-lantern-2026"
JUDGE_PASSWORD = "willow-bridge-4471"
EDITION = """name = "2026年某市信息消费创新大赛"
year = 2026
kind = "innovation_contest"

[[tracks]]
key = "life"
name_zh = "生活类信息消费"

[[rounds]]
key = "preliminary"
name = "初评（网评）"
rubric = "innovation_contest"
judges_per_entry = 2
method = "raw"
"""
ENTRIES = "作品名称,申报单位,赛道\n" + "".join(f"智慧应用{i},申报单位{i},生活类\n" for i in range(1, 5))


def go(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
    settle(page)


def fill(page, key: str, text: str) -> None:
    page.locator(f".st-key-{key} input").fill(text)


def choose(page, key: str, option: str) -> None:
    """Pick ``option`` in a select box by typing it (also inside a form, where nothing reruns)."""
    page.locator(f".st-key-{key} input").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")


def upload(page, key: str, path: Path) -> None:
    page.locator(f".st-key-{key} input[type=file]").set_input_files(str(path))
    settle(page)
    page.wait_for_timeout(500)
    settle(page)


def setup_code(log: Path) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = re.findall(r"setup code for the first organiser: (\S+)", log.read_text(errors="replace"))
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError("no setup code in the server's log")


def judge_scores(chromium, base: str, username: str, one_time: str, entries: list[int], values: dict) -> None:
    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.goto(base)
    settle(page)
    sign_in(page, username, one_time)
    choose_own_password(page, one_time, JUDGE_PASSWORD)
    expect(page.get_by_role("heading", name="我的评审作品")).to_be_visible()
    for entry in entries:
        open_entry(page, None, entry)
        for criterion in CRITERIA:
            box = score_box(page, criterion)
            box.fill(values[entry])
            box.press("Tab")
            wait_saved(page)
        page.get_by_role("button", name="提交评分表").click()
        page.get_by_role("button", name="确认提交").click()
        settle(page)
        expect(page.get_by_text("评分表已于")).to_be_visible(timeout=30_000)  # a lost click is sent again
        page.goto(base)
        settle(page)
    context.close()


def test_a_contest_from_an_empty_database_to_a_frozen_list(chromium, tmp_path):
    url = f"sqlite:///{tmp_path / 'contest.db'}"
    open_database(url).dispose()  # migrated, no account
    log = tmp_path / "streamlit.log"
    (tmp_path / "edition.toml").write_text(EDITION, encoding="utf-8")
    (tmp_path / "entries.csv").write_text(ENTRIES, encoding="utf-8-sig")
    port = free_port()

    with start_app(url, log, port=port, JUDGING_DEMO="") as base:
        context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
        org = context.new_page()
        org.goto(base)
        settle(org)

        # 1. the first-run page: the organiser, with the setup code printed in the server's log
        expect(org.get_by_text("首次设置：建立组织方账号")).to_be_visible()
        expect(org.get_by_role("button", name="建立演示大赛")).to_have_count(0)
        fill(org, "setup_code", setup_code(log))
        fill(org, "setup_username", "chen")
        fill(org, "setup_display_name", "陈组织")
        fill(org, "setup_pw", ORGANISER_PASSWORD)
        fill(org, "setup_pw_again", ORGANISER_PASSWORD)
        org.get_by_role("button", name="建立组织方账号并登录").click()
        settle(org)
        org.wait_for_timeout(500)
        settle(org)
        expect(org.get_by_role("heading", name="赛事设置")).to_be_visible()

        # 2. staff accounts: two judges, each with a one-time password shown once
        passwords = {}
        go(org, "账号管理")
        for username, name in (("j01", "周评委"), ("j02", "吴评委")):
            fill(org, "staff_new_username", username)
            fill(org, "staff_new_name", name)
            choose(org, "staff_new_role", "评委")
            org.get_by_role("button", name="建立账号").click()
            settle(org)
            expect(org.get_by_text(f"已建立账号 {username}")).to_be_visible()
            passwords[username] = org.locator("[data-testid='stCode'] code").first.inner_text().strip()
            time.sleep(DOUBLE_CLICK_S)  # a press of the same form this soon is taken for a double click

        # 3. the edition from a file, 4. its entries
        go(org, "赛事设置")
        org.get_by_role("tab", name="从文件创建").click()
        upload(org, "oc_edition_file", tmp_path / "edition.toml")
        org.get_by_role("button", name="按此文件创建届次").click()
        settle(org)
        expect(org.get_by_text("已创建“2026年某市信息消费创新大赛”：1 个赛道，1 个评审阶段。")).to_be_visible()
        go(org, "导入作品与评委")
        upload(org, "oc_imp_entries_0", tmp_path / "entries.csv")
        org.get_by_role("button", name="导入 4 件作品").click()
        settle(org)
        expect(org.get_by_text("已导入 4 件作品")).to_be_visible()

        # 5. the assignment: each entry to both judges
        go(org, "评委分配")
        org.get_by_role("button", name="生成分配").click()
        settle(org)
        expect(org.get_by_text(re.compile(r"已生成分配"))).to_be_visible()
        engine = open_database(url)
        with read_session(engine) as s:
            edition = list_editions(s)[0]
            [rnd] = rounds_of(s, edition.id)
            ids = {u: get_user(s, u, actor=SYSTEM).id for u in passwords}
            mine = {u: [e.id for e in assigned_entries(s, round_id=rnd.id, judge_id=i, actor=SYSTEM)]
                    for u, i in ids.items()}
        assert sorted(len(v) for v in mine.values()) == [4, 4]

        # 6. the judges score: j01 every entry, j02 all but one (the warning before publishing)
        values = {e: str(90 - 5 * k) for k, e in enumerate(sorted(mine["j01"]))}
        judge_scores(chromium, base, "j01", passwords["j01"], sorted(mine["j01"]), values)
        judge_scores(chromium, base, "j02", passwords["j02"], sorted(mine["j02"])[:3], values)

        # 7. close and publish, after the page says what is missing
        go(org, "评审结果")
        expect(org.get_by_text("1 份评分表还没有任何分数")).to_be_visible()
        org.get_by_text("我已了解以上情况", exact=False).click()
        org.get_by_role("button", name="发布公示").click()
        settle(org)
        expect(org.get_by_text(re.compile(r"已发布公示，异议期至"))).to_be_visible()

        # 8. an objection, resolved; 9. freezing before the window ends is refused
        go(org, "公示管理")
        org.get_by_text("登记异议").first.click()
        form = org.locator("[data-testid='stExpander']", has_text="登记异议")
        form.get_by_label("实名").fill("李某")
        form.get_by_label("联系方式").fill("13800138000")
        form.get_by_label("异议内容").fill("该作品材料与实际不符")
        form.get_by_role("button", name="登记异议").click()
        settle(org)
        expect(org.get_by_text("异议已登记")).to_be_visible()
        org.locator("[data-testid='stExpander']", has_text="处理异议").get_by_label("理由").fill("经核实材料属实，异议不成立")
        org.get_by_role("button", name="处理异议").click()
        settle(org)
        org.get_by_role("button", name="定稿（冻结名单）").click()
        settle(org)
        expect(org.get_by_text(re.compile(r"公示期至 \d{4}-\d\d-\d\d 才结束，暂不能定稿"))).to_be_visible()

    # 10. the same server started 14 days later: the window has closed, the list is frozen
    with start_app(url, log, port=port, JUDGING_DEMO="", PYTHONPATH=str(LATER_CLOCK),
                   JUDGING_TEST_DAYS_LATER="14"):
        org.goto(base)
        settle(org)
        go(org, "公示管理")
        org.get_by_role("button", name="定稿（冻结名单）").click()
        settle(org)
        expect(org.get_by_text("名单已定稿")).to_be_visible()

        # 11. every write is refused after freezing: the award settings and the panel's decisions are read-only
        go(org, "奖项设置")
        expect(org.get_by_text("奖项设置只读", exact=False)).to_be_visible()
        expect(org.get_by_role("button", name=re.compile("保存为第"))).to_have_count(0)
        context.close()

    with read_session(engine) as s:
        publication = pub.publication_of_round(s, rnd.id, actor=SYSTEM)
        assert publication.status == "frozen" and publication.frozen_at.date() >= date.today()
    with pytest.raises(PermissionDenied, match="frozen"), write_session(engine) as s:
        save_score(s, round_id=rnd.id, judge_id=ids["j02"], entry_id=sorted(mine["j02"])[3],
                   criterion="core_technology", value=80.0, actor=SYSTEM, enforce_assignment=False)
    engine.dispose()
