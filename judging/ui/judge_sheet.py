"""The score sheet: one entry, every criterion against its bands, stored at once on every change.

How a score is never lost or silently overwritten:
- each widget's ``on_change`` callback writes to the database straight away (no save button);
- every run rebuilds the sheet from the database, so a reload, a new session, a restart or a
  second tab shows what is stored;
- each field remembers the version it was loaded with (``held``) and passes it as
  ``expected_version``; when another tab stored a newer value, the write is refused and the judge
  sees both values and chooses (``pending``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import streamlit as st
from sqlmodel import select

from judging.core.permissions import Actor
from judging.core.rubric import Criterion, Rubric
from judging.core.scoring import missing_comments, weighted_total
from judging.core.states import RoundStatus, SheetStatus
from judging.errors import JudgingError, StaleWriteError
from judging.i18n import t
from judging.store.db import read_session, write_session
from judging.store.editions import round_rubric
from judging.store.models import Entry, Round, Track
from judging.store.sheets import (
    QueueItem,
    SheetState,
    clear_score,
    clear_veto,
    declare_conflict,
    judge_queue,
    load_sheet,
    save_comment,
    save_score,
    save_veto,
    submit_sheet,
)
from judging.ui.common import clock, engine, lang, plain, require_page, tr, when
from judging.ui.pages import entries_page

OVERALL = ""  # the criterion key of the sheet's overall comment
BUCKETS_KEY = "judge_sheets"  # session state: sheet namespace -> {held, pending, errors, saved}


@dataclass(frozen=True)
class Sheet:
    """Who writes where; the widget keys of one sheet share the namespace ``ns``."""

    round_id: int
    judge_id: int
    entry_id: int
    actor: Actor

    @property
    def ns(self) -> str:
        return f"{self.round_id}_{self.entry_id}"

    def widget(self, field: SheetField | str) -> str:
        return f"w_{self.ns}_{field}"

    def _bucket(self, name: str) -> dict:
        # every sheet's buckets live under one session-state key: Streamlit walks all keys each
        # time it draws an input, so one key per visited sheet and bucket would slow every page
        sheets = st.session_state.get(BUCKETS_KEY)
        if sheets is None:
            st.session_state[BUCKETS_KEY] = sheets = {}
        return sheets.setdefault(self.ns, {}).setdefault(name, {})

    @property
    def held(self) -> dict[SheetField, int]:
        """field -> the stored version the widget's value came from (0: nothing stored)."""
        return self._bucket("held")

    @property
    def pending(self) -> dict[SheetField, dict]:
        """field -> {mine, theirs, version}: a refused write waiting for the judge's choice."""
        return self._bucket("pending")

    @property
    def errors(self) -> dict[SheetField | str, str]:
        return self._bucket("errors")


class FieldKind(StrEnum):
    SCORE = "score"
    COMMENT = "comment"
    VETO = "veto"
    VETO_REASON = "vetoreason"


@dataclass(frozen=True)
class SheetField:
    """One input of a sheet: what it holds (``kind``) and of which criterion or veto item (``key``; ""
    is the sheet's overall comment). Its text is the end of the widget's key."""

    kind: FieldKind
    key: str

    def __str__(self) -> str:
        return f"{self.kind}_{self.key or 'overall'}"


def score_field(criterion: str) -> SheetField:
    return SheetField(FieldKind.SCORE, criterion)


def comment_field(criterion: str) -> SheetField:
    return SheetField(FieldKind.COMMENT, criterion)


def veto_field(key: str) -> SheetField:
    return SheetField(FieldKind.VETO, key)


def veto_reason_field(key: str) -> SheetField:
    return SheetField(FieldKind.VETO_REASON, key)


# --- writing (widget callbacks) --------------------------------------------------------------

def _mark_saved(sheet: Sheet) -> None:
    sheet._bucket("saved")["at"] = datetime.now(UTC)


def _write(sheet: Sheet, field: SheetField, value, *, expected: int) -> int:
    """Store one field; the stored version afterwards (0 when a score was cleared)."""
    criterion = field.key
    where = dict(round_id=sheet.round_id, judge_id=sheet.judge_id, entry_id=sheet.entry_id, actor=sheet.actor)
    with write_session(engine()) as s:
        if field.kind == FieldKind.SCORE:
            if value is None:
                clear_score(s, criterion=criterion, expected_version=expected, **where)
                return 0
            return save_score(s, criterion=criterion, value=float(value), expected_version=expected, **where).version
        return save_comment(s, criterion=criterion, text_value=value or "", expected_version=expected, **where).version


