"""The sign-in page (argon2-verified), and on an empty database the offer to build the demo contest."""

from __future__ import annotations

import streamlit as st

from judging.demo import DEMO_PASSWORD, build_demo, first_judges
from judging.errors import PermissionDenied
from judging.store.db import read_session
from judging.store.people import count_users
from judging.ui.common import (
    EXPIRED_KEY,
    authenticate,
    client_address,
    engine,
    lang,
    sign_in,
    sso_configured,
    sso_user,
    tr,
)

DEMO_SEED = 2026


def render() -> None:
    eng = engine()
    st.title(tr("app.title"))
    with read_session(eng) as s:
        empty = count_users(s) == 0
    if empty:
        _offer_demo(eng)
        return
    if "demo_built" in st.session_state:
        password, names = st.session_state["demo_built"]
        st.success(tr("signin.demo_ready", password=password, judges=", ".join(names)))
    if EXPIRED_KEY in st.session_state:
        st.info(tr("trust.session_expired", minutes=st.session_state.pop(EXPIRED_KEY)))
    if sso_configured():
        _single_sign_on(eng)
    with st.form("sign_in"):
        st.subheader(tr("signin.heading"))
        username = st.text_input(tr("signin.username"), key="signin_username", autocomplete="username")
        password = st.text_input(tr("signin.password"), type="password", key="signin_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(tr("signin.submit"), type="primary")
    if submitted:
        try:
            user = authenticate(eng, username, password, client_address())
        except PermissionDenied as exc:
            st.error(exc.render(lang()))
            return
        if user is None:
            st.error(tr("signin.failed"))
        else:
            sign_in(user)
            st.rerun()


def _offer_demo(eng) -> None:
    st.info(tr("signin.empty_database"))
    if st.button(tr("signin.build_demo"), type="primary"):
        with st.spinner(tr("signin.building_demo")):
            build_demo(eng, seed=DEMO_SEED)
            st.session_state["demo_built"] = (DEMO_PASSWORD, first_judges(eng))
        st.rerun()


def _single_sign_on(eng) -> None:
    """Single sign-on through the organisation's identity provider (``st.login``), mapped by email."""
    if st.user.is_logged_in:
        user = sso_user(eng)
        if user is not None:
            sign_in(user)
            st.rerun()
        st.warning(tr("trust.sso_unknown", email=st.user.get("email", "")))
        return
    st.button(tr("trust.sso_button"), on_click=st.login, key="sso_sign_in")
    st.caption(tr("trust.sso_or"))
