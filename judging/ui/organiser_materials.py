"""Entry materials: the organiser attaches files to one entry or a batch named by entry id, marks the
ones that name the applicant, withdraws them, and opens any of them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.materials import max_material_bytes
from judging.core.permissions import Actor
from judging.errors import JudgingError
from judging.store.db import read_session, write_session
from judging.store.editions import entries_of
from judging.store.materials import (
    MaterialInfo,
    MaterialsOutcome,
    attach_material,
    entry_materials,
    import_materials,
    material_file,
    set_identifying,
    withdraw_material,
)
from judging.store.models import Entry, stored_id
from judging.ui import forms
from judging.ui.common import engine, require_page, show_error, tr
from judging.ui.organiser_common import choose_edition, flash, flash_next, problem_table

UPLOAD_ROUND = "oc_mat_upload_round"  # bumped after an upload, so the uploader starts empty again
TYPES = ["pdf", "png", "jpg", "jpeg", "docx"]


def render() -> None:
    user = require_page("materials")
    st.title(tr("page.materials"))
    flash()
    st.caption(tr("mat.ui.help", limit=f"{max_material_bytes() / 1024 / 1024:g}"))
    edition = choose_edition()
    if edition is None:
        return
    with read_session(engine()) as s:
        entries = entries_of(s, edition.id)
    if not entries:
        st.info(tr("mat.ui.no_entries"))
        return
    n = st.session_state.setdefault(UPLOAD_ROUND, 0)
    mode = st.radio(tr("mat.ui.mode"), ("one", "bulk"), horizontal=True, key="oc_mat_mode",
                    format_func=lambda m: tr("mat.ui.mode_one") if m == "one" else tr("mat.ui.mode_bulk"))
    if mode == "bulk":
        _bulk(edition.id, user, n)
        return
    entry = st.selectbox(tr("mat.ui.entry"), entries, format_func=lambda e: f"{e.code} · {e.title}", key="oc_mat_entry")
    _one(entry, user, n)
    _listing(entry, user)


def _outcome(outcome: MaterialsOutcome) -> None:
    message = tr("mat.ui.attached", n=len(outcome.attached))
    if outcome.already_attached:
        message += "；" + tr("mat.ui.already", names="、".join(outcome.already_attached))
    if outcome.unmatched:
        message += "；" + tr("mat.ui.unmatched", names="、".join(outcome.unmatched))
    flash_next(message)
    st.session_state[UPLOAD_ROUND] = st.session_state.get(UPLOAD_ROUND, 0) + 1
    st.rerun()


def _store(write) -> None:
    try:
        with write_session(engine()) as s:
            outcome = write(s)
        forms.stored()  # at once after the commit, before anything reads st.session_state
    except JudgingError as exc:
        st.error(tr("mat.ui.refused", n=len(exc.problems)))
        problem_table(exc.problems)
        return
    _outcome(outcome)


def _one(entry: Entry, actor: Actor, n: int) -> None:
    uploads = st.file_uploader(tr("mat.ui.files"), type=TYPES, accept_multiple_files=True, key=f"oc_mat_files_{n}")
    identifying = st.checkbox(tr("mat.ui.identifying"), key=f"oc_mat_identifying_{n}")
    if uploads and forms.write_button(tr("mat.ui.attach", n=len(uploads)), type="primary", key="oc_mat_attach"):
        def write(s):
            total = MaterialsOutcome()
            for upload in uploads:  # one transaction: a refused file stores none of them
                outcome = attach_material(s, entry_id=entry.id, file_name=upload.name, data=upload.getvalue(),
                                          identifying=identifying, actor=actor)
                total.attached.extend(outcome.attached)
                total.already_attached.extend(outcome.already_attached)
            return total
        _store(write)


def _bulk(edition_id: int, actor: Actor, n: int) -> None:
    uploads = st.file_uploader(tr("mat.ui.bulk_files"), type=TYPES, accept_multiple_files=True,
                               key=f"oc_mat_bulk_{n}")
    if uploads and forms.write_button(tr("mat.ui.attach", n=len(uploads)), type="primary", key="oc_mat_bulk_go"):
        files = [(u.name, u.getvalue()) for u in uploads]
        _store(lambda s: import_materials(s, edition_id=edition_id, files=files, actor=actor))


def _listing(entry: Entry, actor: Actor) -> None:
    st.subheader(tr("mat.ui.list"))
    with read_session(engine()) as s:
        files = entry_materials(s, entry_ids=[stored_id(entry)], actor=actor)[stored_id(entry)]
    if not files:
        st.caption(tr("mat.ui.none"))
        return
    st.dataframe(pd.DataFrame([{
        tr("mat.ui.col_name"): f.file_name, tr("mat.ui.col_kind"): f.kind.upper(),
        tr("mat.ui.col_size"): tr("mat.size_kb", n=f"{f.size / 1024:,.0f}"),
        tr("mat.ui.col_identifying"): "✓" if f.identifying else "", tr("mat.ui.col_sha"): f.sha256[:16] + "…",
    } for f in files]), hide_index=True, width="stretch")
    for info in files:
        _row(info, actor)


def _read(info: MaterialInfo, actor: Actor) -> bytes:
    with read_session(engine()) as s:
        return material_file(s, material_id=info.id, actor=actor).content


def _row(info: MaterialInfo, actor: Actor) -> None:
    name, download, mark, withdraw = st.columns([4, 2, 2, 1], vertical_alignment="center")
    name.text(info.file_name)
    with download:
        st.download_button(tr("mat.sheet.open"), data=lambda: _read(info, actor), file_name=info.file_name,
                           mime=info.content_type, on_click="ignore", key=f"oc_mat_dl_{info.id}",
                           icon=":material/download:")
    label = tr("mat.ui.unmark") if info.identifying else tr("mat.ui.mark")
    with mark:
        marked = forms.write_button(label, key=f"oc_mat_mark_{info.id}")
    if marked:
        _write(lambda s: set_identifying(s, material_id=info.id, identifying=not info.identifying, actor=actor),
               label)
    with withdraw:
        withdrawn = forms.write_button(tr("mat.ui.withdraw"), key=f"oc_mat_withdraw_{info.id}")
    if withdrawn:
        _write(lambda s: withdraw_material(s, material_id=info.id, actor=actor),
               tr("mat.ui.withdrawn", name=info.file_name))


def _write(action, done: str) -> None:
    try:
        with write_session(engine()) as s:
            action(s)
        forms.stored()  # at once after the commit, before anything reads st.session_state
    except JudgingError as exc:
        show_error(exc)
        return
    flash_next(done)
    st.rerun()
