"""inventory: data_reveals, the log of full mobile numbers shown to managers and directors
(personal data, issue 13; the table is loupan.reveals.data_reveals_table)

Revision ID: a5reveals
Revises: 0449bcfa0c6d
"""
from alembic import op

from loupan.migration_steps import create_data_reveals, drop_data_reveals

revision = 'a5reveals'
down_revision = '0449bcfa0c6d'
branch_labels = None
depends_on = None


def upgrade():
    create_data_reveals(op)


def downgrade():
    drop_data_reveals(op)
