"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 10:34:13.979183
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(), nullable=False),
    sa.Column('display_name', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('password_hash', sa.String(), nullable=False),
    sa.Column('organisation', sa.String(), nullable=False),
    sa.Column('expertise', sa.String(), nullable=False),
    sa.Column('email', sa.String(), nullable=False),
    sa.Column('phone', sa.String(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_role'), ['role'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_user_username'), ['username'], unique=True)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('subject', sa.String(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(), nullable=False),
    sa.Column('hash', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)

    op.create_table('edition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('judging_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('rubric_json', sa.Text(), nullable=False),
    sa.Column('rubric_frozen', sa.Boolean(), nullable=False),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('judges_per_entry', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('advance_rule', sa.String(), nullable=False),
    sa.Column('weight_in_final', sa.Float(), nullable=False),
    sa.Column('starts_on', sa.String(), nullable=False),
    sa.Column('ends_on', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition_id', 'key')
    )
    with op.batch_alter_table('judging_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judging_round_edition_id'), ['edition_id'], unique=False)

    op.create_table('track',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('name_zh', sa.String(), nullable=False),
    sa.Column('name_en', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition_id', 'key')
    )
    with op.batch_alter_table('track', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_track_edition_id'), ['edition_id'], unique=False)

    op.create_table('entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('organisation', sa.String(), nullable=False),
    sa.Column('recommending_unit', sa.String(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(), nullable=False),
    sa.Column('email', sa.String(), nullable=False),
    sa.Column('phone', sa.String(), nullable=False),
    sa.Column('materials', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ),
    sa.ForeignKeyConstraint(['track_id'], ['track.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition_id', 'code')
    )
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_track_id'), ['track_id'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.ForeignKeyConstraint(['judge_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'judge_id', 'entry_id')
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_round_id'), ['round_id'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.ForeignKeyConstraint(['judge_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'judge_id', 'entry_id', 'criterion')
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_round_id'), ['round_id'], unique=False)

    op.create_table('conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.ForeignKeyConstraint(['judge_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('judge_id', 'entry_id')
    )
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_judge_id'), ['judge_id'], unique=False)

    op.create_table('score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.ForeignKeyConstraint(['judge_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'judge_id', 'entry_id', 'criterion')
    )
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_round_id'), ['round_id'], unique=False)

    op.create_table('score_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.ForeignKeyConstraint(['judge_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'judge_id', 'entry_id')
    )
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_sheet_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheet_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheet_round_id'), ['round_id'], unique=False)

    op.create_table('veto',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('veto_key', sa.String(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.ForeignKeyConstraint(['judge_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'judge_id', 'entry_id', 'veto_key')
    )
    with op.batch_alter_table('veto', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_veto_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_veto_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_veto_round_id'), ['round_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('veto', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_veto_round_id'))
        batch_op.drop_index(batch_op.f('ix_veto_judge_id'))
        batch_op.drop_index(batch_op.f('ix_veto_entry_id'))

    op.drop_table('veto')
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_sheet_round_id'))
        batch_op.drop_index(batch_op.f('ix_score_sheet_judge_id'))
        batch_op.drop_index(batch_op.f('ix_score_sheet_entry_id'))

    op.drop_table('score_sheet')
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_round_id'))
        batch_op.drop_index(batch_op.f('ix_score_judge_id'))
        batch_op.drop_index(batch_op.f('ix_score_entry_id'))

    op.drop_table('score')
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_judge_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_entry_id'))

    op.drop_table('conflict')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_round_id'))
        batch_op.drop_index(batch_op.f('ix_comment_judge_id'))
        batch_op.drop_index(batch_op.f('ix_comment_entry_id'))

    op.drop_table('comment')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_round_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_judge_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_entry_id'))

    op.drop_table('assignment')
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_track_id'))
        batch_op.drop_index(batch_op.f('ix_entry_edition_id'))

    op.drop_table('entry')
    with op.batch_alter_table('track', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_track_edition_id'))

    op.drop_table('track')
    with op.batch_alter_table('judging_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judging_round_edition_id'))

    op.drop_table('judging_round')
    op.drop_table('edition')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_username'))
        batch_op.drop_index(batch_op.f('ix_app_user_role'))

    op.drop_table('app_user')

