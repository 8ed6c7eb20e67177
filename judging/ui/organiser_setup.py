"""Edition setup: a new edition from the form or from a TOML file, and the settings of its rounds."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from judging import resources
from judging.core.editions import (
    DEFAULT_RUBRIC,
    DEFAULT_TRACKS,
    KINDS,
    ROUND_NAMES,
    SUBJECTS,
    EditionError,
    EditionSpec,
    edition_spec_from_mapping,
    parse_advance_rule,
    parse_edition_toml,
    rubric_templates,
)
from judging.core.permissions import Actor
from judging.core.ranking import METHOD_NAMES
from judging.core.rubric import load_rubric
from judging.core.states import RoundStatus
from judging.errors import JudgingError
from judging.store.db import read_session, write_session
from judging.store.editions import (
    ROUND_STATUSES,
    EditionExists,
    add_round,
    add_track,
    create_edition_from_spec,
    entries_of,
    round_rubric,
    rounds_of,
    tracks_of,
    update_round,
)
from judging.store.models import stored_id
from judging.ui import forms, organiser_documents, timeline
from judging.ui.common import engine, lang, plain, require_page, show_error, tr
from judging.ui.forms import write_form
from judging.ui.names import method_name, rubric_name
from judging.ui.organiser_common import EDITION_KEY, choose_edition, flash, flash_next, problem_table

EXAMPLE_FILE = resources.data_dir() / "edition_example.toml"
SETUP_TAB = "oc_setup_tab"  # the tab this browser tab is on


def default_rounds(kind: str) -> list[dict]:
    rubric = DEFAULT_RUBRIC[kind]
    return [
        {"key": "preliminary", "name": ROUND_NAMES["preliminary"], "rubric": rubric, "judges_per_entry": 5,
         "method": "calibrated", "advance": "share:0.3", "blind": True, "starts_on": "", "ends_on": "",
         "weight_in_final": 0.3},
        {"key": "second", "name": ROUND_NAMES["second"], "rubric": rubric, "judges_per_entry": 7,
         "method": "calibrated", "advance": "top:5", "blind": True, "starts_on": "", "ends_on": "",
         "weight_in_final": 0.3},
        {"key": "final", "name": ROUND_NAMES["final"], "rubric": rubric, "judges_per_entry": 9,
         "method": "trimmed", "advance": "", "blind": False, "starts_on": "", "ends_on": "", "weight_in_final": 0.4},
    ]


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows of a data editor as dicts without empty cells (an added row leaves NaN/None)."""
    rows = []
    for record in frame.to_dict("records"):
        clean = {k: v for k, v in record.items()
                 if v is not None and not (isinstance(v, float) and math.isnan(v)) and v != ""}
        if clean:
            rows.append(clean)
    return rows


def create_edition(spec: EditionSpec, actor: Actor) -> int:
    """Store the spec with each round's rubric loaded from its template; the new edition's id."""
    templates = rubric_templates()
    rubrics = {key: load_rubric(templates[key]) for key in {r.rubric for r in spec.rounds}}
    with write_session(engine()) as s:
        return stored_id(create_edition_from_spec(s, spec=spec, rubrics=rubrics, actor=actor))


def _create_once(spec: EditionSpec, actor: Actor) -> None:
    """Create the edition; a second click (or tab) shows the one already created instead of a copy."""
    try:
        edition_id = create_edition(spec, actor)
        forms.stored()  # at once after the commit, before anything reads st.session_state
    except EditionExists as exc:
        params = exc.problems[0].params  # the name is the organiser's text: shown inert
        st.info(tr("edition.exists", name=plain(str(params["name"])), year=params["year"]))
        st.session_state[EDITION_KEY] = exc.edition_id
        return
    _created(edition_id, spec)


def render() -> None:
    user = require_page("setup")
    st.title(tr("page.oc_setup"))
    flash()
    # keyed and reported to the server: a save's rerun (and the message it shows above) keeps the tab
    # being edited instead of going back to the first one
    new, from_file, settings = st.tabs([tr("oc.setup.tab_new"), tr("oc.setup.tab_file"), tr("oc.setup.tab_rounds")],
                                       key=SETUP_TAB, on_change="rerun")
    with new:
        _new_edition(user)
    with from_file:
        _edition_file(user)
    with settings:
        _round_settings(user)


