"""Forms whose submit counts once.

Streamlit answers a click on a form's submit button with a run of the page in which the button
returns True. A second click before the browser has the page of that run (a double click, or a click
again while a slow write is going) asks for one more such run. Measured in Chromium on the objection
form, two clicks 100–200 ms apart:

- with ``runner.fastReruns`` (Streamlit's default) the second run started while the first was still
  writing: 1 in 8 pairs stored the objection twice (2 in 18 with the rules below alone). Both runs saw
  the same press, so the press itself is stored with the write: ``submit`` claims it
  (``judging.store.db.claim_press``: the tab, its token, the form's name and its committed presses), the first write session
  of the run stores it in the same transaction, and the database's unique key lets one run store it.
  The other run's write raises ``PressAlreadyStored`` before it has written anything; the page runner
  (``incidents.guard_page``) answers with the page as it now is, with the first run's message.
- Runs still stop at any read or write of ``st.session_state`` while a new request
  waits. The first run was stopped there just after its commit, before it had marked the form as done
  (the success message's ``tr`` reads the language), and the second run stored the objection again.
- Once the fields had been emptied, the second click answered the stored objection with "fill in the
  name" (3 in 8 pairs).

So a write form keeps its state in this process's memory, not in ``st.session_state``, where reading
it can stop the run, and:

- ``stored()``, called at once after the write's commit (nothing between them reads session state),
  gives the form a new id: the button of the old form that the second click meant is gone, and fields
  keyed with ``form.key`` start empty;
- a press within ``DOUBLE_CLICK_S`` of the form's stored write lands on the new form's button: it is
  taken for the second half of the double click and ignored;
- a refused write keeps the id, so that what was typed stays for the correction;
- a run stopped before its write has stored nothing, and the next run takes the press.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from judging.store.db import claim_press

DOUBLE_CLICK_S = 1.0  # no one fills in a form and presses its button again this soon after a stored write


@dataclass
class _TabForms:
    writes: dict[str, int] = field(default_factory=dict)  # form name → its stored writes (the id's counter)
    presses: dict[str, int] = field(default_factory=dict)  # form name → its presses whose write committed
    stored_at: dict[str, float] = field(default_factory=dict)  # form name → when its last write was stored
    message: tuple[str, float | None, str] | None = None  # a stored write's message, when first shown, its page
    token: str = field(default_factory=lambda: uuid.uuid4().hex)  # in press keys: a forgotten tab's ids are new
    seen: float = 0.0  # the last run that asked for this tab's forms
    kept: dict[str, Any] = field(default_factory=dict)  # what a stored write gave this tab to show (``keep``)


_TABS: dict[str, _TabForms] = {}  # per Streamlit session (tab); a few hundred bytes each
_LOCK = threading.Lock()
TAB_FORGET_S = 24 * 3600.0  # a tab with no run for this long is forgotten (its fields start empty if it comes back)
_PRUNED_AT = [0.0]
# per run, not per tab: with fast reruns a second run of the tab starts while the first is still going
_PRESSED: ContextVar[str | None] = ContextVar("judging_pressed_form", default=None)  # the press this run took
_RUN_PAGE: ContextVar[str | None] = ContextVar("judging_run_page", default=None)  # the page this run shows


def _now() -> float:
    return time.monotonic()


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def _page() -> str:
    page = _RUN_PAGE.get()
    if page is not None:
        return page
    ctx = get_script_run_ctx()  # the session's current page: another run may have moved it meanwhile
    return ctx.page_script_hash if ctx is not None else ""


def start_page(page: str) -> None:
    """This run shows ``page`` (the router calls it before the page runs): its kept messages are that page's."""
    _RUN_PAGE.set(page)


def _tab() -> _TabForms:
    session, now = _session_id(), _now()
    with _LOCK:
        if now - _PRUNED_AT[0] > TAB_FORGET_S / 100:
            _PRUNED_AT[0] = now
            for gone in [k for k, tab in _TABS.items() if now - tab.seen > TAB_FORGET_S and k != session]:
                del _TABS[gone]
        tab = _TABS.setdefault(session, _TabForms())
        tab.seen = now
        return tab


def form_key(name: str) -> str:
    """The id form ``name`` has in this tab now: a new one after each of its stored writes."""
    return f"{name}~{_tab().writes.get(name, 0)}"


