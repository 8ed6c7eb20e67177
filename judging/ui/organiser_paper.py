"""Paper score sheets: print a judge's or the whole round's sheets (one PDF, judge after judge, with
the typing file), and the form the organiser's staff type a signed sheet into, by its id, or a typing file."""

from __future__ import annotations

import streamlit as st

from judging.core.paper_sheets import TypedSheet, read_typing_file, render_paper_sheets, typing_csv
from judging.core.permissions import Actor
from judging.core.sheet_ids import parse_sheet_code
from judging.errors import JudgingError
from judging.store.db import read_session, write_session
from judging.store.editions import round_rubric
from judging.store.paper import paper_sheet_view, print_sheets, type_in_sheets
from judging.store.people import list_judges
from judging.ui import forms
from judging.ui.common import engine, lang, plain, show_error, tr
from judging.ui.forms import write_form
from judging.ui.organiser_common import flash_next, problem_table, round_page

CODE_KEY = "oc_paper_code"
PDF_KEY = "oc_paper_pdf"  # per tab: the last file made here (name, bytes, count)


def render() -> None:
    chosen = round_page("page.oc_paper", "paper")
    if chosen is None:
        return
    user, _, rnd = chosen
    _print(rnd.id, user)
    _type_in(rnd.id, user)
    _upload(rnd, user)


def _print(round_id: int, actor: Actor) -> None:
    st.subheader(tr("paper.print_heading"))
    with read_session(engine()) as s:
        judges = {j.id: f"{j.display_name}（{j.username}）" for j in list_judges(s, actor=actor)}
    options = [None, *judges]
    judge_id = st.selectbox(tr("paper.judge_choice"), options, key="oc_paper_judge",
                            format_func=lambda j: tr("paper.all_judges") if j is None else judges[j])
    if st.button(tr("paper.make"), key="oc_paper_make"):
        try:
            with write_session(engine()) as s:
                rubric, by_judge = print_sheets(s, round_id=round_id, judge_id=judge_id, actor=actor)
        except JudgingError as exc:
            show_error(exc)
            return
        every = [sheet for sheets in by_judge.values() for sheet in sheets]
        if not every:
            st.info(tr("paper.nothing_to_print"))
            st.session_state.pop(PDF_KEY, None)
        else:  # the whole round in one PDF, judge after judge: the font is embedded once (docs/paper-sheets.md)
            name = f"{next(iter(by_judge))}.pdf" if len(by_judge) == 1 else "paper-sheets.pdf"
            st.session_state[PDF_KEY] = (name, render_paper_sheets(every, rubric, lang=lang()), "application/pdf",
                                         len(every), typing_csv(every, rubric, lang=lang()))
    kept = st.session_state.get(PDF_KEY)
    if kept is not None:
        name, data, mime, n, typing = kept
        st.download_button(tr("paper.download_pdf", n=n), data, file_name=name, mime=mime, key="oc_paper_download")
        st.download_button(tr("paper.download_typing"), typing, file_name="typing.csv", mime="text/csv",
                           key="oc_paper_typing")


def _type_in(round_id: int, actor: Actor) -> None:
    st.subheader(tr("paper.type_heading"))
    code = st.text_input(tr("paper.code_input"), key=CODE_KEY, placeholder="PS-00001234-4")
    if not code.strip():
        return
    try:
        with read_session(engine()) as s:
            view = paper_sheet_view(s, code=code, actor=actor)
    except JudgingError as exc:
        problem_table(exc.problems)
        return
    st.info(plain(tr("paper.sheet_found", code=view.code, judge=view.judge_name, username=view.judge_username,
                     entry=view.entry_code, title=view.entry_title, round=view.round_name)))
    if view.typed_at is not None:
        st.warning(plain(tr("paper.already_typed", at=f"{view.typed_at:%Y-%m-%d %H:%M}", by=view.typed_by)))
        return
    rubric = view.rubric
    with write_form(f"oc_paper_form_{view.code}", clear_on_submit=False) as form:
        scores = {c.key: st.number_input(c.label.get(lang()), min_value=float(rubric.scale.min),
                                         max_value=float(rubric.scale.max), step=float(rubric.scale.step), value=None,
                                         key=f"oc_paper_score_{c.key}") for c in rubric.criteria}
        comments = {c.key: st.text_input(tr("paper.criterion_comment", label=c.label.get(lang())),
                                         key=f"oc_paper_comment_{c.key}") for c in rubric.criteria}
        comments[""] = st.text_area(tr("paper.comment_input"), key="oc_paper_comment")
        submitted = form.submit(tr("paper.save"))
    if not submitted:
        return
    serial, _ = parse_sheet_code(code)
    typed = TypedSheet(code=view.code, serial=serial, scores={k: v for k, v in scores.items() if v is not None},
                       comments={k: v.strip() for k, v in comments.items() if v.strip()})
    try:
        with write_session(engine()) as s:
            type_in_sheets(s, sheets=[typed], round_id=round_id, actor=actor)
        forms.stored()  # at once after the commit, before anything reads st.session_state
    except JudgingError as exc:
        st.error(tr("oc.asg.not_changed"))
        problem_table(exc.problems)
        return
    flash_next(tr("paper.saved", code=view.code))
    del st.session_state[CODE_KEY]
    st.rerun()


def _upload(rnd, actor: Actor) -> None:
    st.subheader(tr("paper.upload_heading"))
    file = st.file_uploader(tr("paper.upload"), type=["csv", "xlsx"], key="oc_paper_upload")
    if file is None or not forms.write_button(tr("paper.import"), key="oc_paper_import"):
        return
    try:
        with write_session(engine()) as s:
            n = type_in_sheets(s, sheets=read_typing_file(file.getvalue(), round_rubric(rnd)), round_id=rnd.id,
                               actor=actor)
        forms.stored()  # at once after the commit, before anything reads st.session_state
    except JudgingError as exc:
        st.error(tr("oc.asg.not_changed"))
        problem_table(exc.problems)
        return
    flash_next(tr("paper.typed", n=n))
    st.rerun()
