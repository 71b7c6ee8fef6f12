"""finance: agency (结佣) and staff (提成) statements carry their paid-out state (issue 16):
paid_by, paid_at (recorded), paid_on (the day paid), payment_ref

Revision ID: f12paid
Revises: f11commands
"""
import sqlalchemy as sa
from alembic import op

from loupan.tables import ID
from loupan.types import UTCDateTime

revision = 'f12paid'
down_revision = 'f11commands'
branch_labels = None
depends_on = None

TABLES = ("agency_statements", "commission_statements")


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column("paid_by", ID, nullable=True))
        op.add_column(table, sa.Column("paid_at", UTCDateTime(), nullable=True))
        op.add_column(table, sa.Column("paid_on", sa.Date(), nullable=True))
        op.add_column(table, sa.Column("payment_ref", sa.String(60), nullable=True))


def downgrade():
    for table in TABLES:
        for column in ("payment_ref", "paid_on", "paid_at", "paid_by"):
            op.drop_column(table, column)
