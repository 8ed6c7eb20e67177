"""What every page shares: the engine, the signed-in user, the language, role checks and safe text.

Nothing per user lives in module globals: the user and the language are in ``st.session_state``
(one per browser tab); everything else is read from the database on every run.
"""

from __future__ import annotations

import functools
import os
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from judging.core.permissions import PAGES, Actor, page_allowed
from judging.core.signin_limits import (
    activity_ping_seconds,
    idle_check_seconds,
    idle_warning_seconds,
    minutes,
    minutes_text,
    session_hours,
    session_idle_minutes,
)
from judging.errors import ConfigError, JudgingError, PermissionDenied, Problem
from judging.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from judging.store.audit_log import record_event
from judging.store.db import database_url, open_database, read_session, record_refusal, write_session
from judging.store.guard import refuse
from judging.store.people import (
    actor_by_password,
    actor_for_claims,
    count_attempt,
    display_name_of,
    resolve_actor,
    settle_attempt,
)
from judging.store.sessions import (
    DISABLED,
    EXPIRED,
    IDLE,
    INACTIVE,
    ORGANISER,
    PASSWORD,
    ROLE_CHANGED,
    SIGN_OUT,
    UNKNOWN,
    check_session,
    issue_session,
    revoke_session,
    touch_session,
)
from judging.ui import browser_shell, forms

USER_KEY = "auth_user"
LANG_KEY = "lang"
LAST_SEEN_KEY = "auth_last_seen"  # time.time() of the tab's last full run (a user action) while signed in
EXPIRED_KEY = "auth_expired"  # set when the idle time-out signed the tab out (the minutes, as text)
# Pages left showing on purpose with nobody at the keyboard: the big screen in the hall runs through a
# whole live final without a click, so the idle time-out does not sign it out by itself (a click still does).
UNATTENDED_PAGES = frozenset({"screen"})
TIMER_RUN_KEY = "timer_run"  # set when a timer asked for the next full run: not the user's activity
IDLE_WATCH_KEY = "idle_watch"  # the fragment that signs an idle tab out by itself
SESSION_TOKEN_KEY = "auth_token"  # the tab's session token (the browser's cookie holds the same)
COOKIE_SET_KEY = "auth_cookie_set"  # the token this tab was given at sign-in, for the browser to store
COOKIE_CLEAR_KEY = "auth_cookie_clear"  # a token that ended: the browser forgets its cookie if it still holds it
RESTORE_TRIED_KEY = "auth_restore_tried"  # the cookie of this browser session was looked at (once per session)
TOUCHED_KEY = "auth_touched"  # time.time() when the session's activity was last written to the database
SESSION_ENDED_KEY = "auth_session_ended"  # why a session could not be restored or was ended elsewhere
# Why a session ended, and what the sign-in page says (the idle time-out has its own text, with the minutes).
SESSION_ENDED_TEXTS = {
    UNKNOWN: "session.ended.unknown", EXPIRED: "session.ended.expired", SIGN_OUT: "session.ended.sign_out",
    ORGANISER: "session.ended.organiser", DISABLED: "session.ended.disabled", INACTIVE: "session.ended.disabled",
    PASSWORD: "session.ended.password", ROLE_CHANGED: "session.ended.role_changed",
}
TRUSTED_PROXY_ENV = "JUDGING_TRUSTED_PROXY"  # "1" behind nginx: take the address from X-Forwarded-For
DISPLAY_TIMEZONE = "Asia/Shanghai"  # when the browser does not tell us its zone (tests, old browsers)


@dataclass(frozen=True)
class SignedIn:
    """The account of this browser tab, as checked against the database on every page run."""

    id: int
    username: str
    display_name: str
    role: str

    @property
    def actor(self) -> Actor:
        """The tab's actor as it signed in (for its own events; pages resolve theirs with ``require_page``)."""
        return Actor(id=self.id, username=self.username, role=self.role)


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    # one engine (connection pool) per process and URL: shared on purpose, it holds no user data
    return open_database(url)


def engine() -> Engine:
    return _engine_for(database_url())


# --- language --------------------------------------------------------------------------------

# The tab's language for the rest of this run, set by ``language_switch`` at its start: ``tr`` then does not
# read ``st.session_state``, where a run is stopped when a new request waits (a success message built
# after a commit was lost there: docs/architecture.md, "Forms that write"). Cleared as the page's run ends.
_RUN_LANG: ContextVar[str | None] = ContextVar("judging_run_language", default=None)


