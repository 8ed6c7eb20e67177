"""mail_paper: mail log (invitations and reminders) and paper score sheet ids

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('batch', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(), nullable=False),
    sa.Column('recipient', sa.String(), nullable=False),
    sa.Column('subject', sa.String(), nullable=False),
    sa.Column('password_issued', sa.Boolean(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'round_id', 'judge_id', 'batch')
    )
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_message_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_message_round_id'), ['round_id'], unique=False)

    op.create_table('paper_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('printed_by', sa.String(), nullable=False),
    sa.Column('printed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('typed_by', sa.String(), nullable=False),
    sa.Column('typed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.ForeignKeyConstraint(['judge_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'judge_id', 'entry_id')
    )
    with op.batch_alter_table('paper_sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_sheet_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_sheet_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_sheet_round_id'), ['round_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('paper_sheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_sheet_round_id'))
        batch_op.drop_index(batch_op.f('ix_paper_sheet_judge_id'))
        batch_op.drop_index(batch_op.f('ix_paper_sheet_entry_id'))
    op.drop_table('paper_sheet')
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_message_round_id'))
        batch_op.drop_index(batch_op.f('ix_mail_message_judge_id'))
    op.drop_table('mail_message')
