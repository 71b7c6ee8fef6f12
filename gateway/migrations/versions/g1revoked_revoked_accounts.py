"""revoked accounts: tokens of leavers refused

Revision ID: g1revoked
Revises: 47ab5ba6d952
Create Date: 2026-11-23 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'g1revoked'
down_revision = '47ab5ba6d952'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('revoked_accounts',
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('revoked_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('account_id')
    )


def downgrade():
    op.drop_table('revoked_accounts')
