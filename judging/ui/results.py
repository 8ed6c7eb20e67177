"""The results page (organiser; auditor read-only): a round's ranking per track with intervals,
every method side by side, the entries the panel must decide on, judge diagnostics, and the
button that publishes the list for 公示."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from judging.core.award_settings import RoundAwards, quota_text, round_settings
from judging.core.bundle import BundleSettings, scores_file
from judging.core.calendar import objection_window_end
from judging.core.exports import flags_text
from judging.core.extra_judges import most_uncertain_first
from judging.core.permissions import Actor, Role
from judging.core.publication import DEFAULT_OBJECTION_DAYS, parse_dates, publication_gaps
from judging.core.ranking import (
    DEFAULT_METHOD,
    METHOD_NAMES,
    RankingResult,
    compare_methods,
)
from judging.core.results_view import award_boundaries, method_moves, panel_items, side_by_side
from judging.core.round_data import RoundData, rank_round, ranked_list
from judging.errors import JudgingError
from judging.store import publication as pub
from judging.store.award_settings import award_settings_of
from judging.store.db import read_session, write_session
from judging.store.editions import tracks_of
from judging.store.scores import round_data, sheet_status_rows
from judging.ui import extra_judges, forms, judge_table, panel_decisions
from judging.ui.common import engine, lang, show_error, tr
from judging.ui.forms import write_form
from judging.ui.organiser_common import round_page
from judging.ui.tier_chart import tier_probability_chart, with_reasons

CHART_MAX_ROWS = 200  # a track of up to 200 entries is drawn whole (the chart grows; the table has every row)
ROW_HEIGHT_PX = 22  # one label per row at the default 11 px font, none skipped
CACHE_TTL_S = 3600


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_TTL_S)
def _rank(round_id: int, version: tuple, settings_json: str, _data: RoundData) -> RankingResult:
    # keyed on the round's input version (any change to its scores, vetoes, entries, conflicts, method or
    # rubric is a new key) and the settings: a cached result is never stale, on any replica
    return rank_round(_data, BundleSettings.from_mapping(json.loads(settings_json)))


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_TTL_S)
def _compare(round_id: int, version: tuple, settings_json: str, _data: RoundData):
    settings = BundleSettings.from_mapping(json.loads(settings_json))
    comparison = compare_methods(_data.canonical_scores, _data.rubric, vetoes=_data.veto_frame, awards=settings.awards,
                                 n_draws=settings.n_draws, seed=settings.seed)
    return comparison.table, comparison.errors, list(comparison.results)


def method_label(name: str) -> str:
    return tr(f"results.method.{name}")


def flag_words(value: object) -> str:
    return flags_text(value, lang())


def _settings_form(rnd, published: BundleSettings | None) -> tuple[str, int]:
    """The method and seed this tab ranks with (those of the published list, once there is one); the
    awards are the round's stored settings."""
    method_default = published.method if published else rnd.method
    method_default = method_default if method_default in METHOD_NAMES else DEFAULT_METHOD
    with st.expander(tr("results.settings"), expanded=False):
        method = st.selectbox(tr("results.method"), METHOD_NAMES, index=METHOD_NAMES.index(method_default),
                              format_func=method_label, key=f"res_method_{rnd.id}")
        seed = int(st.number_input(tr("results.seed"), min_value=0, value=published.seed if published else 0,
                                   step=1, key=f"res_seed_{rnd.id}"))
    return method, seed


def _tiers_caption(awards: RoundAwards, version: int) -> None:
    st.caption(tr("aws.results_caption", version=version, tiers="，".join(
        f"{t.label.get(lang())} {quota_text(t.count, t.share)}" for t in awards.config.tiers)))


TIER_COLOURS = ("#b8860b", "#c0392b", "#2e86c1", "#27ae60", "#8e44ad", "#16a085")  # gold first; one per tier
NO_AWARD_COLOUR = "#b0b0b0"