def _store(sheet: Sheet, field: SheetField, value, *, expected: int) -> None:
    sheet.errors.pop(field, None)
    try:
        version = _write(sheet, field, value, expected=expected)
    except StaleWriteError as exc:
        theirs = exc.current_value
        if _same(field, theirs, value):  # the other tab stored what this one wants: nothing to choose
            sheet.held[field] = exc.current_version or 0
            sheet.pending.pop(field, None)
            return
        sheet.pending[field] = {"mine": value, "theirs": theirs, "version": exc.current_version or 0}
        return
    except JudgingError as exc:
        sheet.errors[field] = exc.render(lang())
        sheet.held.pop(field, None)  # the next run puts the stored value back into the widget
        return
    sheet.held[field] = version
    sheet.pending.pop(field, None)
    _mark_saved(sheet)


def _same(field: SheetField, theirs, mine) -> bool:
    if field.kind == FieldKind.SCORE:
        return theirs is not None and mine is not None and float(theirs) == float(mine)
    return (theirs or "") == (mine or "")


def on_change(sheet: Sheet, field: SheetField) -> None:
    _store(sheet, field, st.session_state[sheet.widget(field)], expected=sheet.held.get(field, 0))


def keep_stored(sheet: Sheet, field: SheetField) -> None:
    choice = sheet.pending.pop(field)
    st.session_state[sheet.widget(field)] = choice["theirs"] if field.kind == FieldKind.COMMENT else _num(choice["theirs"])
    sheet.held[field] = choice["version"]


def overwrite(sheet: Sheet, field: SheetField) -> None:
    choice = sheet.pending[field]
    _store(sheet, field, choice["mine"], expected=choice["version"])


def _num(value) -> float | None:
    return None if value is None else float(value)


def on_veto(sheet: Sheet, key: str) -> None:
    checked = st.session_state[sheet.widget(veto_field(key))]
    reason = (st.session_state.get(sheet.widget(veto_reason_field(key))) or "").strip()
    where = dict(round_id=sheet.round_id, judge_id=sheet.judge_id, entry_id=sheet.entry_id, actor=sheet.actor)
    sheet.errors.pop(veto_field(key), None)
    try:
        with write_session(engine()) as s:
            if not checked:
                clear_veto(s, veto_key=key, **where)
            elif reason:
                save_veto(s, veto_key=key, reason=reason, **where)
            else:
                return  # a veto without a reason is not stored; the page asks for the reason
    except JudgingError as exc:
        sheet.errors[veto_field(key)] = exc.render(lang())
        return
    _mark_saved(sheet)


def on_submit(sheet: Sheet) -> None:
    try:
        with write_session(engine()) as s:
            submit_sheet(s, round_id=sheet.round_id, judge_id=sheet.judge_id, entry_id=sheet.entry_id,
                              actor=sheet.actor)
    except JudgingError as exc:
        sheet.errors["submit"] = exc.render(lang())
        return
    sheet.errors.pop("submit", None)


def on_conflict(sheet: Sheet) -> None:
    reason = st.session_state.get(sheet.widget("conflict_reason"), "")
    try:
        with write_session(engine()) as s:
            declare_conflict(s, round_id=sheet.round_id, judge_id=sheet.judge_id, entry_id=sheet.entry_id, reason=reason,
                                  actor=sheet.actor)
    except JudgingError as exc:
        sheet.errors["conflict"] = exc.render(lang())
        return
    st.session_state["conflict_declared"] = True


# --- reading (every run) ---------------------------------------------------------------------

