"""The audit trail read as a log: events filtered in the database (who, kind, entry, judge, time) a page at
a time, the names the log shows instead of ids, and the trail's last verification and checkpoint.

Reads go by event id only, never by how events are chained, so that the log stays right whatever the
chain's layout.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import String, and_, cast, false, func, or_
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session, col, select

from judging.core.audit_query import LogQuery, check_range
from judging.core.audit_words import LoggedEvent, Names
from judging.core.permissions import Actor
from judging.core.rubric import rubric_from_json
from judging.errors import AuditLogError, JudgingError, Problem
from judging.store.audit_log import record_event
from judging.store.audit_verify import audit_problems
from judging.store.guard import guarded
from judging.store.models import AuditEvent, Edition, Entry, Round, User

VERIFY_ACTION = "audit.verify"
CHECKPOINT_ACTION = "audit.checkpoint"  # judging.store.checkpoints.CHECKPOINT_ACTION
EXPORT_BATCH = 2000  # events fetched at a time for an export: memory stays flat over 100,000 events
MAX_RECORDED_BROKEN = 20  # a verification event lists this many broken event ids; the count says how many


@dataclass(frozen=True)
class LogPage:
    total: int  # events matching the query
    events: list[LoggedEvent]  # this page, newest first


def _payload_field(session: Session, name: str):
    """The text of one top-level payload field, in this database's JSON functions."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(AuditEvent.payload, JSONB)[name].astext
    return cast(func.json_extract(AuditEvent.payload, f"$.{name}"), String)


def _mentions(values) -> object:
    """Payloads whose text contains one of ``values``: a cheap necessary condition checked before the JSON
    field itself, so that the database parses only those payloads (an entry filter on 100,000 events
    took 4.4 s on PostgreSQL parsing every payload)."""
    return or_(*(AuditEvent.payload.contains(v, autoescape=True) for v in values)) if values else false()


def _where(session: Session, query: LogQuery) -> list:
    check_range(query.since, query.until)
    conditions = []
    if query.who:
        conditions.append(AuditEvent.actor.in_(query.who))
    if query.kinds:
        actions = [k for k in query.kinds if "." in k]
        groups = [k for k in query.kinds if "." not in k]
        conditions.append(or_(AuditEvent.action.in_(actions), *(AuditEvent.action.like(f"{g}.%") for g in groups)))
    if query.entry_ids or query.entry_codes:
        ids = [str(i) for i in query.entry_ids]
        conditions.append(or_(
            and_(_mentions(ids), _payload_field(session, "entry_id").in_(ids)),
            and_(_mentions(query.entry_codes), _payload_field(session, "entry").in_(list(query.entry_codes))),
            AuditEvent.subject.in_([f"entry:{i}" for i in [*ids, *query.entry_codes]])))
    if query.judge_id is not None:
        judge = str(query.judge_id)
        conditions.append(or_(and_(_mentions([judge]), _payload_field(session, "judge_id") == judge),
                              AuditEvent.subject == f"user:{judge}"))
    if query.since is not None:
        conditions.append(AuditEvent.at >= query.since)
    if query.until is not None:
        conditions.append(AuditEvent.at < query.until)
    return conditions


def _logged(row) -> LoggedEvent:
    return LoggedEvent.parse(id=row.id, at=row.at, actor=row.actor, action=row.action, subject=row.subject,
                             payload=row.payload)


_COLUMNS = (AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.subject, AuditEvent.payload)


@guarded("audit.read")
def log_page(session: Session, *, query: LogQuery, offset: int = 0, limit: int = 50, total: int | None = None,
             actor: Actor) -> LogPage:
    """One page of the events matching ``query``, newest first, and how many match in all (``total`` when
    the caller counted them already)."""
    conditions = _where(session, query)
    if total is None:
        total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    rows = session.exec(select(*_COLUMNS).where(*conditions).order_by(AuditEvent.id.desc())
                        .offset(max(offset, 0)).limit(max(limit, 1))).all()
    return LogPage(total=int(total), events=[_logged(r) for r in rows])


@guarded("audit.read")
def log_events(session: Session, *, query: LogQuery, actor: Actor) -> Iterator[LoggedEvent]:
    """Every event matching ``query``, oldest first, fetched a batch at a time (for exports)."""
    conditions = _where(session, query)
    after = 0
    while True:
        rows = session.exec(select(*_COLUMNS).where(*conditions, col(AuditEvent.id) > after)
                            .order_by(AuditEvent.id).limit(EXPORT_BATCH)).all()
        if not rows:
            return
        yield from (_logged(r) for r in rows)
        after = int(rows[-1].id)


@guarded("audit.read")
def count_matching(session: Session, *, query: LogQuery, actor: Actor) -> int:
    return int(session.exec(select(func.count()).select_from(AuditEvent).where(*_where(session, query))).one())


@guarded("audit.read")
def event_kinds(session: Session, *, actor: Actor) -> list[str]:
    """The kinds of event the trail holds, for the kind filter."""
    return sorted(session.exec(select(AuditEvent.action).distinct()).all())


