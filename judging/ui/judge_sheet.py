"""The score sheet: one entry, every criterion against its bands, each edit stored as the judge makes it.

The inputs are a component in the page (``judging/ui/sheet_inputs.py``, its script in
``judging/ui/assets/score_sheet.js``): the browser owns what the judge types, the server owns what is
stored. Each edit goes to the server as an operation carrying what the judge's screen showed; the
store changes the field only if it still holds that, else the judge sees both values and chooses.
Operations wait in the browser until they are answered, so a lost connection, a reload or a server
restart loses nothing, and the sheet's part of the page reruns alone (a fragment) on each answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlmodel import select

from judging.core.permissions import Actor
from judging.core.rubric import Criterion, Rubric
from judging.core.scoring import missing_comments, weighted_total
from judging.core.states import RoundStatus, SheetStatus
from judging.errors import JudgingError
from judging.i18n import t
from judging.store.db import read_session, write_session
from judging.store.editions import round_rubric
from judging.store.models import Entry, Round, Track
from judging.store.sheets import (
    QueueItem,
    SheetState,
    declare_conflict,
    judge_queue,
    live_final_of_judge,
    load_sheet,
    submit_sheet,
)
from judging.ui import sheet_inputs, sheet_materials
from judging.ui.common import (
    browser_zone,
    clock,
    engine,
    lang,
    plain,
    require_page,
    rerun_app_by_timer,
    rerun_app_if_refused,
    tr,
    when,
)
from judging.ui.pages import entries_page

COMPONENT_KEY = "score_sheet"
LIVE_SHEET_WATCH_KEY = "live_sheet_watch"  # the timer that takes a panel judge on to the next live entry
LIVE_SHEET_WATCH_S = 2  # a closed live entry gives way to the next one within this (the issue: 3 s)
ERRORS_KEY = "sheet_errors"  # session state: sheet namespace -> {"submit"|"conflict": message}
ACKS_KEY = "sheet_acks"  # session state: operation id -> the server's answer
SUBMITS_KEY = "sheet_submits"  # session state: sheet namespace -> the last submit click answered (its `at`)


@dataclass(frozen=True)
class Sheet:
    """Who writes where."""

    round_id: int
    judge_id: int
    entry_id: int
    actor: Actor

    @property
    def ns(self) -> str:
        return f"{self.round_id}_{self.entry_id}"

    def widget(self, name: str) -> str:
        return f"w_{self.ns}_{name}"

    @property
    def errors(self) -> dict[str, str]:
        return st.session_state.setdefault(ERRORS_KEY, {}).setdefault(self.ns, {})

    @property
    def submit_answered(self) -> object:
        """The click (its `at`) the last submit answer was for: the browser sends a click again until
        it sees its answer."""
        return st.session_state.get(SUBMITS_KEY, {}).get(self.ns)


# --- writing (the component's callbacks) -----------------------------------------------------

def _message(name: str, key: str = COMPONENT_KEY):
    state = st.session_state.get(key)
    return None if state is None else state.get(name)


def _apply_outbox(key: str, judge: Actor) -> None:
    """Answer the outbox the component under ``key`` sent, as ``judge`` (answers kept in the session)."""
    sheet_inputs.apply_outbox(engine(), _message("outbox", key), st.session_state.setdefault(ACKS_KEY, {}),
                              judge=judge, code=lang(), zone=browser_zone())


def _acks(key: str) -> dict:
    """The answers to the outbox the component under ``key`` sent last, for it to read."""
    return sheet_inputs.acks_for(_message("outbox", key), st.session_state.get(ACKS_KEY, {}))


def on_outbox(sheet: Sheet) -> None:
    _apply_outbox(COMPONENT_KEY, sheet.actor)


def on_submit(sheet: Sheet) -> None:
    asked = _message("submit")
    if not isinstance(asked, dict) or (asked.get("round"), asked.get("entry")) != (sheet.round_id, sheet.entry_id):
        return  # a click on a sheet this run no longer shows
    if asked.get("at") is not None and asked.get("at") == sheet.submit_answered:
        return  # the same click sent again because its answer had not reached the browser yet
    st.session_state.setdefault(SUBMITS_KEY, {})[sheet.ns] = asked.get("at")
    try:
        with write_session(engine()) as s:
            submit_sheet(s, round_id=sheet.round_id, judge_id=sheet.judge_id, entry_id=sheet.entry_id,
                         actor=sheet.actor)
    except JudgingError as exc:
        sheet.errors["submit"] = exc.render(lang())
        return
    sheet.errors.pop("submit", None)


def on_next(sheet: Sheet) -> None:
    asked = _message("next")
    if isinstance(asked, dict) and isinstance(asked.get("entry"), int):
        st.session_state["sheet_next_entry"] = asked["entry"]


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
    with read_session(engine()) as s:
        queue = judge_queue(s, round_id=round_id, judge_id=user.id, actor=user) if round_id else []
        live = live_final_of_judge(s, judge_id=user.id, actor=user)
        if round_id in live.panel and live.open_entries.get(round_id) != entry_id:
            _follow_live(round_id, live.open_entries.get(round_id))
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
    sheet = Sheet(round_id, user.id, entry_id, user)
    _header(lang(), entry, track, rnd)
    # the materials above the criteria, or beside them when the judge asks (the switch is in the materials)
    beside = bool(st.session_state.get(sheet_materials.BESIDE_KEY))
    materials, inputs = st.columns(2, gap="medium") if beside else (st.container(), st.container())
    with materials:
        sheet_materials.render(actor=user, round_id=round_id, judge_id=user.id, entry_id=entry_id,
                               links=entry.materials, blind=rnd.blind)
    with inputs:
        if round_id in live.panel:  # a live final: when the organiser closes this entry, the next one comes
            st.fragment(_watch_live, run_every=LIVE_SHEET_WATCH_S, key=LIVE_SHEET_WATCH_KEY)(sheet)
        # in a live final only the open entry can be scored: no "save and next" to a closed one
        st.fragment(_inputs)(sheet, rubric,
                             [q for q in queue if q.entry_id == entry_id] if round_id in live.panel else queue)
    _conflict(sheet)


def _follow_live(round_id: int, open_entry: int | None) -> None:
    """Take a panel judge to the live final's open entry, or to their list (which says to wait)."""
    if open_entry is None:
        st.switch_page(entries_page())
    st.query_params["round"], st.query_params["entry"] = str(round_id), str(open_entry)
    rerun_app_by_timer()


