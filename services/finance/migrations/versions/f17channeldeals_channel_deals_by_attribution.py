"""finance: a deal may be one channel's, then (a 判客 ruling) another's: channel_deals keyed by
their own id, one per deal and attribution (the table is new in f16channels and holds nothing
a ruling would need kept: it is made again)

Revision ID: f17channeldeals
Revises: f16channels
"""
import sqlalchemy as sa
from alembic import op

import loupan.types

revision = 'f17channeldeals'
down_revision = 'f16channels'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
MONEY = loupan.types.Decimal2()
STAMP = loupan.types.UTCDateTime(timezone=True)


def _columns():
    return [sa.Column('agency_id', ID, nullable=False),
            sa.Column('project_id', ID, nullable=False),
            sa.Column('channel_id', ID, nullable=False),
            sa.Column('attribution_id', ID, nullable=False),
            sa.Column('customer_id', ID, nullable=True),
            sa.Column('unit_label', sa.String(length=60), nullable=True),
            sa.Column('amount', MONEY, nullable=False),
            sa.Column('signed_on', sa.Date(), nullable=False),
            sa.Column('billable_on', sa.Date(), nullable=True),
            sa.Column('ended_on', sa.Date(), nullable=True),
            sa.Column('end_reason', sa.String(length=30), nullable=True),
            sa.Column('state', sa.String(length=10), server_default='pending', nullable=False),
            sa.Column('created_at', STAMP, nullable=False),
            sa.Column('updated_at', STAMP, nullable=False),
            sa.ForeignKeyConstraint(['attribution_id'], ['channel_attributions.id'])]


def _drop():
    with op.batch_alter_table('channel_deals', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_deals_channel')
        batch_op.drop_index(batch_op.f('ix_channel_deals_attribution_id'))
        batch_op.drop_index(batch_op.f('ix_channel_deals_agency_id'))
    op.drop_table('channel_deals')


def upgrade():
    _drop()
    op.create_table('channel_deals',
                    sa.Column('id', ID, autoincrement=True, nullable=False),
                    sa.Column('deal_id', ID, nullable=False),
                    *_columns(),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('deal_id', 'attribution_id', name='uq_channel_deals_attribution'))
    with op.batch_alter_table('channel_deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_deals_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_deals_attribution_id'), ['attribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_deals_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index('ix_channel_deals_channel', ['project_id', 'channel_id'], unique=False)


def downgrade():
    with op.batch_alter_table('channel_deals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_deals_deal_id'))
    _drop()
    op.create_table('channel_deals',
                    sa.Column('deal_id', ID, autoincrement=False, nullable=False),
                    *_columns(),
                    sa.PrimaryKeyConstraint('deal_id'))
    with op.batch_alter_table('channel_deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_deals_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_deals_attribution_id'), ['attribution_id'], unique=False)
        batch_op.create_index('ix_channel_deals_channel', ['project_id', 'channel_id'], unique=False)
