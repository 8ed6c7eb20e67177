"""Award settings of a round (奖项设置): tiers, quotas (counts or shares, at least one per track where
asked), minimum scores and the tie-break chain, checked as an award TOML file is, saved as a new
version with the round; the TOML upload and download are a shortcut to the same stored settings."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from judging.core.award_settings import (
    FORM_CHOICES,
    FORM_COLUMNS,
    RoundAwards,
    form_rows,
    mapping_from_form,
    parse_round_awards,
    parse_round_awards_toml,
    quota_preview,
    round_awards_to_toml,
    tie_break_options,
)
from judging.core.permissions import Actor
from judging.errors import JudgingError, RankingError
from judging.store import publication as pub
from judging.store.award_settings import award_settings_history, award_settings_of, save_award_settings
from judging.store.db import read_session, write_session
from judging.store.editions import entries_of_round, round_rubric, tracks_of
from judging.store.models import Round
from judging.store.people import get_user
from judging.ui import forms
from judging.ui.common import engine, lang, plain, tr
from judging.ui.organiser_common import flash_next, problem_table, round_page


def tie_break_label(key: str, criteria: dict[str, str]) -> str:
    if key.startswith("criterion:"):
        return tr("aws.tb_criterion", criterion=criteria.get(key[10:], key[10:]))
    return tr(f"aws.tb.{key}")


def render() -> None:
    chosen = round_page("page.award_settings", "award_settings")
    if chosen is None:
        return
    user, edition, rnd = chosen
    with read_session(engine()) as s:
        stored = award_settings_of(s, round_id=rnd.id, actor=user)
        history = award_settings_history(s, round_id=rnd.id, actor=user)
        published = pub.publication_of_round(s, rnd.id, actor=user) is not None
        rubric = round_rubric(rnd)
        tracks = tracks_of(s, edition.id)
        sizes = Counter(e.track_id for e in entries_of_round(s, round_id=rnd.id))
        # who saved each version, by display name (the page is the organiser's: it may read accounts)
        savers = {h.created_by for h in history} | {stored.created_by}
        people = {u: (found.display_name if (found := get_user(s, u, actor=user)) else u) for u in savers if u}
    track_sizes = {t.key: sizes.get(t.id, 0) for t in tracks if sizes.get(t.id, 0)}
    track_names = {t.key: (t.name_en if lang() == "en" and t.name_en else t.name_zh) for t in tracks}
    st.caption(tr("aws.version_default") if stored.version == 0 else
               tr("aws.version", version=stored.version, by=plain(people.get(stored.created_by, stored.created_by))))
    if published:
        st.info(tr("aws.published_read_only"))
    _preview(stored.awards, track_sizes, track_names)
    if not published:
        _form(rnd, stored.version, stored.awards, rubric, user)
    _toml(rnd, stored.version, stored.awards, rubric, user, published=published)
    if history:
        with st.expander(tr("aws.history", n=len(history)), expanded=False):
            st.dataframe(pd.DataFrame([{tr("aws.col_version"): h.version, tr("aws.col_source"): tr(f"aws.source.{h.source}"),
                                        tr("aws.col_by"): people.get(h.created_by, h.created_by),
                                        tr("aws.col_at"): h.created_at.strftime("%Y-%m-%d %H:%M")} for h in history]),
                         hide_index=True, width="stretch")


def _preview(awards: RoundAwards, track_sizes: dict[str, int], track_names: dict[str, str]) -> None:
    """What the settings give in each track of the round, before any score: the awards each tier may take."""
    st.markdown(f"**{tr('aws.preview')}**")
    rows = quota_preview(awards, track_sizes)
    if not rows:
        st.caption(tr("aws.preview_none"))
        return
    labels = {t.key: t.label.get(lang()) for t in awards.config.tiers}
    st.dataframe(pd.DataFrame([{tr("export.col.track"): track_names.get(r["track"], r["track"]),
                                tr("export.col.entries"): r["entries"]}
                               | {labels[k]: r[k] for k in labels} for r in rows]), hide_index=True, width="stretch")


def _form(rnd: Round, version: int, awards: RoundAwards, rubric, user: Actor) -> None:
    ns = f"{rnd.id}_{version}"  # a saved version starts the form afresh
    config = awards.config
    criteria = {c.key: c.label.get(lang()) for c in rubric.criteria}
    st.markdown(f"**{tr('aws.tiers')}**")
    st.caption(tr("aws.tiers_help"))
    frame = pd.DataFrame(form_rows(awards), columns=list(FORM_COLUMNS))
    edited = st.data_editor(
        frame, num_rows="dynamic", hide_index=True, width="stretch", key=f"aws_tiers_{ns}",
        column_config={"key": st.column_config.TextColumn(tr("aws.col_key")),
                       "label_zh": st.column_config.TextColumn(tr("oc.col_name_zh")),
                       "label_en": st.column_config.TextColumn(tr("oc.col_name_en")),
                       "quota": st.column_config.TextColumn(tr("aws.col_quota")),
                       "min_score": st.column_config.NumberColumn(tr("aws.col_min_score")),
                       "at_least_one": st.column_config.CheckboxColumn(tr("aws.col_at_least_one"))})
    c1, c2, c3 = st.columns(3)
    min_score = c1.number_input(tr("aws.min_score"), value=config.min_score, placeholder=tr("aws.no_minimum"),
                                key=f"aws_min_{ns}")
    tie_policy = c2.selectbox(tr("aws.tie_policy"), FORM_CHOICES["tie_policy"],
                              index=FORM_CHOICES["tie_policy"].index(config.tie_policy),
                              format_func=lambda k: tr(f"aws.tie_policy.{k}"), key=f"aws_policy_{ns}")
    rounding = c3.selectbox(tr("aws.share_rounding"), FORM_CHOICES["share_rounding"],
                            index=FORM_CHOICES["share_rounding"].index(config.share_rounding),
                            format_func=lambda k: tr(f"aws.rounding.{k}"), key=f"aws_rounding_{ns}")
    options = tie_break_options(rubric.criterion_keys)
    chain = st.multiselect(tr("aws.tie_break"), options, default=[k for k in config.tie_break if k in options],
                           format_func=lambda k: tie_break_label(k, criteria), key=f"aws_tb_{ns}",
                           help=tr("aws.tie_break_help"))
    if config.tracks:
        st.caption(tr("aws.track_overrides", tracks="，".join(config.tracks)))
    if forms.write_button(tr("aws.save", version=version + 1), type="primary", key=f"aws_save_{ns}"):
        data, problems = mapping_from_form(rows=edited.to_dict("records"), min_score=min_score, tie_break=chain,
                                           tie_policy=tie_policy, share_rounding=rounding, base=awards)
        try:
            if problems:
                raise RankingError(problems)
            checked = parse_round_awards(data, source=tr("aws.form"), criteria=rubric.criterion_keys)
        except RankingError as exc:
            st.error(tr("aws.not_saved"))
            problem_table(exc.problems)
            return
        _save(rnd, checked, version, "form", user)


def _save(rnd: Round, awards: RoundAwards, version: int, source: str, user: Actor) -> None:
    try:
        with write_session(engine()) as s:
            saved = save_award_settings(s, round_id=rnd.id, awards=awards, based_on=version, source=source,
                                        actor=user)
        forms.stored()  # at once after the commit, before anything reads st.session_state
    except JudgingError as exc:
        st.error(tr("aws.not_saved"))
        problem_table(exc.problems)
        return
    flash_next(tr("aws.saved", version=saved.version))
    st.rerun()


def _toml(rnd: Round, version: int, awards: RoundAwards, rubric, user: Actor, *, published: bool) -> None:
    with st.expander(tr("aws.toml"), expanded=False):
        st.download_button(tr("aws.download"), round_awards_to_toml(awards).encode("utf-8"),
                           file_name=f"awards_{rnd.key}_v{version}.toml", mime="application/toml",
                           key=f"aws_download_{rnd.id}")
        if published:
            return
        upload = st.file_uploader(tr("aws.upload"), type=["toml"], key=f"aws_upload_{rnd.id}_{version}")
        if upload is None:
            return
        try:
            text = upload.getvalue().decode("utf-8-sig")
            checked = parse_round_awards_toml(text, source=upload.name, criteria=rubric.criterion_keys)
        except UnicodeDecodeError:
            st.error(plain(tr("aws.not_utf8", file=upload.name)))
            return
        except RankingError as exc:
            st.error(tr("aws.not_saved"))
            problem_table(exc.problems)
            return
        if forms.write_button(tr("aws.save_upload", file=upload.name, version=version + 1),
                              key=f"aws_save_upload_{rnd.id}"):
            _save(rnd, checked, version, "toml", user)