def lang() -> str:
    cached = _RUN_LANG.get()
    if cached is not None:
        return cached
    value = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def forget_run_language() -> None:
    """The run is over: the next one (or a callback before it, on the same thread) reads the tab's choice."""
    _RUN_LANG.set(None)


def tr(key: str, /, **params: object) -> str:
    """The text for ``key`` in this tab's language."""
    return t(key, lang(), **params)


def language_switch() -> None:
    _RUN_LANG.set(None)  # the tab's choice, as it is now
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = DEFAULT_LANGUAGE
    st.sidebar.radio(
        t("app.language", lang()), LANGUAGES, key=LANG_KEY, horizontal=True,
        format_func=lambda code: t(f"app.language.{code}", code),
    )
    _RUN_LANG.set(lang())  # for the rest of this run


# --- who is signed in ------------------------------------------------------------------------

def current_user(*, start_of_run: bool = False) -> SignedIn | None:
    """The tab's account; signed out (and told why) after ``session_idle_minutes()`` without a user action.

    The router calls it with ``start_of_run`` once per full run of the app. A full run comes from the
    user (a click, a field left, another page), so it counts as activity, except the one a timer asks
    for with ``rerun_app_by_timer``; fragment runs (timers) do not call it. Pages call it again
    (``require_page``) without counting anything.
    """
    idle = _idle_minutes()
    users_action = start_of_run and not st.session_state.pop(TIMER_RUN_KEY, False)
    user = st.session_state.get(USER_KEY)
    if user is None and start_of_run:
        user = _restore_from_cookie(idle)
    if user is None or _expire_if_idle(idle):
        return None
    if start_of_run and not _session_still_good(idle):
        return None
    if users_action:
        st.session_state[LAST_SEEN_KEY] = time.time()
        _touch_session(idle)
    return user


def _cookie_token() -> str:
    try:
        value = st.context.cookies.get(browser_shell.COOKIE_NAME)
    except Exception:  # no browser context (scripts)
        return ""
    return value if isinstance(value, str) else ""


def _restore_from_cookie(idle: float) -> SignedIn | None:
    """The account of the browser's session cookie when that session is still good (after F5, a
    reconnect, a server restart, on another replica); looked at once per browser session, since the
    cookies Streamlit reports are those of the session's first request."""
    if st.session_state.get(RESTORE_TRIED_KEY):
        return None
    st.session_state[RESTORE_TRIED_KEY] = True
    token = _cookie_token()
    if not token:
        return None
    eng = engine()
    with read_session(eng) as s:
        check = check_session(s, token=token, idle_minutes=idle + _slack_minutes(idle))
        signed = _signed_in(s, check.actor)
    if signed is None:
        _session_ended(token, check.reason, idle)
        return None
    with write_session(eng) as s:
        touch_session(s, token=token)
        record_event(s, actor=check.actor, action="auth.session_restored", subject=f"user:{signed.id}",
                     payload={"address": client_address() or ""})
    st.session_state[USER_KEY] = signed
    st.session_state[SESSION_TOKEN_KEY] = token
    st.session_state[LAST_SEEN_KEY] = st.session_state[TOUCHED_KEY] = time.time()
    return signed


def _session_still_good(idle: float) -> bool:
    """Whether the tab's session is still good in the database (one look-up per full run): a sign-out in
    another tab, an organiser's "sign out everywhere" or a changed account signs this tab out too.

    A tab signed in without a token (the page tests, which seed the account) has nothing to check.
    """
    token = st.session_state.get(SESSION_TOKEN_KEY)
    if not token:
        return True
    with read_session(engine()) as s:
        check = check_session(s, token=token, idle_minutes=idle + _slack_minutes(idle))
    if check.ok and check.actor.id == st.session_state[USER_KEY].id:
        return True
    sign_out("session", ended=check.reason or UNKNOWN)
    return False