def _created(edition_id: int, spec: EditionSpec) -> None:
    flash_next(tr("oc.setup.created", name=plain(spec.name), tracks=len(spec.tracks), rounds=len(spec.rounds)))
    st.session_state["oc_edition"] = edition_id  # after the message is kept: a run can be stopped here
    st.rerun()


def _new_edition(actor: Actor) -> None:
    templates = list(rubric_templates())
    kind = st.selectbox(tr("oc.setup.kind"), KINDS, format_func=lambda k: tr(f"oc.kind.{k}"), key="oc_new_kind")
    with write_form("oc_new_edition") as form:
        name = st.text_input(tr("oc.setup.name"), key="oc_new_name")
        year = st.number_input(tr("oc.setup.year"), min_value=2000, max_value=2100, value=2026, step=1,
                               key="oc_new_year")
        subject = st.selectbox(tr("oc.setup.subject"), SUBJECTS, format_func=lambda k: tr(f"oc.subject.{k}"),
                               key="oc_new_subject")
        st.caption(tr("oc.setup.tracks_help"))
        tracks = st.data_editor(
            pd.DataFrame(DEFAULT_TRACKS, columns=["key", "name_zh", "name_en"]), num_rows="dynamic",
            key="oc_new_tracks", hide_index=True, width="stretch",
            column_config={"key": st.column_config.TextColumn(tr("oc.col_key"), required=True),
                           "name_zh": st.column_config.TextColumn(tr("oc.col_name_zh"), required=True),
                           "name_en": st.column_config.TextColumn(tr("oc.col_name_en"))})
        st.caption(tr("oc.setup.rounds_help"))
        rounds = st.data_editor(
            pd.DataFrame(default_rounds(kind)), num_rows="dynamic", key=f"oc_new_rounds_{kind}", hide_index=True,
            width="stretch",
            column_config={
                "key": st.column_config.TextColumn(tr("oc.col_key"), required=True),
                "name": st.column_config.TextColumn(tr("oc.col_round_name"), required=True),
                "rubric": st.column_config.SelectboxColumn(tr("oc.col_rubric"), options=templates, required=True,
                                                           format_func=rubric_name),
                "judges_per_entry": st.column_config.NumberColumn(tr("oc.col_k"), min_value=1, max_value=50, step=1),
                "method": st.column_config.SelectboxColumn(tr("oc.col_method"), options=list(METHOD_NAMES),
                                                           format_func=method_name),
                "advance": st.column_config.TextColumn(tr("oc.col_advance"), help=tr("oc.setup.advance_help")),
                "blind": st.column_config.CheckboxColumn(tr("oc.col_blind")),
                "starts_on": st.column_config.TextColumn(tr("oc.col_starts"), help="YYYY-MM-DD"),
                "ends_on": st.column_config.TextColumn(tr("oc.col_ends"), help="YYYY-MM-DD"),
                "weight_in_final": st.column_config.NumberColumn(tr("oc.col_weight"), min_value=0.0, step=0.1),
            })
        submitted = form.submit(tr("oc.setup.create"), type="primary")
    if not submitted:
        return
    data = {"name": name, "year": int(year), "kind": kind, "subject": subject,
            "tracks": _records(tracks), "rounds": _records(rounds)}
    for r in data["rounds"]:
        if "judges_per_entry" in r:
            r["judges_per_entry"] = int(r["judges_per_entry"])
        r["blind"] = bool(r.get("blind", False))
    try:
        spec = edition_spec_from_mapping(data, rubrics=templates)
    except EditionError as exc:
        st.error(tr("oc.setup.not_created"))
        problem_table(exc.problems)
        return
    _create_once(spec, actor)


