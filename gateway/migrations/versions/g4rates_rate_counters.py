"""rate counters: login and hold limits shared by every gateway replica

Revision ID: g4rates
Revises: g3states
Create Date: 2026-11-24 10:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'g4rates'
down_revision = 'g3states'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rate_counters',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('window_start', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_index('ix_rate_counters_window', 'rate_counters', ['window_start'], unique=False)


def downgrade():
    op.drop_index('ix_rate_counters_window', table_name='rate_counters')
    op.drop_table('rate_counters')
