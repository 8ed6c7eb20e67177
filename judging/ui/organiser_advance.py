"""Advancement (晋级): preview who goes on per track under the round's rule, adjust ties, confirm; the
next round then takes exactly those entries (assign it on the Assignment page)."""

from __future__ import annotations

import streamlit as st

from judging.errors import JudgingError
from judging.store.advancement import advancement_preview, confirm_advancement
from judging.store.db import read_session
from judging.store.editions import next_round, round_entry_rows
from judging.ui import forms
from judging.ui.common import engine, plain, tr
from judging.ui.organiser_common import problem_table, round_page, run_write


def render() -> None:
    chosen = round_page("page.oc_advance", "advance")
    if chosen is None:
        return
    user, _, rnd = chosen
    with read_session(engine()) as s:
        target = next_round(s, round_id=rnd.id)
        done = bool(target) and bool(round_entry_rows(s, round_id=target.id))
        try:
            preview = advancement_preview(s, round_id=rnd.id, actor=user)
        except JudgingError as exc:
            st.error(tr("oc.adv.no_preview"))
            problem_table(exc.problems)
            return
    if target is None:
        st.info(tr("oc.adv.last_round"))
        return
    st.caption(tr("oc.adv.rule", rule=rnd.advance_rule or tr("oc.adv.everyone"), method=rnd.method, to=plain(target.name)))
    if done:
        st.success(tr("oc.adv.confirmed", round=plain(target.name)))
    if preview["tie"].any():
        st.warning(tr("oc.adv.ties"))
    view = preview[["track", "position", "entry_id", "title", "score", "tie", "advance"]].copy()
    view["score"] = view["score"].round(2)
    edited = st.data_editor(
        view, hide_index=True, width="stretch", key=f"oc_adv_{rnd.id}", disabled=[c for c in view.columns if c != "advance"],
        column_config={"track": tr("oc.col_track"), "position": tr("oc.adv.position"), "entry_id": tr("oc.col_code"),
                       "title": tr("oc.col_title"), "score": tr("oc.adv.score"), "tie": tr("oc.adv.tie"),
                       "advance": st.column_config.CheckboxColumn(tr("oc.adv.advance"))})
    codes = edited[edited["advance"]]["entry_id"].tolist()
    st.write(tr("oc.adv.count", n=len(codes), of=len(edited)))
    if forms.write_button(tr("oc.adv.confirm", n=len(codes), round=plain(target.name)), type="primary",
                          disabled=done or not codes, key="oc_adv_confirm"):
        run_write(lambda s: confirm_advancement(s, round_id=rnd.id, codes=codes, actor=user),
                  tr("oc.adv.confirmed", round=plain(target.name)), problems_as_table=False)
