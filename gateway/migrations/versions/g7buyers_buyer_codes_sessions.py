"""buyers' one-time codes and sessions (online 开盘)

Revision ID: g7buyers
Revises: g6display
Create Date: 2026-12-06 13:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import loupan.types


revision = 'g7buyers'
down_revision = 'g6display'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = loupan.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table('buyer_codes',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('launch_id', ID, nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('registration_id', ID, nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', WHEN, nullable=False),
    sa.Column('expires_at', WHEN, nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', WHEN, nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('buyer_codes', schema=None) as batch_op:
        batch_op.create_index('ix_buyer_codes_mobile', ['launch_id', 'mobile', 'id'], unique=False)
    op.create_table('buyer_sessions',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('launch_id', ID, nullable=False),
    sa.Column('registration_id', ID, nullable=False),
    sa.Column('created_at', WHEN, nullable=False),
    sa.Column('expires_at', WHEN, nullable=False),
    sa.Column('revoked_at', WHEN, nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash', name='uq_buyer_sessions_hash')
    )
    with op.batch_alter_table('buyer_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_buyer_sessions_registration', ['registration_id'], unique=False)


def downgrade():
    op.drop_table('buyer_sessions')
    op.drop_table('buyer_codes')
