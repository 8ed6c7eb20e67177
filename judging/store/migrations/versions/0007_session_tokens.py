"""signed-in sessions: session_token holds the SHA-256 of each browser's session token, its expiry,
last activity and revocation, so that a reload, a restart or another replica restores the session

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('session_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_session_token_token_hash'), 'session_token', ['token_hash'], unique=True)
    op.create_index(op.f('ix_session_token_user_id'), 'session_token', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_session_token_user_id'), table_name='session_token')
    op.drop_index(op.f('ix_session_token_token_hash'), table_name='session_token')
    op.drop_table('session_token')
