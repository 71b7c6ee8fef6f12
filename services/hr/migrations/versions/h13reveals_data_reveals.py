"""hr: data_reveals, the log of applicants' full mobile numbers shown (issue 30; the table is
loupan.reveals.data_reveals_table with candidate_id)

Revision ID: h13reveals
Revises: h12commands
Create Date: 2026-12-10 11:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

from loupan.migration_steps import create_data_reveals, drop_data_reveals

revision = 'h13reveals'
down_revision = 'h12commands'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    create_data_reveals(op)
    op.add_column('data_reveals', sa.Column('candidate_id', ID, nullable=True))


def downgrade():
    drop_data_reveals(op)