def _edition_file(actor: Actor) -> None:
    st.caption(tr("oc.setup.file_help"))
    with open(EXAMPLE_FILE, "rb") as example:
        st.download_button(tr("oc.setup.example"), example.read(), file_name="edition_example.toml",
                           mime="application/toml", key="oc_example")
    upload = st.file_uploader(tr("oc.setup.file"), type=["toml"], key="oc_edition_file")
    if upload is None:
        return
    try:
        spec = parse_edition_toml(upload.getvalue().decode("utf-8-sig"), source=upload.name)
    except UnicodeDecodeError:
        st.error(tr("oc.setup.not_utf8"))
        return
    except EditionError as exc:
        st.error(tr("oc.setup.not_created"))
        problem_table(exc.problems)
        return
    st.write(tr("oc.setup.preview", name=plain(spec.name), year=spec.year, kind=tr(f"oc.kind.{spec.kind}")))
    st.dataframe(pd.DataFrame([t.__dict__ for t in spec.tracks]), hide_index=True, width="stretch")
    st.dataframe(pd.DataFrame([r.__dict__ for r in spec.rounds]), hide_index=True, width="stretch")
    if forms.write_button(tr("oc.setup.create_from_file"), type="primary", key="oc_create_from_file"):
        _create_once(spec, actor)


def _round_settings(actor: Actor) -> None:
    edition = choose_edition()
    if edition is None:
        return
    with read_session(engine()) as s:
        tracks = tracks_of(s, edition.id)
        rounds = rounds_of(s, edition.id)
        entries = len(entries_of(s, edition.id))
    st.write(tr("oc.setup.summary", kind=tr(f"oc.kind.{edition.kind}"), tracks=len(tracks), rounds=len(rounds),
                entries=entries))
    st.dataframe(pd.DataFrame([{tr("oc.col_key"): t.key, tr("oc.col_name_zh"): t.name_zh,
                                tr("oc.col_name_en"): t.name_en} for t in tracks]), hide_index=True, width="stretch")
    with write_form("oc_add_track") as form:  # not clear_on_submit: a refused track keeps what was typed
        cols = st.columns(3)
        key = cols[0].text_input(tr("oc.col_key"), key="oc_track_key")
        name_zh = cols[1].text_input(tr("oc.col_name_zh"), key="oc_track_zh")
        name_en = cols[2].text_input(tr("oc.col_name_en"), key="oc_track_en")
        add = form.submit(tr("oc.setup.add_track"))
    if add:
        try:
            edition_spec_from_mapping({"name": edition.name, "year": edition.year, "kind": edition.kind,
                                       "tracks": [{"key": t.key, "name_zh": t.name_zh} for t in tracks]
                                       + [{"key": key, "name_zh": name_zh, "name_en": name_en}],
                                       "rounds": [{"key": "x", "rubric": "innovation_contest"}]})
        except EditionError as exc:
            problem_table(exc.problems)
        else:
            with write_session(engine()) as s:
                add_track(s, edition_id=edition.id, key=key.strip(), name_zh=name_zh.strip(),
                                    name_en=name_en.strip(), actor=actor)
            forms.stored()  # at once after the commit, before anything reads st.session_state
            flash_next(tr("oc.setup.track_added", name=plain(name_zh.strip())))
            for field in ("oc_track_key", "oc_track_zh", "oc_track_en"):  # stored: the form starts empty
                st.session_state.pop(field, None)
            st.rerun()

    organiser_documents.render(edition, tracks, actor)
    for rnd in rounds:
        with st.expander(f"{plain(rnd.name)} · {tr('oc.status.' + rnd.status)}"):
            _round_form(rnd, actor)
    _add_round(edition, tracks, rounds, actor)
    timeline.render(edition, rounds, actor)


