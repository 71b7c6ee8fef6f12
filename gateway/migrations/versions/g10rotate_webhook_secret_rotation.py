"""a webhook endpoint's signing secret rotated by a director: the secret it replaced signs
beside the new one until its grace period ends (docs/webhooks.md)

Revision ID: g10rotate
Revises: g9brokers
Create Date: 2026-12-07 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import loupan.types


revision = 'g10rotate'
down_revision = 'g9brokers'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = loupan.types.UTCDateTime(timezone=True)


def upgrade():
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_secret', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('previous_secret_until', WHEN, nullable=True))
        batch_op.add_column(sa.Column('secret_rotated_at', WHEN, nullable=True))
        batch_op.add_column(sa.Column('secret_rotated_by', ID, nullable=True))


def downgrade():
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_column('secret_rotated_by')
        batch_op.drop_column('secret_rotated_at')
        batch_op.drop_column('previous_secret_until')
        batch_op.drop_column('previous_secret')
