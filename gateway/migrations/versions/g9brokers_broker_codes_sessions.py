"""brokers' one-time codes and sessions (issue 19: brokers sign in on their phones)

Revision ID: g9brokers
Revises: g8hooks
Create Date: 2026-12-06 16:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import loupan.types


revision = 'g9brokers'
down_revision = 'g8hooks'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = loupan.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table('broker_codes',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', WHEN, nullable=False),
    sa.Column('expires_at', WHEN, nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', WHEN, nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('broker_codes', schema=None) as batch_op:
        batch_op.create_index('ix_broker_codes_mobile', ['mobile', 'id'], unique=False)
    op.create_table('broker_sessions',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('broker_id', ID, nullable=False),
    sa.Column('channel_id', ID, nullable=True),
    sa.Column('created_at', WHEN, nullable=False),
    sa.Column('expires_at', WHEN, nullable=False),
    sa.Column('revoked_at', WHEN, nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash', name='uq_broker_sessions_hash')
    )
    with op.batch_alter_table('broker_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_broker_sessions_broker', ['broker_id'], unique=False)


def downgrade():
    op.drop_table('broker_sessions')
    op.drop_table('broker_codes')
