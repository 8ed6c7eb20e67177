"""The auditor's page: the digests recorded with each publication, the audit trail's check, and a
reproducible bundle checked against its recorded digest (or one typed from the printed 公示)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.bundle import BundleError, verify_bundle
from judging.core.bundle_anchor import bundle_publication, changed_files
from judging.core.checkpoint import matches, short_form
from judging.core.permissions import Actor
from judging.store.audit_verify import audit_problems
from judging.store.db import read_session
from judging.store.publication import anchors_of, publications_of
from judging.ui.common import engine, lang, plain, require_page, show_error, tr

MAX_SHOWN_PROBLEMS = 200  # the page lists this many differences; the command line lists them all


ANCHOR_KINDS = {"publish": "aud.anchor.publish", "freeze": "aud.anchor.freeze"}  # judging/store/publication.py


def anchor_kind(kind: str) -> str:
    """When a bundle's digest was recorded, in words (公示时, 定稿时); an unknown kind as it is stored."""
    return tr(ANCHOR_KINDS[kind]) if kind in ANCHOR_KINDS else kind


def render() -> None:
    actor = require_page("verify")
    st.title(tr("page.verify"))
    _recorded_digests(actor)
    _audit_trail(actor)
    st.subheader(tr("aud.bundle_heading"))
    st.caption(tr("aud.caption"))
    upload = st.file_uploader(tr("aud.upload"), type=["zip"], key="aud_bundle")
    expected = st.text_input(tr("aud.digest"), key="aud_digest").strip() or None
    if upload is None:
        return
    data = upload.getvalue()
    try:
        with st.spinner(tr("results.computing")):
            report = verify_bundle(data, expected_digest=None)
    except BundleError as exc:
        show_error(exc)
        return
    st.code(report.digest or "—", language=None)
    record_ok = _check_record(actor, data, report.digest, expected)
    if report.ok and record_ok:
        st.success(tr("results.cli.verify_ok", n=report.entries, gap=f"{report.max_float_difference:.1e}"))
        return
    st.error(tr("results.cli.verify_failed"))
    for problem in report.problems:
        st.markdown("• " + plain(problem.render(lang())))  # the bundle's own text (file names, values) stays text
    if len(report.differences):
        st.dataframe(report.differences.astype(str), hide_index=True, width="stretch")


def _recorded_digests(actor: Actor) -> None:
    """Every publication's recorded digests, in the short form printed on the 公示 and in full."""
    with read_session(engine()) as s:
        rows = [{tr("aud.col.publication"): p.id, tr("aud.col.kind"): anchor_kind(a.kind),
                 tr("aud.col.at"): a.at.strftime("%Y-%m-%d %H:%M"),
                 tr("aud.col.bundle_short"): short_form(a.bundle_digest), tr("aud.col.bundle"): a.bundle_digest,
                 tr("aud.col.checkpoint_short"): short_form(a.checkpoint_digest),
                 tr("aud.col.checkpoint"): a.checkpoint_digest, tr("aud.col.public_key"): a.public_key}
                for p in publications_of(s, actor=actor) for a in anchors_of(s, p.id, actor=actor)]
    st.subheader(tr("aud.recorded_heading"))
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.info(tr("aud.nothing_recorded"))


def _audit_trail(actor: Actor) -> None:
    if not st.button(tr("aud.check_trail"), key="aud_check_trail"):
        return
    with st.spinner(tr("results.computing")), read_session(engine()) as s:
        problems = audit_problems(s, actor=actor, lang=lang())
    if not problems:
        st.success(tr("aud.trail_ok"))
        return
    st.error(tr("audit.verify_failed", n=len(problems)))
    for problem in problems[:MAX_SHOWN_PROBLEMS]:
        st.markdown("• " + plain(problem.render(lang())))


def _check_record(actor: Actor, data: bytes, digest: str, expected: str | None) -> bool:
    """The bundle's digest against the one typed in, or else the ones recorded with its publication."""
    if not digest:
        return False
    if expected:
        if matches(expected, digest):
            st.info(tr("verify.digest_given_ok", digest=short_form(digest)))
            return True
        st.markdown("• " + plain(tr("bundle.digest_mismatch", expected=expected, actual=digest)))
        return False
    publication_id = bundle_publication(data)
    if publication_id is None:
        st.info(tr("verify.no_publication"))
        return True
    with read_session(engine()) as s:
        anchors = anchors_of(s, publication_id, actor=actor)
    for anchor in reversed(anchors):
        if anchor.bundle_digest == digest:
            st.info(tr("verify.recorded_ok", publication=publication_id, kind=anchor_kind(anchor.kind),
                       at=anchor.at.isoformat(timespec="minutes"), digest=short_form(digest)))
            return True
    if not anchors:
        st.markdown("• " + plain(tr("verify.nothing_recorded", publication=publication_id)))
        return False
    latest = anchors[-1]
    st.markdown("• " + plain(tr("verify.recorded_differs", publication=publication_id, kind=latest.kind,
                                expected=short_form(latest.bundle_digest),
                                files=", ".join(changed_files(latest.bundle_sums, data)) or "—")))
    return False