class WriteForm:
    """An open write form: ``key`` prefixes fields that should start empty once a write is stored."""

    def __init__(self, name: str, *, once: bool = True) -> None:
        self.name = name
        self.key = form_key(name)
        self.once = once

    def submit(self, label: str, **kwargs: Any) -> bool:
        """The form's submit button; True in the run its press asked for (see the module's text)."""
        return st.form_submit_button(label, **kwargs) and _take_press(self.name, once=self.once)


def _take_press(name: str, *, once: bool = True) -> bool:
    """This run takes the press of form or button ``name``, unless it is the second half of a double click
    on what came back after a stored write; with ``once`` its first write stores the press (``claim_press``)."""
    tab = _tab()
    if _now() - tab.stored_at.get(name, -DOUBLE_CLICK_S) < DOUBLE_CLICK_S:
        return False
    _PRESSED.set(name)
    if not once:
        return True
    n = tab.presses.get(name, 0)
    claim_press(f"{_session_id()}/{tab.token}/{name}#{n}", lambda: _press_used(tab, name, n))  # once for both runs
    return True


def _press_used(tab: _TabForms, name: str, n: int) -> None:
    """Press ``n`` of ``name`` was committed with a write: the next press has a new key."""
    with _LOCK:
        tab.presses[name] = max(tab.presses.get(name, 0), n + 1)


def write_button(label: str, *, key: str, **kwargs: Any) -> bool:
    """``st.button`` for a button that writes: True in the run its press asked for, like a form's
    ``submit``. The handler calls ``stored`` at once after its commit (``run_write`` does). The key stays:
    a double click's second run either overlaps the first (its write raises ``PressAlreadyStored``) or
    comes after the stored write (within ``DOUBLE_CLICK_S``: ignored)."""
    return st.button(label, key=key, **kwargs) and _take_press(key)


@contextmanager
def write_form(name: str, *, once: bool = True, **kwargs: Any) -> Iterator[WriteForm]:
    """``st.form`` for a form that writes: open it with ``with write_form(name) as form`` and give it
    ``form.submit(label)`` as its button. ``once=False`` for a form whose press may rightly write again
    when a second run of it comes (signing in: the second run signs in, where "already stored" would
    leave the tab signed out)."""
    form = WriteForm(name, once=once)
    with st.form(form.key, **kwargs):
        yield form


def stored() -> None:
    """The write the pressed form asked for is committed: call at once, before any Streamlit call or
    read of ``st.session_state``, where the run can be stopped. That form gets a new id."""
    tab, name = _tab(), _PRESSED.get()
    _PRESSED.set(None)
    if name is not None:
        tab.writes[name] = tab.writes.get(name, 0) + 1
        tab.stored_at[name] = _now()


def keep_message(message: str) -> None:
    """Keep a stored write's message for the next runs (``flash`` in organiser_common shows it); kept here
    and not in ``st.session_state``, so that keeping it cannot stop the run after the write."""
    _tab().message = (message, None, _page())


def keep(name: str, value: Any) -> None:
    """Keep what a stored write gave this tab (such as the one-time passwords of judges just imported),
    in the process's memory and not in ``st.session_state``: keeping it cannot stop the run after the
    commit, so it cannot be lost there."""
    _tab().kept[name] = value


def kept(name: str) -> Any:
    """What ``keep`` kept under ``name`` in this tab, or None."""
    return _tab().kept.get(name)


def take(name: str) -> Any:
    """What ``keep`` kept under ``name``, forgotten now (shown once), or None."""
    return _tab().kept.pop(name, None)


def kept_message(keep_s: float) -> str | None:
    """The kept message, in the runs of ``keep_s`` seconds from its first showing, on the page whose write
    kept it (another page drops it: its words are about that write)."""
    tab = _tab()
    if tab.message is None:
        return None
    message, first_shown, page = tab.message
    now = _now()
    if page != _page():
        tab.message = None
        return None
    if first_shown is None:
        tab.message = (message, now, page)
    elif now - first_shown > keep_s:
        tab.message = None
        return None
    return message


def new_run() -> None:
    """The start of a full run of the app: no form's press is taken in it yet (a refused one is forgotten)."""
    _PRESSED.set(None)
    claim_press(None)


def end_of_run() -> None:
    """The page's run is over (``incidents.guard_page``), also one whose press another run stored
    (``PressAlreadyStored``): nothing of it, no press taken or claimed, is left to a callback on this thread."""
    new_run()
    _RUN_PAGE.set(None)


def forget_tab() -> None:
    """Sign-out: what this tab was given to show (one-time passwords, messages) goes with the account."""
    tab = _tab()
    tab.kept.clear()
    tab.message = None
