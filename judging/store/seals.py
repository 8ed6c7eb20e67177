"""Row seals: every table that holds a fact carries, per row, its content and a keyed digest written by
the app in the same transaction; ``seal_problems`` compares every row with its seal, in words.

Seals are written by session hooks, not by each store function, so that no write path can forget
them: at commit, every row of a sealed table that the transaction inserted, changed or deleted
(through the ORM, or through a bulk ``insert``/``update``/``delete`` statement) is read back and
sealed again under the audit key, with the id of the newest audit event the transaction wrote. The
trail's last event is sealed too (``("audit_event", 0)``). Someone who edits the database without the
key can change a row, but not its seal: ``audit verify`` names the row and the column. Every table of
the models is sealed unless ``NOT_SEALED`` says why not (a test checks that each table is one or the
other, so a new table is covered the day it is added).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Table, bindparam, delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel

from judging.core.audit_digest import derived_key
from judging.core.permissions import Actor
from judging.errors import Problem
from judging.i18n import t
from judging.store.audit_key import audit_key
from judging.store.checkpoints import due, write_checkpoint
from judging.store.guard import guarded
from judging.store.models import AuditEvent, Entry, Publication, Round, RowSeal, User
from judging.store.models_write_path import MAIN_CHAIN
from judging.store.write_path import (
    add_tallies,
    chain_for,
    committed_heads,
    fold,
    forget,
    has_chains,
    head_problems,
    link_of,
    normal,
    rewrite_heads,
    write_head,
)

NOT_SEALED = {
    "audit_event": "the trail itself: chained by keyed digests, its last event sealed as audit_event/0",
    "row_seal": "the seals themselves: each carries its own keyed digest",
    "login_throttle": "sign-in counters, not facts of the contest; locks are audit events",
    "session_token": "browser sessions, not facts of the contest; sign-ins and revocations are audit events",
    "form_press": "a form's press that a write stored, so that a double click stores it once; the write is sealed",
    "audit_chain": "the chains' heads: each carries its own keyed digest, checked against its chain by audit verify",
    "material_blob": "a file's bytes, named by their SHA-256, which the sealed material rows hold: audit verify "
                     "hashes every blob they name again (materials.blob_problems)",
}
SECRET_COLUMNS = {("app_user", "password_hash")}  # sealed by their SHA-256: the seal holds no password hash
HEAD = ("audit_event", 0)
TABLE_LABELS = {  # what a person calls a row of each table; a table without a label is named as stored
    "edition": "audit.table.edition", "track": "audit.table.track", "judging_round": "audit.table.judging_round",
    "entry": "audit.table.entry", "app_user": "audit.table.app_user", "conflict": "audit.table.conflict",
    "assignment": "audit.table.assignment", "score_sheet": "audit.table.score_sheet", "score": "audit.table.score",
    "comment": "audit.table.comment", "veto": "audit.table.veto", "publication": "audit.table.publication",
    "publication_change": "audit.table.publication_change", "objection": "audit.table.objection",
    "publication_reopening": "audit.table.publication_reopening", "round_entry": "audit.table.round_entry",
    "panel_member": "audit.table.panel_member", "round_award_settings": "audit.table.round_award_settings",
    "panel_decision": "audit.table.panel_decision",
    "material": "audit.table.material",
}
CHUNK = 500  # ids per IN (...) list: well below SQLite's and PostgreSQL's limits on bound parameters

_TOUCHED = "seal_touched"  # session.info: {table name: set of row ids}
_BULK_FROM = "seal_bulk_from"  # session.info: {table name: highest id before a bulk insert}


def sealed_tables() -> list[Table]:
    return [table for table in SQLModel.metadata.sorted_tables if table.name not in NOT_SEALED]


def _sealed(name: str) -> bool:
    return name in SQLModel.metadata.tables and name not in NOT_SEALED


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return value


def row_content(table: Table, row: Mapping[str, object], columns=None) -> str:
    """The canonical JSON of a row as read from the database (secret columns by their SHA-256);
    ``columns``: the ones the database has (a migration seals before later ones add columns)."""
    content = {}
    for column in table.columns if columns is None else columns:
        value = row[column.name]
        if (table.name, column.name) in SECRET_COLUMNS and value:
            value = "sha256:" + hashlib.sha256(str(value).encode("utf-8")).hexdigest()
        content[column.name] = _plain(value)
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def seal_digest(key: bytes, table_name: str, row_id: int, content: str, event_id: int | None) -> str:
    message = json.dumps([table_name, row_id, content, event_id], ensure_ascii=False).encode("utf-8")
    return hmac.new(derived_key(key, "row-seal"), message, hashlib.sha256).hexdigest()


# --- writing seals: session hooks ----------------------------------------------------------------

def _touch(session: OrmSession, table_name: str, ids: Iterable[int]) -> None:
    session.info.setdefault(_TOUCHED, {}).setdefault(table_name, set()).update(i for i in ids if i is not None)


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _context) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(instance), "__table__", None)
        if table is not None and _sealed(table.name):
            _touch(session, table.name, [instance.id])  # flushed: it has its id


@event.listens_for(OrmSession, "do_orm_execute")
def _before_bulk_statement(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = state.statement.table
    if not _sealed(table.name):
        return
    session, params = state.session, state.parameters
    if state.is_insert:
        # rows inserted from here on get ids above the highest one now (ids only grow)
        if table.name not in session.info.get(_BULK_FROM, {}):
            highest = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
            session.info.setdefault(_BULK_FROM, {})[table.name] = highest
    elif isinstance(params, list) and params and all("id" in p for p in params):
        _touch(session, table.name, [p["id"] for p in params])  # a bulk update by primary key
    else:
        where = state.statement.whereclause
        stmt = select(table.c.id) if where is None else select(table.c.id).where(where)
        _touch(session, table.name, session.execute(stmt).scalars())


@event.listens_for(OrmSession, "before_commit")
def _seal_before_commit(session: OrmSession) -> None:
    session.flush()
    touched, bulk_from = session.info.pop(_TOUCHED, {}), session.info.pop(_BULK_FROM, {})
    session.info.pop("audit_last_event", None)
    link = link_of(session)
    if link is None and not (touched or bulk_from):
        return
    if link is None:  # rows written without an event: main's head carries their seals' tally
        link = chain_for(session, MAIN_CHAIN)
    last_event = link.written[-1] if link.written else None
    key = audit_key(session.get_bind())
    # the transaction's own connection, below the ORM: the seals of a save cost a few statements
    connection = session.connection()
    head = {"tables": link.tables}  # the chain's tally, locked with its head since the first event
    for name in sorted(set(touched) | set(bulk_from)):
        table = SQLModel.metadata.tables[name]
        ids = set(touched.get(name, ()))
        if name in bulk_from:
            # the rows above the highest id of before, less those sealed already: on PostgreSQL, rows that
            # other transactions inserted and committed meanwhile are above it too, and are theirs to seal
            sealed = select(_SEALS.c.row_id).where(_SEALS.c.table_name == name, _SEALS.c.row_id == table.c.id)
            ids.update(connection.execute(select(table.c.id).where(table.c.id > bulk_from[name], ~sealed.exists()))
                       .scalars())
        _reseal(connection, key, table, sorted(ids), last_event, head)
    if link.written and link.first_new is not None and link.last_id is not None \
            and due(link.first_new - 1, link.last_id):  # every CHECKPOINT_EVERY events: a signed checkpoint
        write_checkpoint(session, reason="periodic", seal_tables=fold(session)[1])
    session.info.pop("audit_last_event", None)
    write_head(connection, key, link)
    forget(session)


def committed_seal_tables(session) -> dict[str, tuple[int, str]]:
    """The row seals' per-table summary (count, XOR of digests) as last committed, for a checkpoint:
    the tallies of every chain's head added up."""
    tables: dict[str, tuple[int, str]] = {}
    for _last_id, _last_hash, head_tables in committed_heads(session.connection()).values():
        add_tallies(tables, head_tables)
    return normal(tables)