def _add_round(edition, tracks, rounds, actor: Actor) -> None:
    """A round added to an existing edition (as a draft, after its last round), checked as an edition file is."""
    templates = rubric_templates()
    with write_form("oc_add_round", clear_on_submit=True) as form:
        st.markdown(f"**{tr('oc.setup.add_round')}**")
        c1, c2, c3 = st.columns(3)
        key = c1.text_input(tr("oc.col_key"), key="oc_new_round_key")
        name = c2.text_input(tr("oc.col_round_name"), key="oc_new_round_name")
        rubric = c3.selectbox(tr("oc.col_rubric"), list(templates), key="oc_new_round_rubric", format_func=rubric_name)
        add = form.submit(tr("oc.setup.add_round"))
    if not add:
        return
    wanted = {"key": key.strip(), "name": name.strip(), "rubric": rubric}
    try:
        edition_spec_from_mapping({"name": edition.name, "year": edition.year, "kind": edition.kind,
                                   "tracks": [{"key": t.key, "name_zh": t.name_zh} for t in tracks],
                                   "rounds": [{"key": r.key, "name": r.name, "rubric": rubric} for r in rounds]
                                   + [wanted]}, rubrics=templates)
    except EditionError as exc:
        problem_table(exc.problems)
        return
    try:
        with write_session(engine()) as s:
            add_round(s, edition_id=edition.id, key=wanted["key"], name=wanted["name"] or wanted["key"],
                      rubric=load_rubric(templates[rubric]), position=max((r.position for r in rounds), default=-1) + 1,
                      status=RoundStatus.DRAFT, actor=actor)
        forms.stored()  # at once after the commit, before anything reads st.session_state
    except JudgingError as exc:
        show_error(exc)
        return
    flash_next(tr("oc.setup.round_added", name=plain(wanted["name"] or wanted["key"])))
    st.rerun()


def _round_form(rnd, actor: Actor) -> None:
    rubric = round_rubric(rnd)
    st.caption(tr("oc.setup.round_rubric", rubric=rubric.label.get(lang()), version=rubric.version,
                  frozen=tr("oc.frozen") if rnd.rubric_frozen else tr("oc.not_frozen")))
    with write_form(f"oc_round_{rnd.id}") as form:
        c1, c2, c3 = st.columns(3)
        name = c1.text_input(tr("oc.col_round_name"), value=rnd.name, key=f"oc_r{rnd.id}_name")
        k = c2.number_input(tr("oc.col_k"), min_value=1, max_value=50, value=rnd.judges_per_entry, step=1,
                            key=f"oc_r{rnd.id}_k")
        method = c3.selectbox(tr("oc.col_method"), METHOD_NAMES, index=list(METHOD_NAMES).index(rnd.method)
                              if rnd.method in METHOD_NAMES else 0, key=f"oc_r{rnd.id}_method", format_func=method_name)
        c4, c5, c6 = st.columns(3)
        advance = c4.text_input(tr("oc.col_advance"), value=rnd.advance_rule, help=tr("oc.setup.advance_help"),
                                key=f"oc_r{rnd.id}_advance")
        status = c5.selectbox(tr("oc.col_status"), ROUND_STATUSES,
                              index=ROUND_STATUSES.index(rnd.status),
                              format_func=lambda v: tr(RoundStatus(v).text_key), key=f"oc_r{rnd.id}_status")
        weight = c6.number_input(tr("oc.col_weight"), min_value=0.0, max_value=100.0, value=float(rnd.weight_in_final),
                                 step=0.1, key=f"oc_r{rnd.id}_weight")
        c7, c8, c9 = st.columns(3)
        starts = c7.text_input(tr("oc.col_starts"), value=rnd.starts_on, key=f"oc_r{rnd.id}_starts")
        ends = c8.text_input(tr("oc.col_ends"), value=rnd.ends_on, key=f"oc_r{rnd.id}_ends")
        blind = c9.checkbox(tr("oc.col_blind"), value=rnd.blind, key=f"oc_r{rnd.id}_blind")
        save = form.submit(tr("oc.save"))
    if not save:
        return
    try:
        parse_advance_rule(advance)
        edition_spec_from_mapping({"name": "x", "year": 2026, "tracks": [{"key": "x", "name_zh": "x"}],
                                   "rounds": [{"key": rnd.key, "name": name, "rubric": "innovation_contest",
                                               "judges_per_entry": int(k), "method": method, "advance": advance,
                                               "blind": blind, "starts_on": starts, "ends_on": ends,
                                               "weight_in_final": weight}]})
        with write_session(engine()) as s:
            update_round(s, round_id=rnd.id, actor=actor, name=name.strip(), judges_per_entry=int(k),
                                   method=method, advance_rule=advance, status=status, weight_in_final=float(weight),
                                   starts_on=starts.strip(), ends_on=ends.strip(), blind=blind)
        forms.stored()  # at once after the commit, before anything reads st.session_state
    except JudgingError as exc:
        problem_table(exc.problems)
        return
    flash_next(tr("oc.setup.round_saved", name=plain(name.strip())))
    st.rerun()
