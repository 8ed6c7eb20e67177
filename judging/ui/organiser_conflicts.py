"""The organiser's view of declared conflicts (回避) and of submitted sheets, with reopening (logged)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.errors import JudgingError
from judging.store.assignment import conflict_rows
from judging.store.db import read_session, write_session
from judging.store.sheets import reopen_sheet, submitted_sheets
from judging.ui import forms
from judging.ui.common import engine, require_page, show_error, tr, when
from judging.ui.forms import write_form
from judging.ui.organiser_common import flash, flash_next


def render() -> None:
    user = require_page("conflicts")
    st.title(tr("page.conflicts_sheets"))
    with read_session(engine()) as s:
        conflicts = conflict_rows(s, source="declared", actor=user)
        sheets = submitted_sheets(s, actor=user)

    st.subheader(tr("organiser.declared"))
    if conflicts:
        # st.dataframe shows text as text: names and reasons cannot inject markup
        st.dataframe(pd.DataFrame([
            {tr("organiser.col_when"): when(r.conflict.created_at), tr("organiser.col_judge"): r.judge.display_name,
             tr("organiser.col_entry"): f"{r.entry.code} {r.entry.title}", tr("organiser.col_reason"): r.conflict.reason}
            for r in conflicts
        ]), hide_index=True, width="stretch")
    else:
        st.caption(tr("organiser.no_declared"))

    st.subheader(tr("organiser.submitted"))
    if not sheets:
        st.caption(tr("organiser.no_submitted"))
        return
    labels = {r.sheet.id: f"{r.round.name} · {r.judge.display_name} · {r.entry.code} {r.entry.title}"
              f" · {when(r.sheet.submitted_at)}" for r in sheets}
    by_id = {r.sheet.id: r for r in sheets}
    with write_form("reopen") as form:
        chosen = st.selectbox(tr("organiser.sheet"), list(labels), format_func=labels.get)
        reason = st.text_input(tr("organiser.reopen_reason"))
        go = form.submit(tr("organiser.reopen"))
    if go and chosen is not None:
        row = by_id[chosen]
        try:
            with write_session(engine()) as s:
                reopen_sheet(s, round_id=row.sheet.round_id, judge_id=row.sheet.judge_id,
                                  entry_id=row.sheet.entry_id, reason=reason, actor=user)
            forms.stored()  # at once after the commit, before anything reads st.session_state
        except JudgingError as exc:
            show_error(exc)
        else:
            flash_next(tr("organiser.reopened", sheet=labels[chosen]))
            st.rerun()
    flash()
