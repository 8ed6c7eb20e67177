"""The audit trail: events chained by keyed digests (HMAC-SHA-256 under the audit key), the chain's check,
its re-keying, and the score table replayed from its events."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import bindparam, func, insert, literal, update
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from judging.core.audit_digest import GENESIS_HASH, EventDigest, key_fingerprint, keyed_event_digest
from judging.core.checkpoint import public_key_hex
from judging.core.permissions import Actor
from judging.errors import Problem
from judging.store.audit_key import audit_key
from judging.store.guard import guarded
from judging.store.models import (
    AuditEvent,
    Score,
    utcnow,
)
from judging.store.models_write_path import MAIN_CHAIN, AuditChain
from judging.store.write_path import (
    OPEN_ACTION,
    chain_for,
    chain_of_actor,
    genesis_of,
    has_chains,
    note_appended,
)

REKEY_ACTION = "audit.rekey"
MAX_RECORDED_BROKEN = 1000  # a re-key event lists at most this many events that were broken before it


def _digest_of(session: Session, *, may_create: bool = False) -> EventDigest:
    return keyed_event_digest(audit_key(session.get_bind(), may_create=may_create))


def _note_event(session: Session, event_id: int | None, digest: str) -> None:
    # the newest event this transaction wrote, (id, digest): row seals refer to it, the head seal names it
    if event_id is not None and event_id > session.info.get("audit_last_event", (0, ""))[0]:
        session.info["audit_last_event"] = (event_id, digest)


def record_event(session: Session, *, actor: Actor, action: str, subject: str = "",
                 payload: dict | None = None) -> AuditEvent:
    """Append an audit event of ``actor`` chained to the previous one of its chain by its keyed digest
    (the actor's own chain, or ``main`` for the system and the CLI: ``judging.store.write_path``)."""
    return append_event(session, name=actor.username, action=action, subject=subject, payload=payload,
                        chain=chain_of_actor(actor.id))


def append_event(session: Session, *, name: str, action: str, subject: str = "", payload: dict | None = None,
                 chain: str = MAIN_CHAIN) -> AuditEvent:
    """Append an audit event under ``name``: ``record_event``'s body, and the ``permission.refused``
    event of a caller that is no actor at all (its name is what it passed, made text). The event extends
    the chain of the transaction's first event (``chain`` for that first one), locked until commit."""
    actor = name
    link = chain_for(session, chain)
    prev_hash = link.last_hash
    body = json.dumps(payload or {}, ensure_ascii=False, sort_keys=True, default=str)
    at = utcnow()
    event = AuditEvent(at=at, actor=actor, action=action, subject=subject, payload=body, prev_hash=prev_hash,
                       chain=link.name)
    event.hash = _digest_of(session, may_create=link.last_id is None)(prev_hash, at, actor, action, subject, body)
    session.add(event)
    session.flush()
    note_appended(link, event.id, event.hash)
    _note_event(session, event.id, event.hash)
    return event


def record_events(session: Session, events: Iterable[tuple[Actor, str, str, dict]]) -> int:
    """Append many ``(actor, action, subject, payload)`` events in one insert, chained as ``record_event`` does.

    For bulk writers (the demo contest, large imports): one chain (the first actor's), one insert.
    """
    rows = []
    link = None
    event_digest: EventDigest | None = None
    for who, action, subject, payload in events:
        if link is None:
            link = chain_for(session, chain_of_actor(who.id))
            event_digest = _digest_of(session, may_create=link.last_id is None)
            prev_hash = link.last_hash
        actor = who.username
        body = json.dumps(payload or {}, ensure_ascii=False, sort_keys=True, default=str)
        at = utcnow()
        assert event_digest is not None  # set with the chain, on the first event
        digest = event_digest(prev_hash, at, actor, action, subject, body)
        rows.append({"at": at, "actor": actor, "action": action, "subject": subject, "payload": body,
                     "prev_hash": prev_hash, "hash": digest, "chain": link.name})
        prev_hash = digest
    if rows:
        ids = session.execute(insert(AuditEvent).returning(AuditEvent.id, sort_by_parameter_order=True),
                              rows).scalars().all()
        for event_id, row in zip(ids, rows, strict=True):
            note_appended(link, event_id, row["hash"])
        _note_event(session, ids[-1], prev_hash)
    return len(rows)


@guarded("audit.read")
def verify_audit_chain(session: Session, *, actor: Actor) -> list[int]:
    """Ids of events whose keyed digest or link does not match, and those a re-keying found already
    broken (empty when the chain is intact). Each chain is checked on its own: its first event links to
    genesis (``main``) or to its opening event on ``main``. Needs the audit key."""
    digest = _digest_of(session)
    broken = []
    last: dict[str, str] = {}
    opened: dict[str, str] = {}
    for event in session.exec(select(AuditEvent).order_by(AuditEvent.id)):
        expected = digest(event.prev_hash, event.at, event.actor, event.action, event.subject, event.payload)
        prev_hash = last[event.chain] if event.chain in last else genesis_of(event.chain, opened)
        if event.prev_hash != prev_hash or event.hash != expected:
            broken.append(event.id)
        elif event.action == REKEY_ACTION:
            broken.extend(json.loads(event.payload).get("broken_before", []))
        if event.action == OPEN_ACTION and event.chain == MAIN_CHAIN:
            opened[event.subject] = event.hash
        last[event.chain] = event.hash
    return sorted(set(broken))


@dataclass(frozen=True)
class Rekeyed:
    events: int
    broken_before: list[int]  # events that did not match under the old digest (kept as evidence)
    event_id: int  # the ``audit.rekey`` event


def rekey_chain(connection: Connection, *, old: EventDigest, old_name: str, new_key: bytes, actor: str,
                reason: str, old_key: bytes | None = None) -> Rekeyed:
    """Chain every event again under ``new_key`` after checking it under ``old``, then record an
    ``audit.rekey`` event on ``main`` (the events re-keyed, the old and new key's names, and the ids of
    events that were already broken: ``verify_audit_chain`` reports those forever, so a re-keying launders
    nothing). For the upgrade from unkeyed chains and for a key rotation; one transaction. The chains'
    heads are written again by ``seals.redigest_seals`` (a database from before chains has one chain)."""
    table = AuditEvent.__table__
    chained = has_chains(connection)
    if chained:  # no event is appended meanwhile: main's head, then every other chain's, locked until commit
        chains = AuditChain.__table__
        connection.execute(select(chains.c.id).order_by(chains.c.name != MAIN_CHAIN, chains.c.name).with_for_update())
    chain_column = table.c.chain if chained else literal(MAIN_CHAIN).label("chain")
    new = keyed_event_digest(new_key)
    rows = connection.execute(select(table.c.id, table.c.at, table.c.actor, table.c.action, table.c.subject,
                                     table.c.payload, table.c.prev_hash, table.c.hash, chain_column)
                              .order_by(table.c.id)).all()
    broken, updates = [], []
    old_last: dict[str, str] = {}
    new_last: dict[str, str] = {}
    old_opened: dict[str, str] = {}
    new_opened: dict[str, str] = {}
    for row in rows:
        old_prev = old_last[row.chain] if row.chain in old_last else genesis_of(row.chain, old_opened)
        new_prev = new_last.get(row.chain) or genesis_of(row.chain, new_opened) or GENESIS_HASH
        if row.prev_hash != old_prev or row.hash != old(row.prev_hash, row.at, row.actor, row.action, row.subject,
                                                         row.payload):
            broken.append(row.id)
        elif row.action == REKEY_ACTION:
            broken.extend(json.loads(row.payload).get("broken_before", []))
        digest = new(new_prev, row.at, row.actor, row.action, row.subject, row.payload)
        updates.append({"b_id": row.id, "prev_hash": new_prev, "hash": digest})
        if row.action == OPEN_ACTION and row.chain == MAIN_CHAIN:
            old_opened[row.subject], new_opened[row.subject] = row.hash, digest
        old_last[row.chain], new_last[row.chain] = row.hash, digest
    if updates:
        connection.execute(update(table).where(table.c.id == bindparam("b_id"))
                           .values(prev_hash=bindparam("prev_hash"), hash=bindparam("hash")), updates)
    broken = sorted(set(broken))
    body = json.dumps({"events": len(rows), "from": old_name, "to": key_fingerprint(new_key), "reason": reason,
                       "broken_before": broken[:MAX_RECORDED_BROKEN], "broken_count": len(broken),
                       # the checkpoint signing keys before and after: checkpoints signed before stay checkable
                       "public_keys": [public_key_hex(k) for k in (old_key, new_key) if k]},
                      ensure_ascii=False, sort_keys=True)
    at = utcnow()
    prev = new_last.get(MAIN_CHAIN, GENESIS_HASH)
    values = {"at": at, "actor": actor, "action": REKEY_ACTION, "subject": "audit", "payload": body,
              "prev_hash": prev, "hash": new(prev, at, actor, REKEY_ACTION, "audit", body)}
    if chained:
        values["chain"] = MAIN_CHAIN
    columns = sa.table(table.name, *(sa.column(name) for name in ("id", *values)))  # only the columns it has
    event_id = connection.execute(insert(columns).values(**values).returning(columns.c.id)).scalar_one()
    return Rekeyed(events=len(rows), broken_before=broken, event_id=event_id)


@guarded("audit.read")
def count_events(session: Session, *, actor: Actor) -> int:
    return session.exec(select(func.count()).select_from(AuditEvent)).one()


@guarded("audit.read")
def last_seed(session: Session, *, round_id: int, actor: Actor) -> int | None:
    """The seed of the round's latest automatic assignment, from the audit trail."""

    event = session.exec(select(AuditEvent).where(AuditEvent.action == "assignment.generate",
                                                  AuditEvent.subject == f"round:{round_id}")
                         .order_by(AuditEvent.id.desc()).limit(1)).first()
    return None if event is None else json.loads(event.payload).get("seed")


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
def replay_all(session: Session, *, actor: Actor) -> dict[int, dict[ScoreKey, ReplayedScore]]:
    """Every round's score table rebuilt from the ``score.save``/``score.clear`` events, in trail order."""
    rounds: dict[int, dict[ScoreKey, ReplayedScore]] = {}
    stmt = (select(AuditEvent.action, AuditEvent.subject, AuditEvent.payload)
            .where(AuditEvent.action.in_(SCORE_EVENTS)).order_by(AuditEvent.id))
    for action, subject, payload in session.exec(stmt):
        round_id = _round_of(subject)
        if round_id is None:
            continue
        try:  # an event made up in the database may say anything: the chain's check reports it
            body = json.loads(payload)
            key = (int(body["judge_id"]), int(body["entry_id"]), str(body["criterion"]))
            replayed = None if action == "score.clear" else ReplayedScore(float(body["value"]), int(body["version"]))
        except (ValueError, KeyError, TypeError):
            continue
        table = rounds.setdefault(round_id, {})
        if replayed is None:
            table.pop(key, None)
        else:
            table[key] = replayed
    return rounds


@guarded("audit.read")
def replay_scores(session: Session, round_id: int, *, actor: Actor) -> dict[ScoreKey, ReplayedScore]:
    """The round's score table as the audit trail tells it: ``{(judge_id, entry_id, criterion): (value, version)}``."""
    return replay_all(session, actor=actor).get(round_id, {})


@guarded("audit.read")
def stored_scores(session: Session, round_id: int | None = None, *,
                  actor: Actor) -> dict[int, dict[ScoreKey, ReplayedScore]]:
    stmt = select(Score.round_id, Score.judge_id, Score.entry_id, Score.criterion, Score.value, Score.version)
    if round_id is not None:
        stmt = stmt.where(Score.round_id == round_id)
    rounds: dict[int, dict[ScoreKey, ReplayedScore]] = {}
    for r, j, e, c, value, version in session.exec(stmt):
        rounds.setdefault(r, {})[(j, e, c)] = ReplayedScore(float(value), int(version))
    return rounds


@guarded("audit.read")
def score_mismatches(session: Session, *, actor: Actor) -> list[Problem]:
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
