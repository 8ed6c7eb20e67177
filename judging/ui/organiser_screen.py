"""The big screen of the live final: how many panel judges have scored the open entry and, once
it is closed, every judge's mark and the entry's score, with one line saying how the score is made.

Projector mode (a switch in the sidebar) hides the sidebar and Streamlit's header, so the hall sees
the board alone; the type is sized for the back of a hall at 1920×1080 (``SCREEN_CSS``). Judges are
shown as 评委1…N in the panel's order unless the organiser chooses to show their names. Refreshes
itself from the database; entry text is shown as plain text only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.permissions import Actor
from judging.core.ranking.awards import DEFAULT_SCORE_DECIMALS
from judging.i18n import TEXTS
from judging.store.award_settings import award_settings_of
from judging.store.db import read_session
from judging.store.editions import rounds_of
from judging.store.live import live_board, live_round_id, panel_of
from judging.ui import chrome
from judging.ui.common import engine, plain, require_page, rerun_app_if_refused, tr
from judging.ui.organiser_common import choose_edition, choose_row

SCREEN_ROUND = "oc_screen_round"  # the screen's own round, apart from the round the other pages work on
SCREEN_EDITION_DEFAULTED = "oc_screen_defaulted_for"  # the edition whose live round was chosen by default
PROJECTOR = "oc_screen_projector"
SHOW_NAMES = "oc_screen_names"
SCREEN_REFRESH_S = 2  # marks appear on the screen within two seconds of the last judge's save
# type sizes at 1920×1080, read from the back of a hall (about 20 m from a 4 m screen): the score
# is the one figure everyone looks for, the marks and the entry's title come next
SCORE_PX = 160
MARK_PX = 56
TITLE_PX = 64
TEXT_PX = 40
# the sentence that says how the final score is made, per method
METHOD_LINES = {"trimmed": "oc.screen.how_trimmed", "calibrated": "oc.screen.how_calibrated", "raw": "oc.screen.how_raw",
                "median": "oc.screen.how_median", "zscore": "oc.screen.how_zscore",
                "percentile": "oc.screen.how_percentile", "additive": "oc.screen.how_additive",
                "linear": "oc.screen.how_linear"}

SCREEN_CSS = f"""<style>
.st-key-screen_board h1, .st-key-screen_board h1 * {{font-size: {TITLE_PX}px !important; line-height: 1.2;}}
.st-key-screen_board h2, .st-key-screen_board h2 *, .st-key-screen_board h3, .st-key-screen_board h3 * {{
  font-size: {TEXT_PX}px !important; line-height: 1.25;}}
.st-key-screen_board [data-testid="stCaptionContainer"] p,
.st-key-screen_board [data-testid="stMarkdown"] p {{font-size: {TEXT_PX}px !important; line-height: 1.3;}}
.st-key-screen_board [data-testid="stMetricLabel"], .st-key-screen_board [data-testid="stMetricLabel"] * {{
  font-size: {TEXT_PX}px !important; min-height: 0 !important;}}
.st-key-screen_board [data-testid="stMetricValue"], .st-key-screen_board [data-testid="stMetricValue"] * {{
  font-size: {MARK_PX}px !important; line-height: 1.15 !important;}}
.st-key-screen_score [data-testid="stMetricValue"], .st-key-screen_score [data-testid="stMetricValue"] * {{
  font-size: {SCORE_PX}px !important; line-height: 1.05 !important; font-weight: 700;}}
.st-key-screen_board table th, .st-key-screen_board table th *, .st-key-screen_board table td,
.st-key-screen_board table td * {{font-size: {MARK_PX}px !important; line-height: 1.25;}}
.st-key-screen_board table th, .st-key-screen_board table td {{padding: 0.1em 0.5em !important;}}
</style>"""
PROJECTOR_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stExpandSidebarButton"] {display: none !important;}
[data-testid="stMainBlockContainer"] {padding-top: 1.5rem !important; max-width: 100% !important;}
</style>"""