def sync_widgets(sheet: Sheet, state: SheetState, rubric: Rubric) -> list[SheetField]:
    """Put stored values into widgets whose version is not the stored one; the fields refreshed."""
    refreshed = []
    fields = [(score_field(c.key), state.scores.get(c.key)) for c in rubric.criteria]
    fields += [(comment_field(k), state.comments.get(k)) for k in (*rubric.criterion_keys, OVERALL)]
    session, held, pending = st.session_state, sheet.held, sheet.pending  # each looked up once per run
    for field, stored in fields:
        if field in pending:
            continue  # the judge has not chosen yet: keep showing their value
        version = stored.version if stored else 0
        key = sheet.widget(field)
        present = key in session
        if not present or held.get(field) != version:
            if present and field in held:
                refreshed.append(field)
            if field.kind == FieldKind.SCORE:
                session[key] = None if stored is None else float(stored.value)
            else:
                session[key] = "" if stored is None else str(stored.value)
            held[field] = version
    for veto in rubric.veto_items:
        if sheet.widget(veto_field(veto.key)) not in session:
            session[sheet.widget(veto_field(veto.key))] = veto.key in state.vetoes
            session[sheet.widget(veto_reason_field(veto.key))] = state.vetoes.get(veto.key, "")
    return refreshed


def _entry_from_query() -> tuple[int | None, int | None]:
    try:
        return int(st.query_params.get("round", "")), int(st.query_params.get("entry", ""))
    except ValueError:
        return None, None


def render() -> None:
    user = require_page("sheet")
    if st.session_state.pop("conflict_declared", False):
        st.session_state["conflict_notice"] = True
        st.switch_page(entries_page())
    round_id, entry_id = _entry_from_query()
    # read from the database on every run (never from a cache): three queries, and the store looks up the
    # signed-in judge once for each of its two reads (its permission check)
    with read_session(engine()) as s:
        queue = judge_queue(s, round_id=round_id, judge_id=user.id, actor=user) if round_id else []
        found = None
        if entry_id in {q.entry_id for q in queue}:
            found = s.exec(select(Round, Entry, Track).select_from(Entry).join(Track, Track.id == Entry.track_id)
                           .join(Round, Round.edition_id == Entry.edition_id)
                           .where(Round.id == round_id, Entry.id == entry_id)).first()
        if found is None or found[0].status != RoundStatus.OPEN:
            st.info(tr("sheet.choose_entry"))
            st.page_link(entries_page(), label=tr("sheet.back"), icon=":material/arrow_back:")
            return
        rnd, entry, track = found
        rubric = round_rubric(rnd)
        state = load_sheet(s, round_id=round_id, judge_id=user.id, entry_id=entry_id,
                                actor=user)
    sheet = Sheet(round_id, user.id, entry_id, user)
    refreshed = sync_widgets(sheet, state, rubric)
    locked = state.status == SheetStatus.SUBMITTED
    view = View(sheet, lang(), sheet.pending, sheet.errors)

    _header(view, entry, track, rnd, rubric, state, locked, refreshed)
    for criterion in rubric.criteria:
        _criterion(view, criterion, rubric, state, locked)
    _overall_and_vetoes(view, rubric, state, locked)
    _actions(view, rubric, state, locked, queue)


@dataclass(frozen=True)
class View:
    """What one run of the page reads once: the sheet, the language, and this sheet's buckets."""

    sheet: Sheet
    code: str
    pending: dict
    errors: dict

    def tr(self, key: str, /, **params: object) -> str:
        return t(key, self.code, **params)


def _header(view: View, entry: Entry, track: Track, rnd: Round, rubric: Rubric, state: SheetState,
            locked: bool, refreshed) -> None:
    code, tr = view.code, view.tr
    track = (track.name_en or track.name_zh) if code == "en" else track.name_zh
    top, status = st.columns([3, 1], vertical_alignment="bottom")
    top.subheader(plain(entry.title))
    top.caption(f"{plain(entry.code)} · {plain(track)} · {plain(rnd.name)}")
    total = weighted_total(scores=state.score_values, rubric=rubric)
    status.metric(tr("sheet.total"), "—" if total is None else f"{total:.2f}",
                  help=tr("sheet.total_help"), border=False)
    if locked:
        st.success(tr("sheet.locked", at=when(state.submitted_at)))
    elif state.updated_at is not None:
        st.caption(":material/cloud_done: " + tr("sheet.saved_at", time=clock(state.updated_at)))
    else:
        st.caption(tr("sheet.nothing_saved"))
    if refreshed:
        st.info(tr("sheet.refreshed"))
    with st.expander(tr("sheet.details"), expanded=False):
        if rnd.blind:
            st.caption(":material/visibility_off: " + tr("sheet.blind"))
        else:
            for key, value in (("sheet.organisation", entry.organisation),
                               ("sheet.recommending_unit", entry.recommending_unit),
                               ("sheet.contact", entry.contact)):
                if value:
                    st.markdown(f"**{tr(key)}**：{plain(value)}")
        if entry.summary:
            st.markdown(f"**{tr('sheet.summary')}**")
            st.text(entry.summary)
        if entry.materials:
            st.markdown(f"**{tr('sheet.materials')}**")
            st.text(entry.materials)


