"""A live final's judge is moved on by the organiser while typing: what was typed for the entry that
closed is never stored on the entry that opened, and the judge's next keys do not land in it either
(the new sheet does not take the caret: the move was not the judge's doing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser.support import VIEWPORT, require_browser, settle, sign_in, start_app

from judging.core.passwords import PreparedPassword, hash_password
from judging.core.permissions import SYSTEM
from judging.core.rubric import load_rubric
from judging.store.db import open_database, read_session, write_session
from judging.store.editions import add_entries, add_round, create_edition, entries_of
from judging.store.live import close_live_entry, open_live_entry, set_panel
from judging.store.people import create_user
from judging.store.sheets import load_sheet

pytestmark = pytest.mark.browser
PASSWORD = "live final 2026!"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'judging.db'}"
    engine = open_database(url)
    rubric = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
    with write_session(engine) as s:
        edition = create_edition(s, name="信息消费大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        final = add_round(s, edition_id=edition.id, key="final", name="终评", rubric=rubric, blind=False, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": "L-001", "track": "life", "title": "甲作品", "organisation": "甲公司"},
            {"code": "L-002", "track": "life", "title": "乙作品", "organisation": "乙公司"}], actor=SYSTEM)
        judge = create_user(s, username="pj1", display_name="周一鸣", role="judge",
                            password=PreparedPassword(hash_password(PASSWORD)), actor=SYSTEM)
        entries = {e.code: e.id for e in entries_of(s, edition.id)}
        set_panel(s, round_id=final.id, judge_ids=[judge.id], actor=SYSTEM)
        open_live_entry(s, round_id=final.id, entry_id=entries["L-001"], actor=SYSTEM)
        facts = {"round_id": final.id, "judge_id": judge.id, "entries": entries}
    with start_app(url, folder / "streamlit.log") as base:
        yield facts | {"base": base, "engine": engine}
    engine.dispose()


def _sheet(live, entry: int) -> tuple[dict, dict]:
    """The judge's scores and comments on the entry, as stored."""
    with read_session(live["engine"]) as s:
        sheet = load_sheet(s, round_id=live["round_id"], judge_id=live["judge_id"], entry_id=entry, actor=SYSTEM)
        return sheet.score_values, sheet.comment_texts


def test_typing_for_a_closed_entry_never_lands_on_the_next_one(chromium, live):
    first, second = live["entries"]["L-001"], live["entries"]["L-002"]
    page = chromium.new_context(viewport=VIEWPORT, locale="zh-CN").new_page()
    page.goto(f"{live['base']}/sheet?round={live['round_id']}&entry={first}")
    settle(page)
    sign_in(page, "pj1", PASSWORD)
    if f"entry={first}" not in page.url:
        page.goto(f"{live['base']}/sheet?round={live['round_id']}&entry={first}")
        settle(page)
    page.locator(f".sheet[data-entry='{first}'] textarea[data-field='comment:']").click()
    page.keyboard.type("甲作品的总体评语", delay=100)
    page.locator(f".sheet[data-entry='{first}'] input[data-field='score:application_effect']").click()
    page.keyboard.type("8", delay=100)  # the first digit of 85
    with write_session(live["engine"]) as s:  # the organiser moves the final on while the judge types
        close_live_entry(s, round_id=live["round_id"], entry_id=first, actor=SYSTEM)
        open_live_entry(s, round_id=live["round_id"], entry_id=second, actor=SYSTEM)
    page.locator(f".sheet[data-entry='{second}'] input[data-field='score:core_technology']").wait_for(timeout=20_000)
    page.wait_for_timeout(150)  # the sheet's own timers have run
    page.keyboard.type("5，继续写", delay=100)  # the judge's next keys
    page.wait_for_timeout(3000)  # every answer is in

    assert _sheet(live, second) == ({}, {})
    for name in ("textarea[data-field='comment:']", "input[data-field='score:core_technology']",
                 "input[data-field='score:application_effect']"):
        assert page.locator(f".sheet[data-entry='{second}'] {name}").input_value() == ""
    page.context.close()
