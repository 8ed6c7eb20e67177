"""The results page's proposal of extra judges for the must-discuss entries, and its confirmation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.extra_judges import DEFAULT_EXTRA_JUDGES
from judging.core.permissions import Actor
from judging.errors import JudgingError
from judging.store.assignment import add_extra_seats, propose_extra_seats
from judging.store.db import read_session, write_session
from judging.ui.common import engine, tr
from judging.ui.organiser_common import flash_next, problem_table

MAX_EXTRA = 5


def proposal_key(round_id: int, track: str) -> str:
    return f"extra_proposal_{round_id}_{track}"


def render(*, round_id: int, track: str, listed: list[str], actor: Actor, seed: int) -> None:
    """``listed``: the track's must-discuss entries, most urgent first. The proposal waits in the tab's
    session until the organiser confirms it; confirming writes it through the assignment store."""
    st.markdown(f"**{tr('extra.heading')}**")
    st.caption(tr("extra.caption"))
    if not listed:
        st.info(tr("extra.none_listed"))
        return
    key = proposal_key(round_id, track)
    extra = int(st.number_input(tr("extra.k"), min_value=1, max_value=MAX_EXTRA, value=DEFAULT_EXTRA_JUDGES,
                                key=f"extra_k_{round_id}_{track}"))
    if st.button(tr("extra.propose"), key=f"extra_propose_{round_id}_{track}"):
        try:
            with read_session(engine()) as s:
                st.session_state[key] = propose_extra_seats(s, round_id=round_id, entry_codes=listed, extra=extra,
                                                            seed=seed, actor=actor)
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
    if st.button(tr("extra.confirm"), type="primary", key=f"extra_confirm_{round_id}_{track}"):
        try:
            with write_session(engine()) as s:
                added = add_extra_seats(s, round_id=round_id, pairs=proposal, reason=tr("extra.reason"), actor=actor)
        except JudgingError as exc:
            st.error(tr("extra.not_done"))
            problem_table(exc.problems)
            return
        st.session_state.pop(key, None)
        flash_next(tr("extra.done", n=len(added)))
        st.rerun()