def interval_chart(table: pd.DataFrame, boundaries: pd.DataFrame, tier_labels: list[str]) -> alt.LayerChart:
    """Each entry's score and interval (best first) against the award boundaries of its track."""
    data = table.head(CHART_MAX_ROWS).copy()
    data["label"] = [f"{r}. {e} {str(t)[:14]}" for r, e, t in zip(data["rank"], data["entry_id"], data["title"],
                                                                   strict=True)]
    data["award"] = data["tier_label"].replace("", tr("results.no_award"))
    order = list(data["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=280, labelOverlap=False))
    domain = [*tier_labels, tr("results.no_award")]
    colours = [*TIER_COLOURS[: len(tier_labels)], NO_AWARD_COLOUR]
    color = alt.Color("award:N", title=tr("export.col.tier"), scale=alt.Scale(domain=domain, range=colours))
    tooltip = [alt.Tooltip("entry_id:N", title=tr("export.col.entry_id")),
               alt.Tooltip("title:N", title=tr("export.col.title")),
               alt.Tooltip("score:Q", format=".2f", title=tr("export.col.score")),
               alt.Tooltip("score_low:Q", format=".2f", title=tr("export.col.score_low")),
               alt.Tooltip("score_high:Q", format=".2f", title=tr("export.col.score_high")),
               alt.Tooltip("flag_text:N", title=tr("export.col.flags"))]
    base = alt.Chart(data)
    ranges = base.mark_rule(strokeWidth=2).encode(
        y=y, x=alt.X("score_low:Q", scale=alt.Scale(zero=False), title=tr("export.col.score")),
        x2=alt.X2("score_high:Q", title=tr("export.col.score_high")),
        color=color, tooltip=tooltip)
    points = base.mark_point(filled=True, size=50).encode(y=y, x=alt.X("score:Q", title=tr("export.col.score")),
                                                          color=color, tooltip=tooltip)
    # the boundaries by the tiers' names, as the legend has them
    tier_names = dict(zip(table["tier"], table["tier_label"], strict=True)) if "tier" in table else {}
    boundaries = boundaries.assign(tier_name=[tier_names.get(k) or k for k in boundaries.get("tier", [])])
    lines = alt.Chart(boundaries).mark_rule(strokeDash=[5, 4], color="#888").encode(
        x=alt.X("boundary:Q", title=tr("results.boundary")), tooltip=[alt.Tooltip("tier_name:N", title=tr("export.col.tier")),
                                 alt.Tooltip("boundary:Q", format=".2f", title=tr("results.boundary"))])
    return (ranges + points + lines).properties(height=max(120, ROW_HEIGHT_PX * len(data)),
                                                title=tr("results.interval_title"))


def bump_chart(moves: pd.DataFrame, methods: list[str]) -> alt.Chart:
    """How each entry's rank moves from method to method; entries whose tier changes stand out."""
    data = moves.assign(method_label=moves["method"].map(method_label))
    order = [method_label(m) for m in methods]
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("method_label:N", sort=order, title=tr("results.method")),
        y=alt.Y("rank:Q", scale=alt.Scale(reverse=True, zero=False), title=tr("export.col.rank")),
        color=alt.Color("entry_id:N", legend=None),
        strokeWidth=alt.condition("datum.tier_changes", alt.value(3), alt.value(1)),
        opacity=alt.condition("datum.tier_changes", alt.value(1.0), alt.value(0.35)),
        tooltip=[alt.Tooltip("entry_id:N", title=tr("export.col.entry_id")),
                 alt.Tooltip("method_label:N", title=tr("results.method")),
                 alt.Tooltip("rank:Q", title=tr("export.col.rank")), alt.Tooltip("tier:N", title=tr("export.col.tier"))],
    ).properties(height=max(360, 12 * moves["entry_id"].nunique()), title=tr("results.bump_title"))


def ranking_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The ranking table as shown (headers in the tab's language)."""
    shown = table[["rank", "entry_id", "title", "organisation", "score", "score_low", "score_high", "tier_label",
                   "flag_text"]]
    return shown.rename(columns={
        "rank": tr("export.col.rank"), "entry_id": tr("export.col.entry_id"), "title": tr("export.col.title"),
        "organisation": tr("export.col.organisation"), "score": tr("export.col.score"),
        "score_low": tr("export.col.score_low"), "score_high": tr("export.col.score_high"),
        "tier_label": tr("export.col.tier"), "flag_text": tr("export.col.flags")})


def _highlight_changes(frame: pd.DataFrame, changed: pd.Series):
    def style(row):
        return ["background-color: #fff3cd" if changed.loc[row.name] else "" for _ in row]

    return frame.style.apply(style, axis=1)


def render() -> None:
    chosen = round_page("page.results", "results")
    if chosen is None:
        return
    user, edition, rnd = chosen
    with read_session(engine()) as s:
        publication = pub.publication_of_round(s, rnd.id, actor=user)
    published = pub.settings_of(publication) if publication is not None else None
    method, seed = _settings_form(rnd, published)
    with read_session(engine()) as s:
        data = round_data(s, round_id=rnd.id, actor=user)
        tracks = tracks_of(s, edition.id)
        stored = award_settings_of(s, round_id=rnd.id, actor=user)
        decisions = pub.panel_decisions(s, round_id=rnd.id, actor=user)
    _tiers_caption(stored.awards, stored.version)
    settings = round_settings(data, stored.awards, method=method, seed=seed)
    if published is not None and (method, seed) == (published.method, published.seed):
        settings = published  # the list's own settings: the split its 公示 and its bundle have
    if data.empty:
        st.info(tr("results.no_scores"))
        return
    settings_json = json.dumps(settings.to_mapping(), sort_keys=True)
    try:
        with st.spinner(tr("results.computing")):
            result = _rank(rnd.id, data.version, settings_json, data)
    except JudgingError as exc:
        show_error(exc)
        return
    table = ranked_list(data, result)
    table["flag_text"] = table["flags"].map(flag_words)
    track_names = {t.key: (t.name_en if lang() == "en" and t.name_en else t.name_zh) for t in tracks}
    present = [t.key for t in tracks if t.key in set(table["track"])] + sorted(
        set(table["track"]) - {t.key for t in tracks})
    st.caption(tr("results.summary", entries=len(table), method=method_label(settings.method),
                  digest=hashlib.sha256(scores_file(data.scores)).hexdigest()[:12]))
    track = st.radio(tr("export.col.track"), present, format_func=lambda k: track_names.get(k, k), horizontal=True,
                     key=f"res_track_{rnd.id}")
    in_track = table[table["track"] == track].reset_index(drop=True)
    tier_order = [t.key for t in settings.awards.tiers]

    counts = in_track["tier"].value_counts()
    columns = st.columns(len(settings.awards.tiers) + 1)
    for column, tier in zip(columns, settings.awards.tiers, strict=False):
        column.metric(tier.label.get(lang()), int(counts.get(tier.key, 0)))
    columns[-1].metric(tr("results.panel_count"), len(panel_items(in_track)))

    ranking_tab, panel_tab, methods_tab, judges_tab = st.tabs(
        [tr("results.tab_ranking"), tr("results.tab_panel"), tr("results.tab_methods"), tr("results.tab_judges")])
    with ranking_tab:
        labels = [t.label.zh for t in settings.awards.tiers]  # the engine's tier_label is Chinese
        st.altair_chart(interval_chart(in_track, award_boundaries(in_track, tier_order), labels), width="stretch")
        st.dataframe(ranking_frame(in_track), hide_index=True, width="stretch",
                     column_config={tr("export.col.score"): st.column_config.NumberColumn(format="%.2f"),
                                    tr("export.col.score_low"): st.column_config.NumberColumn(format="%.2f"),
                                    tr("export.col.score_high"): st.column_config.NumberColumn(format="%.2f")})
    with panel_tab:
        items = panel_items(in_track)
        if items.empty:
            st.success(tr("results.panel_none"))
        else:
            st.caption(tr("results.panel_caption"))
            panel_decisions.render(round_id=rnd.id, items=items, decisions=decisions,
                                   tier_names={t.key: t.label.get(lang()) for t in settings.awards.tiers},
                                   actor=user if user.role == Role.ORGANISER else None,
                                   frozen=publication is not None and publication.status == "frozen")
        _must_discuss(rnd, in_track, settings, user, track=track, published=publication is not None,
                      judges=result.judges)
    with methods_tab:
        if st.toggle(tr("results.compare_toggle"), key=f"res_compare_{rnd.id}"):
            with st.spinner(tr("results.computing")):
                comparison, errors, methods = _compare(rnd.id, data.version, settings_json, data)
            for name, message in errors.items():
                st.warning(f"{method_label(name)}: {message}")
            comp = comparison[comparison["track"] == track].reset_index(drop=True)
            frame = side_by_side(comp, methods)
            changed = frame.pop("tier_changes")
            names = {t.key: t.label.get(lang()) for t in settings.awards.tiers}
            for m in methods:
                frame[f"tier_{m}"] = frame[f"tier_{m}"].fillna("").map(lambda k: names.get(k, k))
            st.caption(tr("results.tier_changes", n=int(changed.sum())))
            frame = frame.drop(columns=["track"]).rename(
                columns={f"{kind}_{m}": f"{method_label(m)} · {tr('export.col.' + kind)}"
                         for m in methods for kind in ("rank", "tier")} | {"entry_id": tr("export.col.entry_id")})
            st.dataframe(_highlight_changes(frame, changed), hide_index=True, width="stretch")
            st.altair_chart(bump_chart(method_moves(comp, methods), methods), width="stretch")
        else:
            st.caption(tr("results.compare_hint"))
    with judges_tab:
        judges = result.judges
        with read_session(engine()) as s:
            # the round's judges by user name (the auditor may not read accounts, but reads the round)
            names = {r["judge"]: r["judge_name"] for r in sheet_status_rows(s, round_id=rnd.id, actor=user)}
        st.altair_chart(judge_table.judge_chart(judges, names), width="stretch")
        st.dataframe(judge_table.judge_frame(judges, names, flag_words), hide_index=True, width="stretch")

    if user.role == Role.ORGANISER:
        _publish_section(rnd, settings, publication, user, flagged=len(panel_items(table)),
                         awards_version=stored.version)


def _must_discuss(rnd, in_track: pd.DataFrame, settings: BundleSettings, user: Actor, *, track: str,
                  published: bool, judges: pd.DataFrame) -> None:
    """The must-discuss entries' tier probabilities and reasons, and (organiser, list not yet published)
    the proposal of extra judges for them."""
    listed = in_track[in_track["discuss"].fillna("") != ""] if "discuss" in in_track else in_track.head(0)
    if not listed.empty:
        st.markdown(f"**{tr('extra.chart_heading')}**")
        tiers = [(t.key, t.label.get(lang())) for t in settings.awards.tiers]
        st.altair_chart(tier_probability_chart(listed, tiers), width="stretch")
        st.dataframe(with_reasons(listed)[["entry_id", "title", "tier_label", "discuss_text"]].rename(columns={
            "entry_id": tr("export.col.entry_id"), "title": tr("export.col.title"),
            "tier_label": tr("export.col.tier"), "discuss_text": tr("extra.col_reason")}), hide_index=True,
            width="stretch")
    if user.role == Role.ORGANISER and not published:
        extra_judges.render(round_id=rnd.id, track=track, listed=most_uncertain_first(in_track), actor=user,
                            seed=settings.seed, table=in_track, judges=judges)


def _gaps(rnd, actor: Actor, flagged: int) -> None:
    """What is missing before the round is closed and published, said before the button."""
    with read_session(engine()) as s:
        gaps = publication_gaps(sheet_status_rows(s, round_id=rnd.id, actor=actor), flagged=flagged)
    st.markdown(f"**{tr('results.gaps_heading')}**")
    if not gaps.any:
        st.success(tr("results.gaps_none"))
    for key, n in (("results.gaps_unscored", gaps.unscored), ("results.gaps_unsubmitted", gaps.unsubmitted),
                   ("results.gaps_flagged", gaps.flagged)):
        if n:
            st.warning(tr(key, n=n))


def _publish_section(rnd, settings: BundleSettings, publication, actor: Actor, *, flagged: int,
                     awards_version: int) -> None:
    st.divider()
    st.subheader(tr("results.publish_heading"))
    if publication is not None:
        st.info(tr("results.already_published", status=tr(f"pub.status.{publication.status}"),
                   start=publication.start_date.isoformat()))
        return
    _gaps(rnd, actor, flagged)
    with write_form(f"res_publish_{rnd.id}") as form:
        start = st.date_input(tr("results.publish_start"), value=date.today(), key=f"res_pub_start_{rnd.id}")
        days = int(st.number_input(tr("results.publish_days"), min_value=1, max_value=30,
                                   value=DEFAULT_OBJECTION_DAYS, key=f"res_pub_days_{rnd.id}"))
        contact = st.text_input(tr("results.publish_contact"), key=f"res_pub_contact_{rnd.id}")
        local = st.text_input(tr("results.publish_days_off"), key=f"res_pub_days_off_{rnd.id}",
                              placeholder="2026-11-25, 2026-11-26")
        st.caption(tr("results.publish_caption", method=method_label(settings.method)))
        confirmed = st.checkbox(tr("results.close_and_publish"), key=f"res_pub_confirm_{rnd.id}")
        submitted = form.submit(tr("results.publish_button"), type="primary")
    if submitted:
        if not confirmed:
            st.error(tr("results.confirm_first"))
            return
        try:
            days_off = parse_dates(local)
            with write_session(engine()) as s:
                pub.publish(s, round_id=rnd.id, settings=settings, start_date=start, objection_days=days,
                            holidays=days_off, contact=contact, close_round=True, awards_version=awards_version,
                            actor=actor)
            forms.stored()  # at once after the commit, before anything reads st.session_state
        except JudgingError as exc:
            show_error(exc)
            return
        st.success(tr("results.published", end=objection_window_end(start, days, local_days_off=days_off).isoformat()))