@event.listens_for(OrmSession, "after_rollback")
def _forget_after_rollback(session: OrmSession) -> None:
    for name in (_TOUCHED, _BULK_FROM, "audit_last_event"):
        session.info.pop(name, None)
    forget(session)


def _xor(a: str, b: str) -> str:
    return f"{int(a, 16) ^ int(b, 16):064x}"


def _tally(head: dict, table_name: str, digest: str, count: int) -> None:
    # per table: how many seals, and the XOR of their digests (order-free, undone by the same XOR)
    n, acc = head["tables"].get(table_name, (0, "0" * 64))
    head["tables"][table_name] = (n + count, _xor(acc, digest))


_SEALS = RowSeal.__table__
_IS_HEAD = (_SEALS.c.table_name == HEAD[0]) & (_SEALS.c.row_id == HEAD[1])
_HEAD_CONTENT = select(_SEALS.c.content).where(_IS_HEAD)
_OF_ROWS = (_SEALS.c.table_name == bindparam("t")) & _SEALS.c.row_id.in_(bindparam("ids", expanding=True))
_OLD_DIGESTS = select(_SEALS.c.digest).where(_OF_ROWS)
_DELETE_SEALS = delete(_SEALS).where(_OF_ROWS)
_ROWS_BY_ID: dict[str, object] = {}  # a table's rows by ids with their seals' digests, built once per table