def _criterion(view: View, criterion: Criterion, rubric: Rubric, state: SheetState, locked: bool) -> None:
    sheet, code, tr = view.sheet, view.code, view.tr
    field = score_field(criterion.key)
    stored = state.scores.get(criterion.key)
    with st.container(border=True):
        info, entry_col = st.columns([3, 2], gap="medium")
        with info:
            # one markdown block per criterion: fewer elements keep the sheet's rerun fast
            current = criterion.band_for(float(stored.value)) if stored else None
            st.markdown(criterion_text(criterion, code, tr, current))
        with entry_col:
            step = rubric.scale.step
            st.number_input(
                tr("sheet.score_label", criterion=criterion.label.get(code), min=f"{rubric.scale.min:g}", max=f"{rubric.scale.max:g}", step=f"{step:g}"),
                min_value=float(rubric.scale.min), max_value=float(rubric.scale.max), step=float(step),
                value=None, format=score_format(step), key=sheet.widget(field), disabled=locked,
                on_change=on_change, args=(sheet, field), placeholder=tr("sheet.score_placeholder"),
            )
            if stored is not None and current is not None:
                st.caption(tr("sheet.band", band=current.label.get(code)))
            _pending(view, field, is_score=True)
            _error(view, field)
            required = stored is not None and rubric.comment_rule.requires_comment(float(stored.value))
            cfield = comment_field(criterion.key)
            st.text_area(
                tr("sheet.comment_required") if required else tr("sheet.comment_optional"),
                key=sheet.widget(cfield), disabled=locked, height=80, on_change=on_change, args=(sheet, cfield),
                placeholder=tr("sheet.comment_rule", rule=rule_text(rubric, tr)),
            )
            if required and not (state.comments.get(criterion.key) and str(state.comments[criterion.key].value).strip()):
                st.warning(tr("sheet.comment_needed"), icon=":material/edit:")
            _pending(view, cfield, is_score=False)
            _error(view, cfield)


def criterion_text(criterion: Criterion, code: str, tr, current=None) -> str:
    """A criterion's weight, description, sub-items and bands as one markdown block; ``current``, the
    band the stored score falls in, is marked (the organiser's rubric preview shows it the same way)."""
    lines = [f"**{criterion.label.get(code)}** · " + tr("sheet.weight", weight=f"{criterion.weight:g}")]
    if criterion.description.get(code):
        lines += ["", f":gray[{criterion.description.get(code)}]"]
    if criterion.sub_items:
        lines += [""] + [
            f"- {s.label.get(code)}" + (f"（{s.points:g}）" if s.points is not None else "")
            + (f"：{s.description.get(code)}" if s.description.get(code) else "")
            for s in criterion.sub_items
        ]
    lines += [""] + [
        ("- **▶ " if band is current else "- ") + f"{band.label.get(code)} {band.low:g}–{band.high:g}"
        + ("**" if band is current else "") + f"：{band.description.get(code)}"
        for band in criterion.bands
    ]
    return "\n".join(lines)


def score_format(step: float) -> str:
    """The number input's format: as many decimals as the rubric's step has."""
    return f"%.{0 if float(step).is_integer() else len(f'{step:g}'.split('.')[1])}f"


def rule_text(rubric: Rubric, tr) -> str:
    """The rubric's comment rule in words (``tr``: the page's translation function)."""
    rule = rubric.comment_rule
    parts = []
    if rule.below is not None:
        parts.append(tr("sheet.rule_below", value=f"{rule.below:g}"))
    if rule.above is not None:
        parts.append(tr("sheet.rule_above", value=f"{rule.above:g}"))
    return tr("sheet.rule_or").join(parts) if parts else tr("sheet.rule_none")


