"""开盘 report (issue 18): a buyer's refused holds with their code (launch_refusals), counted
in the launch's report by code

Revision ID: b2refusals
Revises: b1selection
Create Date: 2026-12-06 15:20:00
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'b2refusals'
down_revision = 'b1selection'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = loupan.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table('launch_refusals',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('launch_id', ID, nullable=False),
    sa.Column('registration_id', ID, nullable=False),
    sa.Column('unit_id', ID, nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('at', WHEN, nullable=False),
    sa.ForeignKeyConstraint(['launch_id'], ['launches.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_launch_refusals_launch', 'launch_refusals', ['launch_id', 'code'], unique=False)


def downgrade():
    op.drop_index('ix_launch_refusals_launch', table_name='launch_refusals')
    op.drop_table('launch_refusals')
