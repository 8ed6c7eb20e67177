"""Placeholder until this step of the organiser console is built."""

from __future__ import annotations

import streamlit as st

from judging.ui.common import require_role, tr


def render() -> None:
    require_role("organiser")
    st.title(tr("page.oc_imports"))