def _reseal(connection, key: bytes, table: Table, ids: list[int], event_id: int | None, head: dict) -> None:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        # each row with the digest of its seal so far (one statement), then one upsert of the new seals
        rows = connection.execute(_rows_with_seals(table), {"ids": chunk}).mappings().all()
        gone = sorted(set(chunk) - {row["id"] for row in rows})
        if gone:  # rows the transaction deleted: their seals go
            for digest in connection.execute(_OLD_DIGESTS, {"t": table.name, "ids": gone}).scalars():
                _tally(head, table.name, digest, -1)
            connection.execute(_DELETE_SEALS, {"t": table.name, "ids": gone})
        values = []
        for row in rows:
            if row["old_seal_digest"] is not None:
                _tally(head, table.name, row["old_seal_digest"], -1)
            content = row_content(table, row)
            digest = seal_digest(key, table.name, row["id"], content, event_id)
            values.append({"table_name": table.name, "row_id": row["id"], "content": content, "event_id": event_id,
                           "digest": digest})
            _tally(head, table.name, digest, 1)
        if values:
            connection.execute(_upsert(connection), values)


def _rows_with_seals(table: Table):
    stmt = _ROWS_BY_ID.get(table.name)
    if stmt is None:
        stmt = _ROWS_BY_ID[table.name] = (
            select(table, _SEALS.c.digest.label("old_seal_digest"))
            .outerjoin(_SEALS, (_SEALS.c.table_name == table.name) & (_SEALS.c.row_id == table.c.id))
            .where(table.c.id.in_(bindparam("ids", expanding=True))))
    return stmt


def _upsert(connection):
    make = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = make(_SEALS)
    return stmt.on_conflict_do_update(index_elements=[_SEALS.c.table_name, _SEALS.c.row_id], set_={
        "content": stmt.excluded.content, "event_id": stmt.excluded.event_id, "digest": stmt.excluded.digest})


def _write_heads(connection, key: bytes) -> None:
    """The heads as the seals and the trail are now: every chain's (``write_path.rewrite_heads``), or on a
    database from before chains (the migrations up to 0012) the one head seal."""
    if has_chains(connection):
        rewrite_heads(connection, key, _full_head(connection)["tables"])
    else:
        _write_head(connection, key, _full_head(connection))


