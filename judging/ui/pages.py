"""The route table: every page of the app, its address, title, icon, menu section and who may open it.

``ROUTES`` is the one place a page is declared. Its roles are read from ``permissions.PAGES`` (the
table the server enforces, and every page checks again itself), so a menu never offers a page the
permissions refuse. A page module is imported only when its page runs, which keeps a run's start
light: building a menu imports none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from judging.core.permissions import PAGES, Role
from judging.ui.common import tr

SIGN_IN = "sign-in"


@dataclass(frozen=True)
class Route:
    path: str  # the url_path: the page's identity in bookmarks, in PAGES and in st.navigation
    title_key: str
    icon: str
    render: str  # "module:function"
    roles: frozenset[str]
    section_key: str | None  # the menu section's title; None for the sign-in page, which stands alone

    def target(self) -> Callable[[], None]:
        """The page function, importing its module now."""
        module, _, function = self.render.partition(":")
        return getattr(importlib.import_module(module), function)

    def run(self) -> None:
        self.target()()

    def page(self) -> st.Page:
        return st.Page(self.run, title=tr(self.title_key), url_path=self.path, icon=self.icon)


def _page(path: str, title_key: str, icon: str, render: str, section_key: str) -> Route:
    # PAGES[path] fails at import for a page the permissions table does not name: closed, not open
    return Route(path, title_key, icon, render, PAGES[path], section_key)


# in menu order: a role's menu is this table's pages of the role, its landing page first
ROUTES: tuple[Route, ...] = (
    Route(SIGN_IN, "page.sign_in", ":material/login:", "judging.ui.sign_in:render", frozenset(), None),
    _page("entries", "page.my_entries", ":material/list:", "judging.ui.judge_entries:render", "nav.judging"),
    _page("sheet", "page.score_sheet", ":material/edit_note:", "judging.ui.judge_sheet:render", "nav.judging"),
    _page("setup", "page.oc_setup", ":material/settings:", "judging.ui.organiser_setup:render", "nav.setup"),
    _page("imports", "page.oc_imports", ":material/upload_file:", "judging.ui.organiser_imports:render",
          "nav.setup"),
    _page("materials", "page.materials", ":material/attach_file:", "judging.ui.organiser_materials:render",
          "nav.setup"),
    _page("assignment", "page.oc_assignment", ":material/group_work:", "judging.ui.organiser_assignment:render",
          "nav.setup"),
    _page("staff", "page.staff", ":material/manage_accounts:", "judging.ui.organiser_staff:render", "nav.setup"),
    _page("progress", "page.oc_monitor", ":material/monitoring:", "judging.ui.organiser_monitor:render",
          "nav.judging"),
    _page("rubric", "page.oc_rubric", ":material/rule:", "judging.ui.organiser_rubric:render", "nav.judging"),
    _page("advance", "page.oc_advance", ":material/trending_up:", "judging.ui.organiser_advance:render",
          "nav.judging"),
    _page("live", "page.oc_live", ":material/podium:", "judging.ui.organiser_live:render", "nav.judging"),
    _page("screen", "page.oc_screen", ":material/tv:", "judging.ui.organiser_screen:render", "nav.judging"),
    _page("conflicts", "page.conflicts_sheets", ":material/do_not_disturb_on:",
          "judging.ui.organiser_conflicts:render", "nav.judging"),
    _page("paper", "page.oc_paper", ":material/print:", "judging.ui.organiser_paper:render", "nav.judging"),
    _page("award_settings", "page.award_settings", ":material/workspace_premium:", "judging.ui.organiser_awards:render",
          "nav.results"),
    _page("results", "page.results", ":material/leaderboard:", "judging.ui.results:render", "nav.results"),
    _page("publication", "page.publication", ":material/campaign:", "judging.ui.publication:render",
          "nav.results"),
    _page("awards", "page.award_lists", ":material/emoji_events:", "judging.ui.announcer:render", "nav.results"),
    _page("verify", "page.verify", ":material/verified:", "judging.ui.auditor:render", "nav.results"),
    _page("audit_log", "page.audit_log", ":material/history:", "judging.ui.audit_log:render", "nav.results"),
)
BY_PATH: dict[str, Route] = {r.path: r for r in ROUTES}

# where each role lands after signing in; the auditor's checking comes before the results it checks,
# which the organiser's menu lists the other way round
LANDING: dict[str, str] = {Role.JUDGE: "entries", Role.ORGANISER: "setup", Role.ANNOUNCER: "awards",
                          Role.AUDITOR: "verify"}


def menu(role: str) -> list[Route]:
    """The routes of ``role`` in menu order, its landing page first (none for a role without a landing)."""
    if role not in LANDING:
        return []
    landing = BY_PATH[LANDING[role]]
    return [landing, *(r for r in ROUTES if role in r.roles and r is not landing)]


def navigation_for(role: str | None) -> dict[str, list[st.Page]] | list[st.Page]:
    """What ``st.navigation`` shows ``role``: its menu in sections, or the sign-in pages when signed out."""
    routes = menu(role) if role is not None else []
    if not routes:
        return signed_out_pages()
    sections: dict[str, list[st.Page]] = {}
    for route in routes:
        sections.setdefault(tr(route.section_key), []).append(route.page())
    return sections


def signed_out_pages() -> list[st.Page]:
    """The sign-in form under every page address, so that a reloaded or bookmarked page asks for the
    password and then opens that very page (same ``url_path``) instead of "page not found"."""
    sign_in = BY_PATH[SIGN_IN]
    addresses = sorted(path for path in BY_PATH if path != SIGN_IN)
    return [sign_in.page()] + [st.Page(sign_in.run, title=tr(sign_in.title_key), url_path=path) for path in addresses]


def page(path: str) -> st.Page:
    """The page at ``path``, for a page that links or switches to another."""
    return BY_PATH[path].page()


def entries_page() -> st.Page:
    return page("entries")


def sheet_page() -> st.Page:
    return page("sheet")
