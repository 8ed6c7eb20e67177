"""write_path: the audit trail in chains (one per account, and ``main``) with a head row each, instead of
one chain and one head seal that every writer waited for (``judging/store/write_path.py``)

An existing trail becomes the chain ``main`` as it is (no digest changes); the head seal
(``row_seal`` ``audit_event``/0) becomes ``main``'s head, carrying its last event, its tallies and
any difference it had: a head seal that did not match the key gives a head that does not either.

Revision ID: 0013
Revises: 0012
"""

import hmac
import json

import sqlalchemy as sa
from alembic import op

from judging.store.audit_key import audit_key
from judging.store.seals import HEAD, seal_digest
from judging.store.write_path import head_digest, tables_text

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('audit_event', sa.Column('chain', sa.String(), nullable=False, server_default='main'))
    op.create_table('audit_chain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=True),
    sa.Column('last_hash', sa.String(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('tables', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    )
    connection = op.get_bind()
    events = connection.execute(sa.text("SELECT count(*) FROM audit_event")).scalar_one()
    head = connection.execute(sa.text("SELECT content, event_id, digest FROM row_seal WHERE table_name = :t "
                                      "AND row_id = :r"), {"t": HEAD[0], "r": HEAD[1]}).first()
    if events == 0 and head is None:
        return  # a new database: main's head is written with its first event
    key = audit_key(connection, may_create=False)
    last = connection.execute(sa.text("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")).first()
    if head is None:  # the trail had lost its head seal: main gets a head that says so (no valid digest)
        last_id, last_hash, tables, valid = (None if last is None else last.id), ("" if last is None else last.hash), \
            "{}", False
    else:  # the head seal as it was: its event and tallies carried over, checked against the key
        content = json.loads(head.content)
        last_id, last_hash = content.get("id"), content.get("hash") or ""
        tables = tables_text({name: tuple(value) for name, value in content.get("tables", {}).items()})
        valid = hmac.compare_digest(head.digest, seal_digest(key, *HEAD, head.content, head.event_id))
    digest = head_digest(key, "main", last_id, last_hash, events, tables) if valid else ""
    connection.execute(sa.text("INSERT INTO audit_chain (name, last_event_id, last_hash, events, tables, digest) "
                               "VALUES ('main', :i, :h, :n, :t, :d)"),
                       {"i": last_id, "h": last_hash, "n": events, "t": tables, "d": digest})
    connection.execute(sa.text("DELETE FROM row_seal WHERE table_name = :t AND row_id = :r"),
                       {"t": HEAD[0], "r": HEAD[1]})


def downgrade() -> None:
    # back to one chain is possible only for a trail that has one: main, whose head becomes the head seal again
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT count(*) FROM audit_event WHERE chain <> 'main'")).scalar_one():
        raise RuntimeError("the audit trail has chains other than main: it cannot go back to one chain")
    main = connection.execute(sa.text("SELECT last_event_id, last_hash, tables FROM audit_chain "
                                      "WHERE name = 'main'")).first()
    if main is not None:
        key = audit_key(connection, may_create=False)
        content = json.dumps({"id": main.last_event_id, "hash": main.last_hash or None,
                              "tables": json.loads(main.tables)}, sort_keys=True)
        connection.execute(sa.text("INSERT INTO row_seal (table_name, row_id, content, event_id, digest) "
                                   "VALUES (:t, :r, :c, :e, :d)"),
                           {"t": HEAD[0], "r": HEAD[1], "c": content, "e": main.last_event_id,
                            "d": seal_digest(key, *HEAD, content, main.last_event_id)})
    op.drop_table('audit_chain')
    with op.batch_alter_table('audit_event') as batch:
        batch.drop_column('chain')
