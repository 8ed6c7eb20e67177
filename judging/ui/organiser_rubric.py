"""Rubric editor: start from the round's rubric or a template, edit it as tables, check it as
``judging rubric check`` does, preview the score sheet a judge will see, and save a new version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging.core.editions import rubric_templates
from judging.core.rubric import Rubric, load_rubric, rubric_to_toml
from judging.core.rubric_tables import (
    BAND_COLUMNS,
    CRITERION_COLUMNS,
    SUB_ITEM_COLUMNS,
    VETO_COLUMNS,
    RubricTables,
    rubric_from_tables,
    rubric_to_tables,
)
from judging.errors import JudgingError, RubricError
from judging.store.db import read_session, write_session
from judging.store.editions import get_round, round_rubric, save_round_rubric
from judging.ui import forms
from judging.ui.common import engine, lang, tr
from judging.ui.forms import write_form
from judging.ui.judge_sheet import criterion_text, rule_text, score_format
from judging.ui.names import rubric_name
from judging.ui.organiser_common import flash_next, problem_table, round_page

CURRENT = "__round__"  # the source option "the round's own rubric"
SOURCE_KEY = "oc_rub_source"


def render() -> None:
    chosen = round_page("page.oc_rubric", "rubric")
    if chosen is None:
        return
    user, _, rnd = chosen
    with read_session(engine()) as s:
        rnd = get_round(s, rnd.id)
    current = round_rubric(rnd)
    st.caption(tr("oc.setup.round_rubric", rubric=current.label.get(lang()), version=current.version,
                  frozen=tr("oc.frozen") if rnd.rubric_frozen else tr("oc.not_frozen")))
    if rnd.rubric_frozen:
        st.warning(tr("oc.rub.frozen_help"))

    templates = rubric_templates()
    source = st.selectbox(tr("oc.rub.source"), [CURRENT, *templates], key=SOURCE_KEY,
                          format_func=lambda k: tr("oc.rub.source_round") if k == CURRENT else rubric_name(k))
    start = current if source == CURRENT else load_rubric(templates[source])
    tables = _editor(start, next_version=max(current.version, start.version) + 1, ns=f"{rnd.id}_{source}")

    try:
        rubric = rubric_from_tables(tables, source=tr("oc.rub.editor"))
    except RubricError as exc:
        st.error(tr("oc.rub.invalid", n=len(exc.problems)))
        problem_table(exc.problems)
        return
    st.success(tr("oc.rub.valid", criteria=len(rubric.criteria), version=rubric.version))
    with st.expander(tr("oc.rub.preview"), expanded=False):
        preview_sheet(rubric)
    st.download_button(tr("oc.rub.download"), rubric_to_toml(rubric).encode("utf-8"),
                       file_name=f"{rubric.key}_v{rubric.version}.toml", mime="application/toml", key="oc_rub_toml")
    with write_form("oc_rub_save") as form:
        reason = st.text_input(tr("oc.rub.reason_frozen") if rnd.rubric_frozen else tr("oc.rub.reason"),
                               key="oc_rub_reason")
        save = form.submit(tr("oc.rub.save", round=rnd.name, version=rubric.version), type="primary")
    if save:
        try:
            with write_session(engine()) as s:
                save_round_rubric(s, round_id=rnd.id, rubric=rubric, actor=user, reason=reason)
            forms.stored()  # at once after the commit, before anything reads st.session_state
        except JudgingError as exc:
            st.error(tr("oc.rub.not_saved"))
            problem_table(exc.problems)
            return
        flash_next(tr("oc.rub.saved", round=rnd.name, version=rubric.version))
        st.session_state.pop(SOURCE_KEY, None)
        st.rerun()


def _editor(start: Rubric, *, next_version: int, ns: str) -> RubricTables:
    """The editing widgets, filled from ``start``; their keys carry ``ns`` so that another start resets them."""
    tables = rubric_to_tables(start)
    meta = dict(tables.meta)
    c1, c2, c3 = st.columns(3)
    meta["key"] = c1.text_input(tr("oc.rub.key"), value=meta["key"], key=f"oc_rub_key_{ns}")
    meta["version"] = int(c2.number_input(tr("oc.rub.version"), min_value=1, value=next_version, step=1,
                                          key=f"oc_rub_version_{ns}"))
    meta["subject"] = c3.selectbox(tr("oc.setup.subject"), ("entry", "institution", "person"),
                                   index=("entry", "institution", "person").index(meta["subject"]),
                                   format_func=lambda k: tr(f"oc.subject.{k}"), key=f"oc_rub_subject_{ns}")
    c1, c2 = st.columns(2)
    meta["label_zh"] = c1.text_input(tr("oc.col_name_zh"), value=meta["label_zh"], key=f"oc_rub_label_zh_{ns}")
    meta["label_en"] = c2.text_input(tr("oc.col_name_en"), value=meta["label_en"], key=f"oc_rub_label_en_{ns}")
    cols = st.columns(5)
    for col, name in zip(cols, ("scale_min", "scale_max", "scale_step", "comment_below", "comment_above"), strict=True):
        meta[name] = col.number_input(tr(f"oc.rub.{name}"), value=meta[name], key=f"oc_rub_{name}_{ns}",
                                      step=None if name != "scale_step" else 0.5, placeholder="—")

    def table(title: str, rows: list[dict], columns: tuple[str, ...], key: str,
              criteria: dict[str, str] | None = None) -> list[dict]:
        """One editable table; with ``criteria`` (key → name), its criterion column is a choice of
        the criteria above, shown by name (the key is what is stored)."""
        st.markdown(f"**{tr(title)}**")
        frame = pd.DataFrame(rows, columns=list(columns))
        config = {c: st.column_config.Column(tr(f"oc.rub.col_{c}")) for c in columns}
        if criteria is not None and "criterion" in columns:
            options = list(dict.fromkeys([*criteria, *(r.get("criterion") for r in rows if r.get("criterion"))]))
            config["criterion"] = st.column_config.SelectboxColumn(
                tr("oc.rub.col_criterion"), options=options, format_func=lambda k: criteria.get(k) or str(k))
        edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, width="stretch", key=f"{key}_{ns}",
                                column_config=config)
        return edited.to_dict("records")

    criteria = table("oc.rub.criteria", tables.criteria, CRITERION_COLUMNS, "oc_rub_criteria")
    weights = sum(float(r["weight"]) for r in criteria if isinstance(r.get("weight"), int | float)
                  and r["weight"] == r["weight"])
    st.caption(tr("oc.rub.weights", total=f"{weights:g}"))
    names = {str(r["key"]): str(r.get("label_en") if lang() == "en" and r.get("label_en") else r.get("label_zh") or r["key"])
             for r in criteria if isinstance(r.get("key"), str) and r["key"]}
    sub_items = table("oc.rub.sub_items", tables.sub_items, SUB_ITEM_COLUMNS, "oc_rub_sub_items", names)
    bands = table("oc.rub.bands", tables.bands, BAND_COLUMNS, "oc_rub_bands", names)
    vetoes = table("oc.rub.vetoes", tables.vetoes, VETO_COLUMNS, "oc_rub_vetoes")
    return RubricTables(meta, criteria, sub_items, bands, vetoes)


def preview_sheet(rubric: Rubric) -> None:
    """The score sheet as the judge workspace lays it out, with inert inputs (rubric text is the organiser's)."""
    code = lang()
    step = rubric.scale.step
    for i, criterion in enumerate(rubric.criteria):
        with st.container(border=True):
            info, entry_col = st.columns([3, 2], gap="medium")
            info.markdown(criterion_text(criterion, code, tr))
            entry_col.number_input(
                tr("sheet.score_label", criterion=criterion.label.get(code), min=f"{rubric.scale.min:g}",
                   max=f"{rubric.scale.max:g}", step=f"{step:g}"),
                min_value=float(rubric.scale.min), max_value=float(rubric.scale.max), step=float(step), value=None,
                format=score_format(step), disabled=True, key=f"oc_preview_score_{i}",
                placeholder=tr("sheet.score_placeholder"))
            entry_col.text_area(tr("sheet.comment_optional"), disabled=True, height=80, key=f"oc_preview_comment_{i}",
                                placeholder=tr("sheet.comment_rule", rule=rule_text(rubric, tr)))
    if rubric.veto_items:
        st.markdown(f"**{tr('sheet.vetoes_title')}**")
        for i, veto in enumerate(rubric.veto_items):
            st.checkbox(veto.label.get(code), disabled=True, key=f"oc_preview_veto_{i}",
                        help=veto.description.get(code) or None)
