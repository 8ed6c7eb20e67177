"""Reading the audit trail back: the score table replayed from its events, and the check that every
stored score is what its latest event says (so that a direct edit of a score row is detected).

The chain (``repo.verify_audit_chain``) catches an edited or deleted event; this catches an edited,
inserted or deleted score that bypassed the repository, and a truncated tail of the trail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, select

from judging.errors import Problem
from judging.store.guard import guarded
from judging.store.models import AuditEvent, Score

SCORE_EVENTS = ("score.save", "score.clear")  # save_score, the bulk scores import and the demo write score.save

ScoreKey = tuple[int, int, str]  # judge_id, entry_id, criterion


@dataclass(frozen=True)
class ReplayedScore:
    value: float
    version: int


def _round_of(subject: str) -> int | None:
    kind, _, ident = subject.partition(":")
    return int(ident) if kind == "round" and ident.isdigit() else None


@guarded("audit.read")
def replay_all(session: Session, *, actor: str) -> dict[int, dict[ScoreKey, ReplayedScore]]:
    """Every round's score table rebuilt from the ``score.save``/``score.clear`` events, in trail order."""
    rounds: dict[int, dict[ScoreKey, ReplayedScore]] = {}
    stmt = (select(AuditEvent.action, AuditEvent.subject, AuditEvent.payload)
            .where(AuditEvent.action.in_(SCORE_EVENTS)).order_by(AuditEvent.id))
    for action, subject, payload in session.exec(stmt):
        round_id = _round_of(subject)
        if round_id is None:
            continue
        body = json.loads(payload)
        key = (int(body["judge_id"]), int(body["entry_id"]), str(body["criterion"]))
        table = rounds.setdefault(round_id, {})
        if action == "score.clear":
            table.pop(key, None)
        else:
            table[key] = ReplayedScore(float(body["value"]), int(body["version"]))
    return rounds


@guarded("audit.read")
def replay_scores(session: Session, round_id: int, *, actor: str) -> dict[ScoreKey, ReplayedScore]:
    """The round's score table as the audit trail tells it: ``{(judge_id, entry_id, criterion): (value, version)}``."""
    return replay_all(session, actor=actor).get(round_id, {})


@guarded("audit.read")
def stored_scores(session: Session, round_id: int | None = None, *,
                  actor: str) -> dict[int, dict[ScoreKey, ReplayedScore]]:
    stmt = select(Score.round_id, Score.judge_id, Score.entry_id, Score.criterion, Score.value, Score.version)
    if round_id is not None:
        stmt = stmt.where(Score.round_id == round_id)
    rounds: dict[int, dict[ScoreKey, ReplayedScore]] = {}
    for r, j, e, c, value, version in session.exec(stmt):
        rounds.setdefault(r, {})[(j, e, c)] = ReplayedScore(float(value), int(version))
    return rounds


@guarded("audit.read")
def score_mismatches(session: Session, *, actor: str) -> list[Problem]:
    """One problem per score whose row differs from its latest event (or has no event, or was deleted)."""
    replayed, stored = replay_all(session, actor=actor), stored_scores(session, actor=actor)
    problems = []
    for round_id in sorted(set(replayed) | set(stored)):
        events, rows = replayed.get(round_id, {}), stored.get(round_id, {})
        for key in sorted(set(events) | set(rows)):
            if events.get(key) != rows.get(key):
                problems.append(Problem("audit.score_mismatch", {
                    "subject": f"round:{round_id}/judge:{key[0]}/entry:{key[1]}/{key[2]}",
                    "table": _show(rows.get(key)), "event": _show(events.get(key))}))
    return problems


def _show(score: ReplayedScore | None) -> str:
    return "—" if score is None else f"{score.value:g} v{score.version}"
