"""The edition's document settings on the setup page: the issuer (主办单位) that signs the announcement,
the PDF list and the certificates, and the certificate number scheme with a prefix per track."""

from __future__ import annotations

import streamlit as st

from judging.core.documents import DocumentSettings, DocumentSettingsError, certificate_numbers
from judging.core.permissions import Actor
from judging.errors import JudgingError
from judging.store.db import read_session, write_session
from judging.store.documents import document_settings_of, save_document_settings
from judging.store.models import Edition, Track
from judging.ui import forms
from judging.ui.common import engine, lang, plain, tr
from judging.ui.forms import write_form
from judging.ui.organiser_common import flash_next

EXAMPLES_SHOWN = 2  # numbers of the first certificate in each of the first two tracks


def _examples(settings: DocumentSettings, edition: Edition, tracks: list[Track]) -> str:
    names = {t.key: t.name_zh for t in tracks}
    keys = [t.key for t in tracks[:EXAMPLES_SHOWN]]
    try:
        return "、".join(certificate_numbers(keys, scheme=settings.certificate_scheme, year=edition.year,
                                            track_names=names, prefixes=settings.track_prefixes))
    except DocumentSettingsError as exc:
        return exc.render(lang())


def render(edition: Edition, tracks: list[Track], actor: Actor) -> None:
    """The form, filled in with the settings in force; a refused save keeps what was typed."""
    with read_session(engine()) as s:
        stored = document_settings_of(s, edition_id=edition.id, actor=actor)
    current = stored.settings
    with st.expander(tr("doc.form.heading"), expanded=not current.issuer):
        st.caption(tr("doc.form.caption"))
        if stored.version:
            st.caption(tr("doc.form.version", version=stored.version))  # who saved it: in the audit log, by name
        else:
            st.warning(tr("doc.form.never"))
        key = f"doc_{edition.id}_{stored.version}"  # a new version loads its values into fresh widgets
        with write_form(f"{key}_form") as form:
            issuer = st.text_input(tr("doc.form.issuer"), value=current.issuer, key=f"{key}_issuer",
                                   placeholder=tr("doc.form.issuer_help"))
            scheme = st.text_input(tr("doc.form.scheme"), value=current.certificate_scheme, key=f"{key}_scheme",
                                   help=tr("doc.form.scheme_help"))
            st.markdown(tr("doc.form.prefixes"))
            columns = st.columns(min(3, max(1, len(tracks))))
            prefixes = {t.key: columns[n % len(columns)].text_input(
                t.name_zh, value=current.track_prefixes.get(t.key, ""), key=f"{key}_prefix_{t.key}",
                placeholder=t.name_zh) for n, t in enumerate(tracks)}
            saved = form.submit(tr("doc.form.save"), type="primary")
        st.caption(tr("doc.form.preview", numbers=plain(_examples(current, edition, tracks))))
    if saved:
        settings = DocumentSettings(issuer=issuer, certificate_scheme=scheme, track_prefixes=prefixes)
        try:
            with write_session(engine()) as s:
                save_document_settings(s, edition_id=edition.id, settings=settings, based_on=stored.version,
                                       actor=actor)
            forms.stored()  # at once after the commit, before anything reads st.session_state
        except JudgingError as exc:
            for problem in exc.problems:
                st.error(plain(problem.render(lang())))
            return
        flash_next(tr("doc.form.saved"))
        st.rerun()
