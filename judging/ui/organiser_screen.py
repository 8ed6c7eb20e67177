"""The big screen of the live final: how many panel judges have scored the open entry and, once
it is closed, every judge's mark and the entry's score (trimmed mean or calibrated, as configured).
Refreshes itself from the database; shows entry text as plain text only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.permissions import Actor
from judging.store.db import read_session
from judging.store.live import live_board, live_round_id
from judging.ui.common import engine, plain, require_page, rerun_app_if_refused, tr
from judging.ui.organiser_common import ROUND_KEY, choose_edition, choose_round

SCREEN_DEFAULTED = "oc_screen_defaulted"
SCREEN_REFRESH_S = 2  # marks appear on the screen within two seconds of the last judge's save


def render() -> None:
    user = require_page("screen")
    with st.sidebar:  # out of the audience's sight on the projected page
        edition = choose_edition()
        if edition is not None and SCREEN_DEFAULTED not in st.session_state:
            with read_session(engine()) as s:  # open on the round whose live final is running
                live = live_round_id(s, edition_id=edition.id)
            if live is not None:
                st.session_state[ROUND_KEY] = live
            st.session_state[SCREEN_DEFAULTED] = True
        rnd = choose_round(edition, label_key="oc.live.round") if edition is not None else None
    if rnd is None:
        st.info(tr("oc.screen.choose_round"))
        return
    _board(rnd.id, user)


@st.fragment(run_every=SCREEN_REFRESH_S)
@rerun_app_if_refused
def _board(round_id: int, actor: Actor) -> None:
    with read_session(engine()) as s:
        board = live_board(s, round_id=round_id, actor=actor)
    st.caption(plain(board.round_name))
    if board.current is not None:
        st.title(plain(f"{board.current.code} {board.current.title}"))
        st.metric(tr("oc.screen.scored"), f"{board.scored} / {board.panel}")
        st.progress(board.scored / board.panel if board.panel else 0.0)
    elif board.last is None:
        st.title(tr("oc.screen.waiting"))
    if board.last is not None and board.result is not None:
        result = board.result
        if board.current is not None:
            st.divider()
            st.subheader(tr("oc.screen.previous"))
        st.header(plain(f"{board.last.code} {board.last.title}"))
        if result.score is not None:
            st.metric(tr("oc.screen.score", method=tr(f"oc.screen.method_{result.method}")
                         if result.method in ("trimmed", "calibrated", "raw") else result.method),
                      f"{result.score:.2f}")
        marks = pd.DataFrame([{tr("oc.screen.judge"): plain(board.names.get(j, j)), tr("oc.screen.mark"): f"{v:.2f}"}
                              for j, v in sorted(result.marks.items())])
        if not marks.empty:
            st.table(marks.set_index(tr("oc.screen.judge")))  # readable from the back of the hall; st.table renders Markdown, hence plain()
