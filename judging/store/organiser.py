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
from judging.store.guard import guarded
from judging.store.models import (
    Assignment,
    Conflict,
    Edition,
    Entry,
    PanelMember,
    Round,
    RoundEntry,
    Score,
    ScoreSheet,
    Track,
    User,
    utcnow,
)

ROUND_SETTINGS = ("name", "blind", "judges_per_entry", "method", "status", "advance_rule", "weight_in_final",
                  "starts_on", "ends_on")
ROUND_STATUSES = ("draft", "open", "closed")


# --- editions, tracks, rounds ----------------------------------------------------------------

@guarded("edition.manage")
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


@guarded("edition.manage")
def add_track(session: Session, *, edition_id: int, key: str, name_zh: str, name_en: str = "", actor: str) -> Track:
    position = len(repo.tracks_of(session, edition_id))
    track = Track(edition_id=edition_id, key=key, name_zh=name_zh, name_en=name_en, position=position)
    session.add(track)
    session.flush()
    repo.record_event(session, actor=actor, action="track.add", subject=f"edition:{edition_id}",
                      payload={"key": key, "name_zh": name_zh})
    return track


@guarded("edition.manage")
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


@guarded("edition.manage")
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

@guarded("people.manage")
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


def _refuse_if_live(session: Session, rnd: Round) -> None:
    """A live final's seats come from its panel, one open entry at a time: no ordinary assignment in it."""
    if is_live_round(session, round_id=rnd.id):
        raise PermissionDenied(Problem("oc.asg.live_round", {"round": rnd.name}))


@guarded("assignment.manage")
def replace_assignment(session: Session, *, round_id: int, pairs: Iterable[tuple[int, int]], seed: int,
                       actor: str) -> int:
    """Make ``pairs`` the round's whole assignment (refused once any score is stored in the round)."""
    rnd = repo.get_round(session, round_id)
    _refuse_if_live(session, rnd)
    if repo.count_scores(session, round_id=round_id, actor=actor):
        raise PermissionDenied(Problem("oc.asg.scored_round", {"round": rnd.name}))
    for old in session.exec(select(Assignment).where(Assignment.round_id == round_id)):
        session.delete(old)
    session.flush()
    pairs = list(pairs)
    repo.assign(session, round_id=round_id, pairs=pairs, actor=actor)
    repo.record_event(session, actor=actor, action="assignment.generate", subject=f"round:{round_id}",
                      payload={"pairs": len(pairs), "seed": seed})
    return len(pairs)


@guarded("assignment.manage")
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


@guarded("assignment.manage")
def add_assignment(session: Session, *, round_id: int, judge_id: int, entry_id: int, reason: str,
                   actor: str) -> None:
    """Give a judge one more entry, with the same checks as the automatic assignment."""
    from judging.core.assignment_changes import check_addition

    rnd = repo.get_round(session, round_id)
    _refuse_if_live(session, rnd)
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
    entries = entries_of_round(session, round_id=round_id)
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


@guarded("assignment.manage")
def generate_assignment(session: Session, *, round_id: int, seed: int, actor: str) -> int:
    """Run the automatic assignment for the round (k per entry, 回避, balanced, expertise, connected)."""
    from judging.core.assignment import assign_judges

    rnd = repo.get_round(session, round_id)
    _refuse_if_live(session, rnd)
    inputs = round_inputs(session, round_id=round_id)
    pairs = assign_judges(entries=inputs.entries, judges=inputs.judges, k=rnd.judges_per_entry,
                          conflicts=inputs.conflicts, seed=seed)
    return replace_assignment(session, round_id=round_id, pairs=inputs.to_ids(pairs), seed=seed, actor=actor)