def _pending(view: View, field: SheetField, *, is_score: bool) -> None:
    choice = view.pending.get(field)
    if choice is None:
        return
    sheet, tr = view.sheet, view.tr
    show = (lambda v: "—" if v is None else f"{float(v):g}") if is_score else (lambda v: (v or "—")[:80])
    with st.container(border=True):
        st.warning(tr("sheet.stale", theirs=show(choice["theirs"]), mine=show(choice["mine"])),
                   icon=":material/sync_problem:")
        left, right = st.columns(2)
        left.button(tr("sheet.keep_stored"), key=f"keep_{sheet.ns}_{field}", on_click=keep_stored, args=(sheet, field),
                    width="stretch")
        right.button(tr("sheet.overwrite"), key=f"over_{sheet.ns}_{field}", on_click=overwrite, args=(sheet, field),
                     width="stretch")


def _error(view: View, field: SheetField | str) -> None:
    if field in view.errors:
        st.error(view.errors[field])


def _overall_and_vetoes(view: View, rubric: Rubric, state: SheetState, locked: bool) -> None:
    sheet, code, tr = view.sheet, view.code, view.tr
    field = comment_field(OVERALL)
    st.text_area(tr("sheet.overall_comment"), key=sheet.widget(field), disabled=locked, height=80,
                 on_change=on_change, args=(sheet, field))
    _pending(view, field, is_score=False)
    _error(view, field)
    if not rubric.veto_items:
        return
    with st.expander(tr("sheet.vetoes", n=len(state.vetoes)), expanded=bool(state.vetoes)):
        st.caption(tr("sheet.veto_help"))
        for veto in rubric.veto_items:
            key = veto.key
            st.checkbox(veto.label.get(code), key=sheet.widget(veto_field(key)), disabled=locked,
                        help=veto.description.get(code) or None, on_change=on_veto, args=(sheet, key))
            if st.session_state.get(sheet.widget(veto_field(key))):
                st.text_input(tr("sheet.veto_reason"), key=sheet.widget(veto_reason_field(key)), disabled=locked,
                              on_change=on_veto, args=(sheet, key))
                if key not in state.vetoes:
                    st.warning(tr("sheet.veto_needs_reason"))
            _error(view, veto_field(key))


def _actions(view: View, rubric: Rubric, state: SheetState, locked: bool, queue: list[QueueItem]) -> None:
    sheet, code, tr = view.sheet, view.code, view.tr

    missing = [c.label.get(code) for c in rubric.criteria if c.key not in state.scores]
    need = missing_comments(scores=state.score_values, comments=state.comment_texts, rubric=rubric)
    open_vetoes = [v.key for v in rubric.veto_items
                   if st.session_state.get(sheet.widget(veto_field(v.key))) and v.key not in state.vetoes]
    blockers = []
    if missing:
        blockers.append(tr("sheet.missing_scores", criteria="、".join(missing)))
    if need:
        blockers.append(tr("sheet.missing_comments",
                           criteria="、".join(rubric.criterion(k).label.get(code) for k in need)))
    if open_vetoes:
        blockers.append(tr("sheet.veto_needs_reason"))
    if view.pending:
        blockers.append(tr("sheet.pending_choice"))

    order = [q.entry_id for q in queue]
    position = order.index(sheet.entry_id)
    later = [q for q in queue[position + 1:] + queue[:position] if not q.submitted]
    submit_col, next_col, back_col = st.columns(3)
    if not locked:
        submit_col.button(tr("sheet.submit"), type="primary", disabled=bool(blockers), on_click=on_submit,
                          args=(sheet,), key=f"submit_{sheet.ns}", width="stretch")
    if later and next_col.button(tr("sheet.save_next"), key=f"next_{sheet.ns}", width="stretch"):
        st.query_params["entry"] = str(later[0].entry_id)
        st.rerun()
    if back_col.button(tr("sheet.back"), key=f"back_{sheet.ns}", width="stretch"):
        st.switch_page(entries_page())
    for text in blockers if not locked else []:
        st.caption(":material/info: " + text)
    _error(view, "submit")
    st.caption(tr("sheet.position", i=position + 1, m=len(order)))

    if not locked:
        with st.expander(tr("sheet.conflict"), expanded=False):
            st.caption(tr("sheet.conflict_help"))
            st.text_input(tr("sheet.conflict_reason"), key=sheet.widget("conflict_reason"))
            st.button(tr("sheet.conflict_confirm"), key=f"conflict_{sheet.ns}", on_click=on_conflict, args=(sheet,))
            _error(view, "conflict")
