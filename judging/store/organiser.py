"""The organiser console's repository: editions from a spec, round settings, imports with accounts,
assignment changes, progress, and the live final. Every write records an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from judging.core.editions import EditionSpec, parse_advance_rule
from judging.core.rubric import Rubric
from judging.errors import NotFound, PermissionDenied, Problem
from judging.store import repo
from judging.store.models import Assignment, Conflict, Edition, Entry, Round, Score, ScoreSheet, Track, User

ROUND_SETTINGS = ("name", "blind", "judges_per_entry", "method", "status", "advance_rule", "weight_in_final",
                  "starts_on", "ends_on")
ROUND_STATUSES = ("draft", "open", "closed")


# --- editions, tracks, rounds ----------------------------------------------------------------

def create_edition_from_spec(session: Session, *, spec: EditionSpec, rubrics: Mapping[str, Rubric],
                             actor: str) -> Edition:
    """The edition, its tracks and rounds; the first round opens, later rounds wait as drafts."""
    edition = repo.create_edition(session, name=spec.name, year=spec.year, kind=spec.kind, subject=spec.subject,
                                  tracks=[(t.key, t.name_zh, t.name_en) for t in spec.tracks], actor=actor)
    for position, r in enumerate(spec.rounds):
        rnd = repo.add_round(session, edition_id=edition.id, key=r.key, name=r.name, rubric=rubrics[r.rubric],
                             position=position, blind=r.blind, judges_per_entry=r.judges_per_entry, method=r.method,
                             status="open" if position == 0 else "draft", actor=actor)
        rnd.advance_rule, rnd.weight_in_final = r.advance, r.weight_in_final
        rnd.starts_on, rnd.ends_on = r.starts_on, r.ends_on
        session.add(rnd)
    session.flush()
    return edition


def add_track(session: Session, *, edition_id: int, key: str, name_zh: str, name_en: str = "", actor: str) -> Track:
    position = len(repo.tracks_of(session, edition_id))
    track = Track(edition_id=edition_id, key=key, name_zh=name_zh, name_en=name_en, position=position)
    session.add(track)
    session.flush()
    repo.record_event(session, actor=actor, action="track.add", subject=f"edition:{edition_id}",
                      payload={"key": key, "name_zh": name_zh})
    return track


def update_round(session: Session, *, round_id: int, actor: str, **settings: object) -> Round:
    """Change a round's settings (name, blind, k, method, status, advancement, weight, dates); logged with old values."""
    rnd = repo.get_round(session, round_id)
    unknown = [k for k in settings if k not in ROUND_SETTINGS]
    if unknown:
        raise ValueError(f"not a round setting: {', '.join(unknown)}")
    if "advance_rule" in settings:
        rule = parse_advance_rule(str(settings["advance_rule"]))
        settings["advance_rule"] = rule.text() if rule else ""
    if "status" in settings and settings["status"] not in ROUND_STATUSES:
        raise ValueError(f"not a round status: {settings['status']}")
    changed = {k: (getattr(rnd, k), v) for k, v in settings.items() if getattr(rnd, k) != v}
    if not changed:
        return rnd
    for key, (_, value) in changed.items():
        setattr(rnd, key, value)
    session.add(rnd)
    session.flush()
    repo.record_event(session, actor=actor, action="round.update", subject=f"round:{rnd.id}",
                      payload={k: {"old": old, "new": new} for k, (old, new) in changed.items()})
    return rnd


