"""My entries: the judge's assigned entries in an open round, progress, filters, stable order."""

from __future__ import annotations

import streamlit as st

from judging.store import repo
from judging.store.db import read_session
from judging.ui.common import engine, lang, plain, require_role, tr

ROUND_KEY = "judge_round"


def choose_round(rounds) -> int | None:
    """The open round the judge works in (a choice only when several rounds are open for them)."""
    if not rounds:
        return None
    ids = [r.id for r in rounds]
    if st.session_state.get(ROUND_KEY) not in ids:
        st.session_state[ROUND_KEY] = ids[0]
    if len(ids) > 1:
        names = {r.id: r.name for r in rounds}
        st.selectbox(tr("entries.round"), ids, key=ROUND_KEY, format_func=names.get)
    return st.session_state[ROUND_KEY]


def render() -> None:
    from judging.ui.pages import sheet_page

    user = require_role("judge")
    st.title(tr("page.my_entries"))
    if "conflict_notice" in st.session_state:
        st.session_state.pop("conflict_notice")
        st.success(tr("entries.conflict_declared"))
    with read_session(engine()) as s:
        rounds = repo.open_rounds_of_judge(s, judge_id=user.id)
        round_id = choose_round(rounds)
        if round_id is None:
            st.info(tr("entries.no_round"))
            return
        rows = repo.judge_entry_rows(s, round_id=round_id, judge_id=user.id)
    if not rows:
        st.info(tr("entries.none"))
        return

    done = sum(1 for r in rows if r.state in (repo.SHEET_COMPLETE, repo.SHEET_SUBMITTED))
    submitted = sum(1 for r in rows if r.state == repo.SHEET_SUBMITTED)
    st.progress(done / len(rows), text=tr("entries.progress", done=done, total=len(rows), submitted=submitted))

    code = lang()
    tracks = {r.track.id: (r.track.name_en or r.track.name_zh) if code == "en" else r.track.name_zh for r in rows}
    left, right = st.columns(2)
    track = left.selectbox(tr("entries.filter_track"), [None, *tracks], key="entries_track",
                           format_func=lambda k: tr("entries.all") if k is None else tracks[k])
    state = right.selectbox(tr("entries.filter_status"), [None, *repo.SHEET_STATES], key="entries_state",
                            format_func=lambda k: tr("entries.all") if k is None else tr(f"state.{k}"))
    shown = [r for r in rows if (track is None or r.track.id == track) and (state is None or r.state == state)]
    if not shown:
        st.info(tr("entries.none_match"))
        return

    header = st.columns([1, 6, 2, 2, 1, 1.4], vertical_alignment="center")
    for col, key in zip(header, ("entries.col_no", "entries.col_title", "entries.col_track",
                                 "entries.col_status", "entries.col_total", None), strict=True):
        if key:
            col.caption(tr(key))
    for position, row in enumerate(shown, start=1):
        cols = st.columns([1, 6, 2, 2, 1, 1.4], vertical_alignment="center")
        cols[0].write(f"{position}")
        cols[1].markdown(f"{plain(row.entry.title)}  \n:gray[{plain(row.entry.code)}]")
        cols[2].write(plain(tracks[row.track.id]))
        cols[3].write(tr(f"state.{row.state}"))
        cols[4].write("—" if row.total is None else f"{row.total:.2f}")
        label = tr("entries.view") if row.state == repo.SHEET_SUBMITTED else tr("entries.score")
        if cols[5].button(label, key=f"open_{row.entry.id}", width="stretch"):
            st.switch_page(sheet_page(), query_params={"round": str(round_id), "entry": str(row.entry.id)})