def render() -> None:
    user = require_page("screen")
    with st.sidebar:  # out of the audience's sight on the projected page
        edition = choose_edition()
        rnd = _choose_round(edition) if edition is not None else None
        st.toggle(tr("oc.screen.projector"), key=PROJECTOR, help=tr("oc.screen.projector_help"))
        st.toggle(tr("oc.screen.show_names"), key=SHOW_NAMES, help=tr("oc.screen.show_names_help"))
    chrome.style(SCREEN_CSS)
    if st.session_state.get(PROJECTOR):
        chrome.style(PROJECTOR_CSS)
    if rnd is None:
        st.info(tr("oc.screen.choose_round"))
        return
    _board(rnd.id, user, bool(st.session_state.get(SHOW_NAMES)))
    if st.session_state.get(PROJECTOR):
        st.button(tr("oc.screen.leave_projector"), key="oc_screen_leave", type="tertiary", on_click=_leave_projector)


def _leave_projector() -> None:
    st.session_state[PROJECTOR] = False


def _choose_round(edition):
    """The round shown: the one whose live final runs (or ran last) when the edition is first shown."""
    with read_session(engine()) as s:
        rounds = rounds_of(s, edition.id)
        live = live_round_id(s, edition_id=edition.id)
    if st.session_state.get(SCREEN_EDITION_DEFAULTED) != edition.id:
        if live is not None:
            st.session_state[SCREEN_ROUND] = live
        st.session_state[SCREEN_EDITION_DEFAULTED] = edition.id
    return choose_row(rounds, key=SCREEN_ROUND, label=tr("oc.live.round"), empty=tr("oc.no_round"),
                      format_func=lambda r: r.name)


def judge_labels(panel: list[str], marked: list[str], names: dict[str, str], *, show_names: bool) -> dict[str, str]:
    """What the screen calls each judge: 评委1…N in the panel's order (judges outside the panel after
    it), or their display names when the organiser chooses to show them."""
    order = list(dict.fromkeys([*panel, *sorted(marked)]))
    if show_names:
        return {j: names.get(j) or tr("oc.screen.judge_n", n=n) for n, j in enumerate(order, start=1)}
    return {j: tr("oc.screen.judge_n", n=n) for n, j in enumerate(order, start=1)}


def method_line(method: str) -> str:
    """The sentence that says how the final score is made."""
    if method in METHOD_LINES:
        return tr(METHOD_LINES[method])
    known = f"results.method.{method}" in TEXTS
    return tr("oc.screen.how_other", method=tr(f"results.method.{method}") if known else method)


@st.fragment(run_every=SCREEN_REFRESH_S)
@rerun_app_if_refused
def _board(round_id: int, actor: Actor, show_names: bool) -> None:
    with read_session(engine()) as s:
        board = live_board(s, round_id=round_id, actor=actor)
        panel = [j.username for j in panel_of(s, round_id=round_id, actor=actor)]
        decimals = award_settings_of(s, round_id=round_id, actor=actor).awards.config.score_decimals
    decimals = DEFAULT_SCORE_DECIMALS if decimals is None else decimals
    with st.container(key="screen_board"):
        st.caption(plain(board.round_name))
        if board.current is not None:
            st.title(plain(f"{board.current.code} {board.current.title}"), anchor=False)
            st.metric(tr("oc.screen.scored"), f"{board.scored} / {board.panel}")
            st.progress(board.scored / board.panel if board.panel else 0.0)
        elif board.last is None:
            st.title(tr("oc.screen.waiting"), anchor=False)
        if board.last is None or board.result is None:
            return
        result = board.result
        if board.current is not None:
            st.divider()
            st.subheader(tr("oc.screen.previous"), anchor=False)
        st.header(plain(f"{board.last.code} {board.last.title}"), anchor=False)
        left, right = st.columns([3, 2], gap="large")  # the score and how it is made; the marks beside it
        if result.score is not None:
            with left, st.container(key="screen_score"):
                st.metric(tr("oc.screen.final_score"), f"{result.score:.{decimals}f}")
            left.markdown(method_line(result.method))
        labels = judge_labels(panel, list(result.marks), board.names, show_names=show_names)
        marks = pd.DataFrame([{tr("oc.screen.judge"): plain(labels[j]), tr("oc.screen.mark"): f"{v:.{decimals}f}"}
                              for j, v in sorted(result.marks.items(), key=lambda item: list(labels).index(item[0]))])
        if not marks.empty:
            right.table(marks.set_index(tr("oc.screen.judge")))  # st.table renders Markdown, hence plain()
