"""The 公示 page (organiser): the published list with its changes, objections and their resolution,
manual tier changes with a reason, freezing the final list and reopening it with a logged reason."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from judging.core.exports import flags_text
from judging.core.permissions import Actor
from judging.core.ranking.awards import DEFAULT_SCORE_DECIMALS
from judging.store import publication as pub
from judging.store.db import read_session
from judging.store.editions import tracks_of
from judging.store.models import Publication, Round
from judging.ui.common import engine, lang, require_page, tr, when
from judging.ui.forms import write_form
from judging.ui.organiser_common import choose_row, flash, run_write

PUBLICATION_KEY = "pub_selected"


def choose_publication(*, actor: Actor, only_frozen: bool = False) -> Publication | None:
    """A select box of publications (newest first), or None with a hint."""
    with read_session(engine()) as s:
        rows = pub.publications_of(s, actor=actor)[::-1]
        labels = {}
        for p in rows:
            edition = pub.edition_of(s, p)
            rnd = s.get(Round, p.round_id)
            labels[p.id] = f"{edition.year} · {edition.name} · {rnd.name} · {tr('pub.status.' + p.status)}"
    if only_frozen:
        rows = [p for p in rows if p.status == "frozen"]
    return choose_row(rows, key=PUBLICATION_KEY, label=tr("pub.choose"),
                      empty=tr("pub.none_frozen" if only_frozen else "pub.none"), format_func=lambda p: labels[p.id])


def list_frame(table: pd.DataFrame, track_names: dict[str, str] | None = None, *,
               decimals: int = DEFAULT_SCORE_DECIMALS) -> pd.DataFrame:
    """The list as shown: headers in the tab's language, tracks by name, scores with the list's
    decimals (as published, not the engine's full precision); changed rows say why."""
    out = table.assign(flag_text=table["flags"].map(lambda v: flags_text(v, lang())))
    out["score"] = [f"{v:.{decimals}f}" if pd.notna(v) else "" for v in out["score"]]
    if track_names:
        out["track"] = out["track"].map(lambda k: track_names.get(k, k))
    columns = {"track": "export.col.track", "rank": "export.col.rank", "entry_id": "export.col.entry_id",
               "title": "export.col.title", "organisation": "export.col.organisation", "score": "export.col.score",
               "tier_label": "export.col.tier", "flag_text": "export.col.flags", "change_reason": "pub.col.change"}
    return out[list(columns)].rename(columns={k: tr(v) for k, v in columns.items()})


def _run(action, success_key: str) -> None:
    """A write from one of this page's forms: its refusals are single sentences, so no table. Fields
    keyed with the form's ``key`` start empty once the write is stored, and keep what was typed when
    it is refused."""
    run_write(action, tr(success_key), problems_as_table=False)


def render() -> None:
    user = require_page("publication")
    st.title(tr("page.publication"))
    flash()
    publication = choose_publication(actor=user)
    if publication is None:
        return
    with read_session(engine()) as s:
        actor = user
        publication = pub.get_publication(s, publication.id, actor=actor)
        table = pub.current_list(s, publication.id, actor=actor)
        track_names = {t.key: (t.name_en if lang() == "en" and t.name_en else t.name_zh)
                       for t in tracks_of(s, pub.edition_of(s, publication).id)}
        objections = pub.objections_of(s, publication.id, actor=actor)
        changes = pub.changes_of(s, publication.id, actor=actor)
        reopenings = pub.reopenings_of(s, publication.id, actor=actor)
        deadline = pub.objection_deadline(publication)
        tiers = [(t.key, t.label.get(lang())) for t in pub.settings_of(publication).awards.tiers]
    status = tr(f"pub.status.{publication.status}")
    st.markdown(tr("pub.summary", status=status, start=publication.start_date.isoformat(), end=deadline.isoformat(),
                   days=publication.objection_days))
    frozen = publication.status == "frozen"
    if frozen:
        st.success(tr("pub.frozen_note", at=when(publication.frozen_at), by=publication.frozen_by))

    st.subheader(tr("pub.list_heading"))
    changed = table["changed"].astype(bool)
    decimals = pub.settings_of(publication).awards.score_decimals
    st.dataframe(list_frame(table, track_names, decimals=decimals).style.apply(
        lambda row: ["background-color: #fff3cd" if changed.iloc[row.name] else "" for _ in row], axis=1),
        hide_index=True, width="stretch")

    st.subheader(tr("pub.objections_heading"))
    if objections:
        st.dataframe(pd.DataFrame([{
            tr("pub.col.id"): o.id, tr("export.col.entry_id"): o.entry_code, tr("pub.col.name"): o.name,
            tr("pub.col.contact"): o.contact, tr("pub.col.received"): o.received_on.isoformat(),
            tr("pub.col.text"): o.text, tr("pub.col.attachments"): o.attachments.replace("\n", " "),
            tr("pub.col.status"): tr(f"pub.objection.{o.status}"), tr("pub.col.resolution"): o.resolution,
        } for o in objections]), hide_index=True, width="stretch",
            column_config={tr("pub.col.attachments"): st.column_config.TextColumn()})
    else:
        st.caption(tr("pub.no_objections"))
    entries = list(table["entry_id"])
    titles = dict(zip(table["entry_id"], table["title"], strict=True))
    tier_keys = [""] + [k for k, _ in tiers]
    tier_names = {"": tr("results.no_award")} | dict(tiers)
    if not frozen:
        _objection_forms(publication, objections, entries, titles, tier_keys, tier_names, user)
        _change_form(publication, entries, titles, tier_keys, tier_names, user)
        _freeze_form(publication, objections, user)
    else:
        _reopen_form(publication, user)

    if changes or reopenings:
        st.subheader(tr("pub.history_heading"))
        st.dataframe(pd.DataFrame(
            [{tr("pub.col.when"): when(c.at), tr("export.col.entry_id"): c.entry_code,
              tr("pub.col.from"): tier_names.get(c.tier_before, c.tier_before),
              tr("pub.col.to"): tier_names.get(c.tier_after, c.tier_after), tr("pub.col.reason"): c.reason,
              tr("pub.col.source"): c.source, tr("pub.col.actor"): c.actor} for c in changes]
            + [{tr("pub.col.when"): when(r.at), tr("pub.col.reason"): r.reason, tr("pub.col.source"): "reopening",
                tr("pub.col.actor"): r.actor} for r in reopenings]), hide_index=True, width="stretch")


def _objection_forms(publication, objections, entries, titles, tier_keys, tier_names, actor) -> None:
    # not clear_on_submit: a refused objection keeps every field as typed
    with st.expander(tr("pub.add_objection"), expanded=False), write_form(f"pub_obj_{publication.id}") as form:
        k = form.key
        entry = st.selectbox(tr("export.col.entry_id"), entries, format_func=lambda e: f"{e} {titles[e]}",
                             key=f"{k}_entry")
        name = st.text_input(tr("pub.col.name"), key=f"{k}_name")
        contact = st.text_input(tr("pub.col.contact"), key=f"{k}_contact")
        text = st.text_area(tr("pub.col.text"), key=f"{k}_text")
        attachments = st.text_area(tr("pub.attachments_help"), key=f"{k}_attachments")
        received = st.date_input(tr("pub.col.received"), value=date.today(), key=f"{k}_received")
        if form.submit(tr("pub.add_objection")):
            _run(lambda s: pub.add_objection(s, publication_id=publication.id, entry_id=entry, name=name,
                                             contact=contact, text=text, attachments=attachments,
                                             received_on=received, actor=actor), "pub.objection_added")
    open_ones = [o for o in objections if o.status == "open"]
    if not open_ones:
        return
    with st.expander(tr("pub.resolve"), expanded=True), write_form(f"pub_resolve_{publication.id}") as form:
        by_id = {o.id: o for o in open_ones}
        chosen = st.selectbox(tr("pub.col.id"), list(by_id),
                              format_func=lambda i: f"#{i} {by_id[i].entry_code} {by_id[i].name}")
        outcome = st.radio(tr("pub.col.status"), ["rejected", "upheld"], horizontal=True,
                           format_func=lambda k: tr(f"pub.objection.{k}"))
        change = st.selectbox(tr("pub.change_to"), ["keep", *tier_keys],
                              format_func=lambda k: tr("pub.keep") if k == "keep" else tier_names[k])
        reason = st.text_area(tr("pub.col.reason"))
        if form.submit(tr("pub.resolve")):
            new_tier = None if change == "keep" or outcome != "upheld" else change
            _run(lambda s: pub.resolve_objection(s, objection_id=chosen, upheld=outcome == "upheld", reason=reason,
                                                 new_tier=new_tier, actor=actor), "pub.resolved")


def _change_form(publication, entries, titles, tier_keys, tier_names, actor) -> None:
    # a refused change keeps what was typed
    with st.expander(tr("pub.manual_change"), expanded=False), write_form(f"pub_change_{publication.id}") as form:
        k = form.key
        entry = st.selectbox(tr("export.col.entry_id"), entries, format_func=lambda e: f"{e} {titles[e]}",
                             key=f"{k}_entry")
        tier = st.selectbox(tr("export.col.tier"), tier_keys, format_func=lambda t: tier_names[t], key=f"{k}_tier")
        reason = st.text_area(tr("pub.col.reason"), key=f"{k}_reason")
        if form.submit(tr("pub.manual_change")):
            _run(lambda s: pub.change_tier(s, publication_id=publication.id, entry_id=entry, tier=tier, reason=reason,
                                           actor=actor), "pub.changed")


def _freeze_form(publication, objections, actor) -> None:
    st.subheader(tr("pub.freeze_heading"))
    open_count = sum(o.status == "open" for o in objections)
    st.caption(tr("pub.freeze_caption", n=open_count))
    st.caption(tr("pub.freeze_clock", end=pub.objection_deadline(publication).isoformat(), today=pub.today().isoformat()))
    with write_form(f"pub_freeze_{publication.id}") as form:
        if form.submit(tr("pub.freeze"), type="primary"):
            _run(lambda s: pub.freeze(s, publication_id=publication.id, actor=actor), "pub.frozen_done")


def _reopen_form(publication, actor) -> None:
    with st.expander(tr("pub.reopen"), expanded=False), write_form(f"pub_reopen_{publication.id}") as form:
        reason = st.text_area(tr("pub.col.reason"))
        if form.submit(tr("pub.reopen")):
            _run(lambda s: pub.reopen(s, publication_id=publication.id, reason=reason, actor=actor), "pub.reopened")
