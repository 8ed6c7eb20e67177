"""Monitoring: live progress per judge and per track, who is behind, entries missing scores, and (on
the scores stored so far) disagreement flags and judge diagnostics. Everything is read from the
database on every refresh; only the diagnostics' fit is kept, in the tab's own session state, for as
long as one small query per tick says that nothing it was made from has changed."""

from __future__ import annotations

from datetime import datetime

import altair as alt
import pandas as pd
import streamlit as st

from judging.core.permissions import Actor
from judging.core.progress import entries_missing, expected_share, judge_progress, track_progress
from judging.core.ranking import RankingResult
from judging.core.round_data import order_round
from judging.errors import JudgingError
from judging.i18n import TEXTS
from judging.store.db import read_session
from judging.store.editions import get_round
from judging.store.models import Round
from judging.store.scores import round_data, round_score_version, sheet_status_rows
from judging.ui import judge_table
from judging.ui.common import browser_zone, clock, engine, lang, plain, rerun_app_if_refused, tr
from judging.ui.organiser_common import round_page
from judging.ui.organiser_mail import mail_panel

PROGRESS_REFRESH_S = 5  # judges save every change: a few seconds behind is live enough
DIAGNOSTICS_REFRESH_S = 30  # reading and refitting 25,000 sheets takes 1.5-4 s (benchmarks/monitor.py)
DIAGNOSTIC_DRAWS = 50  # only point estimates are shown here; the award ranking uses the full draws
# round id → (``round_score_version`` the fit was made from, the fit): per tab, never per process,
# so that no replica shows another's stale fit; a tick refits only when the version has changed.
FIT_KEY = "oc_mon_fit"


def render() -> None:
    chosen = round_page("page.oc_monitor", "progress")
    if chosen is None:
        return
    user, _, rnd = chosen
    _progress(rnd.id, user)
    mail_panel(rnd.id, user)
    _diagnostics(rnd.id, user)


