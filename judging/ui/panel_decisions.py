"""The panel's decisions on the results page: the decision in force on each flagged entry, the form
that records one (keep, move, 复评, more judges; reason and who was present), and every decision made."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.panel import DECISIONS, MOVE, Decision, in_force
from judging.core.permissions import Actor
from judging.errors import JudgingError
from judging.store import panel
from judging.store.db import write_session
from judging.ui import forms
from judging.ui.common import engine, tr
from judging.ui.forms import write_form
from judging.ui.organiser_common import flash_next, problem_table


def decision_text(decision: Decision | None, tier_names: dict[str, str]) -> str:
    if decision is None:
        return ""
    text = tr(f"panel.decision.{decision.decision}")
    if decision.decision == MOVE:
        text += f" → {tier_names.get(decision.tier, decision.tier) or tr('panel.no_award')}"
    return text


def render(*, round_id: int, items: pd.DataFrame, decisions: list[Decision], tier_names: dict[str, str],
           actor: Actor | None, frozen: bool) -> None:
    """``items`` are the flagged entries (the ranking frame); ``actor`` None: read-only (the auditor)."""
    latest = in_force(decisions)
    shown = items.assign(decision=[decision_text(latest.get(e), tier_names) for e in items["entry_id"]])
    st.dataframe(shown[["entry_id", "title", "tier_label", "flag_text", "decision"]].rename(columns={
        "entry_id": tr("export.col.entry_id"), "title": tr("export.col.title"), "tier_label": tr("export.col.tier"),
        "flag_text": tr("export.col.flags"), "decision": tr("panel.col_decision")}), hide_index=True, width="stretch")
    if actor is not None and frozen:
        st.info(tr("panel.frozen_read_only"))
    elif actor is not None:
        _form(round_id, items, tier_names, actor)
    if decisions:
        with st.expander(tr("panel.history", n=len(decisions)), expanded=False):
            st.dataframe(pd.DataFrame([{
                tr("export.col.entry_id"): d.entry_id, tr("panel.col_decision"): decision_text(d, tier_names),
                tr("panel.reason"): d.reason, tr("panel.col_present"): "、".join(d.present),
                tr("panel.col_by"): d.actor, tr("panel.col_at"): d.at} for d in reversed(decisions)]),
                hide_index=True, width="stretch")


def _form(round_id: int, items: pd.DataFrame, tier_names: dict[str, str], actor: Actor) -> None:
    titles = dict(zip(items["entry_id"], items["title"], strict=True))
    with write_form(f"panel_form_{round_id}") as form:
        st.markdown(f"**{tr('panel.form_heading')}**")
        entry = st.selectbox(tr("panel.entry"), list(titles), format_func=lambda e: f"{e} {titles[e]}",
                             key=f"panel_entry_{round_id}")
        decision = st.radio(tr("panel.decision"), DECISIONS, format_func=lambda d: tr(f"panel.decision.{d}"),
                            horizontal=True, key=f"panel_kind_{round_id}")
        tier = st.selectbox(tr("panel.tier"), [*tier_names, ""], format_func=lambda k: tier_names.get(k) or
                            tr("panel.no_award"), key=f"panel_tier_{round_id}")
        reason = st.text_area(tr("panel.reason"), key=f"panel_reason_{round_id}")
        present = st.text_input(tr("panel.present"), key=f"panel_present_{round_id}")
        submitted = form.submit(tr("panel.record"), type="primary")
    if not submitted:
        return
    try:
        with write_session(engine()) as s:
            panel.record_decision(s, round_id=round_id, entry_id=entry, decision=decision,
                                  tier=tier if decision == MOVE else "", reason=reason, present=present, actor=actor)
        forms.stored()  # at once after the commit, before anything reads st.session_state
    except JudgingError as exc:
        st.error(tr("panel.not_recorded"))
        problem_table(exc.problems)
        return
    flash_next(tr("panel.recorded", entry=entry))
    st.rerun()
