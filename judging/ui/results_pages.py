"""The pages of issue 6 in each role's menu: results and 公示 for the organiser, the award lists
for the announcer (in place of the placeholder at the same address), verification for the auditor."""

from __future__ import annotations

import streamlit as st

from judging.ui.common import tr

AWARDS_PATH = "awards"  # the announcer's placeholder address, kept so that bookmarks still work
VERIFY_PATH = "verify"


def results_page() -> st.Page:
    from judging.ui import results

    return st.Page(results.render, title=tr("page.results"), url_path="results", icon=":material/leaderboard:")


def publication_page() -> st.Page:
    from judging.ui import publication

    return st.Page(publication.render, title=tr("page.publication"), url_path="publication",
                   icon=":material/campaign:")


def announcer_page() -> st.Page:
    from judging.ui import announcer

    return st.Page(announcer.render, title=tr("page.award_lists"), url_path=AWARDS_PATH,
                   icon=":material/emoji_events:")


def verify_page() -> st.Page:
    from judging.ui import auditor

    return st.Page(auditor.render, title=tr("page.verify"), url_path=VERIFY_PATH, icon=":material/verified:")


def with_results_pages(menu: list[st.Page], role: str | None) -> list[st.Page]:
    """``menu`` with this issue's pages added or put in place of the placeholders."""
    def replace(pages: list[st.Page], path: str, page: st.Page) -> list[st.Page]:
        return [page if p.url_path == path else p for p in pages]

    if role == "organiser":
        return [*menu, results_page(), publication_page(), announcer_page(), verify_page()]
    if role == "announcer":
        return replace(menu, AWARDS_PATH, announcer_page())
    if role == "auditor":
        return [*replace(menu, VERIFY_PATH, verify_page()), results_page()]
    if role is None:  # signed out: the sign-in form under the new addresses too, as for the others
        from judging.ui import sign_in

        known = {p.url_path for p in menu}
        return [*menu, *(st.Page(sign_in.render, title=tr("page.sign_in"), url_path=path)
                         for path in ("results", "publication") if path not in known)]
    return menu
