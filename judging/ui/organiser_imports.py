"""Imports: entries and judges from CSV/XLSX, checked before anything is stored, and judges' sign-in handouts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.handout import Account, accounts_csv, prepare_passwords
from judging.core.import_matches import ADD, MATCH_CHOICES, REFUSE, EntryMatch
from judging.core.imports import check_judges
from judging.core.permissions import Actor
from judging.errors import ImportValidationError
from judging.store.db import read_session, write_session
from judging.store.editions import tracks_of
from judging.store.imports import entry_import_plan, import_entries, import_judges
from judging.store.people import list_judges, set_passwords, taken_usernames
from judging.ui import forms
from judging.ui.common import engine, lang, require_page, tr
from judging.ui.forms import write_form
from judging.ui.organiser_common import choose_edition, flash, flash_next, problem_table

ACCOUNTS_KEY = "oc_issued_accounts"  # this tab's handout (passwords are never stored in clear), in forms.keep
UPLOAD_ROUND = "oc_imp_upload_round"  # bumped after an import, so the uploaders start empty again
PREVIEW_ROWS = 200


def render() -> None:
    user = require_page("imports")
    st.title(tr("page.oc_imports"))
    flash()
    edition = choose_edition()
    if edition is None:
        return
    n = st.session_state.setdefault(UPLOAD_ROUND, 0)
    # a radio, not tabs: the choice survives the reruns an upload causes
    part = st.radio(tr("oc.imp.part"), ("entries", "judges"), horizontal=True, key="oc_imp_part",
                    format_func=lambda p: tr(f"oc.imp.tab_{p}"), label_visibility="collapsed")
    if part == "entries":
        _entries(edition, user, n)
    else:
        _judges(edition, user, n)
        _handout(user)


def _sign_in_url() -> str:
    try:
        return st.context.url or ""
    except Exception:  # no browser (AppTest)
        return ""


def _report(problems, records: list[dict], columns: dict[str, str], notes=()) -> bool:
    """The validation report: every problem as a table (nothing imported), or a preview of the records
    with what the file was read as (e.g. the header found below a title row)."""
    if problems:
        st.error(tr("oc.imp.nothing_imported", n=len(problems)))
        problem_table(problems)
        return False
    for note in notes:
        st.info(note.message(lang()))  # numbers only: no user text in it
    st.success(tr("oc.imp.ready", n=len(records)))
    preview = pd.DataFrame(records[:PREVIEW_ROWS])[list(columns)].rename(columns=columns)
    st.dataframe(preview, hide_index=True, width="stretch")
    return True


def _entries(edition, actor: Actor, n: int) -> None:
    st.caption(tr("oc.imp.entries_help"))
    upload = st.file_uploader(tr("oc.imp.entries_file"), type=["csv", "xlsx"], key=f"oc_imp_entries_{n}")
    if upload is None:
        return
    data = upload.getvalue()
    with read_session(engine()) as s:
        plan = entry_import_plan(s, edition_id=edition.id, data=data, actor=actor)
    columns = {"code": tr("oc.col_code"), "track": tr("oc.col_track"), "title": tr("oc.col_title"),
               "organisation": tr("oc.col_organisation"), "recommending_unit": tr("oc.col_recommending")}
    if not _report(plan.problems, plan.records, columns, plan.notes):
        return
    on_match = _matches(plan.matches, n)
    if on_match == REFUSE:
        return
    if forms.write_button(tr("oc.imp.import_entries", n=len(plan.records)), type="primary", key="oc_imp_entries_go"):
        bar = st.progress(0.0, text=tr("oc.imp.storing"))
        try:
            with write_session(engine()) as s:
                outcome = import_entries(s, edition_id=edition.id, data=data, on_match=on_match, actor=actor)
            forms.stored()  # at once after the commit, before any Streamlit call can stop the run
            flash_next(tr("oc.imp.entries_updated", n=outcome.imported, updated=outcome.updated,
                          conflicts=outcome.conflicts) if outcome.updated else
                       tr("oc.imp.entries_imported", n=outcome.imported, conflicts=outcome.conflicts))
        except ImportValidationError as exc:  # the data changed since the check (another organiser)
            bar.empty()
            st.error(tr("oc.imp.nothing_imported", n=len(exc.problems)))
            problem_table(exc.problems)
            return
        bar.progress(1.0, text=tr("oc.imp.done"))
        st.session_state[UPLOAD_ROUND] = n + 1
        st.rerun()


def _matches(matches: list[EntryMatch], n: int) -> str:
    """The rows already in the edition, row by row, and what the organiser chooses to do with them
    (nothing is imported until they choose); ``ADD`` when there are none."""
    if not matches:
        return ADD
    st.warning(tr("oc.imp.matches", n=len(matches)))
    st.dataframe(pd.DataFrame([{
        tr("oc.imp.col_position"): m.position, tr("oc.col_title"): m.title, tr("oc.col_organisation"): m.organisation,
        tr("oc.imp.col_existing"): m.existing_code, tr("oc.imp.col_match"): tr(f"oc.imp.match_by_{m.by}"),
    } for m in matches]), hide_index=True, width="stretch")
    return st.radio(tr("oc.imp.on_match"), MATCH_CHOICES, format_func=lambda c: tr(f"oc.imp.on_match.{c}"),
                    key=f"oc_imp_on_match_{n}")


def _judges(edition, actor: Actor, n: int) -> None:
    st.caption(tr("oc.imp.judges_help"))
    upload = st.file_uploader(tr("oc.imp.judges_file"), type=["csv", "xlsx"], key=f"oc_imp_judges_{n}")
    if upload is None:
        return
    data = upload.getvalue()
    with read_session(engine()) as s:
        tracks = tracks_of(s, edition.id)
        existing = taken_usernames(s, actor=actor)
    report = check_judges(data, tracks=tracks, existing_usernames=existing)
    columns = {"username": tr("oc.handout.username"), "display_name": tr("oc.handout.name"),
               "organisation": tr("oc.handout.organisation"), "expertise": tr("oc.col_expertise")}
    if not _report(report.problems, report.records, columns, report.notes):
        return
    if forms.write_button(tr("oc.imp.import_judges", n=len(report.records)), type="primary", key="oc_imp_judges_go"):
        usernames = [r["username"] for r in report.records]
        bar = st.progress(0.0, text=tr("oc.imp.passwords"))
        prepared = prepare_passwords(usernames, progress=lambda share: bar.progress(
            0.9 * share, text=tr("oc.imp.passwords")))
        bar.progress(0.9, text=tr("oc.imp.storing"))
        try:
            with write_session(engine()) as s:
                outcome = import_judges(s, data=data, edition_id=edition.id, actor=actor)
                set_passwords(s, passwords={u: p for u, (_, p) in prepared.items()}, actor=actor)
            forms.stored()  # at once after the commit, before any Streamlit call can stop the run
            forms.keep(ACCOUNTS_KEY, [Account(r["username"], r["display_name"], r.get("organisation", ""),
                                              prepared[r["username"]][0]) for r in report.records])
            flash_next(tr("oc.imp.judges_imported", n=outcome.imported, conflicts=outcome.conflicts))
        except ImportValidationError as exc:
            bar.empty()
            st.error(tr("oc.imp.nothing_imported", n=len(exc.problems)))
            problem_table(exc.problems)
            return
        bar.progress(1.0, text=tr("oc.imp.done"))
        st.session_state[UPLOAD_ROUND] = n + 1
        st.rerun()


def _handout(actor: Actor) -> None:
    """The passwords just issued, to download once; and a new password for one judge."""
    accounts = forms.kept(ACCOUNTS_KEY)
    if accounts:
        st.warning(tr("oc.imp.handout_once", n=len(accounts)))
        st.download_button(tr("oc.imp.download_handout"), accounts_csv(accounts, sign_in_url=_sign_in_url(),
                                                                       lang=lang()),
                           file_name="judge_accounts.csv", mime="text/csv", key="oc_handout", type="primary")
    with st.expander(tr("oc.imp.reset_heading")):
        with read_session(engine()) as s:
            judges = list_judges(s, actor=actor)
        if not judges:
            st.caption(tr("oc.imp.no_judges"))
            return
        by_name = {j.username: j for j in judges}
        with write_form("oc_reset") as form:
            chosen = st.selectbox(tr("oc.imp.judge"), list(by_name), key="oc_reset_judge",
                                  format_func=lambda u: f"{u} · {by_name[u].display_name}")
            go = form.submit(tr("oc.imp.reset"))
        if go:
            prepared = prepare_passwords([chosen])
            with write_session(engine()) as s:
                set_passwords(s, passwords={chosen: prepared[chosen][1]}, actor=actor)
            forms.stored()  # at once after the commit, before anything reads st.session_state
            judge = by_name[chosen]
            forms.keep(ACCOUNTS_KEY, [Account(judge.username, judge.display_name, judge.organisation,
                                              prepared[chosen][0])])
            st.rerun()
