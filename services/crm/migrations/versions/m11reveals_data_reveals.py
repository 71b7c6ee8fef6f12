"""crm: data_reveals, the log of full mobile numbers shown to managers and directors
(personal data, issue 13; the table is loupan.reveals.data_reveals_table)

Revision ID: m11reveals
Revises: m10projects
"""
from alembic import op

from loupan.migration_steps import create_data_reveals, drop_data_reveals

revision = 'm11reveals'
down_revision = 'm10projects'
branch_labels = None
depends_on = None


def upgrade():
    create_data_reveals(op)


def downgrade():
    drop_data_reveals(op)
