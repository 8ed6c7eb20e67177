"""The route table: each role's menu (addresses in order, in sections), the signed-out addresses,
its agreement with the permissions table, and the app opening only what a role may open."""

from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from judging.core.permissions import PAGES, ROLES
from judging.i18n import t
from judging.ui import pages
from judging.ui.common import USER_KEY

MENUS = {
    "judge": [("评审", ["entries", "sheet"])],
    "organiser": [("设置", ["setup", "imports", "materials", "assignment", "staff"]),
                  ("评审", ["progress", "rubric", "advance", "live", "screen", "conflicts", "paper"]),
                  ("结果与公示", ["award_settings", "results", "publication", "awards", "verify", "audit_log"])],
    "announcer": [("结果与公示", ["awards"])],
    "auditor": [("结果与公示", ["verify", "results", "audit_log"])],
}
PAGE_ROUTES = [r for r in pages.ROUTES if r.path != pages.SIGN_IN]


def _navigation(role: str | None, lang: str) -> None:
    import streamlit as st

    from judging.ui import pages

    st.session_state["lang"] = lang
    nav = pages.navigation_for(role)
    sections = {"": nav} if isinstance(nav, list) else nav
    st.session_state["nav"] = [(section, [(p.url_path, p.title, p._page) for p in ps])
                               for section, ps in sections.items()]


def navigation(role: str | None, lang: str = "zh") -> list[tuple[str, list[tuple]]]:
    """``navigation_for(role)`` as (section title, [(address, title, page function)]); st.Page needs a run."""
    at = AppTest.from_function(_navigation, args=(role, lang), default_timeout=30).run()
    assert not at.exception, at.exception
    return at.session_state["nav"]


def addresses(nav) -> list[tuple[str, list[str]]]:
    return [(section, [path for path, _, _ in ps]) for section, ps in nav]


def title(path: str) -> str:
    return t(pages.BY_PATH[path].title_key, "zh")


def at_address(at: AppTest, path: str) -> AppTest:
    # AppTest (Streamlit 1.67) switches only to file pages; a browser asks for a callable page by its
    # address, which Streamlit turns into this hash
    at._page_hash = calc_hash(path)
    return at


# --- the menus -------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_menu_of_each_role_lists_its_pages_in_order_and_in_sections(contest, role):
    assert addresses(navigation(role)) == MENUS[role]


def test_menu_sections_and_titles_follow_the_tabs_language(contest):
    nav = navigation("organiser", "en")

    assert [section for section, _ in nav] == ["Setup", "Judging", "Results and publication"]
    assert [name for _, ps in nav for _, name, _ in ps][:4] == ["Edition setup", "Import entries and judges",
                                                                "Entry materials", "Assignment"]


@pytest.mark.parametrize(("user", "landing"), [("j1", "entries"), ("org", "setup"), ("ann", "awards"),
                                               ("aud", "verify")])
def test_each_role_lands_on_the_first_page_of_its_menu(app, user, landing):
    at = app(user).run()

    assert not at.exception, at.exception
    assert [h.value for h in at.title][:1] == [title(landing)]


# --- signed out ------------------------------------------------------------------------------

def test_signed_out_answers_every_page_address_with_the_sign_in_form(contest):
    sign_in = pages.BY_PATH[pages.SIGN_IN]

    [(section, shown)] = navigation(None)

    assert section == ""
    assert [path for path, _, _ in shown] == ["sign-in", *sorted(PAGES)]
    assert {(name, function) for _, name, function in shown} == {("登录", sign_in.run)}


@pytest.mark.parametrize("role", ["system", "nobody"])
def test_a_role_without_a_menu_is_shown_the_sign_in_form(contest, role):
    assert addresses(navigation(role)) == addresses(navigation(None))


def test_bookmarked_address_asks_for_the_password_then_opens_that_page(app, password):
    at = at_address(app(), "results").run()
    assert at.text_input(key="signin_password")

    at.text_input(key="signin_username").input("org")
    at.text_input(key="signin_password").input(password)
    at.button[0].click().run()

    assert not at.exception, at.exception
    assert [h.value for h in at.title] == ["评审结果"]


# --- agreement with the permissions table ----------------------------------------------------

def test_every_route_is_a_page_of_the_permissions_table_and_back():
    assert sorted(r.path for r in PAGE_ROUTES) == sorted(PAGES)


def test_route_roles_are_the_permissions_tables():
    assert {r.path: r.roles for r in PAGE_ROUTES} == PAGES
    assert pages.BY_PATH[pages.SIGN_IN].roles == frozenset()


@pytest.mark.parametrize("role", ROLES)
def test_menu_offers_every_page_the_role_may_open_and_no_other(role):
    assert sorted(r.path for r in pages.menu(role)) == sorted(p for p, roles in PAGES.items() if role in roles)


@pytest.mark.parametrize(("user", "refused"), [("j1", "setup"), ("ann", "results"), ("aud", "publication"),
                                               ("org", "sheet")])
def test_app_does_not_open_an_address_the_role_may_not_open(app, user, refused):
    at = at_address(app(user), refused).run()

    landing = pages.menu(at.session_state[USER_KEY].role)[0].path
    assert not at.exception, at.exception
    assert [h.value for h in at.title][:1] == [title(landing)] != [title(refused)]


# --- the page functions ----------------------------------------------------------------------

@pytest.mark.parametrize("route", pages.ROUTES, ids=lambda r: r.path)
def test_route_render_target_imports(route):
    assert callable(route.target())


def test_building_the_menus_imports_no_page_module():
    code = ("import sys\nfrom judging.ui import pages\n"
            "[pages.menu(r) for r in ('judge', 'organiser', 'announcer', 'auditor')]\n"
            "print(sorted(m for m in {r.render.partition(':')[0] for r in pages.ROUTES} if m in sys.modules))")

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert done.stdout.split() == ["[]"]
