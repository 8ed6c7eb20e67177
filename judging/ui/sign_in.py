"""The sign-in page (argon2-verified), and on an empty database the offer to build the demo contest."""

from __future__ import annotations

import hmac
import os
import sys

import streamlit as st

from judging.core.handout import generate_password
from judging.core.passwords import MIN_PASSWORD_LENGTH, prepare_password
from judging.demo import DEMO_PASSWORD, build_demo, first_judges
from judging.errors import JudgingError, PermissionDenied
from judging.store.db import database_url, read_session, write_session
from judging.store.people import (
    change_own_password,
    count_users,
    create_first_organiser,
    password_is_one_time,
)
from judging.ui import forms
from judging.ui.common import (
    SignedIn,
    authenticate,
    client_address,
    engine,
    session_end_message,
    show_error,
    sign_in,
    sso_configured,
    sso_user,
    tr,
)
from judging.ui.forms import write_form

DEMO_SEED = 2026
DEMO_ENV = "JUDGING_DEMO"  # "1": offer to build the demo contest on an empty database
SETUP_CODE_LENGTH = 16  # 16 symbols of 55 ≈ 92 bits: not guessable through a web form
PASSWORD_CHANGE_KEY = "password_change_for"  # a tab signed in with a one-time password, not yet let in


def render() -> None:
    eng = engine()
    st.title(tr("app.title"))
    with read_session(eng) as s:
        empty = count_users(s) == 0
    if empty:
        if demo_offered():
            _offer_demo(eng)
        _first_run(eng)
        return
    if "demo_built" in st.session_state:
        password, names = st.session_state["demo_built"]
        st.success(tr("signin.demo_ready", password=password, judges=", ".join(names)))
    if (ended := session_end_message()) is not None:
        st.info(ended)
    if PASSWORD_CHANGE_KEY in st.session_state:
        _change_password(eng)
        return
    if sso_configured():
        _single_sign_on(eng)
    with write_form("sign_in", once=False) as form:
        st.subheader(tr("signin.heading"))
        username = st.text_input(tr("signin.username"), key="signin_username", autocomplete="username")
        password = st.text_input(tr("signin.password"), type="password", key="signin_password",
                                 autocomplete="current-password")
        submitted = form.submit(tr("signin.submit"), type="primary")
    if submitted:
        try:
            user = authenticate(eng, username, password, client_address())
        except PermissionDenied as exc:
            show_error(exc)
            return
        if user is None:
            st.error(tr("signin.failed"))
            return
        with read_session(eng) as s:
            one_time = password_is_one_time(s, actor=user.actor)
        if one_time:  # not signed in yet: a one-time password is only good for choosing one's own
            st.session_state[PASSWORD_CHANGE_KEY] = user
        else:
            sign_in(user)
        st.rerun()


def _change_password(eng) -> None:
    """The account signed in with a one-time password: it chooses its own before the tab is signed in."""
    user = st.session_state[PASSWORD_CHANGE_KEY]
    st.subheader(tr("password.change_heading"))
    st.info(tr("password.change_help", min=MIN_PASSWORD_LENGTH))
    with write_form("change_password", once=False) as form:
        current = st.text_input(tr("password.current"), type="password", key="pw_current",
                                autocomplete="current-password")
        new = st.text_input(tr("password.new"), type="password", key="pw_new", autocomplete="new-password")
        again = st.text_input(tr("password.repeat"), type="password", key="pw_again", autocomplete="new-password")
        submitted = form.submit(tr("password.save"), type="primary")
    if not submitted:
        return
    if new != again:
        st.error(tr("password.mismatch"))
        return
    try:
        prepared = prepare_password(new, username=user.username)
        with write_session(eng) as s:
            change_own_password(s, actor=user.actor, current=current, new=prepared)
        forms.stored()  # at once after the commit, before anything reads st.session_state
    except JudgingError as exc:
        show_error(exc)
        return
    del st.session_state[PASSWORD_CHANGE_KEY]
    sign_in(user)
    st.rerun()


def demo_offered() -> bool:
    """The demo is offered on an empty database only where the operator asked for it (``JUDGING_DEMO=1``):
    on a real installation an anonymous visitor must not become its organiser with a public password."""
    return os.environ.get(DEMO_ENV, "").strip() == "1"


@st.cache_resource(show_spinner=False)
def setup_code(url: str) -> str:
    """The one-time setup code of this server process and database, printed in the server's log."""
    code = generate_password(SETUP_CODE_LENGTH)
    print(f"judging: the database has no account yet; setup code for the first organiser: {code}",
          file=sys.stderr, flush=True)
    return code


def _first_run(eng) -> None:
    """An empty database: the first organiser, created with the setup code from the server's log."""
    code = setup_code(database_url())
    st.subheader(tr("setup.heading"))
    st.info(tr("setup.help"))
    with write_form("first_run", once=False) as form:
        given = st.text_input(tr("setup.code"), type="password", key="setup_code")
        username = st.text_input(tr("setup.username"), key="setup_username", autocomplete="username")
        display_name = st.text_input(tr("setup.display_name"), key="setup_display_name")
        new = st.text_input(tr("password.new"), type="password", key="setup_pw", autocomplete="new-password")
        again = st.text_input(tr("password.repeat"), type="password", key="setup_pw_again",
                              autocomplete="new-password")
        submitted = form.submit(tr("setup.submit"), type="primary")
    if not submitted:
        return
    if not hmac.compare_digest(given.strip().encode(), code.encode()):
        st.error(tr("setup.wrong_code"))
        return
    if new != again:
        st.error(tr("password.mismatch"))
        return
    try:
        prepared = prepare_password(new, username=username.strip())
        with write_session(eng) as s:
            actor = create_first_organiser(s, username=username, display_name=display_name, password=prepared)
        forms.stored()  # at once after the commit, before anything reads st.session_state
    except JudgingError as exc:
        show_error(exc)
        return
    sign_in(SignedIn(actor.id, actor.username, display_name.strip() or actor.username, actor.role))
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
