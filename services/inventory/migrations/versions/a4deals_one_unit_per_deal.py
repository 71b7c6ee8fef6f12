"""one unit per deal

Revision ID: a4deals
Revises: d3d50efbf5cc
Create Date: 2026-11-23 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'a4deals'
down_revision = 'd3d50efbf5cc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index('uq_units_one_per_deal', ['deal_id'], unique=True,
                              postgresql_where=sa.text('deal_id IS NOT NULL'),
                              sqlite_where=sa.text('deal_id IS NOT NULL'))


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index('uq_units_one_per_deal', postgresql_where=sa.text('deal_id IS NOT NULL'),
                            sqlite_where=sa.text('deal_id IS NOT NULL'))