@rerun_app_if_refused
def _watch_live(sheet: Sheet) -> None:
    """One tick: whether the entry open to this panel judge is still the one on the screen. The rerun
    it may start does not count as the judge's activity."""
    with read_session(engine()) as s:
        open_entry = live_final_of_judge(s, judge_id=sheet.judge_id, actor=sheet.actor).open_entries.get(sheet.round_id)
    if open_entry != sheet.entry_id:
        _follow_live(sheet.round_id, open_entry)


def _header(code: str, entry: Entry, track: Track, rnd: Round) -> None:
    track_name = (track.name_en or track.name_zh) if code == "en" else track.name_zh
    st.subheader(plain(entry.title))
    st.caption(f"{plain(entry.code)} · {plain(track_name)} · {plain(rnd.name)}")
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


def _inputs(sheet: Sheet, rubric: Rubric, queue: list[QueueItem]) -> None:
    """The sheet's inputs: rerun alone on every answer the browser asks for."""
    next_entry = st.session_state.pop("sheet_next_entry", None)
    if next_entry is not None and next_entry in {q.entry_id for q in queue}:
        st.query_params["entry"] = str(next_entry)
        st.rerun(scope="app")
    with read_session(engine()) as s:
        state = load_sheet(s, round_id=sheet.round_id, judge_id=sheet.judge_id, entry_id=sheet.entry_id,
                           actor=sheet.actor)
    data = sheet_data(sheet, rubric, state, queue, lang())
    data["acks"] = _acks(COMPONENT_KEY)
    sheet_inputs.mount(key=COMPONENT_KEY, data=data, on_outbox=lambda: on_outbox(sheet),
                       on_submit=lambda: on_submit(sheet), on_next=lambda: on_next(sheet))