def _session_ended(token: str, reason: str, idle: float) -> None:
    """Remember why the session ``token`` ended, for the sign-in page, and have the browser forget it;
    a session that failed its checks (expired, idle, account changed) is revoked for good."""
    st.session_state[SESSION_ENDED_KEY] = reason
    if reason == IDLE:
        st.session_state[EXPIRED_KEY] = minutes_text(idle)
    st.session_state[COOKIE_CLEAR_KEY] = token
    if reason in (EXPIRED, IDLE, INACTIVE, ROLE_CHANGED):
        try:
            with write_session(engine()) as s:
                revoke_session(s, token=token, reason=reason)
        except (SQLAlchemyError, JudgingError):  # the checks fail closed whether or not this is written
            pass


def _slack_minutes(idle: float) -> float:
    # the database hears of activity at most every activity_ping_seconds: the tab's own clock is the finer one
    return activity_ping_seconds(idle) * 2 / 60


def _touch_session(idle: float) -> None:
    """Write the tab's activity to its session in the database, at most every ``activity_ping_seconds``."""
    token = st.session_state.get(SESSION_TOKEN_KEY)
    last = st.session_state.get(TOUCHED_KEY, 0.0)
    if not token or time.time() - last < activity_ping_seconds(idle):
        return
    st.session_state[TOUCHED_KEY] = time.time()
    try:
        with write_session(engine()) as s:
            touch_session(s, token=token)
    except (SQLAlchemyError, JudgingError):  # busy: the next activity writes it
        pass


def rerun_app_by_timer() -> None:
    """Rerun the whole app from a timer fragment without counting the run as the user's activity."""
    st.session_state[TIMER_RUN_KEY] = True
    st.rerun(scope="app")


def watch_idle(page: str) -> None:
    """Sign the tab out by itself once it has been idle too long, even if nobody clicks again.

    A small fragment reruns every ``idle_check_seconds()``: a fragment run reruns only the fragment,
    so what is typed into the page's fields stays (not stored, not wiped) and the run does not count
    as activity. A tick reads the session state only (no database query). The fragment also holds the
    browser's frame (``mount_shell``), whose activity pings run it too: what the person does in the
    page (typing included) counts, and is written to the session at most every ``activity_ping_seconds``.
    """
    if st.session_state.get(USER_KEY) is None or page in UNATTENDED_PAGES:
        mount_shell(watch=False)
        return
    st.fragment(_idle_tick, run_every=idle_check_seconds(_idle_minutes()), key=IDLE_WATCH_KEY)()


def _idle_tick() -> None:
    idle = _idle_minutes()
    if _expire_if_idle(idle):
        st.rerun(scope="app")  # the whole app, so that the page gives way to the sign-in form
    mount_shell(watch=True)


def mount_shell(*, watch: bool) -> None:
    """The page's frame in the browser (``browser_shell``): the session cookie and the connection banner
    on every page; on a signed-in page watched for idleness (``watch``), the activity beacon and the warning."""
    idle = _idle_minutes()
    token = st.session_state.get(COOKIE_SET_KEY)
    cookie = {"name": browser_shell.COOKIE_NAME, "set": token, "clear_if": st.session_state.get(COOKIE_CLEAR_KEY),
              "max_age": int(_session_hours() * 3600) if token else 0}
    idle_watch = None
    if watch:
        left = idle * 60 - (time.time() - st.session_state.get(LAST_SEEN_KEY, time.time()))
        idle_watch = {"idle_left_s": max(0.0, left), "warn_s": idle_warning_seconds(idle),
                      "ping_s": activity_ping_seconds(idle)}
    texts = {"offline": tr("session.offline"), "idle_warning": tr("session.idle_warning", seconds="{seconds}"),
             "stay": tr("session.stay")}
    browser_shell.mount(lang=lang(), texts=texts, cookie=cookie, watch=idle_watch,
                        on_activity=_on_activity)


def _on_activity() -> None:
    """The browser saw the person act (typing, scrolling, focus, the warning's button): activity, stored
    in the tab and, at most every ``activity_ping_seconds``, in the database. Runs before the idle watch's
    fragment run; a tab that is past its time-out is signed out by that run all the same."""
    idle = _idle_minutes()
    last_seen = st.session_state.get(LAST_SEEN_KEY)
    if st.session_state.get(USER_KEY) is None or last_seen is None or time.time() - last_seen > idle * 60:
        return
    st.session_state[LAST_SEEN_KEY] = time.time()
    _touch_session(idle)


