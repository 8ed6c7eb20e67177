"""The announcer's page: the award lists (frozen or in 公示), and their exports as downloads:
Excel, CSV, the PDF list, the Word announcement, certificates and the reproducible bundle."""

from __future__ import annotations

import streamlit as st

from judging.core import exports, permissions
from judging.core.permissions import Actor
from judging.errors import JudgingError
from judging.store import publication as pub
from judging.store.db import read_session
from judging.store.documents import publication_documents
from judging.ui.common import engine, lang, plain, require_page, show_error, tr
from judging.ui.publication import choose_publication, list_frame

DOWNLOADS = ("xlsx", "csv", "pdf", "docx", "certificates", "bundle")
SIGNED = ("pdf", "docx", "certificates")  # refused without an issuer: their buttons are off until it is set


def _renderer(kind: str, publication_id: int, language: str, actor: Actor):
    """A callable for a deferred download: the file is made when the button is clicked, from the
    list and the edition's document settings (issuer, certificate numbers) as stored at that moment."""
    def make() -> bytes:
        with read_session(engine()) as s:
            if kind == "bundle":
                return pub.publication_bundle(s, publication_id, actor=actor)
            table, info = publication_documents(s, publication_id, actor=actor)
        return exports.render(kind, table, info, lang=language)
    return make


def render() -> None:
    user = require_page("awards")
    st.title(tr("page.award_lists"))
    show_all = st.toggle(tr("ann.show_provisional"), key="ann_all")
    publication = choose_publication(actor=user, only_frozen=not show_all)
    if publication is None:
        return
    with read_session(engine()) as s:
        publication = pub.get_publication(s, publication.id, actor=user)
        table, info = publication_documents(s, publication.id, actor=user)
    if publication.status == "frozen":
        st.success(tr("ann.final", n=int((table["tier"].fillna("") != "").sum())))
    else:
        st.warning(tr("ann.provisional", end=info.publication_end.isoformat()))
    if info.organiser:
        st.caption(tr("doc.ann.issuer", issuer=plain(info.organiser)))
    else:  # the announcement, the PDF list and the certificates are refused: say where the issuer is set
        st.warning(tr("doc.ann.no_issuer"))
    st.subheader(tr("ann.downloads"))
    columns = st.columns(3)
    # the bundle holds every judge's scores and veto reasons: for organisers (and auditors), not announcers
    kinds = [k for k in DOWNLOADS if k != "bundle" or permissions.allowed(user.role, "scores.read")]
    for n, kind in enumerate(kinds):
        name = exports.export_filename(info, kind, lang())
        try:
            columns[n % 3].download_button(
                tr(f"ann.download.{kind}"), data=_renderer(kind, publication.id, lang(), user), file_name=name,
                mime=exports.MIME_TYPES[kind], key=f"ann_dl_{kind}", on_click="ignore", icon=":material/download:",
                disabled=kind in SIGNED and not info.organiser)
        except JudgingError as exc:
            show_error(exc)
    st.subheader(tr("ann.list"))
    awarded = table[table["tier"].fillna("") != ""]
    # the list as announced: the engine's flags (for the panel) are not part of it
    st.dataframe(list_frame(awarded, dict(info.track_names)).drop(columns=[tr("export.col.flags")]),
                 hide_index=True, width="stretch")
