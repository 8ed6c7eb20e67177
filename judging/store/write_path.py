"""The audit trail's chains: many chains instead of one, so that writers of different chains do not wait.

Every event extends one chain (``audit_event.chain``): ``main`` for the system, the CLI, refusals and
sign-in failures and every event written before chains existed, and ``user:<account id>`` for
everything an account does (a judge's saves, an organiser's changes). A transaction extends one chain
only, the chain of its first event; it locks that chain's head row (``audit_chain``, ``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite has one writer anyway) until it commits, so saves of two judges never
queue behind each other, and there is no lock of the whole trail left.

The head row of a chain holds the chain's newest event (id and keyed digest), its number of events and
the row seals' per-table tally (count and XOR of digests) of the transactions that extended it, under
one keyed digest (HMAC-SHA-256, a key derived from the audit key). The tallies of all heads added up
(XOR is order-free) are the tally of every seal, which ``audit verify`` compares with the seals.

A chain other than ``main`` is opened by an ``audit.chain_opened`` event on ``main`` (when its account is
made, ``open_chain``; for an account from before that, in the same transaction as the chain's first
event), and the chain's first event links to that event's digest:
deleting a whole chain together with its head, or making up a new one, breaks ``main`` or leaves an
opened chain without a head. ``main``'s first event links to the genesis digest, as the single chain
did (an upgraded database keeps its chain as ``main``, digests unchanged).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Table, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from judging.core.audit_digest import GENESIS_HASH, derived_key, keyed_event_digest
from judging.errors import Problem
from judging.store.audit_key import audit_key
from judging.store.event_log import PENDING_KEY
from judging.store.models import AuditEvent, utcnow
from judging.store.models_write_path import MAIN_CHAIN, AuditChain

OPEN_ACTION = "audit.chain_opened"
ZERO = "0" * 64
_LINK = "audit_chain_link"  # session.info: the chain this transaction extends (a ChainLink)
_EVENTS = AuditEvent.__table__
_CHAINS: Table = AuditChain.__table__


def chain_of_actor(account_id: int | None) -> str:
    """The chain an actor's events extend: its account's own chain, or ``main`` (system, CLI, no account)."""
    return MAIN_CHAIN if account_id is None else f"user:{account_id}"


def head_digest(key: bytes, name: str, last_id: int | None, last_hash: str, events: int, tables: str) -> str:
    message = json.dumps([name, last_id, last_hash, events, tables], ensure_ascii=False).encode("utf-8")
    return hmac.new(derived_key(key, "chain-head"), message, hashlib.sha256).hexdigest()


def tables_text(tables: Mapping[str, tuple[int, str]]) -> str:
    return json.dumps({name: list(value) for name, value in sorted(tables.items())}, sort_keys=True)


def xor(a: str, b: str) -> str:
    return f"{int(a, 16) ^ int(b, 16):064x}"


def tally(tables: dict[str, tuple[int, str]], table_name: str, digest: str, count: int) -> None:
    """Add (``count`` 1) or take out (-1) one seal's digest from a per-table tally (XOR undoes itself)."""
    n, acc = tables.get(table_name, (0, ZERO))
    tables[table_name] = (n + count, xor(acc, digest))


def add_tallies(into: dict[str, tuple[int, str]], other: Mapping[str, Iterable]) -> None:
    for name, value in other.items():
        n, acc = tuple(value)
        mine = into.get(name, (0, ZERO))
        into[name] = (mine[0] + int(n), xor(mine[1], str(acc)))


def parse_tables(text_value: str) -> dict[str, tuple[int, str]]:
    return {name: (int(value[0]), str(value[1])) for name, value in json.loads(text_value or "{}").items()}


