"""Editions, their tracks, rounds (settings and frozen rubrics), entries and the entries of each round."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from sqlalchemy import text
from sqlmodel import Session, select

from judging.core.editions import EditionSpec, parse_advance_rule
from judging.core.import_matches import DuplicateEntries, find_entry_matches
from judging.core.permissions import Actor, allowed
from judging.core.rubric import Rubric, rubric_from_json
from judging.core.rubric_tables import frozen_change_problems
from judging.core.states import LiveState, RoundStatus
from judging.errors import JudgingError, NotFound, PermissionDenied, Problem
from judging.store.audit_log import record_event
from judging.store.guard import guarded
from judging.store.lifecycle import check_edition_open_to_entries, round_write
from judging.store.models import (
    Edition,
    Entry,
    Publication,
    Round,
    RoundEntry,
    Track,
)


class EditionExists(JudgingError):
    """An edition of that name and year exists already."""

    def __init__(self, problem: Problem, *, edition_id: int):
        super().__init__(problem)
        self.edition_id = edition_id


@guarded("edition.manage")
def create_edition(
    session: Session,
    *,
    name: str,
    year: int,
    kind: str = "innovation_contest",
    subject: str = "entry",
    tracks: Sequence[tuple[str, str, str]] = (),
    actor: Actor,
) -> Edition:
    """A new edition with its tracks given as ``(key, name_zh, name_en)``.

    An edition of the same name and year is never made twice (a form clicked twice, two tabs):
    ``EditionExists`` names the one already there.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("LOCK TABLE edition IN SHARE ROW EXCLUSIVE MODE"))  # the check and the insert as one
    existing = session.exec(select(Edition).where(Edition.name == name.strip(), Edition.year == year)).first()
    if existing is not None:
        raise EditionExists(Problem("edition.exists", {"name": existing.name, "year": existing.year}),
                            edition_id=existing.id)
    edition = Edition(name=name.strip(), year=year, kind=kind, subject=subject)
    session.add(edition)
    session.flush()
    for position, (key, name_zh, name_en) in enumerate(tracks):
        session.add(Track(edition_id=edition.id, key=key, name_zh=name_zh, name_en=name_en, position=position))
    record_event(session, actor=actor, action="edition.create", subject=f"edition:{edition.id}",
                 payload={"name": name, "year": year, "kind": kind, "tracks": [t[0] for t in tracks]})
    session.flush()
    return edition


def list_editions(session: Session) -> list[Edition]:
    return list(session.exec(select(Edition).order_by(Edition.year.desc(), Edition.id.desc())))


def tracks_of(session: Session, edition_id: int) -> list[Track]:
    return list(session.exec(select(Track).where(Track.edition_id == edition_id).order_by(Track.position)))


@guarded("edition.manage")
def add_round(
    session: Session,
    *,
    edition_id: int,
    key: str,
    name: str,
    rubric: Rubric,
    position: int = 0,
    blind: bool = True,
    judges_per_entry: int = 5,
    method: str = "calibrated",
    status: str = RoundStatus.OPEN,
    actor: Actor,
) -> Round:
    if session.exec(select(Round.id).where(Round.edition_id == edition_id, Round.key == key)).first() is not None:
        raise JudgingError(Problem("round.key_taken", {"key": key}))
    rnd = Round(edition_id=edition_id, key=key, name=name, position=position, rubric_json=rubric.to_json(),
                blind=blind, judges_per_entry=judges_per_entry, method=method, status=status)
    session.add(rnd)
    session.flush()
    record_event(session, actor=actor, action="round.create", subject=f"round:{rnd.id}",
                 payload={"key": key, "rubric": rubric.key, "rubric_version": rubric.version, "status": status,
                          "rubric_name": rubric.label.get("zh")})
    return rnd


def get_round(session: Session, round_id: int) -> Round:
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFound(Problem("store.not_found", {"what": "round", "id": round_id}))
    return rnd


def rounds_of(session: Session, edition_id: int) -> list[Round]:
    return list(session.exec(select(Round).where(Round.edition_id == edition_id).order_by(Round.position)))


def round_rubric(rnd: Round) -> Rubric:
    return _parse_frozen_rubric(rnd.rubric_json, f"round {rnd.key}")


