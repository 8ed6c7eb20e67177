"""An error a user meets: logged with its traceback under a short incident id, shown to the user as that id only.

The router runs every page through ``guard_page``. When the server hides error details
(``client.showErrorDetails = "none"``, as ``judging serve`` sets it), an exception becomes a message
with the incident id, and the log line with the same id holds the traceback, the page and the
account. Otherwise (a developer's ``streamlit run``, the tests) the exception is raised as it is.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import streamlit as st

from judging import logs
from judging.store.db import PressAlreadyStored
from judging.ui import forms
from judging.ui.common import forget_run_language, tr

log = logs.get("incidents")
HIDDEN = {"none", "false", "False"}  # the showErrorDetails values that hide everything (False: the old spelling)


_configured: list[bool] = []


def setup_logging() -> None:
    """Configure the server's log on the first run of the app in this process (``judging.logs``)."""
    if not _configured:
        logs.configure()
        _configured.append(True)


def new_incident_id() -> str:
    return secrets.token_hex(4)  # 8 hex digits: short enough to read out on the phone, 4 billion values


def errors_hidden() -> bool:
    return str(st.get_option("client.showErrorDetails")) in HIDDEN


def guard_page(run: Callable[[], object], *, page: str, username: str | None) -> None:
    """Run a page; an exception becomes an incident id on the page and a traceback in the log."""
    forms.start_page(page)
    try:
        run()
    except PressAlreadyStored as exc:  # a double click's second run: the first stored the press and keeps its message
        log.info("press %s was stored by another run of it; this run stored nothing", exc)
        st.rerun()  # the page as it now is (end_of_run below forgets this run's press)
    except Exception:
        if not errors_hidden():
            raise
        incident = new_incident_id()
        log.exception("page failed", extra={"incident": incident, "page": page, "user": username or ""})
        st.error(tr("app.incident", id=incident))
    finally:  # a press this run took but did not write (a check refused it first) is not the next callback's
        forms.end_of_run()
        forget_run_language()
