"""The results page's proposal of extra judges for the must-discuss entries, and its confirmation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.extra_judges import (
    DEFAULT_EXTRA_JUDGES,
    DEFAULT_WAVE_SHARE,
    judge_precision,
    least_sure_first,
)
from judging.core.permissions import Actor
from judging.errors import JudgingError
from judging.store.assignment import add_extra_seats, propose_extra_seats
from judging.store.db import read_session, write_session
from judging.ui import forms
from judging.ui.common import engine, tr
from judging.ui.organiser_common import flash_next, problem_table

MAX_EXTRA = 5


def proposal_key(round_id: int, track: str) -> str:
    return f"extra_proposal_{round_id}_{track}"


LISTED, WAVE = "listed", "wave"
MODE_LABELS = {LISTED: "extra.for.listed", WAVE: "extra.for.wave"}


def render(*, round_id: int, track: str, listed: list[str], actor: Actor, seed: int, table=None,
           judges: pd.DataFrame | None = None) -> None:
    """``listed``: the track's must-discuss entries, most urgent first; ``table``: the track's ranked rows,
    for a wave of one judge each for the entries least sure of their tier, whose seats go to the most
    precise judges (``judge_precision`` of the ranking's ``judges``: measured for waves only). The
    proposal waits in the tab's session until the organiser confirms it; confirming writes it through
    the assignment store."""
    st.markdown(f"**{tr('extra.heading')}**")
    st.caption(tr("extra.caption"))
    modes = [LISTED] + ([WAVE] if table is not None else [])
    mode = st.radio(tr("extra.for"), modes, format_func=lambda m: tr(MODE_LABELS[m]), horizontal=True,
                    key=f"extra_mode_{round_id}_{track}") if len(modes) > 1 else LISTED
    if mode == WAVE:
        st.caption(tr("extra.wave_caption"))
        share = float(st.number_input(tr("extra.share"), min_value=1, max_value=100,
                                      value=round(100 * DEFAULT_WAVE_SHARE), key=f"extra_share_{round_id}_{track}"))
        entries = least_sure_first(table, share / 100)
    else:
        entries = listed
    if not entries:
        st.info(tr("extra.none_listed" if mode == LISTED else "extra.none_ranked"))
        return
    key = proposal_key(round_id, track)
    extra = int(st.number_input(tr("extra.k"), min_value=1, max_value=MAX_EXTRA,
                                value=1 if mode == WAVE else DEFAULT_EXTRA_JUDGES,
                                key=f"extra_k_{mode}_{round_id}_{track}"))
    if st.button(tr("extra.propose"), key=f"extra_propose_{round_id}_{track}"):
        try:
            with read_session(engine()) as s:
                st.session_state[key] = propose_extra_seats(
                    s, round_id=round_id, entry_codes=entries, extra=extra, seed=seed, actor=actor,
                    precision=judge_precision(judges) if mode == WAVE and judges is not None else None)
        except JudgingError as exc:
            st.session_state.pop(key, None)
            st.error(tr("extra.not_done"))
            problem_table(exc.problems)
            return
    proposal = st.session_state.get(key)
    if not proposal:
        return
    st.caption(tr("extra.proposal", n=len(proposal), entries=len({e for _, e in proposal})))
    st.dataframe(pd.DataFrame(proposal, columns=[tr("extra.col_judge"), tr("extra.col_entry")]), hide_index=True,
                 width="stretch")
    if forms.write_button(tr("extra.confirm"), type="primary", key=f"extra_confirm_{round_id}_{track}"):
        try:
            with write_session(engine()) as s:
                added = add_extra_seats(s, round_id=round_id, pairs=proposal, reason=tr("extra.reason"), actor=actor)
            forms.stored()  # at once after the commit, before anything reads st.session_state
        except JudgingError as exc:
            st.error(tr("extra.not_done"))
            problem_table(exc.problems)
            return
        flash_next(tr("extra.done", n=len(added)))
        st.session_state.pop(key, None)
        st.rerun()
