"""The audit log page (organisers and auditors): the trail's last verification and checkpoint, the events
in words filtered by who, kind, entry, judge and time, a page at a time, and the matching events as CSV
or Excel."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime, time, timedelta

import pandas as pd
import streamlit as st

from judging.core.audit_export import log_csv, log_xlsx
from judging.core.audit_query import LogQuery
from judging.core.audit_words import Names, describe, kind_label
from judging.core.checkpoint import short_form
from judging.core.permissions import Actor
from judging.errors import JudgingError
from judging.store.audit_events import (
    chain_state,
    count_matching,
    event_kinds,
    log_events,
    log_names,
    log_page,
    resolve_query,
    verify_and_record,
)
from judging.store.db import read_session, write_session
from judging.ui import forms
from judging.ui.common import engine, lang, plain, require_page, show_error, tr

PAGE_SIZE = 50
MAX_EXPORT = 200_000  # events in one file: an XLSX of this many is ~30 MB; narrow the filter for more


def render() -> None:
    actor = require_page("audit_log")
    st.title(tr("page.audit_log"))
    st.caption(tr("alog.caption"))
    with read_session(engine()) as s:
        names = log_names(s, actor=actor)  # read once a run: ~0.8 s with 7,000 entries (benchmarks/audit_log.py)
    _chain(actor, names)
    query = _filters(actor, names)
    if query is None:
        return
    _events(actor, query, names)


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def _chain(actor: Actor, names: Names) -> None:
    """The last verification's outcome (verifying 100,000 events takes a minute or two: it runs on request)."""
    st.subheader(tr("alog.chain_heading"))
    with read_session(engine()) as s:
        state = chain_state(s, actor=actor)
    done = state.verification
    if done is None:
        st.info(tr("alog.chain_never"))
    else:
        p = done.payload
        common = {"at": _when(done.at), "who": names.person(done.actor, lang()), "upto": p.get("upto", ""),
                  "seconds": p.get("seconds", "")}
        if p.get("problems"):
            broken = list(p.get("broken") or [])
            first = tr("alog.chain_first_broken", id=broken[0]) if broken else ""
            st.error(tr("alog.chain_broken", n=p["problems"], first=first, **common))
            for message in p.get("messages", []):
                st.markdown("• " + plain(str(message)))
        else:
            st.success(tr("alog.chain_ok", **common))
        if state.events_since:
            st.caption(tr("alog.chain_since", n=state.events_since))
    if state.checkpoint is None:
        st.caption(tr("alog.no_checkpoint"))
    else:
        c = state.checkpoint
        st.caption(tr("alog.checkpoint", id=c.id, at=_when(c.at), upto=c.payload.get("upto", ""),
                      digest=short_form(str(c.payload.get("digest", "")))))
    if forms.write_button(tr("alog.verify_now"), key="alog_verify"):  # records audit.verify: once per press
        with st.spinner(tr("results.computing")), write_session(engine()) as s:
            verify_and_record(s, actor=actor, lang=lang())
        forms.stored()
        st.rerun()


def _moment(day, *, end: bool) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=UTC)


def _filters(actor: Actor, names: Names) -> LogQuery | None:
    with read_session(engine()) as s:
        kinds = event_kinds(s, actor=actor)
    people = sorted(names.people, key=lambda u: (names.people[u], u))
    shared = Counter(names.people.values())  # a name two accounts share is told apart by the user name
    label = {u: f"{names.people[u]}（{u}）" if shared[names.people[u]] > 1 else names.people[u] for u in people}
    any_text = tr("alog.filter.any")
    top = st.columns(3)
    who = top[0].selectbox(tr("alog.filter.who"), ["", *people], format_func=lambda u: label.get(u, any_text),
                           key="alog_who")
    judge = top[1].selectbox(tr("alog.filter.judge"), ["", *people], format_func=lambda u: label.get(u, any_text),
                             key="alog_judge")
    entry = top[2].text_input(tr("alog.filter.entry"), key="alog_entry")
    bottom = st.columns([2, 1, 1])
    chosen = bottom[0].multiselect(tr("alog.filter.kind"), kinds, format_func=lambda k: kind_label(k, lang()),
                                   key="alog_kind")
    since = bottom[1].date_input(tr("alog.filter.since"), value=None, key="alog_since")
    until = bottom[2].date_input(tr("alog.filter.until"), value=None, key="alog_until")
    try:
        with read_session(engine()) as s:
            return resolve_query(s, who=who, judge=judge, entry=entry, kinds=tuple(chosen),
                                 since=_moment(since, end=False), until=_moment(until, end=True), actor=actor)
    except JudgingError as exc:
        show_error(exc)
        return None


def _events(actor: Actor, query: LogQuery, names: Names) -> None:
    with read_session(engine()) as s:
        total = count_matching(s, query=query, actor=actor)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        if st.session_state.get("alog_page", 1) > pages:  # a narrower filter has fewer pages: back to the first
            st.session_state["alog_page"] = 1
        number = int(st.number_input(tr("alog.page"), min_value=1, max_value=pages, value=1, step=1,
                                     key="alog_page")) if pages > 1 else 1
        page = log_page(s, query=query, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE, total=total, actor=actor)
    st.caption(tr("alog.count", n=page.total, page=number, pages=pages))
    if not page.events:
        st.info(tr("alog.empty"))
        return
    rows = [{tr("alog.col.id"): e.id, tr("alog.col.at"): e.at.strftime("%Y-%m-%d %H:%M:%S"),
             tr("alog.col.actor"): names.person(e.actor, lang()), tr("alog.col.kind"): kind_label(e.action, lang()),
             tr("alog.col.text"): describe(e, names, lang())} for e in page.events]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if total > MAX_EXPORT:
        st.warning(tr("alog.export_too_big", n=total, max=MAX_EXPORT))
        return
    buttons = st.columns(2)
    name = tr("alog.filename")

    def export(render):
        def build() -> bytes:  # made when the button is clicked, not on every run of the page
            with read_session(engine()) as s:
                return render(log_events(s, query=query, actor=actor), log_names(s, actor=actor), lang())
        return build

    buttons[0].download_button(tr("alog.download_csv"), export(log_csv), file_name=f"{name}.csv", mime="text/csv",
                               key="alog_csv", on_click="ignore")
    buttons[1].download_button(tr("alog.download_xlsx"), export(log_xlsx), file_name=f"{name}.xlsx",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               key="alog_xlsx", on_click="ignore")
