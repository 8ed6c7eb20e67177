"""Live final (路演答辩): choose the panel, open one entry at a time to it, close it; the big screen
(``organiser_screen``) shows the count of marks while open and every mark and the score once closed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.states import LiveState
from judging.errors import Problem
from judging.store.db import read_session
from judging.store.editions import entries_of_round, round_entry_rows
from judging.store.live import close_live_entry, open_live_entry, ordinary_sheets, panel_of, set_panel
from judging.store.people import list_judges
from judging.ui import forms
from judging.ui.common import engine, lang, plain, tr
from judging.ui.forms import write_form
from judging.ui.organiser_common import round_page, run_write


def render() -> None:
    chosen = round_page("page.oc_live", "live", round_label_key="oc.live.round")
    if chosen is None:
        return
    user, _, rnd = chosen
    with read_session(engine()) as s:
        judges = [j for j in list_judges(s, actor=user) if j.active]
        panel = [j.id for j in panel_of(s, round_id=rnd.id, actor=user)]
        entries = entries_of_round(s, round_id=rnd.id)
        states = {r.entry_id: r.live_state for r in round_entry_rows(s, round_id=rnd.id)}
        ordinary = ordinary_sheets(s, round_id=rnd.id, actor=user)
    names = {j.id: f"{j.username} · {j.display_name}" for j in judges}
    with write_form("oc_panel") as form:
        picked = st.multiselect(tr("oc.live.panel"), list(names), default=[j for j in panel if j in names],
                                format_func=names.get, key=f"oc_panel_{rnd.id}")
        save = form.submit(tr("oc.live.save_panel"))
    if save:
        run_write(lambda s: set_panel(s, round_id=rnd.id, judge_ids=picked, actor=user),
                  tr("oc.live.panel_saved", n=len(picked)), problems_as_table=False)
    st.caption(tr("oc.live.open_screen"))

    open_id = next((e for e, state in states.items() if state == LiveState.OPEN), None)
    if open_id is not None:
        entry = next(e for e in entries if e.id == open_id)
        st.info(tr("oc.live.now_open", code=plain(entry.code), title=plain(entry.title)))
        if forms.write_button(tr("oc.live.close", code=entry.code), type="primary", key="oc_live_close"):
            # a refusal (no panel, another entry open) is one sentence that says what to do
            run_write(lambda s: close_live_entry(s, round_id=rnd.id, entry_id=open_id, actor=user),
                      tr("oc.live.closed", code=plain(entry.code)), problems_as_table=False)
    table = pd.DataFrame([{tr("oc.col_code"): e.code, tr("oc.col_title"): e.title,
                           tr("oc.col_status"): tr(LiveState(states.get(e.id) or "").text_key)} for e in entries])
    st.dataframe(table, hide_index=True, width="stretch")
    waiting = [e for e in entries if not states.get(e.id)]
    if ordinary:  # the same refusal as opening an entry would give: say what to do before anyone tries
        st.error(Problem("oc.live.ordinary_round", {"round": rnd.name, "n": ordinary}).message(lang()))
    elif open_id is None and waiting:
        labels = {e.id: f"{e.code} · {e.title}" for e in waiting}
        with write_form("oc_live_open") as form:
            entry_id = st.selectbox(tr("oc.live.next"), list(labels), format_func=labels.get, key="oc_live_next")
            go = form.submit(tr("oc.live.open"), type="primary")
        if go:
            run_write(lambda s: open_live_entry(s, round_id=rnd.id, entry_id=entry_id, actor=user),
                      tr("oc.live.opened", code=plain(labels[entry_id])), problems_as_table=False)