@guarded("assignment.manage")
def fill_round_gaps(session: Session, *, round_id: int, seed: int, actor: str,
                    exclude_judges: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Give every entry of the round ``k`` judges again (after conflicts or a drop-out); the pairs added."""
    from judging.core.assignment_changes import fill_gaps

    rnd = repo.get_round(session, round_id)
    _refuse_if_live(session, rnd)
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


@guarded("assignment.manage")
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


@guarded("audit.read")
def last_seed(session: Session, *, round_id: int, actor: str) -> int | None:
    """The seed of the round's latest automatic assignment, from the audit trail."""
    import json

    from judging.store.models import AuditEvent

    event = session.exec(select(AuditEvent).where(AuditEvent.action == "assignment.generate",
                                                  AuditEvent.subject == f"round:{round_id}")
                         .order_by(AuditEvent.id.desc()).limit(1)).first()
    return None if event is None else json.loads(event.payload).get("seed")


@guarded("people.manage")
def set_judge_active(session: Session, *, judge_id: int, active: bool, actor: str) -> None:
    user = session.get(User, judge_id)
    if user is None or user.active == active:
        return
    user.active = active
    session.add(user)
    session.flush()
    repo.record_event(session, actor=actor, action="user.active", subject=f"user:{judge_id}", payload={"active": active})


# --- progress ----------------------------------------------------------------------------------

@guarded("scores.read")
def sheet_status_rows(session: Session, *, round_id: int, actor: str) -> list[dict]:
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


# --- advancement and the live final --------------------------------------------------------------

def round_entry_rows(session: Session, *, round_id: int) -> list[RoundEntry]:
    return list(session.exec(select(RoundEntry).where(RoundEntry.round_id == round_id)
                             .order_by(RoundEntry.position, RoundEntry.id)))


def entries_of_round(session: Session, *, round_id: int) -> list[Entry]:
    """The round's entries: those that advanced to it, in order; a round without any takes the whole edition."""
    rows = round_entry_rows(session, round_id=round_id)
    if not rows:
        return repo.entries_of(session, repo.get_round(session, round_id).edition_id)
    entries = {e.id: e for e in session.exec(select(Entry).where(Entry.id.in_([r.entry_id for r in rows])))}
    return [entries[r.entry_id] for r in rows]


def next_round(session: Session, *, round_id: int) -> Round | None:
    rnd = repo.get_round(session, round_id)
    later = [r for r in repo.rounds_of(session, rnd.edition_id) if r.position > rnd.position]
    return later[0] if later else None


@guarded("scores.read")
def advancement_preview(session: Session, *, round_id: int, actor: str):
    """Who would advance from the round per track under its rule (``select_advancing`` on the round's
    scores with its method), with entry titles; entries without scores never advance."""
    import pandas as pd

    from judging.core.editions import AdvanceRule, select_advancing
    from judging.core.ranking import AwardConfig, rank

    rnd = repo.get_round(session, round_id)
    rule = parse_advance_rule(rnd.advance_rule) or AdvanceRule("share", 1.0)
    entries = entries_of_round(session, round_id=round_id)
    tracks = {t.id: t.key for t in repo.tracks_of(session, rnd.edition_id)}
    scores = repo.load_scores_frame(session, round_id=round_id, actor=actor)
    table = pd.DataFrame({"entry_id": [e.code for e in entries], "track": [tracks[e.track_id] for e in entries]})
    if not scores.empty:
        ranked = rank(scores, repo.round_rubric(rnd), method=rnd.method, awards=AwardConfig(tiers=()),
                      n_draws=50).table.set_index("entry_id")["score"]
        table["score"] = table["entry_id"].map(ranked)
    else:
        table["score"] = float("nan")
    out = select_advancing(table, rule)
    out["title"] = out["entry_id"].map({e.code: e.title for e in entries})
    return out


@guarded("edition.manage")
def confirm_advancement(session: Session, *, round_id: int, codes: list[str], actor: str) -> Round:
    """The entries ``codes`` go on to the next round (in this order); this round closes, the next opens."""
    rnd = repo.get_round(session, round_id)
    target = next_round(session, round_id=round_id)
    if target is None:
        raise PermissionDenied(Problem("oc.adv.no_next_round", {"round": rnd.name}))
    if round_entry_rows(session, round_id=target.id):
        raise PermissionDenied(Problem("oc.adv.already", {"round": target.name}))
    ids = {e.code: e.id for e in repo.entries_of(session, rnd.edition_id)}
    session.add_all(RoundEntry(round_id=target.id, entry_id=ids[code], position=i) for i, code in enumerate(codes))
    rnd.status, target.status = "closed", "open"
    session.add_all([rnd, target])
    session.flush()
    repo.record_event(session, actor=actor, action="round.advance", subject=f"round:{rnd.id}",
                      payload={"to_round": target.id, "entries": list(codes)})
    return target


@guarded("assignment.manage")
def set_panel(session: Session, *, round_id: int, judge_ids: Iterable[int], actor: str) -> None:
    """The round's live-final panel; refused for a round assigned or scored the ordinary way, whose
    panel judges would otherwise see it as a live final that never opens an entry."""
    wanted = set(judge_ids)
    if wanted:
        ordinary = ordinary_sheets(session, round_id=round_id, actor=actor)
        if ordinary:
            rnd = repo.get_round(session, round_id)
            raise PermissionDenied(Problem("oc.live.ordinary_round", {"round": rnd.name, "n": ordinary}))
    current = {p.judge_id: p for p in session.exec(select(PanelMember).where(PanelMember.round_id == round_id))}
    for judge_id, row in current.items():
        if judge_id not in wanted:
            session.delete(row)
    session.add_all(PanelMember(round_id=round_id, judge_id=j) for j in wanted - set(current))
    session.flush()
    repo.record_event(session, actor=actor, action="panel.set", subject=f"round:{round_id}",
                      payload={"judges": sorted(wanted)})


def panel_of(session: Session, *, round_id: int) -> list[User]:
    stmt = (select(User).join(PanelMember, PanelMember.judge_id == User.id)
            .where(PanelMember.round_id == round_id).order_by(User.username))
    return list(session.exec(stmt))


@guarded("scores.read")
def ordinary_sheets(session: Session, *, round_id: int, actor: str) -> int:
    """How many judge–entry pairs of the round are scored the ordinary way, outside the live final.

    A live round has seats only on the entry open to the panel (closing an entry takes its seats
    away) and scores only on entries that were opened; any other seat or score was assigned the
    ordinary way (评委分配) and would mix the two modes.
    """
    live = select(RoundEntry.entry_id).where(RoundEntry.round_id == round_id, RoundEntry.live_state == "open")
    opened = select(RoundEntry.entry_id).where(RoundEntry.round_id == round_id,
                                               RoundEntry.live_state.in_(("open", "closed")))
    seats = {tuple(p) for p in session.exec(select(Assignment.judge_id, Assignment.entry_id).where(
        Assignment.round_id == round_id, Assignment.entry_id.not_in(live)))}
    scored = {tuple(p) for p in session.exec(select(Score.judge_id, Score.entry_id).distinct().where(
        Score.round_id == round_id, Score.entry_id.not_in(opened)))}
    return len(seats | scored)


def is_live_round(session: Session, *, round_id: int) -> bool:
    """Whether the round runs as a live final: an entry of it has been opened to its panel."""
    return session.exec(select(RoundEntry.id).where(RoundEntry.round_id == round_id,
                                                    RoundEntry.live_state != "").limit(1)).first() is not None


def _live_row(session: Session, round_id: int, entry_id: int) -> RoundEntry:
    row = session.exec(select(RoundEntry).where(RoundEntry.round_id == round_id,
                                                RoundEntry.entry_id == entry_id)).first()
    if row is None:  # a round that takes every entry gets its rows on first use
        position = len(round_entry_rows(session, round_id=round_id))
        row = RoundEntry(round_id=round_id, entry_id=entry_id, position=position)
        session.add(row)
        session.flush()
    return row


@guarded("edition.manage")
def open_live_entry(session: Session, *, round_id: int, entry_id: int, actor: str) -> int:
    """Open one entry to the panel: each panel judge without a conflict gets it (and only it) to score.

    Refused while another entry is open. Opens the round if it was a draft. Returns the panel size.
    """
    rnd = repo.get_round(session, round_id)
    if session.exec(select(RoundEntry).where(RoundEntry.round_id == round_id, RoundEntry.live_state == "open")).first():
        raise PermissionDenied(Problem("oc.live.one_at_a_time", {}))
    panel = [j.id for j in panel_of(session, round_id=round_id)]
    if not panel:
        raise PermissionDenied(Problem("oc.live.no_panel", {}))
    ordinary = ordinary_sheets(session, round_id=round_id, actor=actor)
    if ordinary:
        raise PermissionDenied(Problem("oc.live.ordinary_round", {"round": rnd.name, "n": ordinary}))
    conflicted = {j for j, e in conflict_pairs(session, edition_id=rnd.edition_id) if e == entry_id}
    row = _live_row(session, round_id, entry_id)
    if row.live_state == "closed":
        raise PermissionDenied(Problem("oc.live.already_closed", {}))
    row.live_state, row.opened_at = "open", utcnow()
    session.add(row)
    if rnd.status != "open":
        rnd.status = "open"
        session.add(rnd)
    seats = [j for j in panel if j not in conflicted]
    assigned = {a.judge_id for a in session.exec(select(Assignment).where(
        Assignment.round_id == round_id, Assignment.entry_id == entry_id))}
    session.add_all(Assignment(round_id=round_id, judge_id=j, entry_id=entry_id) for j in seats if j not in assigned)
    session.flush()
    repo.record_event(session, actor=actor, action="live.open", subject=f"round:{round_id}",
                      payload={"entry_id": entry_id, "panel": seats})
    return len(seats)


@guarded("edition.manage")
def close_live_entry(session: Session, *, round_id: int, entry_id: int, actor: str) -> None:
    """Close the open entry: the panel's marks are final and the entry leaves the judges' lists."""
    row = _live_row(session, round_id, entry_id)
    if row.live_state != "open":
        raise PermissionDenied(Problem("oc.live.not_open", {}))
    row.live_state, row.closed_at = "closed", utcnow()
    session.add(row)
    for a in session.exec(select(Assignment).where(Assignment.round_id == round_id, Assignment.entry_id == entry_id)):
        session.delete(a)
    session.flush()
    repo.record_event(session, actor=actor, action="live.close", subject=f"round:{round_id}",
                      payload={"entry_id": entry_id})


@dataclass(frozen=True)
class LiveBoard:
    """What the big screen shows."""

    round_name: str
    method: str
    current: Entry | None  # the open entry
    panel: int  # judges who may score the open entry
    scored: int  # of them, those with every criterion scored
    last: Entry | None  # the entry closed last
    result: object | None  # ``judging.core.live.LiveResult`` of ``last``
    names: dict[str, str]  # username → display name


@guarded("scores.read")
def live_board(session: Session, *, round_id: int, actor: str) -> LiveBoard:
    """Read on every refresh: the open entry with how many have scored, and the last closed entry's result."""
    from judging.core.live import live_result

    rnd = repo.get_round(session, round_id)
    rubric = repo.round_rubric(rnd)
    rows = round_entry_rows(session, round_id=round_id)
    open_row = next((r for r in rows if r.live_state == "open"), None)
    closed = sorted((r for r in rows if r.live_state == "closed"), key=lambda r: r.closed_at)
    current = session.get(Entry, open_row.entry_id) if open_row else None
    panel = scored = 0
    if current is not None:
        seats = [a.judge_id for a in session.exec(select(Assignment).where(
            Assignment.round_id == round_id, Assignment.entry_id == current.id))]
        panel = len(seats)
        counts = dict(session.exec(select(Score.judge_id, func.count()).where(
            Score.round_id == round_id, Score.entry_id == current.id).group_by(Score.judge_id)).all())
        scored = sum(1 for j in seats if counts.get(j, 0) >= len(rubric.criteria))
    last = session.get(Entry, closed[-1].entry_id) if closed else None
    result = None
    if last is not None:
        scores = repo.load_scores_frame(session, round_id=round_id, actor=actor)
        closed_codes = {session.get(Entry, r.entry_id).code for r in closed}
        scores = scores[scores["entry_id"].isin(closed_codes)]
        result = live_result(scores, rubric, entry_id=last.code, method=rnd.method)
    names = {u.username: u.display_name for u in repo.judges(session)}
    return LiveBoard(rnd.name, rnd.method, current, panel, scored, last, result, names)


def live_round_id(session: Session, *, edition_id: int) -> int | None:
    """The round of the edition whose live final was used last (for the big screen's default)."""
    row = session.exec(
        select(RoundEntry.round_id).join(Round, Round.id == RoundEntry.round_id)
        .where(Round.edition_id == edition_id, RoundEntry.live_state != "")
        .order_by(RoundEntry.opened_at.desc()).limit(1)).first()
    return row
