"""The auditor's page: upload a reproducible bundle and see whether the published result is
exactly what its raw scores produce (checksums, recomputation, recorded changes)."""

from __future__ import annotations

import streamlit as st

from judging.core.bundle import BundleError, verify_bundle
from judging.ui.common import lang, plain, require_page, tr


def render() -> None:
    require_page("verify")
    st.title(tr("page.verify"))
    st.caption(tr("aud.caption"))
    upload = st.file_uploader(tr("aud.upload"), type=["zip"], key="aud_bundle")
    expected = st.text_input(tr("aud.digest"), key="aud_digest").strip() or None
    if upload is None:
        return
    try:
        with st.spinner(tr("results.computing")):
            report = verify_bundle(upload.getvalue(), expected_digest=expected)
    except BundleError as exc:
        st.error(exc.render(lang()))
        return
    st.code(report.digest or "—", language=None)
    if report.ok:
        st.success(tr("results.cli.verify_ok", n=report.entries, gap=f"{report.max_float_difference:.1e}"))
        return
    st.error(tr("results.cli.verify_failed"))
    for problem in report.problems:
        st.markdown("• " + plain(problem.render(lang())))  # the bundle's own text (file names, values) stays text
    if len(report.differences):
        st.dataframe(report.differences.astype(str), hide_index=True, width="stretch")