@guarded("audit.read")
def log_names(session: Session, *, actor: Actor) -> Names:
    """Display names of every account, entry codes, round and edition names, and every round's criteria."""
    users = session.exec(select(User.id, User.username, User.display_name)).all()
    rounds = session.exec(select(Round.id, Round.name, Round.rubric_json)).all()
    criteria = {}
    for round_id, _, rubric_json in rounds:
        try:
            rubric = rubric_from_json(rubric_json, source=f"round:{round_id}")
        except JudgingError:  # a rubric that no longer reads shows its criterion keys
            continue
        criteria[round_id] = {c.key: {"zh": c.label.zh, "en": c.label.en} for c in rubric.criteria}
    return Names(people={u: d or u for _, u, d in users}, people_by_id={int(i): d or u for i, u, d in users},
                 entries=dict(session.exec(select(Entry.id, Entry.code)).all()),
                 rounds={int(i): name for i, name, _ in rounds},
                 editions=dict(session.exec(select(Edition.id, Edition.name)).all()), criteria=criteria)


@guarded("audit.read")
def resolve_query(session: Session, *, who: str = "", kinds: tuple[str, ...] = (), entry: str = "", judge: str = "",
                  since=None, until=None, actor: Actor) -> LogQuery:
    """The query for filters as a person types them: ``who`` and ``judge`` by account name or display name,
    ``entry`` by its code (in any edition). A name or code that matches nothing is refused, saying which."""
    problems = []
    usernames: tuple[str, ...] = ()
    if who.strip():
        usernames = _people(session, who.strip())
        if not usernames:
            if who.strip() in ("system", "cli", "demo"):
                usernames = (who.strip(),)
            else:
                problems.append(Problem("alog.unknown_person", {"value": who.strip()}))
    judge_id = None
    if judge.strip():
        found = session.exec(select(User.id).where(or_(User.username == judge.strip(),
                                                       User.display_name == judge.strip()))).all()
        if not found:
            problems.append(Problem("alog.unknown_person", {"value": judge.strip()}))
        else:
            judge_id = found[0]
    entry_ids: tuple[int, ...] = ()
    codes: tuple[str, ...] = ()
    if entry.strip():
        entry_ids = tuple(session.exec(select(Entry.id).where(Entry.code == entry.strip())).all())
        codes = (entry.strip(),)
        if not entry_ids:
            problems.append(Problem("alog.unknown_entry", {"value": entry.strip()}))
    if problems:
        raise AuditLogError(problems)
    query = LogQuery(who=usernames, kinds=tuple(k.strip() for k in kinds if k.strip()), entry_ids=entry_ids,
                     entry_codes=codes, judge_id=judge_id, since=since, until=until)
    check_range(query.since, query.until)
    return query


def _people(session: Session, name: str) -> tuple[str, ...]:
    return tuple(session.exec(select(User.username).where(or_(User.username == name, User.display_name == name))).all())


@dataclass(frozen=True)
class ChainState:
    verification: LoggedEvent | None  # the latest ``audit.verify`` event
    events_since: int  # events recorded after the one it verified up to
    checkpoint: LoggedEvent | None  # the latest signed checkpoint


@guarded("audit.read")
def chain_state(session: Session, *, actor: Actor) -> ChainState:
    """The trail's last verification and signed checkpoint, without verifying anything (quick on any size)."""
    def latest(action: str) -> LoggedEvent | None:
        row = session.exec(select(*_COLUMNS).where(AuditEvent.action == action)
                           .order_by(AuditEvent.id.desc()).limit(1)).first()
        return None if row is None else _logged(row)

    verification = latest(VERIFY_ACTION)
    since = 0
    if verification is not None:
        upto = int(verification.payload.get("upto") or 0)
        since = int(session.exec(select(func.count()).select_from(AuditEvent)
                                 .where(col(AuditEvent.id) > upto, AuditEvent.id != verification.id)).one())
    return ChainState(verification=verification, events_since=since, checkpoint=latest(CHECKPOINT_ACTION))


@guarded("audit.verify")
def verify_and_record(session: Session, *, actor: Actor, lang: str | None = None) -> LoggedEvent:
    """Run ``audit verify`` (``audit_problems``) and record its outcome as an ``audit.verify`` event: how
    many problems, the first broken events, how far it checked and how long it took. Needs the audit key."""
    upto = session.exec(select(func.max(AuditEvent.id))).one() or 0
    started = time.perf_counter()
    problems = audit_problems(session, actor=actor, lang=lang)
    seconds = round(time.perf_counter() - started, 2)
    broken = [p for p in problems if p.code == "cli.audit_broken"]
    first_ids = [int(i) for i in str(broken[0].params.get("ids", "")).split(", ") if i.isdigit()] if broken else []
    event = record_event(session, actor=actor, action=VERIFY_ACTION, subject="audit", payload={
        "upto": upto, "problems": len(problems), "broken": first_ids[:MAX_RECORDED_BROKEN],
        "messages": [p.render(lang) for p in problems[:MAX_RECORDED_BROKEN]], "seconds": seconds})
    return _logged(event)