@st.fragment(run_every=PROGRESS_REFRESH_S)
@rerun_app_if_refused
def _progress(round_id: int, actor: Actor) -> None:
    with read_session(engine()) as s:
        rnd = get_round(s, round_id)
        rows = sheet_status_rows(s, round_id=round_id, actor=actor)
    st.caption(tr("oc.mon.updated", at=clock(datetime.now(browser_zone())), every=PROGRESS_REFRESH_S))
    if not rows:
        st.info(tr("oc.mon.no_assignment"))
        return
    today = datetime.now(browser_zone()).date()
    expected = expected_share(starts_on=rnd.starts_on, ends_on=rnd.ends_on, today=today)
    judges = judge_progress(rows, expected=expected)
    tracks = track_progress(rows)
    missing = entries_missing(rows)
    sheets, submitted = len(rows), int(judges["submitted"].sum())
    cols = st.columns(4)
    cols[0].metric(tr("oc.mon.submitted"), f"{submitted}/{sheets}")
    cols[1].metric(tr("oc.mon.started"), int(judges["started"].sum()))
    cols[2].metric(tr("oc.mon.behind"), int(judges["behind"].sum()))
    cols[3].metric(tr("oc.mon.entries_missing"), len(missing))
    st.progress(submitted / sheets, text=tr("oc.mon.overall", share=f"{submitted / sheets:.0%}"))
    if expected is not None:
        st.caption(tr("oc.mon.pace", share=f"{expected:.0%}", starts=rnd.starts_on, ends=rnd.ends_on))

    left, right = st.columns(2)
    per_judge = judges.assign(not_started=judges["assigned"] - judges["started"],
                              in_progress=judges["started"] - judges["submitted"])
    state_names = {"submitted": tr("oc.mon.state_submitted"), "in_progress": tr("oc.mon.state_in_progress"),
                   "not_started": tr("oc.mon.state_not_started")}
    per_judge["judge_label"] = [n or j for j, n in zip(per_judge["judge"], per_judge["judge_name"], strict=True)]
    long = per_judge.melt(id_vars=["judge_label"], value_vars=list(state_names), var_name="state", value_name="n")
    long["state"] = long["state"].map(state_names)
    order = list(state_names.values())
    left.altair_chart(alt.Chart(long, title=tr("oc.mon.chart_judges")).mark_bar().encode(
        y=alt.Y("judge_label:N", sort=per_judge["judge_label"].tolist(), title=tr("oc.asg.judge"),
                axis=alt.Axis(labelOverlap=False, labelLimit=240)),
        x=alt.X("n:Q", stack=True, title=tr("oc.mon.sheets")),
        color=alt.Color("state:N", sort=order, scale=alt.Scale(domain=order, range=["#2e7d32", "#f9a825", "#bdbdbd"]),
                        title=None),
        tooltip=[alt.Tooltip("judge_label:N", title=tr("oc.asg.judge")), alt.Tooltip("state:N", title=tr("jt.col.state")),
                 alt.Tooltip("n:Q", title=tr("oc.mon.sheets"))],
    ).properties(height=max(160, 22 * len(per_judge))), width="stretch")
    track_names = {r["track"]: r["track_name"] or r["track"] for r in rows}
    tracks["track"] = tracks["track"].map(lambda k: track_names.get(k, k))
    missing["track"] = missing["track"].map(lambda k: track_names.get(k, k))
    right.altair_chart(alt.Chart(tracks, title=tr("oc.mon.chart_tracks")).mark_bar().encode(
        x=alt.X("share:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"), title=tr("oc.mon.share")),
        y=alt.Y("track:N", title=tr("oc.col_track")),
        tooltip=[alt.Tooltip("track:N", title=tr("oc.col_track")), alt.Tooltip("sheets:Q", title=tr("oc.mon.sheets")),
                 alt.Tooltip("submitted:Q", title=tr("oc.mon.submitted")),
                 alt.Tooltip("share:Q", format=".0%", title=tr("oc.mon.share"))],
    ), width="stretch")

    behind = judges[judges["behind"]]
    st.subheader(tr("oc.mon.behind_heading"))
    if behind.empty:
        st.caption(tr("oc.mon.nobody_behind"))
    else:
        st.dataframe(behind[["judge", "judge_name", "assigned", "submitted", "share"]].rename(columns={
            "judge": tr("oc.handout.username"), "judge_name": tr("oc.handout.name"), "assigned": tr("oc.mon.assigned"),
            "submitted": tr("oc.mon.submitted"), "share": tr("oc.mon.share")}),
            hide_index=True, width="stretch",
            column_config={tr("oc.mon.share"): st.column_config.ProgressColumn(min_value=0, max_value=1, format="percent")})
    st.subheader(tr("oc.mon.missing_heading"))
    if missing.empty:
        st.caption(tr("oc.mon.nothing_missing"))
    else:
        st.dataframe(missing.rename(columns={
            "entry": tr("oc.col_code"), "title": tr("oc.col_title"), "track": tr("oc.col_track"),
            "assigned": tr("oc.mon.assigned"), "submitted": tr("oc.mon.submitted"),
            "waiting_for": tr("oc.mon.waiting_for")}), hide_index=True, width="stretch")


def _fit(round_id: int, actor: Actor) -> tuple[Round, object]:
    """The round and the diagnostics' fit on its stored scores: None without scores, the
    ``JudgingError`` when the method cannot run yet, else the ranking. Refitted only when
    ``round_score_version`` differs from the one the tab's last fit of this round was made from."""
    with read_session(engine()) as s:
        rnd = get_round(s, round_id)
        # read before the scores: a score stored in between makes the next tick refit, never the reverse
        version = round_score_version(s, round_id=round_id, actor=actor)
        kept = st.session_state.get(FIT_KEY, {}).get(round_id)
        if kept is not None and kept[0] == version:
            return rnd, kept[1]
        data = round_data(s, round_id=round_id, actor=actor)
    fit: RankingResult | JudgingError | None
    if data.empty:
        fit = None
    else:
        try:
            fit = order_round(data, n_draws=DIAGNOSTIC_DRAWS)
        except JudgingError as exc:
            fit = exc.with_traceback(None)  # kept in the session: not with the frames that held the scores
    st.session_state[FIT_KEY] = {round_id: (data.version, fit)}  # one round per tab: the others' fits are let go
    return rnd, fit