def _write_head(connection, key: bytes, head: dict) -> None:
    content = json.dumps({"id": head["id"], "hash": head["hash"],
                          "tables": {name: list(value) for name, value in sorted(head["tables"].items())}},
                         sort_keys=True)
    values = {"content": content, "event_id": head["id"], "digest": seal_digest(key, *HEAD, content, head["id"])}
    if connection.execute(update(_SEALS).where(_IS_HEAD).values(**values)).rowcount == 0:
        connection.execute(insert(_SEALS).values(table_name=HEAD[0], row_id=HEAD[1], **values))


def _full_head(connection) -> dict:
    """The head as the seals and the trail are now (the upgrade that introduces seals, and a rotation)."""
    seals = RowSeal.__table__
    head: dict[str, object] = {"id": None, "hash": None, "tables": {}}
    for name, digest in connection.execute(select(seals.c.table_name, seals.c.digest)
                                           .where(seals.c.table_name != HEAD[0])):
        _tally(head, name, digest, 1)
    last = connection.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    if last is not None:
        head["id"], head["hash"] = last.id, last.hash
    return head


def seal_everything(connection, key: bytes) -> int:
    """Seal every row of every sealed table and the trail's last event as they are now (the upgrade
    that introduces seals); returns the rows sealed."""
    seals = RowSeal.__table__
    connection.execute(delete(seals))
    last = connection.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)).first()
    event_id = None if last is None else last.id
    count = 0
    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    for table in sealed_tables():
        if table.name not in present:  # a table a later migration adds
            continue
        names = {column["name"] for column in inspector.get_columns(table.name)}
        columns = [column for column in table.columns if column.name in names]
        values = []
        for row in connection.execute(select(*columns)).mappings():
            content = row_content(table, row, columns)
            values.append({"table_name": table.name, "row_id": row["id"], "content": content, "event_id": event_id,
                           "digest": seal_digest(key, table.name, row["id"], content, event_id)})
        for start in range(0, len(values), CHUNK):
            connection.execute(insert(seals), values[start:start + CHUNK])
        count += len(values)
    _write_heads(connection, key)
    return count


def redigest_seals(connection, key: bytes) -> int:
    """Digest every seal again under ``key``, content and event kept (a rotation, after the seals were
    checked under the old key), and seal the trail's new last event; returns the seals re-digested."""
    seals = RowSeal.__table__
    rows = connection.execute(select(seals.c.id, seals.c.table_name, seals.c.row_id, seals.c.content,
                                     seals.c.event_id).where(seals.c.table_name != HEAD[0])).all()
    updates = [{"b_id": r.id, "digest": seal_digest(key, r.table_name, r.row_id, r.content, r.event_id)} for r in rows]
    if updates:
        connection.execute(update(seals).where(seals.c.id == bindparam("b_id")).values(digest=bindparam("digest")),
                           updates)
    _write_heads(connection, key)
    return len(updates)


# --- checking seals ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Names:
    """What a person calls the rows that other rows refer to: rounds by name, judges by user name, entries by code."""

    rounds: dict[int, str]
    users: dict[int, str]
    entries: dict[int, str]
    publications: dict[int, str]


def _names(session) -> _Names:
    rounds = {i: f"{name} ({key})" for i, key, name in session.execute(select(Round.id, Round.key, Round.name))}
    users = dict(session.execute(select(User.id, User.username)).all())
    entries = dict(session.execute(select(Entry.id, Entry.code)).all())
    publications = {i: rounds.get(r, str(r)) for i, r in session.execute(select(Publication.id, Publication.round_id))}
    return _Names(rounds, users, entries, publications)


