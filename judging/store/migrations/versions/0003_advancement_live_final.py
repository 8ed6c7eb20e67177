"""advancement and the live final: round_entry (who goes on, presentation order, live state) and panel_member

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('round_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('live_state', sa.String(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'entry_id')
    )
    with op.batch_alter_table('round_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_entry_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_entry_round_id'), ['round_id'], unique=False)

    op.create_table('panel_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'judge_id')
    )
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_member_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_member_round_id'), ['round_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_member_round_id'))
        batch_op.drop_index(batch_op.f('ix_panel_member_judge_id'))
    op.drop_table('panel_member')
    with op.batch_alter_table('round_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_entry_round_id'))
        batch_op.drop_index(batch_op.f('ix_round_entry_entry_id'))
    op.drop_table('round_entry')