@st.fragment(run_every=DIAGNOSTICS_REFRESH_S)
@rerun_app_if_refused
def _diagnostics(round_id: int, actor: Actor) -> None:
    st.subheader(tr("oc.mon.diagnostics_heading"))
    rnd, result = _fit(round_id, actor)
    if result is None:
        st.caption(tr("oc.mon.no_scores"))
        return
    if isinstance(result, JudgingError):
        st.info(plain(tr("oc.mon.no_diagnostics", why=result.render(lang()))))
        return
    table = result.table
    flagged = table[table["flags"].astype(str).str.contains("disagreement")]
    st.caption(tr("oc.mon.diagnostics_help", method=tr(f"results.method.{rnd.method}")
                  if f"results.method.{rnd.method}" in TEXTS else rnd.method))
    with read_session(engine()) as s:
        people = sheet_status_rows(s, round_id=round_id, actor=actor)
    names = {r["judge"]: r["judge_name"] for r in people}
    track_names = {r["track"]: r["track_name"] or r["track"] for r in people}
    judges = judge_table.with_names(result.judges, names)
    judges["flags"] = judges["flags"].astype(str).replace("", "—")
    left, right = st.columns(2)
    left.altair_chart(alt.Chart(judges, title=tr("oc.mon.chart_severity")).mark_circle(opacity=0.8).encode(
        x=alt.X("severity:Q", title=tr("oc.mon.severity")),
        y=alt.Y("scale:Q", title=tr("oc.mon.scale")),
        size=alt.Size("n_sheets:Q", title=tr("oc.mon.sheets")),
        color=alt.Color("flags:N", title=tr("oc.mon.flags")),
        tooltip=[alt.Tooltip("judge:N", title=tr("jt.col.judge")),
                 alt.Tooltip("severity:Q", format=".2f", title=tr("oc.mon.severity")),
                 alt.Tooltip("scale:Q", format=".2f", title=tr("oc.mon.scale")),
                 alt.Tooltip("noise:Q", format=".2f", title=tr("jt.col.noise")),
                 alt.Tooltip("consistency:Q", format=".2f", title=tr("oc.mon.consistency")),
                 alt.Tooltip("n_sheets:Q", title=tr("oc.mon.sheets"))],
    ), width="stretch")
    right.altair_chart(alt.Chart(judges, title=tr("oc.mon.chart_consistency")).mark_bar().encode(
        y=alt.Y("judge:N", sort="x", title=tr("oc.asg.judge"), axis=alt.Axis(labelOverlap=False, labelLimit=240)),
        x=alt.X("consistency:Q", scale=alt.Scale(domain=[-1, 1]), title=tr("oc.mon.consistency")),
        color=alt.Color("flags:N", title=tr("oc.mon.flags")),
        tooltip=[alt.Tooltip("judge:N", title=tr("jt.col.judge")),
                 alt.Tooltip("consistency:Q", format=".2f", title=tr("oc.mon.consistency"))],
    ), width="stretch")
    st.subheader(tr("oc.mon.disagreement_heading"))
    if flagged.empty:
        st.caption(tr("oc.mon.no_disagreement"))
    else:
        st.dataframe(pd.DataFrame({
            tr("oc.col_code"): flagged["entry_id"], tr("oc.col_track"): flagged["track"].map(
                lambda k: track_names.get(k, k)),
            tr("oc.mon.n_judges"): flagged["n_judges"], tr("oc.mon.raw_mean"): flagged["raw_mean"].round(1),
            tr("oc.mon.range"): flagged["judge_range"].round(1), tr("oc.mon.sd"): flagged["judge_sd"].round(1),
        }), hide_index=True, width="stretch")
