"""A write form's button clicked twice before the page has come back (a double click, or an impatient
second click): the write is stored once and the page says so, without an error for the second click.

Before the fix, Chromium showed both ways this goes wrong, with two clicks 100–200 ms apart on the
objection form: the objection stored twice (Streamlit's fast reruns ran the second click's run while the
first was still writing), and, with runs one after the other, "fill in the name" shown for the second
click, whose run saw the fields already emptied (see ``judging.ui.forms``).
"""

from __future__ import annotations

from datetime import date

import pytest
from actors import as_user
from browser.support import settle, sign_in
from sqlmodel import select

from judging.core.bundle import BundleSettings
from judging.store import publication as pub
from judging.store.db import open_database, read_session, write_session
from judging.store.editions import list_editions, rounds_of
from judging.store.models import Objection

pytestmark = pytest.mark.browser

GAPS_MS = (100, 150, 200, 120, 180, 150)
VIEWPORT = {"width": 1366, "height": 900}


def _still(page, button) -> dict:
    """The button's box once the page has stopped moving, in view (the tables above it draw late and
    the page scrolls by itself after a field is left: a click at a box read too early lands elsewhere,
    which is not what this test is about)."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    box = None
    for _ in range(40):
        button.scroll_into_view_if_needed()
        page.wait_for_timeout(250)
        again = button.bounding_box()
        if again == box and 0 <= box["y"] and box["y"] + box["height"] <= VIEWPORT["height"]:
            return box
        box = again
    raise AssertionError("the page did not stop moving in 10 s")


@pytest.fixture(scope="module")
def double_clicks(chromium, served_app):
    """Six double clicks on the objection form: (gap, objections stored, alerts shown) each."""
    engine = open_database(served_app["url"])
    with write_session(engine) as s:
        rnd = rounds_of(s, list_editions(s)[0].id)[0]
        publication = pub.publish(s, round_id=rnd.id, settings=BundleSettings(seed=1), close_round=True,
                                  start_date=date.today(), contact="010-12345678", actor=as_user(s, "organiser"))
    context = chromium.new_context(viewport=VIEWPORT)
    org = context.new_page()
    org.goto(served_app["base"])
    settle(org)
    sign_in(org, "organiser", served_app["password"])
    outcomes = []
    for trial, gap in enumerate(GAPS_MS):
        org.locator("[data-testid='stSidebarNav'] a", has_text="公示管理").first.click()
        settle(org)
        form = org.locator("[data-testid='stExpander']", has_text="登记异议")
        if not form.get_by_label("实名").is_visible():
            form.get_by_text("登记异议").first.click()
        form.get_by_label("实名").fill("李某")
        form.get_by_label("联系方式").fill("13800138000")
        form.get_by_label("异议内容").fill(f"第 {trial} 次：该作品材料与实际不符")
        button = form.get_by_role("button", name="登记异议")
        box = _still(org, button)
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        org.mouse.click(x, y)  # the same spot twice, as a hand does
        org.wait_for_timeout(gap)
        org.mouse.click(x, y)
        settle(org)
        org.wait_for_timeout(1000)  # a second click's run, if any, has started by now
        settle(org)
        alerts = org.locator("[data-testid='stAlert']").all_inner_texts()
        with read_session(engine) as s:
            stored = [o.text for o in s.exec(select(Objection).where(Objection.publication_id == publication.id))]
        outcomes.append((gap, stored.count(f"第 {trial} 次：该作品材料与实际不符"), alerts))
        with write_session(engine) as s:  # no open objection: the next trial's page has no 处理异议 form below
            for o in s.exec(select(Objection).where(Objection.status == "open")):
                pub.resolve_objection(s, objection_id=o.id, upheld=False, reason="测试：不成立",
                                      actor=as_user(s, "organiser"))
    context.close()
    engine.dispose()
    return outcomes


def test_a_double_click_on_the_objection_form_stores_it_and_says_so_without_an_error(double_clicks):
    assert all(n >= 1 and alerts == ["异议已登记"] for _, n, alerts in double_clicks), double_clicks


def test_a_double_click_on_the_objection_form_stores_it_once(double_clicks):
    assert [n for _, n, _ in double_clicks] == [1] * len(GAPS_MS), double_clicks