def _expire_if_idle(idle: float) -> bool:
    """Sign the tab out when its last user action is more than ``idle`` minutes old; whether it did."""
    last_seen = st.session_state.get(LAST_SEEN_KEY)
    if last_seen is None or time.time() - last_seen <= idle * 60:
        return False
    sign_out("idle")
    st.session_state[EXPIRED_KEY] = minutes_text(idle)
    return True


def _idle_minutes() -> float:
    try:
        return session_idle_minutes()
    except ConfigError as exc:  # a deployment mistake: say so on every page instead of guessing a time-out
        show_error(exc)
        st.stop()


def client_address() -> str | None:
    """The browser's address: behind a reverse proxy that we trust (``JUDGING_TRUSTED_PROXY=1``) the
    first ``X-Forwarded-For`` hop, otherwise the connection's address (None for localhost)."""
    try:
        if os.environ.get(TRUSTED_PROXY_ENV) == "1":
            forwarded = st.context.headers.get("X-Forwarded-For", "")
            if isinstance(forwarded, str) and forwarded.strip():
                return forwarded.split(",")[0].strip()
        address = st.context.ip_address
    except Exception:  # no browser context (scripts)
        return None
    return address if isinstance(address, str) else None  # AppTest has a mock connection


def authenticate(eng: Engine, username: str, password: str, address: str | None = None) -> SignedIn | None:
    """The account when the password matches an active user, else None (records the sign-in).

    Raises ``PermissionDenied`` while the user name or the address is locked after too many
    failures (the password is then not even checked); the counters are in the database.
    """
    username = username.strip()
    with write_session(eng) as s:  # counted before the password is checked: parallel attempts cannot pass the limit
        locked = count_attempt(s, username=username, address=address)
    if locked:
        raise PermissionDenied(Problem("trust.locked", {"minutes": minutes(locked)}))
    with read_session(eng) as s:
        actor = actor_by_password(s, username=username, password=password)
        signed = _signed_in(s, actor)
    with write_session(eng) as s:
        settle_attempt(s, username=username, address=address, ok=actor is not None)
        if actor is not None:
            record_event(s, actor=actor, action="auth.sign_in", subject=f"user:{actor.id}",
                         payload={"address": address or ""})
    return signed


def _signed_in(session, actor: Actor | None) -> SignedIn | None:
    if actor is None:
        return None
    return SignedIn(actor.id, actor.username, display_name_of(session, actor=actor), actor.role)


