"""documents: document settings: issuer and certificate numbering, versioned per edition

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('edition_document_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.Text(), nullable=False),
    sa.Column('certificate_scheme', sa.String(), nullable=False),
    sa.Column('track_prefixes_json', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition_id', 'version')
    )
    with op.batch_alter_table('edition_document_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edition_document_settings_edition_id'), ['edition_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('edition_document_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edition_document_settings_edition_id'))
    op.drop_table('edition_document_settings')