def save_round_rubric(session: Session, *, round_id: int, rubric: Rubric, actor: str, reason: str = "") -> Round:
    """Give a round a new version of its rubric.

    Before the first score this is an ordinary change. Once the round has scores (its rubric is
    frozen) the new version must keep the criteria and the scale, needs a reason, and is logged
    with both versions.
    """
    from judging.core.rubric_tables import frozen_change_problems

    rnd = repo.get_round(session, round_id)
    if not rnd.rubric_frozen:
        return repo.set_round_rubric(session, round_id=round_id, rubric=rubric, actor=actor)
    old = repo.round_rubric(rnd)
    problems = frozen_change_problems(old, rubric)
    if not reason.strip():
        problems.append(Problem("oc.rub.reason_required", {}))
    if problems:
        raise PermissionDenied(problems)
    rnd.rubric_json = rubric.to_json()
    session.add(rnd)
    session.flush()
    repo.record_event(session, actor=actor, action="round.rubric_new_version", subject=f"round:{rnd.id}",
                      payload={"rubric": rubric.key, "old_version": old.version, "version": rubric.version,
                               "reason": reason.strip(), "old": old.to_mapping()})
    return rnd


def edition_of_round(session: Session, round_id: int) -> Edition:
    return session.get(Edition, repo.get_round(session, round_id).edition_id)


# --- accounts ------------------------------------------------------------------------------------

def set_password_hashes(session: Session, *, hashes: Mapping[str, str], actor: str) -> None:
    """Store prepared password hashes (``judging.core.handout.prepare_passwords``); logged without them."""
    users = {u.username: u for u in session.exec(select(User).where(User.username.in_(list(hashes))))}
    missing = [name for name in hashes if name not in users]
    if missing:
        raise NotFound(Problem("store.not_found", {"what": "user", "id": ", ".join(missing)}))
    for name, password_hash in hashes.items():
        users[name].password_hash = password_hash
        session.add(users[name])
    session.flush()
    if hashes:
        repo.record_event(session, actor=actor, action="user.passwords_issued", subject="users",
                          payload={"usernames": sorted(hashes)})


# --- assignment ------------------------------------------------------------------------------

def assignment_pairs(session: Session, *, round_id: int) -> list[tuple[int, int]]:
    return [(a.judge_id, a.entry_id) for a in session.exec(select(Assignment).where(Assignment.round_id == round_id))]


def conflict_pairs(session: Session, *, edition_id: int) -> set[tuple[int, int]]:
    return {(c.judge_id, c.entry_id) for c in repo.conflicts_of(session, edition_id)}


def active_judges(session: Session) -> list[User]:
    return [j for j in repo.judges(session) if j.active]


def replace_assignment(session: Session, *, round_id: int, pairs: Iterable[tuple[int, int]], seed: int,
                       actor: str) -> int:
    """Make ``pairs`` the round's whole assignment (refused once any score is stored in the round)."""
    rnd = repo.get_round(session, round_id)
    if repo.count_scores(session, round_id=round_id):
        raise PermissionDenied(Problem("oc.asg.scored_round", {"round": rnd.name}))
    for old in session.exec(select(Assignment).where(Assignment.round_id == round_id)):
        session.delete(old)
    session.flush()
    pairs = list(pairs)
    repo.assign(session, round_id=round_id, pairs=pairs, actor=actor)
    repo.record_event(session, actor=actor, action="assignment.generate", subject=f"round:{round_id}",
                      payload={"pairs": len(pairs), "seed": seed})
    return len(pairs)


def remove_assignment(session: Session, *, round_id: int, judge_id: int, entry_id: int, reason: str,
                      actor: str) -> None:
    """Take an entry off a judge's list; their stored scores stay in the audit trail and the database."""
    row = session.exec(select(Assignment).where(Assignment.round_id == round_id, Assignment.judge_id == judge_id,
                                                Assignment.entry_id == entry_id)).first()
    if row is None:
        return
    session.delete(row)
    session.flush()
    repo.record_event(session, actor=actor, action="assignment.remove", subject=f"round:{round_id}",
                      payload={"judge_id": judge_id, "entry_id": entry_id, "reason": reason})


