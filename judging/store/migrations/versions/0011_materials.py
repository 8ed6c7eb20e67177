"""materials: entry materials: files attached to entries (material), their bytes stored once by SHA-256 (material_blob)

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('material_blob',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_material_blob_sha256'), 'material_blob', ['sha256'], unique=True)
    op.create_table('material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('content_type', sa.String(), nullable=False),
    sa.Column('sha256', sa.String(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('identifying', sa.Boolean(), nullable=False),
    sa.Column('attached_by', sa.String(), nullable=False),
    sa.Column('attached_at', sa.DateTime(), nullable=False),
    sa.Column('attached_event_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_by', sa.String(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_event_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_material_entry_id'), 'material', ['entry_id'], unique=False)
    op.create_index(op.f('ix_material_sha256'), 'material', ['sha256'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_material_sha256'), table_name='material')
    op.drop_index(op.f('ix_material_entry_id'), table_name='material')
    op.drop_table('material')
    op.drop_index(op.f('ix_material_blob_sha256'), table_name='material_blob')
    op.drop_table('material_blob')
