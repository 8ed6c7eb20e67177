"""The page registry: which pages each role sees, and the ``st.Page`` objects pages link to.

Pages are functions (``render``) in thin modules so that tests can import and run them; a page
object is rebuilt on every run with a fixed ``url_path`` (its identity) and a title in the tab's
language.
"""

from __future__ import annotations

import streamlit as st

from judging.ui.common import tr


def sign_in_page() -> st.Page:
    from judging.ui import sign_in

    return st.Page(sign_in.render, title=tr("page.sign_in"), url_path="sign-in", icon=":material/login:")


def entries_page() -> st.Page:
    from judging.ui import judge_entries

    return st.Page(judge_entries.render, title=tr("page.my_entries"), url_path="entries", icon=":material/list:")


def sheet_page() -> st.Page:
    from judging.ui import judge_sheet

    return st.Page(judge_sheet.render, title=tr("page.score_sheet"), url_path="sheet", icon=":material/edit_note:")


def organiser_conflicts_page() -> st.Page:
    from judging.ui import organiser_conflicts

    return st.Page(organiser_conflicts.render, title=tr("page.conflicts_sheets"), url_path="conflicts",
                   icon=":material/do_not_disturb_on:")


def organiser_setup_page() -> st.Page:
    from judging.ui import organiser_setup

    return st.Page(organiser_setup.render, title=tr("page.oc_setup"), url_path="setup", icon=":material/settings:")


def organiser_console_pages() -> list[st.Page]:
    """The organiser console after setup (issue 5): imports, assignment, progress, rubric editor,
    live final and its big screen."""
    from judging.ui import (
        organiser_advance,
        organiser_assignment,
        organiser_imports,
        organiser_live,
        organiser_monitor,
        organiser_rubric,
        organiser_screen,
    )

    return [
        st.Page(organiser_imports.render, title=tr("page.oc_imports"), url_path="imports", icon=":material/upload_file:"),
        st.Page(organiser_assignment.render, title=tr("page.oc_assignment"), url_path="assignment",
                icon=":material/group_work:"),
        st.Page(organiser_monitor.render, title=tr("page.oc_monitor"), url_path="progress", icon=":material/monitoring:"),
        st.Page(organiser_rubric.render, title=tr("page.oc_rubric"), url_path="rubric", icon=":material/rule:"),
        st.Page(organiser_advance.render, title=tr("page.oc_advance"), url_path="advance", icon=":material/trending_up:"),
        st.Page(organiser_live.render, title=tr("page.oc_live"), url_path="live", icon=":material/podium:"),
        st.Page(organiser_screen.render, title=tr("page.oc_screen"), url_path="screen", icon=":material/tv:"),
    ]


def announcer_page() -> st.Page:
    from judging.ui import placeholders

    return st.Page(placeholders.announcer, title=tr("page.award_lists"), url_path="awards", icon=":material/emoji_events:")


def auditor_page() -> st.Page:
    from judging.ui import placeholders

    return st.Page(placeholders.auditor, title=tr("page.verify"), url_path="verify", icon=":material/verified:")


def pages_for(role: str | None) -> list[st.Page]:
    """The menu of a role; the first page is where the role lands after signing in."""
    if role == "judge":
        return [entries_page(), sheet_page()]
    if role == "organiser":
        return [organiser_setup_page(), *organiser_console_pages(), organiser_conflicts_page()]
    if role == "announcer":
        return [announcer_page()]
    if role == "auditor":
        return [auditor_page()]
    return signed_out_pages()


def signed_out_pages() -> list[st.Page]:
    """The sign-in form under every page address, so that a reloaded or bookmarked page asks for the
    password and then opens that very page (same ``url_path``) instead of "page not found"."""
    from judging.ui import sign_in

    every = {p.url_path for role in ("judge", "organiser", "announcer", "auditor") for p in pages_for(role)}
    return [sign_in_page()] + [
        st.Page(sign_in.render, title=tr("page.sign_in"), url_path=path) for path in sorted(every)
    ]
