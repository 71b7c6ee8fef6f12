"""idempotency keys: POST answers replayed for a retried Idempotency-Key

Revision ID: g2quality
Revises: g1revoked
Create Date: 2026-11-23 02:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'g2quality'
down_revision = 'g1revoked'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotency_keys',
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('account_id', 'key')
    )
    op.create_index('ix_idempotency_keys_expires', 'idempotency_keys', ['expires_at'], unique=False)


def downgrade():
    op.drop_index('ix_idempotency_keys_expires', table_name='idempotency_keys')
    op.drop_table('idempotency_keys')
