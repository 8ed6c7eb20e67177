"""publication_anchor: the bundle digest and the signed audit checkpoint recorded at each publish and freeze

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('publication_anchor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('bundle_digest', sa.String(), nullable=False),
    sa.Column('bundle_sums', sa.Text(), nullable=False),
    sa.Column('checkpoint_event_id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_digest', sa.String(), nullable=False),
    sa.Column('public_key', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_publication_anchor_publication_id'), 'publication_anchor', ['publication_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_publication_anchor_publication_id'), table_name='publication_anchor')
    op.drop_table('publication_anchor')