@lru_cache(maxsize=64)
def _parse_frozen_rubric(rubric_json: str, source: str) -> Rubric:
    # keyed by the JSON text itself, so an edited rubric is parsed afresh; every save needs it
    return rubric_from_json(rubric_json, source=source)


@guarded("edition.manage")
@round_write
def set_round_rubric(session: Session, *, round_id: int, rubric: Rubric, actor: Actor) -> Round:
    """Replace a round's rubric; refused once the round's first score is stored (make a new version)."""
    rnd = get_round(session, round_id)
    if rnd.rubric_frozen:
        raise PermissionDenied(Problem("store.rubric_frozen", {"round": rnd.name}))
    rnd.rubric_json = rubric.to_json()
    session.add(rnd)
    record_event(session, actor=actor, action="round.rubric", subject=f"round:{rnd.id}",
                 payload={"rubric": rubric.key, "version": rubric.version, "rubric_name": rubric.label.get("zh")})
    return rnd


CONTACT_FIELDS = ("contact", "email", "phone")


def entry_as_seen(entry: Entry, actor: Actor) -> Entry:
    """The entry as ``actor`` may read it: without its contact person, e-mail and phone unless their role
    may read those (organisers); a copy that is not in the session, so nothing is written back."""
    if allowed(actor.role, "entries.contacts"):
        return entry
    return Entry.model_validate(entry.model_dump() | dict.fromkeys(CONTACT_FIELDS, ""))


def entries_of(session: Session, edition_id: int) -> list[Entry]:
    return list(session.exec(select(Entry).where(Entry.edition_id == edition_id).order_by(Entry.code)))


@guarded("people.manage")
def add_entries(session: Session, *, edition_id: int, records: Iterable[dict], actor: Actor) -> int:
    """Insert entries given as dicts with ``code, track`` (track key) and Entry fields. Returns the count.

    An entry the edition has already (same code, or same title and organisation) is refused with
    ``DuplicateEntries``: files go through ``imports.import_entries``, where the organiser chooses."""
    check_edition_open_to_entries(session, edition_id=edition_id)
    track_ids = {t.key: t.id for t in tracks_of(session, edition_id)}
    records = list(records)
    existing = [{"code": c, "title": t, "organisation": o} for c, t, o in session.exec(
        select(Entry.code, Entry.title, Entry.organisation).where(Entry.edition_id == edition_id))]
    matches = find_entry_matches([r | {"organisation": r.get("organisation", "")} for r in records], existing,
                                 ids_in_file={r["code"] for r in records})
    if matches:
        raise DuplicateEntries(matches)
    rows = []
    for record in records:
        fields = {k: v for k, v in record.items() if k in Entry.model_fields and k not in ("id", "track_id")}
        rows.append(Entry(edition_id=edition_id, track_id=track_ids[record["track"]], **fields))
    session.add_all(rows)
    session.flush()
    record_event(session, actor=actor, action="entries.import", subject=f"edition:{edition_id}",
                 payload={"count": len(rows)})
    return len(rows)


ROUND_SETTINGS = ("name", "blind", "judges_per_entry", "method", "status", "advance_rule", "weight_in_final",
                  "starts_on", "ends_on")


ROUND_STATUSES = tuple(RoundStatus)


@guarded("edition.manage")
def create_edition_from_spec(session: Session, *, spec: EditionSpec, rubrics: Mapping[str, Rubric],
                             actor: Actor) -> Edition:
    """The edition, its tracks and rounds; the first round opens, later rounds wait as drafts."""
    edition = create_edition(session, name=spec.name, year=spec.year, kind=spec.kind, subject=spec.subject,
                                  tracks=[(t.key, t.name_zh, t.name_en) for t in spec.tracks], actor=actor)
    for position, r in enumerate(spec.rounds):
        rnd = add_round(session, edition_id=edition.id, key=r.key, name=r.name, rubric=rubrics[r.rubric],
                             position=position, blind=r.blind, judges_per_entry=r.judges_per_entry, method=r.method,
                             status=RoundStatus.OPEN if position == 0 else RoundStatus.DRAFT, actor=actor)
        rnd.advance_rule, rnd.weight_in_final = r.advance, r.weight_in_final
        rnd.starts_on, rnd.ends_on = r.starts_on, r.ends_on
        session.add(rnd)
    session.flush()
    return edition