def sso_configured() -> bool:
    """Whether single sign-on is set up: an ``[auth]`` section in ``.streamlit/secrets.toml``."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file
        return False


def sso_user(eng: Engine) -> SignedIn | None:
    """The account of the identity the provider vouched for (``st.user``), mapped by email."""
    if not sso_configured() or not st.user.is_logged_in:
        return None
    with read_session(eng) as s:
        actor = actor_for_claims(s, st.user.to_dict())
        signed = _signed_in(s, actor)
    if actor is not None:
        with write_session(eng) as s:
            record_event(s, actor=actor, action="auth.sign_in_sso", subject=f"user:{actor.id}")
    return signed


def sign_in(user: SignedIn) -> None:
    """Sign the tab in and give the browser a new session token (stored hashed), kept in its cookie."""
    with write_session(engine()) as s:
        token = issue_session(s, actor=user.actor, hours=_session_hours())
    st.session_state[USER_KEY] = user
    st.session_state[SESSION_TOKEN_KEY] = st.session_state[COOKIE_SET_KEY] = token
    st.session_state[LAST_SEEN_KEY] = st.session_state[TOUCHED_KEY] = time.time()
    st.session_state.pop(COOKIE_CLEAR_KEY, None)


def _session_hours() -> float:
    try:
        return session_hours()
    except ConfigError as exc:  # a deployment mistake: say so instead of guessing a lifetime
        show_error(exc)
        st.stop()


def sign_out(reason: str = "button", *, ended: str = "") -> None:
    """Forget the tab's account (keeping its language), end its session token and have the browser forget
    the cookie, then record ``auth.sign_out`` with the reason: ``button``, ``idle`` (the time-out),
    ``inactive`` (the account was switched off or deleted) or ``session`` (the session ended elsewhere:
    ``ended`` says why, and the sign-in page says it too).

    The tab is signed out first: a database that is busy or unreachable must never keep it signed in.
    An idle tab ends the session only if no other tab of the browser used it within the time-out.
    """
    forms.forget_tab()  # one-time passwords and messages kept for the tab go with the account
    user = st.session_state.get(USER_KEY)
    token = st.session_state.get(SESSION_TOKEN_KEY)
    keep = {LANG_KEY: st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE), RESTORE_TRIED_KEY: True}
    for key in list(st.session_state):
        del st.session_state[key]
    st.session_state.update(keep)
    if ended:
        st.session_state[SESSION_ENDED_KEY] = ended
    if token:
        st.session_state[COOKIE_CLEAR_KEY] = token
    if user is not None:
        try:
            with write_session(engine()) as s:
                if token and not ended:
                    idle = reason == "idle"
                    live = revoke_session(s, token=token, reason={"idle": IDLE, "inactive": INACTIVE}.get(reason, SIGN_OUT),
                                          unless_seen_since=_idle_cutoff() if idle else None)
                    if idle and not live and _session_live(s, token):
                        st.session_state.pop(COOKIE_CLEAR_KEY, None)  # another tab is working in it
                record_event(s, actor=user.actor, action="auth.sign_out",
                             subject=f"user:{user.id}", payload={"reason": reason})
        except (SQLAlchemyError, JudgingError):  # busy or unreachable: the tab is signed out all the same
            pass
    if sso_configured() and st.user.is_logged_in:
        st.logout()  # else the provider's cookie would sign the tab straight back in


def _idle_cutoff() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=_idle_minutes())


def _session_live(session, token: str) -> bool:
    return check_session(session, token=token, idle_minutes=_idle_minutes()).ok


def session_end_message() -> str | None:
    """Why this tab was signed out without asking (idle, or its session ended elsewhere), once; else None."""
    idle = st.session_state.pop(EXPIRED_KEY, None)
    ended = st.session_state.pop(SESSION_ENDED_KEY, None)
    if idle is not None or ended == IDLE:
        return tr("trust.session_expired", minutes=idle or minutes_text(_idle_minutes()))
    if ended == EXPIRED:
        return tr("session.ended.expired", hours=minutes_text(_session_hours()))
    return tr(SESSION_ENDED_TEXTS[ended]) if ended in SESSION_ENDED_TEXTS else None


def require_page(page: str) -> Actor:
    """The actor of this run when the role of the tab's account (as stored now) may open ``page`` in
    the one permission table (``permissions.PAGES``); otherwise stop the page.

    Every page calls this itself: the menu only hides pages, it does not protect them. The actor is
    resolved here once per run and handed to every store call the page makes.
    """
    user = current_user()
    if user is None:
        st.warning(tr("auth.sign_in_first"))
        st.stop()
    with read_session(engine()) as s:
        actor = resolve_actor(s, user_id=user.id)
    if actor is None or not actor.active or actor.username != user.username:
        sign_out("inactive")
        st.warning(tr("auth.sign_in_first"))
        st.stop()
    if not page_allowed(actor.role, page):
        _record_page_refusal(actor, page)
        st.error(tr("auth.forbidden"))
        st.stop()
    return actor


def rerun_app_if_refused(body):
    """For a timer fragment's body: a read the store refuses (the account was switched off or its role
    changed since the page opened) reruns the whole app, whose role check then signs the tab out or
    shows the refusal once, instead of the timer recording a refusal on every tick."""
    @functools.wraps(body)
    def run(*args, **kwargs):
        try:
            return body(*args, **kwargs)
        except PermissionDenied:
            st.rerun(scope="app")
    return run


def _record_page_refusal(actor: Actor, page: str) -> None:
    try:
        url = st.context.url or ""
    except Exception:  # no browser context (AppTest, scripts)
        url = ""
    record_refusal(engine(), refuse(actor=actor, action="page.open", reason=f"role:{actor.role}",
                                    detail={"page": url, "path": page, "roles": sorted(PAGES.get(page, ()))}))


# --- text and time ---------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def plain(text: str) -> str:
    """Entry or judge text made inert for Streamlit markdown (no links, images, colours or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text or "").replace("\n", "  \n")


def show_error(exc: JudgingError) -> None:
    """A refusal on the page, as text: the values it quotes (titles, names, a file's cells) are never
    read as Markdown (no bold, links or remote images)."""
    st.error(plain(exc.render(lang())))


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
