"""The edition's timeline: each round's transitions (draft → open → closed → published → frozen, and
reopenings) as the audit trail recorded them, on the edition's page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.lifecycle import Transition
from judging.core.permissions import Actor
from judging.store.db import read_session
from judging.store.lifecycle import round_timeline
from judging.store.models import Edition, Round
from judging.ui.common import engine, tr
from judging.ui.names import people_names


def step_text(transition: Transition) -> str:
    new = tr(f"lifecycle.state.{transition.new}")
    if not transition.old:
        return tr("lifecycle.created", state=new)
    return f"{tr(f'lifecycle.state.{transition.old}')} → {new}"


def render(edition: Edition, rounds: list[Round], actor: Actor) -> None:
    with read_session(engine()) as s:
        steps = round_timeline(s, edition_id=edition.id, actor=actor)
        people = people_names(s, [t.actor for t in steps], actor=actor)  # who, by display name
    st.subheader(tr("lifecycle.timeline"))
    if not steps:
        st.caption(tr("lifecycle.none"))
        return
    names = {r.id: r.name for r in rounds}
    st.dataframe(pd.DataFrame([{
        tr("lifecycle.col_round"): names.get(t.round_id, str(t.round_id)),
        tr("lifecycle.col_at"): t.at.strftime("%Y-%m-%d %H:%M"), tr("lifecycle.col_step"): step_text(t),
        tr("lifecycle.col_by"): people.get(t.actor, t.actor),
        tr("lifecycle.col_note"): "；".join(x for x in (tr("lifecycle.reopened_note") if t.reopening and t.new == "open"
                                                        else "", t.note) if x)} for t in steps]),
        hide_index=True, width="stretch")
