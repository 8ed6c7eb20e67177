"""The demo contest: 2026年信息消费创新大赛(演示), built into an empty database through the store.

Entries and judges come from the sample import files in ``data/demo/`` and go through the same
import as an organiser's files (with its automatic conflicts). Judges are assigned by
``assign_judges``; their scores are simulated from a per-judge model (severity, scale use, noise)
so that the rankings have something to correct, and about a tenth of the sheets are left unscored
so that progress is visible. Every demo account has the password ``DEMO_PASSWORD``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from judging import resources
from judging.core.assignment import assign_judges
from judging.core.passwords import PreparedPassword, check_password, hash_password
from judging.core.permissions import DEMO, Actor, Role
from judging.core.rubric import Rubric, load_rubric
from judging.core.scoring import weighted_total
from judging.core.states import RoundStatus, SheetStatus
from judging.errors import JudgingError, Problem
from judging.store.assignment import assign, conflicts_of
from judging.store.audit_log import record_event, record_events
from judging.store.db import write_session
from judging.store.editions import add_round, create_edition, entries_of, get_round, rounds_of, tracks_of
from judging.store.imports import import_entries, import_judges
from judging.store.models import (
    Assignment,
    Comment,
    Edition,
    Entry,
    Score,
    ScoreSheet,
    User,
    stored_id,
    utcnow,
)
from judging.store.people import create_user, list_judges, set_passwords
from judging.store.sheets import save_veto

DATA_DIR = resources.data_dir() / "demo"
RUBRICS_DIR = resources.rubrics_dir()

DEMO_PASSWORD = "demo2026-public"  # public on purpose: the demo is for trying the system, not for real contests
DEMO_SEED = 2026
ACTOR = DEMO

EDITION_NAME = "2026年信息消费创新大赛(演示)"
EDITION_YEAR = 2026
TRACKS = (
    ("life", "生活类信息消费", "Life services"),
    ("public", "公共服务类信息消费", "Public services"),
    ("industry", "行业类信息消费", "Industry"),
    ("new_product", "新型信息产品", "New information products"),
    ("platform", "信息消费支撑平台", "Support platforms"),
)
STAFF_ACCOUNTS = (  # username, display name, role
    ("organiser", "组织方（演示）", Role.ORGANISER),
    ("announcer", "发布（演示）", Role.ANNOUNCER),
    ("auditor", "监督（演示）", Role.AUDITOR),
)
RUBRIC_FILE = "innovation_contest.toml"
JUDGES_PER_ENTRY = 5
FINAL_JUDGES_PER_ENTRY = 7  # a roadshow panel; trimmed means need at least five
ADVANCE_RULE = "top:6"  # six per track go on to the roadshow: 30 finalists

# The judge model: score = centre + severity + scale · spread · quality + noise, per criterion.
SCORE_CENTRE = 74.0  # preliminary scores of provincial and national contests cluster in the low 70s
QUALITY_SPREAD = 9.0  # one SD of entry quality moves an average judge's score by about 9 points
CRITERION_CORRELATION = 0.8  # an entry strong in one criterion is usually strong in the others
SEVERITY_SD = 5.0  # harsh and lenient judges differ by ±5 points on the same entry
LOG_SCALE_SD = 0.3  # some judges use a narrow band of the scale, some stretch it
NOISE_RANGE = (2.5, 7.0)  # each judge's own inconsistency, SD in points
# Progress: most judges are nearly done, a few are behind (monitoring has something to show).
BEHIND_JUDGES = 3
BEHIND_COMPLETION = (0.45, 0.7)
ON_TIME_COMPLETION = (0.93, 1.0)
IN_PROGRESS_SHARE = 0.04  # of started sheets: some criteria scored, nothing submitted
COMPLETE_NOT_SUBMITTED_SHARE = 0.06  # of complete sheets: ready but not yet submitted
SHEET_COMMENT_SHARE = 0.25  # of submitted sheets with an overall comment
VETO_COUNT = 1  # one entry is flagged for a veto item, so the veto path is visible

SHEET_COMMENTS = (
    "材料完整，技术路线清晰，建议补充近一年的运营数据。",
    "应用场景明确，用户规模可观，推广前景较好。",
    "创新点表述较笼统，与同类产品的差异需要进一步说明。",
    "项目完成度高，示范效果明显。",
    "建议加强数据安全和个人信息保护方面的说明。",
    "商业模式尚需验证，可持续性有待观察。",
)


@dataclass(frozen=True)
class JudgeModel:
    """How one simulated judge turns entry quality into scores."""

    severity: float
    scale: float
    noise: float
    completion: float


@dataclass(frozen=True)
class SheetPlan:
    """One simulated sheet: the scores to store, the comments and whether it is submitted."""

    judge: int
    entry: int
    scores: dict[str, float]
    comments: dict[str, str]
    submit: bool


class DemoError(JudgingError):
    """The demo cannot be built here (the database is not empty, or its data files are missing)."""


# --- building --------------------------------------------------------------------------------

def build_demo(engine: Engine, *, seed: int = DEMO_SEED) -> int:
    """Build the demo contest into an empty database and return its edition id.

    Refuses (``DemoError``) when the database already holds an edition or an account, so that a
    real contest is never mixed with demo data. Everything is one transaction.
    """
    for path in (DATA_DIR / "entries.csv", DATA_DIR / "judges.csv", RUBRICS_DIR / RUBRIC_FILE):
        if not path.is_file():  # a damaged install: say which file is missing
            raise DemoError(Problem("demo.data_missing", {"path": path}))
    rubric = load_rubric(RUBRICS_DIR / RUBRIC_FILE)
    shared = PreparedPassword(hash_password(DEMO_PASSWORD))  # one hash: every demo account has the same public password
    with write_session(engine) as session:
        _refuse_unless_empty(session)
        edition = create_edition(session, name=EDITION_NAME, year=EDITION_YEAR, kind="innovation_contest",
                                      tracks=TRACKS, actor=ACTOR)
        preliminary = add_round(session, edition_id=edition.id, key="preliminary", name="初评", rubric=rubric,
                                     position=0, blind=True, judges_per_entry=JUDGES_PER_ENTRY, status=RoundStatus.OPEN,
                                     actor=ACTOR)
        preliminary.advance_rule = ADVANCE_RULE
        session.add(preliminary)
        add_round(session, edition_id=edition.id, key="final", name="终评/路演", rubric=rubric, position=1,
                       blind=False, judges_per_entry=FINAL_JUDGES_PER_ENTRY, status=RoundStatus.DRAFT, actor=ACTOR)

        import_entries(session, edition_id=edition.id, data=(DATA_DIR / "entries.csv").read_bytes(), actor=ACTOR)
        import_judges(session, edition_id=edition.id, data=(DATA_DIR / "judges.csv").read_bytes(), actor=ACTOR)
        judges = list_judges(session, actor=ACTOR)
        for name in [j.username for j in judges] + [a[0] for a in STAFF_ACCOUNTS]:
            check_password(DEMO_PASSWORD, username=name)  # the demo meets the rules like any account
        set_passwords(session, passwords={j.username: shared for j in judges}, actor=ACTOR)
        for username, display_name, role in STAFF_ACCOUNTS:
            create_user(session, username=username, display_name=display_name, role=role,
                        password=shared, actor=ACTOR)
        record_event(session, actor=ACTOR, action="demo.passwords", subject=f"edition:{edition.id}",
                          payload={"accounts": len(judges) + len(STAFF_ACCOUNTS)})

        entries = entries_of(session, edition.id)
        track_keys = {t.id: t.key for t in tracks_of(session, edition.id)}
        conflicts = [(c.judge_id, c.entry_id) for c in conflicts_of(session, edition.id)]
        pairs = assign_judges(
            entries={e.id: track_keys[e.track_id] for e in entries},
            judges={j.id: set(filter(None, j.expertise.split(";"))) for j in judges},
            k=JUDGES_PER_ENTRY, conflicts=conflicts, seed=seed,
        )
        assign(session, round_id=preliminary.id, pairs=pairs, actor=ACTOR)

        plans = plan_sheets(rubric=rubric, pairs=pairs, entries=[stored_id(e) for e in entries],
                            judges=[stored_id(j) for j in judges], seed=seed)
        _store_sheets(session, round_id=preliminary.id, rubric=rubric, plans=plans, seed=seed)
        return stored_id(edition)


def first_judges(engine: Engine, n: int = 3) -> list[str]:
    """The user names of the demo's first ``n`` judges, read by the demo builder right after building
    (the sign-in page names them once, to the tab that built the demo)."""
    with write_session(engine) as session:
        return [u.username for u in list_judges(session, actor=ACTOR)[:n]]


def _refuse_unless_empty(session: Session) -> None:
    editions = session.exec(select(func.count()).select_from(Edition)).one()
    users = session.exec(select(func.count()).select_from(User)).one()
    if editions or users:
        raise DemoError(Problem("demo.database_not_empty", {"editions": editions, "users": users}))


def _store_sheets(session: Session, *, round_id: int, rubric: Rubric, plans: list[SheetPlan], seed: int) -> None:
    """Write the simulated sheets as judges would have: the same rows and audit events, in bulk.

    ``save_score`` and ``submit_sheet`` take about 10 ms each (checks, versioning, one audit event
    each); the demo writes a few thousand of them at once, so it inserts the rows they would have
    written and their events through ``record_events``, keeping the trail complete and chained.
    """
    judges = {u.id: Actor(id=u.id, username=u.username, role=u.role, active=u.active)
              for u in session.exec(select(User))}  # the judges' own actors: their sheets, their events
    subject = f"round:{round_id}"
    now = utcnow()
    scores, comments, sheets, events = [], [], [], []
    for plan in plans:
        actor = judges[plan.judge]
        pair = {"round_id": round_id, "judge_id": plan.judge, "entry_id": plan.entry}
        for criterion, value in plan.scores.items():
            scores.append(pair | {"criterion": criterion, "value": value, "version": 1, "updated_at": now})
            events.append((actor, "score.save", subject, {"judge_id": plan.judge, "entry_id": plan.entry,
                           "criterion": criterion, "old": None, "value": value, "version": 1}))
        for criterion, text in plan.comments.items():
            comments.append(pair | {"criterion": criterion, "text": text, "version": 1, "updated_at": now})
            events.append((actor, "comment.save", subject, {"judge_id": plan.judge, "entry_id": plan.entry,
                           "criterion": criterion, "text": text, "version": 1}))
        sheets.append(pair | {"status": SheetStatus.SUBMITTED if plan.submit else SheetStatus.DRAFT,
                              "submitted_at": now if plan.submit else None, "updated_at": now})
        if plan.submit:
            events.append((actor, "sheet.submit", subject, {
                "judge_id": plan.judge, "entry_id": plan.entry, "scores": plan.scores,
                "total": weighted_total(scores=plan.scores, rubric=rubric)}))
    # the weakest submitted sheet raises a veto, so the veto path has something to show (before the
    # sheet is stored as submitted: a judge may not change a submitted sheet)
    rng = np.random.default_rng(seed + 1)
    if rubric.veto_items:
        for plan in sorted((p for p in plans if p.submit), key=lambda p: _mean(p.scores))[:VETO_COUNT]:
            item = rubric.veto_items[int(rng.integers(len(rubric.veto_items)))]
            save_veto(session, round_id=round_id, judge_id=plan.judge, entry_id=plan.entry,
                           veto_key=item.key, reason=f"{item.description.zh}（演示）", actor=judges[plan.judge])
    for table, rows in ((Score, scores), (Comment, comments), (ScoreSheet, sheets)):
        if rows:
            session.execute(insert(table), rows)
    record_events(session, events)
    rnd = get_round(session, round_id)
    rnd.rubric_frozen = True  # as the first save_score would
    session.add(rnd)


def _mean(scores: dict[str, float]) -> float:
    return sum(scores.values()) / len(scores)


# --- simulation (pure) -----------------------------------------------------------------------

def judge_models(judges: list[int], rng: np.random.Generator) -> dict[int, JudgeModel]:
    """A severity, scale, noise and completion rate per judge; ``BEHIND_JUDGES`` of them are behind."""
    behind = set(rng.choice(len(judges), size=min(BEHIND_JUDGES, len(judges)), replace=False).tolist())
    models = {}
    for i, judge in enumerate(judges):
        completion = BEHIND_COMPLETION if i in behind else ON_TIME_COMPLETION
        models[judge] = JudgeModel(
            severity=float(rng.normal(0.0, SEVERITY_SD)),
            scale=float(np.exp(rng.normal(0.0, LOG_SCALE_SD))),
            noise=float(rng.uniform(*NOISE_RANGE)),
            completion=float(rng.uniform(*completion)),
        )
    return models


def plan_sheets(
    *, rubric: Rubric, pairs: list[tuple[int, int]], entries: list[int], judges: list[int], seed: int
) -> list[SheetPlan]:
    """Simulated sheets for the assigned pairs: scores on the rubric's step, comments where required.

    Each entry has a latent quality per criterion (standard normal, correlated across criteria by
    ``CRITERION_CORRELATION``); judge ``j`` scores ``SCORE_CENTRE + severity_j + scale_j ·
    QUALITY_SPREAD · quality + N(0, noise_j)``, clipped to the scale and rounded to its step.
    Sheets a judge has not reached yet (by their completion rate) are left out.
    """
    rng = np.random.default_rng(seed)
    keys = rubric.criterion_keys
    common = rng.normal(size=len(entries))
    quality = {
        entry: CRITERION_CORRELATION * common[i] + np.sqrt(1 - CRITERION_CORRELATION**2) * rng.normal(size=len(keys))
        for i, entry in enumerate(entries)
    }
    models = judge_models(judges, rng)
    plans = []
    for judge, entry in sorted(pairs, key=lambda p: (p[0], p[1])):
        model = models[judge]
        if rng.random() > model.completion:
            continue  # not reached yet
        raw = (SCORE_CENTRE + model.severity + model.scale * QUALITY_SPREAD * quality[entry]
               + rng.normal(0.0, model.noise, size=len(keys)))
        scores = {key: _on_scale(float(value), rubric) for key, value in zip(keys, raw, strict=True)}
        if rng.random() < IN_PROGRESS_SHARE:
            kept = keys[: int(rng.integers(1, len(keys)))]
            plans.append(SheetPlan(judge, entry, {k: scores[k] for k in kept}, {}, submit=False))
            continue
        comments = {key: _criterion_comment(rubric, key, value) for key, value in scores.items()
                    if rubric.comment_rule.requires_comment(value)}
        if rng.random() < SHEET_COMMENT_SHARE:
            comments[""] = SHEET_COMMENTS[int(rng.integers(len(SHEET_COMMENTS)))]
        submit = rng.random() >= COMPLETE_NOT_SUBMITTED_SHARE
        plans.append(SheetPlan(judge, entry, scores, comments, submit=submit))
    return plans


def _on_scale(value: float, rubric: Rubric) -> float:
    scale = rubric.scale
    steps = round((min(max(value, scale.min), scale.max) - scale.min) / scale.step)
    return min(scale.min + steps * scale.step, scale.max)


def _criterion_comment(rubric: Rubric, key: str, value: float) -> str:
    criterion = rubric.criterion(key)
    band = criterion.band_for(value)
    anchor = band.description.zh if band else criterion.description.zh
    if rubric.comment_rule.below is not None and value < rubric.comment_rule.below:
        return f"{criterion.label.zh}评分偏低：{anchor}，申报材料未能提供有力佐证。"
    return f"{criterion.label.zh}评分较高：{anchor}，材料中有充分的数据支撑。"


# --- summary ---------------------------------------------------------------------------------

def demo_summary(session: Session, edition_id: int) -> dict[str, object]:
    """Counts the ``judging demo`` command reports."""
    edition = session.get(Edition, edition_id)
    rounds = rounds_of(session, edition_id)
    first = rounds[0]

    def count(stmt) -> int:
        return session.exec(stmt).one()

    return {
        "name": edition.name,
        "tracks": len(tracks_of(session, edition_id)),
        "entries": count(select(func.count()).select_from(Entry).where(Entry.edition_id == edition_id)),
        "judges": len(list_judges(session, actor=ACTOR)),
        "conflicts": len(conflicts_of(session, edition_id)),
        "assignments": count(select(func.count()).select_from(Assignment).where(Assignment.round_id == first.id)),
        "started": count(select(func.count()).select_from(ScoreSheet).where(ScoreSheet.round_id == first.id)),
        "submitted": count(select(func.count()).select_from(ScoreSheet).where(
            ScoreSheet.round_id == first.id, ScoreSheet.status == SheetStatus.SUBMITTED)),
    }


