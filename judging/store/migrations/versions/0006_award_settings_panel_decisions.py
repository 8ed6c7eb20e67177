"""award settings stored with the round (versioned) and the panel's decisions on flagged entries

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('round_award_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('settings_json', sa.Text(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('created_by', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'version')
    )
    with op.batch_alter_table('round_award_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_award_settings_round_id'), ['round_id'], unique=False)

    op.create_table('panel_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_code', sa.String(), nullable=False),
    sa.Column('decision', sa.String(), nullable=False),
    sa.Column('tier', sa.String(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('present', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('panel_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_decision_round_id'), ['round_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('panel_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_decision_round_id'))
    op.drop_table('panel_decision')
    with op.batch_alter_table('round_award_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_award_settings_round_id'))
    op.drop_table('round_award_settings')
