"""My entries: the judge's assigned entries in an open round, progress, filters, stable order; in a live
final (路演答辩) the one entry open to them."""

from __future__ import annotations

import streamlit as st

from judging.core.permissions import Actor
from judging.core.states import SheetProgress
from judging.i18n import t
from judging.store.db import read_session
from judging.store.sheets import (
    judge_entry_rows,
    live_final_of_judge,
    open_rounds_of_judge,
)
from judging.ui.common import engine, lang, plain, require_page, rerun_app_by_timer, rerun_app_if_refused, tr
from judging.ui.judge_sheet import courier
from judging.ui.pages import sheet_page

ROUND_KEY = "judge_round"
LIVE_SEEN_KEY = "judge_live_seen"  # round id → the live entry this tab has already been taken to
LIVE_WATCH_KEY = "live_watch"  # the timer that brings a panel judge the next live entry by itself
LIVE_WATCH_S = 2  # the next live entry shows within this (the issue: 3 s)


def choose_round(rounds, live: dict[int, int] | None = None) -> int | None:
    """The open round the judge works in (a choice only when several rounds are open for them).

    An entry newly opened to the judge in a live final (``live``: round id → entry) takes the list to
    its round once, whatever round was chosen before; the judge may still switch to their other rounds.
    """
    if not rounds:
        return None
    ids = [r.id for r in rounds]
    live = live or {}
    seen = st.session_state.get(LIVE_SEEN_KEY, {})
    fresh = [i for i in ids if i in live and seen.get(i) != live[i]]
    if fresh:
        st.session_state[ROUND_KEY] = fresh[0]
    st.session_state[LIVE_SEEN_KEY] = dict(live)
    if st.session_state.get(ROUND_KEY) not in ids:
        st.session_state[ROUND_KEY] = ids[0]
    if len(ids) > 1:
        names = {r.id: r.name for r in rounds}
        st.selectbox(tr("entries.round"), ids, key=ROUND_KEY, format_func=names.get)
    return st.session_state[ROUND_KEY]


@rerun_app_if_refused
def _watch_live(judge_id: int, actor: Actor, shown: dict[int, int]) -> None:
    """One tick: rerun the page when the entries open to this panel judge differ from those it shows.

    The rerun does not count as the judge's activity, so an unattended laptop still times out.
    """
    with read_session(engine()) as s:
        now = live_final_of_judge(s, judge_id=judge_id, actor=actor).open_entries
    if dict(now) != dict(shown):
        rerun_app_by_timer()


def render() -> None:
    user = require_page("entries")
    st.title(tr("page.my_entries"))
    slot = st.empty()  # what the browser still holds from a sheet it left is sent from here too
    listed = _entry_list(user)
    with slot:
        courier(user, listed)


def _entry_list(user) -> dict[str, str]:
    """The list of the judge's entries in the round chosen; returns their names for the courier
    ("round/entry": code and title)."""
    if "conflict_notice" in st.session_state:
        st.session_state.pop("conflict_notice")
        st.success(tr("entries.conflict_declared"))
    with read_session(engine()) as s:
        rounds = open_rounds_of_judge(s, judge_id=user.id, actor=user)
        live = live_final_of_judge(s, judge_id=user.id, actor=user)
        round_id = choose_round(rounds, live.open_entries)
        if round_id is None:
            st.info(tr("entries.no_round"))
            return {}
        rows = judge_entry_rows(s, round_id=round_id, judge_id=user.id, actor=user)
    listed = {f"{round_id}/{r.entry.id}": f"{r.entry.code} {r.entry.title}" for r in rows}
    if live.panel:  # a panel judge: the next entry opened (or the current one closed) shows by itself
        st.fragment(_watch_live, run_every=LIVE_WATCH_S, key=LIVE_WATCH_KEY)(user.id, user, live.open_entries)
    names = {r.id: r.name for r in rounds}
    elsewhere = [i for i in live.open_entries if i != round_id and i in names]
    if elsewhere:  # the hall is waiting for their mark: say where, without leaving the round they chose
        st.warning(tr("entries.live_elsewhere", round=plain(names[elsewhere[0]])))
    if not rows:
        if round_id in live.panel:
            st.info(tr("entries.live_waiting"))
            st.button(tr("entries.refresh"), key="entries_refresh")  # a click reruns the page
        else:
            st.info(tr("entries.none"))
        return listed

    done = sum(1 for r in rows if r.state in (SheetProgress.COMPLETE, SheetProgress.SUBMITTED))
    submitted = sum(1 for r in rows if r.state == SheetProgress.SUBMITTED)
    st.progress(done / len(rows), text=tr("entries.progress", done=done, total=len(rows), submitted=submitted))

    code = lang()
    tracks = {r.track.id: (r.track.name_en or r.track.name_zh) if code == "en" else r.track.name_zh for r in rows}
    left, right = st.columns(2)
    track = left.selectbox(tr("entries.filter_track"), [None, *tracks], key="entries_track",
                           format_func=lambda k: tr("entries.all") if k is None else tracks[k])
    state = right.selectbox(tr("entries.filter_status"), [None, *SheetProgress], key="entries_state",
                            format_func=lambda k: tr("entries.all") if k is None else tr(SheetProgress(k).text_key))
    shown = [r for r in rows if (track is None or r.track.id == track) and (state is None or r.state == state)]
    if not shown:
        st.info(tr("entries.none_match"))
        return listed

    # one compact row per entry (a text block and its button): the 60 six-column rows this replaces
    # made the list 25-50x slower than a bare page. Tab moves from button to button.
    states: dict[str, str] = {k: t(k.text_key, code) for k in SheetProgress}  # the language read once, not per row
    total_label, score_label, view_label = (t(k, code) for k in ("entries.col_total", "entries.score", "entries.view"))
    for position, row in enumerate(shown, start=1):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            label = view_label if row.state == SheetProgress.SUBMITTED else score_label
            if st.button(label, key=f"open_{row.entry.id}", width=80):  # first: the buttons line up
                st.switch_page(sheet_page(), query_params={"round": str(round_id), "entry": str(row.entry.id)})
            total = "—" if row.total is None else f"{row.total:.2f}"
            st.markdown(f"**{position}.** {plain(row.entry.title)}  \n"
                        f":gray[{plain(row.entry.code)} · {plain(tracks[row.track.id])} · "
                        f"{states[row.state]} · {total_label} {total}]")
    return listed
