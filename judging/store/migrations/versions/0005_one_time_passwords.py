"""accounts: password_one_time marks a generated password that must be changed at the next sign-in

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (with its default), not a batch copy of the table: on SQLite a batch drops and
    # recreates app_user, which every score, sheet and assignment refers to (foreign keys are on)
    op.add_column('app_user', sa.Column('password_one_time', sa.Boolean(), nullable=False,
                                        server_default=sa.false()))


def downgrade() -> None:
    op.drop_column('app_user', 'password_one_time')
