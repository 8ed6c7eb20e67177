"""tamper evidence: row_seal holds, for every row of a fact table, its content and a keyed digest;
every existing row and the trail's last event are sealed as they are at the upgrade

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from judging.store.audit_key import audit_key
from judging.store.seals import seal_everything

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('row_seal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('digest', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('table_name', 'row_id'),
    )
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT count(*) FROM audit_event")).scalar_one() == 0 and \
            connection.execute(sa.text("SELECT count(*) FROM app_user")).scalar_one() == 0:
        return  # a new database: its rows are sealed as they are written
    seal_everything(connection, audit_key(connection, may_create=True))


def downgrade() -> None:
    op.drop_table('row_seal')