def describe_row(table_name: str, row: Mapping[str, object], names: _Names, lang: str | None = None) -> str:
    """A row as a person would name it: "round 初评 (prelim): score of judge13 on entry L-022 (core_tech) #5"."""
    label = t(TABLE_LABELS[table_name], lang) if table_name in TABLE_LABELS else table_name
    judge = entry = detail = ""
    if row.get("judge_id") is not None:
        judge = t("audit.row.of_judge", lang, judge=names.users.get(row["judge_id"], row["judge_id"]))
    code = names.entries.get(row["entry_id"], row["entry_id"]) if row.get("entry_id") is not None else row.get(
        "entry_code")
    if code is not None:
        entry = t("audit.row.on_entry", lang, entry=code)
    for column in ("criterion", "veto_key", "username", "code", "key", "name"):
        if row.get(column):
            detail = f" ({row[column]})"
            break
    what = t("audit.row.thing", lang, label=label, judge=judge, entry=entry, detail=detail, id=row.get("id"))
    if row.get("round_id") is not None:
        return t("audit.row.in_round", lang, round=names.rounds.get(row["round_id"], row["round_id"]), row=what)
    if row.get("publication_id") is not None:
        return t("audit.row.in_publication", lang,
                 round=names.publications.get(row["publication_id"], row["publication_id"]), row=what)
    return what


MAX_JSON_DIFFERENCES = 5  # per column holding JSON (a rubric, a published list): the first few say what changed


def _differences(column: str, now: object, then: object) -> list[tuple[str, object, object]]:
    """A changed column as (where, now, written): inside a JSON column, the paths that differ
    (``rubric_json.criteria[0].weight``), else the column itself."""
    try:
        if not (isinstance(now, str) and isinstance(then, str) and now[:1] in "[{" and then[:1] in "[{"):
            raise ValueError
        found: list[tuple[str, object, object]] = []
        _walk(column, json.loads(now), json.loads(then), found)
        return found[:MAX_JSON_DIFFERENCES] or [(column, now, then)]
    except ValueError:
        return [(column, now, then)]


def _walk(path: str, now: object, then: object, found: list) -> None:
    if len(found) >= MAX_JSON_DIFFERENCES or now == then:
        return
    if isinstance(now, dict) and isinstance(then, dict):
        for key in sorted(set(now) | set(then), key=str):
            _walk(f"{path}.{key}", now.get(key), then.get(key), found)
    elif isinstance(now, list) and isinstance(then, list) and len(now) == len(then):
        for i, (a, b) in enumerate(zip(now, then, strict=True)):
            _walk(f"{path}[{i}]", a, b, found)
    else:
        found.append((path, now, then))


def _show(value: object) -> str:
    if value == "":
        return '""'
    text = "—" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


@guarded("audit.read")
def seal_problems(session: Session, *, actor: Actor, lang: str | None = None) -> list[Problem]:
    """Every difference between the fact tables and their seals, in words: a changed column (with both
    values), a row added or deleted outside the app, a forged seal, a seal whose event is missing,
    and a last event removed from the trail. Needs the audit key."""
    return problems_under_key(session, audit_key(session.get_bind()), lang)


def problems_under_key(session, key: bytes, lang: str | None = None) -> list[Problem]:
    """``seal_problems`` with the key given (a rotation checks the seals under the old key first)."""
    names = _names(session)
    problems: list[Problem] = []
    seal_rows = session.execute(select(RowSeal.__table__)).mappings().all()
    seals: dict[str, dict[int, Mapping]] = {}
    for seal in seal_rows:
        seals.setdefault(seal["table_name"], {})[seal["row_id"]] = seal
    event_ids = set(session.execute(select(AuditEvent.id)).scalars())
    for seal in seal_rows:
        if seal["digest"] != seal_digest(key, seal["table_name"], seal["row_id"], seal["content"], seal["event_id"]):
            problems.append(Problem("audit.seal.forged", {"table": seal["table_name"], "id": seal["row_id"]}))
        elif (seal["event_id"] is not None and seal["event_id"] not in event_ids
              and (seal["table_name"], seal["row_id"]) != HEAD):  # a moved head is reported once, below
            problems.append(Problem("audit.seal.event_missing", {
                "row": _describe_seal(seal, names, lang), "event": seal["event_id"]}))
    if has_chains(session if isinstance(session, Connection) else session.connection()):
        chain_problems, written = head_problems(session, key, names.users)
        problems.extend(chain_problems)
        problems.extend(_tally_problems(seal_rows, written, lang))
    else:
        problems.extend(_head_problems(session, seals.get(HEAD[0], {}).get(HEAD[1]), seal_rows, lang))
    for table in sealed_tables():
        table_seals = seals.get(table.name, {})
        seen = set()
        for mapping in session.execute(select(table).order_by(table.c.id)).mappings():
            row = {column.name: mapping[column.name] for column in table.columns}  # no fuzzy "table_column" keys
            seen.add(row["id"])
            seal = table_seals.get(row["id"])
            if seal is None:
                problems.append(Problem("audit.seal.unsealed", {"row": describe_row(table.name, row, names, lang)}))
                continue
            now, then = json.loads(row_content(table, row)), json.loads(seal["content"])
            if any(now.get(column) != value for column, value in then.items()):
                for column in sorted(then):  # a column added after the row was sealed is not in its seal
                    if now.get(column) != then.get(column):
                        for path, value, sealed in _differences(column, now.get(column), then.get(column)):
                            problems.append(Problem("audit.seal.changed", {
                                "row": describe_row(table.name, row, names, lang), "column": path,
                                "now": _show(value), "sealed": _show(sealed)}))
        for row_id in sorted(set(table_seals) - seen):
            problems.append(Problem("audit.seal.deleted", {"row": _describe_seal(table_seals[row_id], names, lang)}))
    return problems


