"""Pages of later issues: each checks its role and says honestly that it is coming."""

from __future__ import annotations

import streamlit as st

from judging.ui.common import require_role, tr


def _coming(role: str, title_key: str, text_key: str) -> None:
    require_role(role)
    st.title(tr(title_key))
    st.info(tr(text_key))


def organiser() -> None:
    _coming("organiser", "page.organiser_setup", "coming.organiser")


def announcer() -> None:
    _coming("announcer", "page.award_lists", "coming.announcer")


def auditor() -> None:
    _coming("auditor", "page.verify", "coming.auditor")
