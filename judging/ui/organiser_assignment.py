"""Assignment: the automatic assignment of a round (seed shown), load and coverage charts, manual
additions and removals with the same checks, and reassignment after a conflict or a drop-out."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from judging.core.assignment import count_components
from judging.core.assignment_changes import load_and_coverage, short_entries
from judging.core.permissions import Actor
from judging.store.assignment import (
    add_assignment,
    fill_round_gaps,
    generate_assignment,
    judge_drops_out,
    remove_assignment,
    round_inputs,
)
from judging.store.audit_log import last_seed
from judging.store.db import read_session
from judging.store.editions import entries_of, tracks_of
from judging.store.people import list_judges
from judging.store.scores import count_scores
from judging.ui import forms
from judging.ui.common import engine, lang, plain, tr
from judging.ui.forms import write_form
from judging.ui.organiser_common import round_page, run_write

DEFAULT_SEED = 2026


def render() -> None:
    chosen = round_page("page.oc_assignment", "assignment")
    if chosen is None:
        return
    user, edition, rnd = chosen
    with read_session(engine()) as s:
        inputs = round_inputs(s, round_id=rnd.id, actor=user)
        scored = count_scores(s, round_id=rnd.id, actor=user)
        seed = last_seed(s, round_id=rnd.id, actor=user)
        names = {j.username: j.display_name for j in list_judges(s, actor=user)}
        titles = {e.code: e.title for e in entries_of(s, edition.id)}
        track_names = {t.key: (t.name_en if lang() == "en" and t.name_en else t.name_zh)
                       for t in tracks_of(s, edition.id)}
    k = rnd.judges_per_entry
    cols = st.columns(5)
    cols[0].metric(tr("oc.asg.entries"), len(inputs.entries))
    cols[1].metric(tr("oc.asg.judges"), len(inputs.judges))
    cols[2].metric(tr("oc.col_k"), k)
    cols[3].metric(tr("oc.asg.conflicts"), len(inputs.conflicts))
    cols[4].metric(tr("oc.asg.seats"), len(inputs.pairs))

    _generate(rnd, seed, scored, user)
    if inputs.pairs:
        _charts(inputs, k, track_names)
    short = short_entries(pairs=inputs.pairs, entries=inputs.entries, conflicts=inputs.conflicts, k=k)
    if inputs.pairs and short:
        _gaps(rnd, short, titles, seed, user)
    _manual(rnd, inputs, names, titles, user)
    _drop_out(rnd, inputs, names, seed, user)



def _generate(rnd, seed: int | None, scored: int, actor: Actor) -> None:
    st.subheader(tr("oc.asg.generate_heading"))
    if seed is not None:
        st.caption(tr("oc.asg.seed_used", seed=seed))
    if scored:
        st.info(tr("oc.asg.scored", n=scored))
    with write_form("oc_generate") as form:
        value = st.number_input(tr("oc.asg.seed"), min_value=0, max_value=2**31 - 1, step=1,
                                value=seed if seed is not None else DEFAULT_SEED, key="oc_seed",
                                help=tr("oc.asg.seed_help"))
        go = form.submit(tr("oc.asg.generate"), type="primary", disabled=bool(scored))
    if go:
        run_write(lambda s: generate_assignment(s, round_id=rnd.id, seed=int(value), actor=actor),
             tr("oc.asg.generated", seed=int(value)))


def _charts(inputs, k: int, track_names: dict[str, str]) -> None:
    loads, cover = load_and_coverage(pairs=inputs.pairs, entries=inputs.entries, judges=inputs.judges,
                                     conflicts=inputs.conflicts)
    load = pd.DataFrame(loads)
    cover = pd.DataFrame(cover)
    seats = max(int(load["load"].sum()), 1)
    cols = st.columns(4)
    cols[0].metric(tr("oc.asg.load_range"), f"{load['load'].min()}–{load['load'].max()}")
    cols[1].metric(tr("oc.asg.expert_share"), f"{load['expert_seats'].sum() / seats:.0%}")
    cols[2].metric(tr("oc.asg.components"), count_components(
        [p for p in inputs.pairs if p not in inputs.conflicts]))
    cols[3].metric(tr("oc.asg.full_entries"), f"{int((cover['judges'] >= k).sum())}/{len(cover)}")
    left, right = st.columns(2)
    load_title, expert_title = tr("oc.asg.chart_load"), tr("oc.asg.chart_expert")
    long = load.assign(other=load["load"] - load["expert_seats"]).melt(
        id_vars="judge", value_vars=["expert_seats", "other"], var_name="kind", value_name="n")
    long["kind"] = long["kind"].map({"expert_seats": expert_title, "other": tr("oc.asg.chart_other")})
    left.altair_chart(
        alt.Chart(long, title=load_title).mark_bar().encode(
            x=alt.X("judge:N", sort=alt.EncodingSortField("n", op="sum", order="descending"),
                    title=tr("oc.asg.judge"), axis=alt.Axis(labels=len(load) <= 60)),
            y=alt.Y("n:Q", stack=True, title=tr("oc.asg.entries_per_judge")),
            color=alt.Color("kind:N", title=None),
            tooltip=[alt.Tooltip("judge:N", title=tr("oc.asg.judge")), alt.Tooltip("kind:N", title=None),
                     alt.Tooltip("n:Q", title=tr("oc.asg.entries_per_judge"))]),
        width="stretch")
    counts = cover.groupby(["judges", "track"]).size().reset_index(name="entries")
    counts["track"] = counts["track"].map(lambda key: track_names.get(key, key))
    right.altair_chart(
        alt.layer(
            alt.Chart(counts, title=tr("oc.asg.chart_coverage")).mark_bar().encode(
                x=alt.X("judges:O", title=tr("oc.asg.judges_per_entry")),
                y=alt.Y("entries:Q", stack=True, title=tr("oc.asg.entries")),
                color=alt.Color("track:N", title=tr("oc.col_track")),
                tooltip=[alt.Tooltip("judges:O", title=tr("oc.asg.judges_per_entry")),
                         alt.Tooltip("track:N", title=tr("oc.col_track")),
                         alt.Tooltip("entries:Q", title=tr("oc.asg.entries"))]),
        ),
        width="stretch")


def _gaps(rnd, short: dict, titles: dict, seed: int | None, actor: Actor) -> None:
    st.warning(tr("oc.asg.short", n=len(short), k=rnd.judges_per_entry))
    st.dataframe(pd.DataFrame([{tr("oc.col_code"): code, tr("oc.col_title"): titles.get(code, ""),
                                tr("oc.asg.judges_now"): n} for code, n in sorted(short.items())]),
                 hide_index=True, width="stretch")
    if forms.write_button(tr("oc.asg.fill"), key="oc_fill", type="primary"):
        run_write(lambda s: fill_round_gaps(s, round_id=rnd.id, seed=seed or DEFAULT_SEED, actor=actor),
             tr("oc.asg.filled"))


def _manual(rnd, inputs, names: dict, titles: dict, actor: Actor) -> None:
    with st.expander(tr("oc.asg.manual")):
        judge_label = lambda u: f"{u} · {names.get(u, '')}"  # noqa: E731
        entry_label = lambda c: f"{c} · {titles.get(c, '')}"  # noqa: E731
        with write_form("oc_add_one") as form:
            judge = st.selectbox(tr("oc.asg.judge"), sorted(inputs.judges), format_func=judge_label, key="oc_add_judge")
            entry = st.selectbox(tr("oc.col_title"), sorted(inputs.entries), format_func=entry_label,
                                 key="oc_add_entry")
            reason = st.text_input(tr("oc.asg.reason"), key="oc_add_reason")
            add = form.submit(tr("oc.asg.add"))
        if add and judge and entry:
            run_write(lambda s: add_assignment(s, round_id=rnd.id, judge_id=inputs.judge_ids[judge],
                                                    entry_id=inputs.entry_ids[entry], reason=reason, actor=actor),
                 tr("oc.asg.added", judge=plain(judge), entry=plain(entry)))
        if not inputs.pairs:
            return
        with write_form("oc_remove_one") as form:
            pair = st.selectbox(tr("oc.asg.seat"), sorted(inputs.pairs, key=lambda p: (p[1], p[0])),
                                format_func=lambda p: f"{entry_label(p[1])} ← {judge_label(p[0])}", key="oc_rm_pair")
            reason = st.text_input(tr("oc.asg.reason"), key="oc_rm_reason")
            remove = form.submit(tr("oc.asg.remove"))
        if remove and pair:
            run_write(lambda s: remove_assignment(s, round_id=rnd.id, judge_id=inputs.judge_ids[pair[0]],
                                                       entry_id=inputs.entry_ids[pair[1]], reason=reason,
                                                       actor=actor),
                 tr("oc.asg.removed", judge=plain(pair[0]), entry=plain(pair[1])))


def _drop_out(rnd, inputs, names: dict, seed: int | None, actor: Actor) -> None:
    assigned = sorted({j for j, _ in inputs.pairs})
    if not assigned:
        return
    with st.expander(tr("oc.asg.drop_heading")):
        st.caption(tr("oc.asg.drop_help"))
        with write_form("oc_drop") as form:
            judge = st.selectbox(tr("oc.asg.judge"), assigned, format_func=lambda u: f"{u} · {names.get(u, '')}",
                                 key="oc_drop_judge")
            reason = st.text_input(tr("oc.asg.reason"), key="oc_drop_reason")
            go = form.submit(tr("oc.asg.drop"))
        if go and judge:
            run_write(lambda s: judge_drops_out(s, round_id=rnd.id, judge_id=inputs.judge_ids[judge],
                                                     seed=seed or DEFAULT_SEED, reason=reason, actor=actor),
                 tr("oc.asg.dropped", judge=plain(judge)))