def normal(tables: Mapping[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """A tally without the tables whose seals cancelled out (0 seals, XOR 0): as the seals themselves count."""
    return {name: value for name, value in tables.items() if value != (0, ZERO)}


@dataclass
class ChainLink:
    """The chain a transaction extends, locked until it commits: its head as read, and as this transaction leaves it."""

    name: str
    last_id: int | None
    last_hash: str
    events: int
    tables: dict[str, tuple[int, str]]
    first_new: int | None = None  # the id of this transaction's first event in the chain
    written: list[int] = field(default_factory=list)


def link_of(session) -> ChainLink | None:
    return session.info.get(_LINK)


def forget(session) -> None:
    session.info.pop(_LINK, None)


def _upsert_empty(connection, name: str, previous: str) -> None:
    """Create the head of chain ``name`` unless it exists (two writers may try at once: one wins, none fails)."""
    make = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(make(_CHAINS).values(name=name, last_event_id=None, last_hash=previous, events=0,
                                            tables="{}", digest="").on_conflict_do_nothing(index_elements=["name"]))


def _lock(connection, name: str):
    stmt = select(_CHAINS.c.last_event_id, _CHAINS.c.last_hash, _CHAINS.c.events, _CHAINS.c.tables).where(
        _CHAINS.c.name == name)
    return connection.execute(stmt.with_for_update()).first()


def chain_for(session, name: str) -> ChainLink:
    """The chain this transaction extends: the one of its first event (``name``), locked until commit;
    opened (an ``audit.chain_opened`` event on ``main``) the first time it is used."""
    link = link_of(session)
    if link is not None:
        return link
    connection = session.connection()
    row = _lock(connection, name)
    if row is None and name == MAIN_CHAIN:
        _upsert_empty(connection, MAIN_CHAIN, GENESIS_HASH)
        row = _lock(connection, name)
    elif row is None:
        opened = _open(session, connection, name)
        row = _lock(connection, name) if opened is None else opened
    # last_hash: what the next event links to (genesis or the opening event's digest while the chain is empty)
    link = ChainLink(name=name, last_id=row[0], last_hash=row[1] or GENESIS_HASH, events=row[2],
                     tables=parse_tables(row[3]))
    session.info[_LINK] = link
    return link


def _open(session, connection, name: str):
    """Open chain ``name``: on ``main`` (locked meanwhile), an ``audit.chain_opened`` event whose digest the
    new chain's first event links to. None when another writer opened it first (then it is only locked)."""
    main = _lock(connection, MAIN_CHAIN)
    if main is None:
        _upsert_empty(connection, MAIN_CHAIN, GENESIS_HASH)
        main = _lock(connection, MAIN_CHAIN)
    if _lock(connection, name) is not None:  # opened by a writer that held main before this one
        return None
    key = audit_key(session.get_bind(), may_create=main[0] is None)
    event_id, digest = _opening_event(session, connection, key, main[1] or GENESIS_HASH, name)
    events, tables = main[2] + 1, main[3]
    connection.execute(update(_CHAINS).where(_CHAINS.c.name == MAIN_CHAIN).values(
        last_event_id=event_id, last_hash=digest, events=events,
        digest=head_digest(key, MAIN_CHAIN, event_id, digest, events, tables)))
    _empty_head(connection, key, name, digest)
    return (None, digest, 0, "{}")


def _opening_event(session, connection, key: bytes, prev: str, name: str) -> tuple[int, str]:
    at, body = utcnow(), json.dumps({"chain": name}, sort_keys=True)
    digest = keyed_event_digest(key)(prev, at, "system", OPEN_ACTION, name, body)
    event_id = connection.execute(insert(_EVENTS).values(
        at=at, actor="system", action=OPEN_ACTION, subject=name, payload=body, prev_hash=prev, hash=digest,
        chain=MAIN_CHAIN).returning(_EVENTS.c.id)).scalar_one()
    session.info.setdefault(PENDING_KEY, []).append(
        {"event_id": event_id, "action": OPEN_ACTION, "actor": "system", "subject": name})
    return event_id, digest


def _empty_head(connection, key: bytes, name: str, opened_by: str) -> None:
    # the new chain starts from its opening event's digest; a transaction that extends it writes it again
    connection.execute(insert(_CHAINS).values(name=name, last_event_id=None, last_hash=opened_by, events=0,
                                              tables="{}", digest=head_digest(key, name, None, opened_by, 0, "{}")))


def open_chain(session, name: str) -> None:
    """Open chain ``name`` in this transaction unless it is open (a new account's, at its creation), so
    that the account's first write extends its own chain at once instead of waiting for ``main``: when
    many judges start at the same instant, opening their chains then queued every first save behind one
    lock. Call it after the transaction's own event (which chooses the chain it extends)."""
    connection = session.connection()
    if connection.execute(select(_CHAINS.c.name).where(_CHAINS.c.name == name)).first() is not None:
        return
    link = link_of(session) or chain_for(session, MAIN_CHAIN)
    if link.name != MAIN_CHAIN:  # main is locked for the opening event only, as at a chain's first event
        _open(session, connection, name)
        return
    key = audit_key(session.get_bind(), may_create=link.last_id is None)
    event_id, digest = _opening_event(session, connection, key, link.last_hash, name)
    note_appended(link, event_id, digest)  # main's head is this transaction's: written at commit
    _empty_head(connection, key, name, digest)


def note_appended(link: ChainLink, event_id: int, digest: str, count: int = 1) -> None:
    if link.first_new is None:
        link.first_new = event_id if count == 1 else event_id - count + 1
    link.last_id, link.last_hash, link.events = event_id, digest, link.events + count
    link.written.append(event_id)


def write_head(connection, key: bytes, link: ChainLink) -> None:
    """The head row of the transaction's chain as it leaves it (at commit)."""
    text_tables = tables_text(normal(link.tables))
    connection.execute(update(_CHAINS).where(_CHAINS.c.name == link.name).values(
        last_event_id=link.last_id, last_hash=link.last_hash, events=link.events, tables=text_tables,
        digest=head_digest(key, link.name, link.last_id, link.last_hash, link.events, text_tables)))


# --- the whole trail: folding the chains, rewriting their heads -------------------------------------

def has_chains(connection) -> bool:
    """Whether the database has the chains' layout (migration 0013): older migrations run before it."""
    return inspect(connection).has_table(AuditChain.__tablename__)


def committed_heads(connection) -> dict[str, tuple[int | None, str, dict[str, tuple[int, str]]]]:
    return {row.name: (row.last_event_id, row.last_hash, parse_tables(row.tables))
            for row in connection.execute(select(_CHAINS.c.name, _CHAINS.c.last_event_id, _CHAINS.c.last_hash,
                                                 _CHAINS.c.tables))}


def fold(session) -> tuple[dict[str, list], dict[str, tuple[int, str]]]:
    """Every chain's newest event ``{name: [id, digest]}`` and the seals' tally of all heads, as committed,
    with this transaction's own chain as it stands now (a checkpoint signs both)."""
    heads = committed_heads(session.connection())
    link = link_of(session)
    chains: dict[str, list] = {}
    tables: dict[str, object] = {}
    for name, (last_id, last_hash, head_tables) in heads.items():
        if link is not None and name == link.name:
            last_id, last_hash, head_tables = link.last_id, link.last_hash, link.tables
        if last_id is not None:
            chains[name] = [last_id, last_hash]
        add_tallies(tables, head_tables)
    return chains, normal(tables)


def fold_digest(chains: Mapping[str, list]) -> str:
    return hashlib.sha256(json.dumps({k: list(v) for k, v in sorted(chains.items())}, sort_keys=True)
                          .encode()).hexdigest()


def rewrite_heads(connection, key: bytes, all_tables: Mapping[str, tuple[int, str]]) -> None:
    """Every chain's head as its events and ``all_tables`` (the tally of every seal) say now: a key
    rotation and the upgrade from one chain. The whole tally goes to ``main``, the others' to nothing."""
    last: dict[str, tuple[int, str, int]] = {}
    opened: dict[str, str] = {}
    for row in connection.execute(select(_EVENTS.c.id, _EVENTS.c.hash, _EVENTS.c.chain, _EVENTS.c.action,
                                         _EVENTS.c.subject).order_by(_EVENTS.c.id)):
        n = last.get(row.chain, (0, "", 0))[2]
        last[row.chain] = (row.id, row.hash, n + 1)
        if row.action == OPEN_ACTION and row.chain == MAIN_CHAIN:
            opened[row.subject] = row.hash
    names = set(last) | set(connection.execute(select(_CHAINS.c.name)).scalars())
    for name in sorted(names | {MAIN_CHAIN}):
        # a chain opened without events yet links to its opening event (its digest is new after a re-key)
        last_id, last_hash, events = last.get(name, (None, genesis_of(name, opened) or GENESIS_HASH, 0))
        text_tables = tables_text(normal(dict(all_tables)) if name == MAIN_CHAIN else {})
        values = {"last_event_id": last_id, "last_hash": last_hash, "events": events, "tables": text_tables,
                  "digest": head_digest(key, name, last_id, last_hash, events, text_tables)}
        if connection.execute(update(_CHAINS).where(_CHAINS.c.name == name).values(**values)).rowcount == 0:
            connection.execute(insert(_CHAINS).values(name=name, **values))


def genesis_of(chain: str, opened: Mapping[str, str]) -> str | None:
    """The digest a chain's first event links to: genesis for ``main``, its opening event's for the others
    (None: the chain was never opened)."""
    return GENESIS_HASH if chain == MAIN_CHAIN else opened.get(chain)


# --- checking the heads ---------------------------------------------------------------------------

def _label(name: str, users: Mapping[int, str]) -> str:
    kind, _, ident = name.partition(":")
    return f"{name} ({users[int(ident)]})" if kind == "user" and ident.isdigit() and int(ident) in users else name


def head_problems(session, key: bytes, users: Mapping[int, str]) -> tuple[list[Problem], dict[str, tuple[int, str]]]:
    """Every chain's head against its chain (its newest event, its count, its keyed digest), opened chains
    without a head and heads never opened; and the seals' tally of all heads (with a valid digest) added up."""
    connection = session if isinstance(session, Connection) else session.connection()
    actual: dict[str, list] = {}  # chain: [last id, last digest, events]
    opened: set[str] = set()
    for row in connection.execute(select(_EVENTS.c.id, _EVENTS.c.hash, _EVENTS.c.chain, _EVENTS.c.action,
                                         _EVENTS.c.subject).order_by(_EVENTS.c.id)):
        n = actual.get(row.chain, [None, "", 0])[2]
        actual[row.chain] = [row.id, row.hash, n + 1]
        if row.action == OPEN_ACTION and row.chain == MAIN_CHAIN:
            opened.add(row.subject)
    heads = connection.execute(select(_CHAINS)).mappings().all()
    problems: list[Problem] = []
    written: dict[str, tuple[int, str]] = {}
    named = set()
    for head in heads:
        name = head["name"]
        named.add(name)
        label = _label(name, users)
        if head["digest"] != head_digest(key, name, head["last_event_id"], head["last_hash"], head["events"],
                                         head["tables"]):
            problems.append(Problem("audit.chain.forged", {"chain": label}))
            continue
        add_tallies(written, parse_tables(head["tables"]))
        last_id, last_hash, events = actual.get(name, [None, "", 0])
        if (head["last_event_id"], events) != (last_id, head["events"]) or (
                last_id is not None and head["last_hash"] != last_hash):
            problems.append(Problem("audit.chain.moved", {
                "chain": label, "sealed": head["last_event_id"] or "—", "now": last_id or "—",
                "n_sealed": head["events"], "n_now": events}))
        if name != MAIN_CHAIN and name not in opened:
            problems.append(Problem("audit.chain.not_opened", {"chain": label}))
    for name in sorted((set(actual) | opened) - named):
        problems.append(Problem("audit.chain.head_missing", {"chain": _label(name, users),
                                                             "id": actual.get(name, ["—"])[0] or "—"}))
    return problems, normal(written)