def add_assignment(session: Session, *, round_id: int, judge_id: int, entry_id: int, reason: str,
                   actor: str) -> None:
    """Give a judge one more entry, with the same checks as the automatic assignment."""
    from judging.core.assignment_changes import check_addition

    rnd = repo.get_round(session, round_id)
    judge = session.get(User, judge_id)
    entry = session.get(Entry, entry_id)
    pair = (judge.username if judge else str(judge_id), entry.code if entry else str(entry_id))
    assigned = session.exec(select(Assignment.id).where(Assignment.round_id == round_id, Assignment.judge_id == judge_id,
                                                         Assignment.entry_id == entry_id)).first()
    conflict = session.exec(select(Conflict.id).where(Conflict.judge_id == judge_id,
                                                      Conflict.entry_id == entry_id)).first()
    check_addition(judge_id=pair[0], entry_id=pair[1],
                   judge_ok=judge is not None and judge.role == "judge" and judge.active,
                   same_edition=entry is not None and entry.edition_id == rnd.edition_id,
                   assigned={pair} if assigned else set(), conflicts={pair} if conflict else set())
    session.add(Assignment(round_id=round_id, judge_id=judge_id, entry_id=entry_id))
    session.flush()
    repo.record_event(session, actor=actor, action="assignment.add_one", subject=f"round:{round_id}",
                      payload={"judge_id": judge_id, "entry_id": entry_id, "reason": reason})


@dataclass(frozen=True)
class RoundInputs:
    """What the assignment needs for a round, keyed by entry code and username (so messages name them)."""

    entries: dict[str, str]  # entry code → track key
    judges: dict[str, tuple[str, ...]]  # username of an active judge → expertise
    conflicts: set[tuple[str, str]]  # (username, code)
    pairs: list[tuple[str, str]]  # the current assignment
    entry_ids: dict[str, int]
    judge_ids: dict[str, int]

    def to_ids(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[int, int]]:
        return [(self.judge_ids[j], self.entry_ids[e]) for j, e in pairs]


def round_inputs(session: Session, *, round_id: int) -> RoundInputs:
    rnd = repo.get_round(session, round_id)
    tracks = {t.id: t.key for t in repo.tracks_of(session, rnd.edition_id)}
    entries = repo.entries_of(session, rnd.edition_id)
    judges = repo.judges(session)
    code = {e.id: e.code for e in entries}
    name = {j.id: j.username for j in judges}
    return RoundInputs(
        entries={e.code: tracks[e.track_id] for e in entries},
        judges={j.username: tuple(x for x in j.expertise.split(";") if x) for j in judges if j.active},
        conflicts={(name[j], code[e]) for j, e in conflict_pairs(session, edition_id=rnd.edition_id)
                   if j in name and e in code},
        pairs=[(name[j], code[e]) for j, e in assignment_pairs(session, round_id=round_id) if j in name and e in code],
        entry_ids={e.code: e.id for e in entries}, judge_ids={j.username: j.id for j in judges},
    )


def generate_assignment(session: Session, *, round_id: int, seed: int, actor: str) -> int:
    """Run the automatic assignment for the round (k per entry, 回避, balanced, expertise, connected)."""
    from judging.core.assignment import assign_judges

    rnd = repo.get_round(session, round_id)
    inputs = round_inputs(session, round_id=round_id)
    pairs = assign_judges(entries=inputs.entries, judges=inputs.judges, k=rnd.judges_per_entry,
                          conflicts=inputs.conflicts, seed=seed)
    return replace_assignment(session, round_id=round_id, pairs=inputs.to_ids(pairs), seed=seed, actor=actor)


