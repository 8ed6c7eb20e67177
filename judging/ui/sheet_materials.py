"""The entry's materials on the score sheet: the PDF in a viewer (``st.pdf``, pdf.js: no script in a PDF
runs), images as thumbnails, Word files for download only, the entry's links as links.

Every file is read through the store with the judge's actor (assigned, no conflict, blind rounds
without identifying files); a download is produced when it is clicked (a deferred download button),
by the same check, so a judge who declared a conflict meanwhile gets nothing.
"""

from __future__ import annotations

import re

import streamlit as st

from judging.core.materials import DOCX, IMAGES, PDF
from judging.core.permissions import Actor
from judging.errors import JudgingError
from judging.store.db import read_session
from judging.store.materials import MaterialInfo, sheet_material_file, sheet_materials
from judging.ui.common import engine, plain, tr

PDF_HEIGHT = 720  # about one A4 page at the width the sheet leaves
BESIDE_KEY = "mat_beside"  # the materials beside the criteria instead of above them (kept for the session)
PDF_FULL_HEIGHT = 1600  # "read full screen": pages tall enough to read without the page scrolling past them
THUMBNAILS_PER_ROW = 4
THUMBNAIL_WIDTH = 220
_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+")


def render(*, actor: Actor, round_id: int, judge_id: int, entry_id: int, links: str, blind: bool) -> None:
    """The materials section of one sheet (nothing when the entry has neither files nor links)."""
    where = {"round_id": round_id, "judge_id": judge_id, "entry_id": entry_id}
    try:
        with read_session(engine()) as s:
            files = sheet_materials(s, **where, actor=actor)
    except JudgingError as exc:
        st.error(plain(exc.render()))
        return
    if not files and not (links or "").strip():
        return
    with st.expander(":material/description: " + tr("sheet.materials"), expanded=True):
        st.toggle(tr("mat.sheet.beside"), key=BESIDE_KEY, help=tr("mat.sheet.beside_help"))
        if blind:
            st.caption(tr("mat.sheet.blind_hidden"))
        pdfs = [f for f in files if f.kind == PDF]
        images = [f for f in files if f.kind in IMAGES]
        others = [f for f in files if f.kind == DOCX]
        if pdfs:
            _pdfs(pdfs, actor, where)
        if images:
            _images(images, actor, where)
        for info in others:
            st.caption(tr("mat.sheet.download_only"))
            _download(info, actor, where)
        if links and links.strip():
            _links(links)


def _read(info: MaterialInfo, actor: Actor, where: dict) -> bytes:
    with read_session(engine()) as s:
        return sheet_material_file(s, **where, material_id=info.id, actor=actor).content


def _download(info: MaterialInfo, actor: Actor, where: dict) -> None:
    # deferred: the bytes are read (and the permission checked again) only when the judge clicks
    st.download_button(f"{tr('mat.sheet.open')} · {info.file_name}", data=lambda: _read(info, actor, where),
                       file_name=info.file_name, mime=info.content_type, on_click="ignore",
                       icon=":material/open_in_new:", key=f"mat_dl_{where['round_id']}_{info.id}")


def _pdfs(pdfs: list[MaterialInfo], actor: Actor, where: dict) -> None:
    chosen = pdfs[0]
    if len(pdfs) > 1:
        chosen = st.selectbox(tr("mat.sheet.choose"), pdfs, format_func=lambda f: f.file_name,
                              key=f"mat_pdf_{where['round_id']}_{where['entry_id']}")
    full = st.toggle(tr("mat.sheet.full"), key=f"mat_full_{where['round_id']}_{where['entry_id']}")
    st.pdf(_read(chosen, actor, where), height=PDF_FULL_HEIGHT if full else PDF_HEIGHT,
           key=f"mat_view_{where['round_id']}_{chosen.id}", alt=tr("mat.sheet.pdf_alt", name=chosen.file_name))
    _download(chosen, actor, where)


def _images(images: list[MaterialInfo], actor: Actor, where: dict) -> None:
    for start in range(0, len(images), THUMBNAILS_PER_ROW):
        row = images[start:start + THUMBNAILS_PER_ROW]
        for column, info in zip(st.columns(THUMBNAILS_PER_ROW), row, strict=False):
            with column:
                # st.image has its own full-screen button; the caption is the file's name as text
                st.image(_read(info, actor, where), width=THUMBNAIL_WIDTH, caption=info.file_name)


def _links(links: str) -> None:
    st.markdown(f"**{tr('mat.sheet.links')}**")
    for line in links.splitlines():
        line = line.strip()
        if not line:
            continue
        found = _URL.findall(line)
        if found:
            label = _URL.sub("", line).strip(" :：-—") if len(found) == 1 else ""
            for url in found:  # the address matched above: http(s), no space, bracket, quote or angle
                st.markdown(f"- [{plain(label or url)}]({url})" + (f" · {plain(url)}" if label else ""))
        else:
            st.text(line)
