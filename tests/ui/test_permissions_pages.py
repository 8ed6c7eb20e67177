"""The permissions matrix for pages: every role × every page of every menu (AppTest): the page
renders its content or refuses, as ``judging.core.permissions.PAGES`` says, and a refusal is logged."""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from judging.core.permissions import PAGES, ROLES
from judging.store.db import read_session
from judging.store.models import AuditEvent
from judging.ui.common import USER_KEY

USERS = {"judge": "j1", "organiser": "org", "announcer": "ann", "auditor": "aud"}
REFUSED = "您的角色无权访问此页面。"


def _menus() -> dict[str, list[str]]:
    script = ("import streamlit as st\nfrom judging.ui.pages import pages_for\n"
              "from judging.ui.results_pages import with_results_pages\n"
              "st.session_state['menus'] = {r: [p.url_path for p in with_results_pages(pages_for(r), r)]"
              f" for r in {ROLES!r}}}")
    return AppTest.from_string(script, default_timeout=30).run().session_state["menus"]


def _expected(page: str, menus: dict[str, list[str]]) -> set[str]:
    # a page the table does not name yet is open to the roles whose menu shows it
    return set(PAGES.get(page, {r for r, paths in menus.items() if page in paths}))


MENUS = None


def _all_pages() -> list[str]:
    global MENUS
    MENUS = MENUS or _menus()
    return sorted({p for paths in MENUS.values() for p in paths})


def _run_page(contest, page: str, role: str | None) -> AppTest:
    script = (
        "from judging.ui.pages import pages_for\nfrom judging.ui.results_pages import with_results_pages\n"
        f"menus = [p for r in {ROLES!r} for p in with_results_pages(pages_for(r), r)]\n"
        f"page = next(p for p in menus if p.url_path == {page!r})\n"
        "page._page()\n"
    )
    at = AppTest.from_string(script, default_timeout=30)
    if role is not None:
        at.session_state[USER_KEY] = contest["users"][USERS[role]]
    return at.run()


def test_table_names_every_page_of_every_menu():
    assert set(_all_pages()) <= set(PAGES)


@pytest.mark.parametrize("role", [*ROLES, None])
@pytest.mark.parametrize("page", _all_pages())
def test_page_renders_or_refuses_as_specified(contest, page, role):
    at = _run_page(contest, page, role)

    refused = [e.value for e in at.error] == [REFUSED]
    asked_to_sign_in = [w.value for w in at.warning][:1] == ["请先登录。"]

    assert not at.exception, at.exception
    if role is None:
        assert asked_to_sign_in
    elif role in _expected(page, MENUS):
        assert not refused and not asked_to_sign_in and (at.title or at.header or at.subheader or at.info)
    else:
        assert refused


def test_page_refusal_is_an_audit_event(contest):
    _run_page(contest, "setup", "judge")

    with read_session(contest["engine"]) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()

    assert (last.action, last.actor, last.subject) == ("permission.refused", "j1", "page.open")
