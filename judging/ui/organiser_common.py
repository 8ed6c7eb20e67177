"""What the organiser pages share: the edition and round this tab works on, and problem tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import pandas as pd
import streamlit as st

from judging.core.permissions import Actor
from judging.core.states import RoundStatus
from judging.errors import JudgingError, Problem
from judging.store.db import read_session, write_session
from judging.store.editions import list_editions, rounds_of
from judging.store.models import Edition, Round
from judging.ui import forms
from judging.ui.common import engine, lang, require_page, show_error, tr

EDITION_KEY = "oc_edition"  # per tab: the edition the organiser is working on
ROUND_KEY = "oc_round"

RowT = TypeVar("RowT")


def round_page(title_key: str, page: str, *, round_label_key: str = "oc.round") -> tuple[Actor, Edition, Round] | None:
    """The head every round page shares: the access check of ``page``, the title, a pending message,
    and the edition and round this tab works on; None (with a hint) while there is nothing to choose."""
    user = require_page(page)
    st.title(tr(title_key))
    flash()
    edition = choose_edition()
    if edition is None:
        return None
    rnd = choose_round(edition, label_key=round_label_key)
    if rnd is None:
        return None
    return user, edition, rnd


def choose_edition() -> Edition | None:
    """A select box of editions (newest first); None, with a hint, when there is none yet."""
    with read_session(engine()) as s:
        editions = list_editions(s)
    return choose_row(editions, key=EDITION_KEY, label=tr("oc.edition"), empty=tr("oc.no_edition"),
                      format_func=lambda e: f"{e.year} · {e.name}")


def choose_round(edition: Edition, *, label_key: str = "oc.round") -> Round | None:
    with read_session(engine()) as s:
        rounds = rounds_of(s, edition.id)
    # the label must not change while the page is open (a status change would reset the choice)
    rnd = choose_row(rounds, key=ROUND_KEY, label=tr(label_key), empty=tr("oc.no_round"), format_func=lambda r: r.name)
    if rnd is not None:
        st.caption(tr("oc.round_status", status=tr(RoundStatus(rnd.status).text_key)))
    return rnd


def choose_row(rows: Sequence[RowT], *, key: str, label: str, empty: str,
               format_func: Callable[[RowT], str]) -> RowT | None:
    """A select box over rows with an ``id``, remembered per tab under ``key`` and starting at the
    first row; None, with the hint ``empty``, when there is nothing to choose."""
    if not rows:
        st.info(empty)
        return None
    by_id = {row.id: row for row in rows}
    if st.session_state.get(key) not in by_id:
        st.session_state[key] = rows[0].id
    chosen = st.selectbox(label, list(by_id), key=key, format_func=lambda i: format_func(by_id[i]))
    return by_id[chosen]


def problem_table(problems: list[Problem]) -> None:
    """Every problem as a table row: where, row, column, what to fix (text only, never markup)."""
    st.dataframe(pd.DataFrame([
        {tr("oc.col_where"): p.where, tr("oc.col_row"): "" if p.row is None else str(p.row),
         tr("oc.col_column"): p.column or "", tr("oc.col_problem"): p.message(lang())}
        for p in problems
    ]), hide_index=True, width="stretch")


# a stored write's message shows in the runs of this many seconds from its first showing: a second
# click on the form's button (gone by then) asks for one more run, which would otherwise wipe it, and
# the organiser saw no word that the first click had stored anything
FLASH_KEEP_S = 5.0


def flash(message: str | None = None) -> None:
    """Show a message kept across ``st.rerun`` (set one with ``flash_next``), or ``message``."""
    text = forms.kept_message(FLASH_KEEP_S) if message is None else message
    if text:
        st.success(text)


def flash_next(message: str) -> None:
    """Keep ``message`` for the next run (a write form calls ``forms.stored`` before, at once after its commit)."""
    forms.keep_message(message)


def run_write(action, done: str, *, problems_as_table: bool = True) -> None:
    """Run a write; show what went wrong, or keep the success message across the rerun.

    Problems come as a table (where, row, column: input checks), or with ``problems_as_table=False``
    as one error message (a refusal that is a single sentence, such as freezing a list too early).
    """
    try:
        with write_session(engine()) as s:
            action(s)
        forms.stored()  # before anything reads st.session_state, where the run can be stopped
    except JudgingError as exc:
        if problems_as_table:
            st.error(tr("oc.asg.not_changed"))
            problem_table(exc.problems)
        else:
            show_error(exc)
    else:
        flash_next(done)
        st.rerun()