def sheet_data(sheet: Sheet, rubric: Rubric, state: SheetState, queue: list[QueueItem], code: str) -> dict:
    """What the component shows: the rubric, what is stored, and the texts in the judge's language."""
    def tr_(key: str, /, **params: object) -> str:
        return t(key, code, **params)

    locked = state.status == SheetStatus.SUBMITTED
    scores = state.score_values
    total = weighted_total(scores=scores, rubric=rubric)
    order = [q.entry_id for q in queue]
    position = order.index(sheet.entry_id) if sheet.entry_id in order else 0
    later = [q for q in queue[position + 1:] + queue[:position] if not q.submitted]
    blockers = []
    missing = [c.label.get(code) for c in rubric.criteria if c.key not in state.scores]
    if missing:
        blockers.append(tr_("sheet.missing_scores", criteria="、".join(missing)))
    need = missing_comments(scores=scores, comments=state.comment_texts, rubric=rubric)
    if need:
        blockers.append(tr_("sheet.missing_comments", criteria="、".join(rubric.criterion(k).label.get(code) for k in need)))
    return {
        "judge": sheet.judge_id, "round": sheet.round_id, "entry": sheet.entry_id,
        "criteria": [_criterion_data(c, rubric, code, tr_) for c in rubric.criteria],
        "vetoes": [{"key": v.key, "label": v.label.get(code), "description": v.description.get(code) or ""}
                   for v in rubric.veto_items],
        "fields": sheet_inputs.stored_fields(state, rubric),
        "total": None if total is None else f"{total:.2f}",
        "needs_comment": [k for k, v in scores.items() if rubric.comment_rule.requires_comment(v)],
        "blockers": blockers,
        "saved_at": clock(state.updated_at) if state.updated_at else None,
        "locked": tr_("sheet.locked", at=when(state.submitted_at)) if locked else "",
        "position": tr_("sheet.position", i=position + 1, m=len(order)),
        "next_entry": later[0].entry_id if later else None,
        "submit_error": sheet.errors.get("submit", ""),
        "submit_answered": sheet.submit_answered,
        "comment_rule": tr_("sheet.comment_rule", rule=rule_text(rubric, tr_)),
        "labels": _labels(tr_),
    }


def _criterion_data(c: Criterion, rubric: Rubric, code: str, tr_) -> dict:
    scale = rubric.scale
    points = sum(s.points for s in c.sub_items if s.points is not None)
    return {
        "key": c.key, "label": c.label.get(code), "weight": tr_("sheet.weight", weight=f"{c.weight:g}"),
        "description": c.description.get(code) or "",
        "score_label": tr_("sheet.score_label", criterion=c.label.get(code), min=f"{scale.min:g}",
                           max=f"{scale.max:g}", step=f"{scale.step:g}"),
        "decimals": score_decimals(scale.step),
        "sub_items_caption": tr_("sheet.sub_items", points=f"{points:g}") if points else tr_("sheet.sub_items_plain"),
        "sub_items": [{"label": s.label.get(code), "points": "" if s.points is None else f"{s.points:g}",
                       "description": s.description.get(code) or ""} for s in c.sub_items],
        "bands_caption": tr_("sheet.bands", min=f"{scale.min:g}", max=f"{scale.max:g}"),
        "bands": [{"low": f"{b.low:g}", "high": f"{b.high:g}", "low_value": b.low, "high_value": b.high,
                   "label": b.label.get(code), "description": b.description.get(code) or ""} for b in c.bands],
    }