def _describe_seal(seal: Mapping, names: _Names, lang: str | None) -> str:
    if (seal["table_name"], seal["row_id"]) == HEAD:
        return seal["table_name"]
    return describe_row(seal["table_name"], json.loads(seal["content"]), names, lang)


def _tally_problems(seal_rows, written: Mapping[str, tuple[int, str]], lang: str | None) -> list[Problem]:
    """The seals against the tally their writers recorded (the heads'): a table whose count or XOR differs."""
    now: dict[str, tuple[int, str]] = {}
    for seal in seal_rows:
        if seal["table_name"] != HEAD[0]:
            add_tallies(now, {seal["table_name"]: (1, seal["digest"])})
    now = normal(now)
    problems = []
    for name in sorted(set(now) | set(written)):
        n_now, acc_now = now.get(name, (0, "0" * 64))
        n_written, acc_written = written.get(name, (0, "0" * 64))
        if (n_now, acc_now) != (n_written, acc_written):
            label = t(TABLE_LABELS[name], lang) if name in TABLE_LABELS else name
            problems.append(Problem("audit.seal.set_changed", {"table": label, "now": n_now, "written": n_written}))
    return problems


def _head_problems(session, head: Mapping | None, seal_rows, lang: str | None) -> list[Problem]:
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    if head is None:
        has_seals = any(seal["table_name"] != HEAD[0] for seal in seal_rows)
        return [Problem("audit.seal.head_missing", {"id": "—" if last is None else last.id})] if (
            last is not None or has_seals) else []
    sealed = json.loads(head["content"])
    problems = []
    if (None if last is None else (last.id, last.hash)) != (
            None if sealed["id"] is None else (sealed["id"], sealed["hash"])):
        problems.append(Problem("audit.seal.head_moved", {"sealed": sealed["id"] or "—",
                                                          "now": "—" if last is None else last.id}))
    now: dict[str, object] = {"id": None, "hash": None, "tables": {}}
    for seal in seal_rows:
        if seal["table_name"] != HEAD[0]:
            _tally(now, seal["table_name"], seal["digest"], 1)
    written = {name: tuple(value) for name, value in sealed.get("tables", {}).items()}
    for name in sorted(set(now["tables"]) | set(written)):
        n_now, acc_now = now["tables"].get(name, (0, "0" * 64))
        n_written, acc_written = written.get(name, (0, "0" * 64))
        if (n_now, acc_now) != (n_written, acc_written):
            label = t(TABLE_LABELS[name], lang) if name in TABLE_LABELS else name
            problems.append(Problem("audit.seal.set_changed", {"table": label, "now": n_now, "written": n_written}))
    return problems
