"""What every page shares: the engine, the signed-in user, the language, role checks and safe text.

Nothing per user lives in module globals: the user and the language are in ``st.session_state``
(one per browser tab); everything else is read from the database on every run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
from sqlalchemy.engine import Engine

from judging.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from judging.store import repo
from judging.store.db import database_url, open_database, read_session, write_session
from judging.store.models import User

ROLES = ("organiser", "judge", "announcer", "auditor")
USER_KEY = "auth_user"
LANG_KEY = "lang"
DISPLAY_TIMEZONE = "Asia/Shanghai"  # when the browser does not tell us its zone (tests, old browsers)


@dataclass(frozen=True)
class SignedIn:
    """The account of this browser tab, as checked against the database on every page run."""

    id: int
    username: str
    display_name: str
    role: str


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    # one engine (connection pool) per process and URL: shared on purpose, it holds no user data
    return open_database(url)


def engine() -> Engine:
    return _engine_for(database_url())


# --- language --------------------------------------------------------------------------------

def lang() -> str:
    value = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def tr(key: str, /, **params: object) -> str:
    """The text for ``key`` in this tab's language."""
    return t(key, lang(), **params)


def language_switch() -> None:
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = DEFAULT_LANGUAGE
    st.sidebar.radio(
        t("app.language", lang()), LANGUAGES, key=LANG_KEY, horizontal=True,
        format_func=lambda code: t(f"app.language.{code}", code),
    )


# --- who is signed in ------------------------------------------------------------------------

def current_user() -> SignedIn | None:
    return st.session_state.get(USER_KEY)


def authenticate(eng: Engine, username: str, password: str) -> SignedIn | None:
    """The account when the password matches an active user, else None (records the sign-in)."""
    from judging.core.passwords import verify_password

    username = username.strip()
    with read_session(eng) as s:
        user = repo.get_user(s, username) if username else None
        ok = user is not None and user.active and bool(user.password_hash) and verify_password(password_hash=user.password_hash, password=password)
        if not ok:
            return None
        signed = SignedIn(user.id, user.username, user.display_name, user.role)
    with write_session(eng) as s:
        repo.record_event(s, actor=signed.username, action="auth.sign_in", subject=f"user:{signed.id}")
    return signed


def sign_in(user: SignedIn) -> None:
    st.session_state[USER_KEY] = user


def sign_out() -> None:
    keep = {LANG_KEY: st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)}
    for key in list(st.session_state):
        del st.session_state[key]
    st.session_state.update(keep)


def require_role(*roles: str) -> SignedIn:
    """The signed-in user when their role (as stored now) is one of ``roles``; otherwise stop the page.

    Every page calls this itself: the menu only hides pages, it does not protect them.
    """
    user = current_user()
    if user is None:
        st.warning(tr("auth.sign_in_first"))
        st.stop()
    with read_session(engine()) as s:
        stored = s.get(User, user.id)
        role = stored.role if stored is not None and stored.active else None
    if role is None:
        sign_out()
        st.warning(tr("auth.sign_in_first"))
        st.stop()
    if role not in roles:
        _record_page_refusal(user, role, roles)
        st.error(tr("auth.forbidden"))
        st.stop()
    return user


def _record_page_refusal(user: SignedIn, role: str, roles: tuple[str, ...]) -> None:
    from judging.store.guard import record_refusal, refuse

    try:
        page = st.context.url or ""
    except Exception:  # no browser context (AppTest, scripts)
        page = ""
    record_refusal(engine(), refuse(actor=user.username, action="page.open", reason=f"role:{role}",
                                    detail={"page": page, "roles": list(roles)}))


# --- text and time ---------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def plain(text: str) -> str:
    """Entry or judge text made inert for Streamlit markdown (no links, images, colours or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text or "").replace("\n", "  \n")


def browser_zone() -> ZoneInfo:
    try:
        name = st.context.timezone
    except Exception:  # no browser context (AppTest, scripts)
        name = None
    try:
        return ZoneInfo(name or DISPLAY_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DISPLAY_TIMEZONE)


def clock(moment: datetime | None) -> str:
    """hh:mm:ss in the browser's time zone (stored times are UTC; SQLite returns them naive)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(browser_zone()).strftime("%H:%M:%S")


def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(browser_zone()).strftime("%Y-%m-%d %H:%M")
