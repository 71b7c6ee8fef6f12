"""contracts: the dates a deal's order is checked on (issue 16, loupan/deal_dates.py):
deals.subscribed_on, the 认购 date (filled from created_at, Asia/Shanghai, for deals made
before), and supplementary_agreements.signed_on (unknown for agreements made before)

Revision ID: c13dates
Revises: c12commands
"""
from datetime import timezone

import sqlalchemy as sa
from alembic import op

from loupan.types import local_day

revision = 'c13dates'
down_revision = 'c12commands'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("deals", sa.Column("subscribed_on", sa.Date(), nullable=True))
    op.add_column("supplementary_agreements", sa.Column("signed_on", sa.Date(), nullable=True))
    deals = sa.table("deals", sa.column("id", sa.BigInteger), sa.column("created_at", sa.DateTime(timezone=True)),
                     sa.column("subscribed_on", sa.Date))
    bind = op.get_bind()
    for deal_id, created_at in bind.execute(sa.select(deals.c.id, deals.c.created_at)).all():
        if created_at.tzinfo is None:  # SQLite hands back naive UTC
            created_at = created_at.replace(tzinfo=timezone.utc)
        bind.execute(deals.update().where(deals.c.id == deal_id).values(subscribed_on=local_day(created_at)))


def downgrade():
    op.drop_column("supplementary_agreements", "signed_on")
    op.drop_column("deals", "subscribed_on")
