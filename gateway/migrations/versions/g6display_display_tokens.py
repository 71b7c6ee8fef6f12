"""display tokens: read-only tokens of one project's 销控大屏

Revision ID: g6display
Revises: g5tokens
Create Date: 2026-12-06 09:30:00.000000
"""
from alembic import op
import sqlalchemy as sa

import loupan.types


revision = 'g6display'
down_revision = 'g5tokens'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('display_tokens',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', ID, nullable=False),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', ID, nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash', name='uq_display_tokens_hash')
    )
    with op.batch_alter_table('display_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_display_tokens_project', ['project_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('display_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_display_tokens_project')
    op.drop_table('display_tokens')
