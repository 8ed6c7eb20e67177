"""The organiser's accounts page: staff and judges, new accounts with a one-time password, a new
password for one account, switching an account off or on, and signing it out everywhere (every step logged)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.handout import generated_password
from judging.core.passwords import prepare_password
from judging.core.permissions import ROLES, Actor, Role
from judging.errors import JudgingError
from judging.store.db import read_session, write_session
from judging.store.people import create_user, list_users, set_judge_active, set_passwords
from judging.store.sessions import live_session_counts, sign_out_everywhere
from judging.ui import forms
from judging.ui.common import engine, require_page, show_error, tr, when
from judging.ui.forms import write_form
from judging.ui.organiser_common import flash, flash_next

ISSUED_KEY = "staff_issued"  # the one-time password just issued: (user name, password), shown once
ACTIONS = {"reset": "staff.action.reset", "off": "staff.action.off", "on": "staff.action.on",
           "signout": "staff.sign_out_everywhere"}
DONE = {"reset": "staff.done.reset", "off": "staff.done.off", "on": "staff.done.on",
        "signout": "staff.signed_out_everywhere"}


def render() -> None:
    actor = require_page("staff")
    st.title(tr("page.staff"))
    flash()
    _issued()
    with read_session(engine()) as s:
        users = list_users(s, actor=actor)
        signed_in = live_session_counts(s, actor=actor)
    # st.dataframe shows text as text: names cannot inject markup
    st.dataframe(pd.DataFrame([{
        tr("staff.col.username"): u.username, tr("staff.col.name"): u.display_name,
        tr("staff.col.role"): tr(Role(u.role).text_key) if u.role in ROLES else u.role,
        tr("staff.col.state"): tr("staff.state.on" if u.active else "staff.state.off")
        + (" · " + tr("staff.state.one_time") if u.password_one_time else ""),
        tr("staff.col.sessions"): signed_in.get(u.id, 0),
        tr("staff.col.created"): when(u.created_at)} for u in users]), hide_index=True, width="stretch")
    _new_account(actor)
    _manage(actor, users)


def _issued() -> None:
    issued = forms.take(ISSUED_KEY)
    if issued:
        username, password = issued
        st.warning(tr("staff.issued", username=username))
        st.code(password, language=None)


def _new_account(actor: Actor) -> None:
    st.subheader(tr("staff.new_heading"))
    with write_form("staff_new", clear_on_submit=False) as form:
        username = st.text_input(tr("staff.col.username"), key="staff_new_username")
        name = st.text_input(tr("staff.col.name"), key="staff_new_name")
        role = st.selectbox(tr("staff.col.role"), ROLES, format_func=lambda r: tr(Role(r).text_key),
                            key="staff_new_role")
        email = st.text_input(tr("staff.email"), key="staff_new_email")
        go = form.submit(tr("staff.create"), type="primary")
    if not go:
        return
    username = username.strip()
    password = generated_password(username)
    try:
        prepared = prepare_password(password, username=username, one_time=True)
        with write_session(engine()) as s:
            create_user(s, username=username, display_name=name.strip() or username, role=role,
                        email=email.strip(), password=prepared, actor=actor)
        forms.stored()  # at once after the commit, before anything reads st.session_state
        forms.keep(ISSUED_KEY, (username, password))  # in the process's memory: a stopped run cannot lose it
    except JudgingError as exc:
        show_error(exc)
        return
    flash_next(tr("staff.created", username=username))
    st.rerun()


def _manage(actor: Actor, users) -> None:
    st.subheader(tr("staff.manage_heading"))
    others = [u for u in users if u.id != actor.id]  # one's own account is never switched off from here
    if not others:
        st.caption(tr("staff.nobody_else"))
        return
    by_name = {u.username: u for u in others}
    with write_form("staff_manage") as form:
        chosen = st.selectbox(tr("staff.col.username"), list(by_name),
                              format_func=lambda n: f"{n} · {by_name[n].display_name}", key="staff_chosen")
        action = st.radio(tr("staff.action"), tuple(ACTIONS), horizontal=True, key="staff_action",
                          format_func=lambda a: tr(ACTIONS[a]))
        go = form.submit(tr("staff.apply"))
    st.caption(tr("staff.sign_out_everywhere_help"))
    if not go:
        return
    user = by_name[chosen]
    ended = 0
    try:
        with write_session(engine()) as s:
            if action == "signout":
                ended = sign_out_everywhere(s, user_id=user.id, actor=actor)
            elif action == "reset":
                password = generated_password(user.username)
                prepared = prepare_password(password, username=user.username, one_time=True)
                set_passwords(s, passwords={user.username: prepared}, actor=actor)
            else:
                set_judge_active(s, judge_id=user.id, active=action == "on", actor=actor)
        forms.stored()  # at once after the commit, before anything reads st.session_state
        if action == "reset":
            forms.keep(ISSUED_KEY, (user.username, password))  # in the process's memory, as above
    except JudgingError as exc:
        show_error(exc)
        return
    flash_next(tr(DONE[action], username=user.username, count=ended))
    st.rerun()