def fill_round_gaps(session: Session, *, round_id: int, seed: int, actor: str,
                    exclude_judges: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Give every entry of the round ``k`` judges again (after conflicts or a drop-out); the pairs added."""
    from judging.core.assignment_changes import fill_gaps

    rnd = repo.get_round(session, round_id)
    inputs = round_inputs(session, round_id=round_id)
    judges = dict(inputs.judges)
    for judge_id in exclude_judges:
        judges.pop(next(n for n, i in inputs.judge_ids.items() if i == judge_id), None)
    added = inputs.to_ids(fill_gaps(pairs=inputs.pairs, entries=inputs.entries, judges=judges,
                                    k=rnd.judges_per_entry, conflicts=inputs.conflicts, seed=seed))
    if added:
        session.add_all(Assignment(round_id=round_id, judge_id=j, entry_id=e) for j, e in added)
        session.flush()
        repo.record_event(session, actor=actor, action="assignment.fill", subject=f"round:{round_id}",
                          payload={"added": [list(p) for p in added], "seed": seed})
    return added


def judge_drops_out(session: Session, *, round_id: int, judge_id: int, seed: int, reason: str,
                    actor: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Take a judge off every entry of the round they have not submitted, and give those entries other judges.

    Submitted sheets stay. Returns (pairs removed, pairs added); all or nothing.
    """
    submitted = {s.entry_id for s in session.exec(select(ScoreSheet).where(
        ScoreSheet.round_id == round_id, ScoreSheet.judge_id == judge_id, ScoreSheet.status == "submitted"))}
    rows = list(session.exec(select(Assignment).where(Assignment.round_id == round_id,
                                                      Assignment.judge_id == judge_id)))
    removed = [(a.judge_id, a.entry_id) for a in rows if a.entry_id not in submitted]
    for a in rows:
        if a.entry_id not in submitted:
            session.delete(a)
    session.flush()
    repo.record_event(session, actor=actor, action="assignment.drop_out", subject=f"round:{round_id}",
                      payload={"judge_id": judge_id, "removed": len(removed), "reason": reason})
    added = fill_round_gaps(session, round_id=round_id, seed=seed, actor=actor, exclude_judges=[judge_id])
    return removed, added


def last_seed(session: Session, *, round_id: int) -> int | None:
    """The seed of the round's latest automatic assignment, from the audit trail."""
    import json

    from judging.store.models import AuditEvent

    event = session.exec(select(AuditEvent).where(AuditEvent.action == "assignment.generate",
                                                  AuditEvent.subject == f"round:{round_id}")
                         .order_by(AuditEvent.id.desc()).limit(1)).first()
    return None if event is None else json.loads(event.payload).get("seed")


def set_judge_active(session: Session, *, judge_id: int, active: bool, actor: str) -> None:
    user = session.get(User, judge_id)
    if user is None or user.active == active:
        return
    user.active = active
    session.add(user)
    session.flush()
    repo.record_event(session, actor=actor, action="user.active", subject=f"user:{judge_id}", payload={"active": active})


# --- progress ----------------------------------------------------------------------------------

def sheet_status_rows(session: Session, *, round_id: int) -> list[dict]:
    """One row per assigned (judge, entry) with the number of criteria scored and the sheet status.

    Read straight from the database on every call (the monitoring page refreshes from it).
    """
    rnd = repo.get_round(session, round_id)
    conflicted = conflict_pairs(session, edition_id=rnd.edition_id)
    scored = {
        (j, e): n for j, e, n in session.exec(
            select(Score.judge_id, Score.entry_id, func.count()).where(Score.round_id == round_id)
            .group_by(Score.judge_id, Score.entry_id))
    }
    status = {(s.judge_id, s.entry_id): s.status
              for s in session.exec(select(ScoreSheet).where(ScoreSheet.round_id == round_id))}
    stmt = (select(Assignment.judge_id, Assignment.entry_id, User.username, User.display_name, Entry.code,
                   Entry.title, Track.key, Track.name_zh)
            .join(User, User.id == Assignment.judge_id).join(Entry, Entry.id == Assignment.entry_id)
            .join(Track, Track.id == Entry.track_id).where(Assignment.round_id == round_id))
    rows = []
    for judge_id, entry_id, username, display, code, title, track, track_name in session.exec(stmt):
        if (judge_id, entry_id) in conflicted:
            continue
        rows.append({"judge_id": judge_id, "entry_id": entry_id, "judge": username, "judge_name": display,
                     "entry": code, "title": title, "track": track, "track_name": track_name,
                     "scored": scored.get((judge_id, entry_id), 0), "status": status.get((judge_id, entry_id), "")})
    return rows
