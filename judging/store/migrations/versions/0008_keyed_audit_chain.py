"""audit trail: the chain is keyed (HMAC-SHA-256 under the audit key); an existing unkeyed chain is
checked and chained again under the key, recorded as one ``audit.rekey`` event

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from judging.core.audit_digest import plain_event_digest
from judging.core.permissions import SYSTEM
from judging.store.audit_key import audit_key
from judging.store.audit_log import rekey_chain

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT count(*) FROM audit_event")).scalar_one() == 0:
        return  # a new database: its first event is keyed
    # an embedded SQLite database gets its key file here, beside it (see judging/store/audit_key.py)
    rekey_chain(connection, old=plain_event_digest, old_name="sha256", new_key=audit_key(connection, may_create=True),
                actor=SYSTEM.username, reason="upgrade: the audit chain is keyed")


def downgrade() -> None:
    # the unkeyed digests cannot be restored without rewriting the trail again; the keyed chain stays
    pass