LABEL_KEYS = {
    "total": "sheet.total", "score_placeholder": "sheet.score_placeholder", "band": "sheet.band",
    "comment_optional": "sheet.comment_optional", "comment_required": "sheet.comment_required",
    "overall_comment": "sheet.overall_comment", "vetoes": "sheet.vetoes_title", "veto_help": "sheet.veto_help",
    "veto_reason": "sheet.veto_reason", "veto_needs_reason": "sheet.veto_needs_reason",
    "stale": "sheet.stale", "keep_stored": "sheet.keep_stored", "overwrite": "sheet.overwrite",
    "submit": "sheet.submit", "save_next": "sheet.save_next", "refreshed": "sheet.refreshed",
    "submit_confirm_text": "sheet.submit_confirm_text", "submit_confirm": "sheet.submit_confirm",
    "cancel": "sheet.cancel", "next_waiting": "sheet.next_waiting",
    "submitting": "sheet.submitting",
    "state_saving": "sheet.state_saving", "state_saved": "sheet.state_saved", "state_offline": "sheet.state_offline",
    "state_conflict": "sheet.state_conflict", "bar_saving": "sheet.bar_saving", "bar_offline": "sheet.bar_offline",
    "bar_saved": "sheet.bar_saved", "kept_notice": "sheet.kept_notice", "bar_nothing": "sheet.bar_nothing", "banner_offline": "sheet.banner_offline",
}


COURIER_KEY = "sheet_courier"


def courier(user: Actor, entries: dict[str, str]) -> None:
    """On the entry list: the sheet's component without a sheet. It sends what the browser's outbox still
    holds (a change committed as the judge left a sheet, or left in a closed tab) and says so while it
    does; and it names the entries of the list (``entries``: "round/entry" to its name) on which the
    browser keeps a change the server did not take. With neither it shows nothing."""
    code = lang()
    data = {"courier": True, "judge": user.id, "labels": _labels(lambda key, /, **params: t(key, code, **params)),
            "acks": _acks(COURIER_KEY), "entries": entries}
    sheet_inputs.mount(key=COURIER_KEY, data=data, on_outbox=lambda: _apply_outbox(COURIER_KEY, user),
                       on_submit=lambda: None, on_next=lambda: None)


def _labels(tr_) -> dict[str, str]:
    # texts with {placeholders} the script fills in go as templates: t() leaves unknown names alone
    return {name: tr_(key) for name, key in LABEL_KEYS.items()}


def _conflict(sheet: Sheet) -> None:
    with st.expander(tr("sheet.conflict"), expanded=False):
        st.caption(tr("sheet.conflict_help"))
        st.text_input(tr("sheet.conflict_reason"), key=sheet.widget("conflict_reason"))
        st.button(tr("sheet.conflict_confirm"), key=f"conflict_{sheet.ns}", on_click=on_conflict, args=(sheet,))
        if "conflict" in sheet.errors:
            st.error(plain(sheet.errors["conflict"]))
    st.page_link(entries_page(), label=tr("sheet.back"), icon=":material/arrow_back:")


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


def score_decimals(step: float) -> int:
    """As many decimals as the rubric's step has."""
    return 0 if float(step).is_integer() else len(f"{step:g}".split(".")[1])


def score_format(step: float) -> str:
    """A number input's format for the rubric's step (the organiser's preview of the sheet)."""
    return f"%.{score_decimals(step)}f"


def rule_text(rubric: Rubric, tr) -> str:
    """The rubric's comment rule in words (``tr``: the page's translation function)."""
    rule = rubric.comment_rule
    parts = []
    if rule.below is not None:
        parts.append(tr("sheet.rule_below", value=f"{rule.below:g}"))
    if rule.above is not None:
        parts.append(tr("sheet.rule_above", value=f"{rule.above:g}"))
    return tr("sheet.rule_or").join(parts) if parts else tr("sheet.rule_none")