@guarded("edition.manage")
def add_track(session: Session, *, edition_id: int, key: str, name_zh: str, name_en: str = "", actor: Actor) -> Track:
    position = len(tracks_of(session, edition_id))
    track = Track(edition_id=edition_id, key=key, name_zh=name_zh, name_en=name_en, position=position)
    session.add(track)
    session.flush()
    record_event(session, actor=actor, action="track.add", subject=f"edition:{edition_id}",
                      payload={"key": key, "name_zh": name_zh})
    return track


@guarded("edition.manage")
@round_write
def update_round(session: Session, *, round_id: int, actor: Actor, **settings: object) -> Round:
    """Change a round's settings (name, blind, k, method, status, advancement, weight, dates); logged with old values."""
    rnd = get_round(session, round_id)
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
    if "status" in changed and session.exec(select(Publication.id).where(Publication.round_id == round_id)).first():
        raise PermissionDenied(Problem("pub.round_published", {"round": rnd.name}))  # its list stands on its scores
    for key, (_, value) in changed.items():
        setattr(rnd, key, value)
    session.add(rnd)
    session.flush()
    record_event(session, actor=actor, action="round.update", subject=f"round:{rnd.id}",
                      payload={k: {"old": old, "new": new} for k, (old, new) in changed.items()})
    return rnd


@guarded("edition.manage")
@round_write
def save_round_rubric(session: Session, *, round_id: int, rubric: Rubric, actor: Actor, reason: str = "") -> Round:
    """Give a round a new version of its rubric.

    Before the first score this is an ordinary change. Once the round has scores (its rubric is
    frozen) the new version must keep the criteria and the scale, needs a reason, and is logged
    with both versions.
    """
    rnd = get_round(session, round_id)
    if not rnd.rubric_frozen:
        return set_round_rubric(session, round_id=round_id, rubric=rubric, actor=actor)
    old = round_rubric(rnd)
    problems = frozen_change_problems(old, rubric)
    if not reason.strip():
        problems.append(Problem("oc.rub.reason_required", {}))
    if problems:
        raise PermissionDenied(problems)
    rnd.rubric_json = rubric.to_json()
    session.add(rnd)
    session.flush()
    record_event(session, actor=actor, action="round.rubric_new_version", subject=f"round:{rnd.id}",
                      payload={"rubric": rubric.key, "old_version": old.version, "version": rubric.version,
                               "reason": reason.strip(), "old": old.to_mapping()})
    return rnd


def edition_of_round(session: Session, round_id: int) -> Edition:
    edition = session.get(Edition, get_round(session, round_id).edition_id)
    assert edition is not None  # a foreign key: the round's edition exists
    return edition


def round_entry_rows(session: Session, *, round_id: int) -> list[RoundEntry]:
    return list(session.exec(select(RoundEntry).where(RoundEntry.round_id == round_id)
                             .order_by(RoundEntry.position, RoundEntry.id)))


def entries_of_round(session: Session, *, round_id: int) -> list[Entry]:
    """The round's entries: those that advanced to it, in order; a round without any takes the whole edition."""
    rows = round_entry_rows(session, round_id=round_id)
    if not rows:
        return entries_of(session, get_round(session, round_id).edition_id)
    entries = {e.id: e for e in session.exec(select(Entry).where(Entry.id.in_([r.entry_id for r in rows])))}
    return [entries[r.entry_id] for r in rows]


def next_round(session: Session, *, round_id: int) -> Round | None:
    rnd = get_round(session, round_id)
    later = [r for r in rounds_of(session, rnd.edition_id) if r.position > rnd.position]
    return later[0] if later else None


def is_live_round(session: Session, *, round_id: int) -> bool:
    """Whether the round runs as a live final: an entry of it has been opened to its panel."""
    return session.exec(select(RoundEntry.id).where(RoundEntry.round_id == round_id,
                                                    RoundEntry.live_state != LiveState.WAITING).limit(1)).first() is not None
