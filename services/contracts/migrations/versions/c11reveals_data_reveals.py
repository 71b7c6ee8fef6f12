"""contracts: data_reveals, the log of full mobile numbers shown to managers and directors
(personal data, issue 13; the table is loupan.reveals.data_reveals_table)

Revision ID: c11reveals
Revises: c10projects
"""
from alembic import op
import sqlalchemy as sa
import loupan.types

revision = 'c11reveals'
down_revision = 'c10projects'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('data_reveals',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('username', sa.String(length=80), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('customer_id', ID, nullable=True),
    sa.Column('hold_id', ID, nullable=True),
    sa.Column('deal_id', ID, nullable=True),
    sa.Column('masked_mobile', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('entrypoint', sa.String(length=60), nullable=False),
    sa.Column('revealed_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_data_reveals_agency_at', 'data_reveals', ['agency_id', 'revealed_at'], unique=False)


def downgrade():
    op.drop_index('ix_data_reveals_agency_at', table_name='data_reveals')
    op.drop_table('data_reveals')
