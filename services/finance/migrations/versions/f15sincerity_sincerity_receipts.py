"""finance: 诚意金 of a launch's 认筹 (issue 18): the registrations finance learns from
inventory's launch_registered, and the 诚意金 receipts with their refund or conversion

Revision ID: f15sincerity
Revises: f14escrow
"""
import sqlalchemy as sa
from alembic import op

import loupan.types

revision = 'f15sincerity'
down_revision = 'f14escrow'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
MONEY = loupan.types.Decimal2()


def upgrade():
    op.create_table('sincerity_registrations',
    sa.Column('registration_id', ID, autoincrement=False, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('launch_id', ID, nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('buyer_name', sa.String(length=50), nullable=True),
    sa.Column('mobile_masked', sa.String(length=20), nullable=True),
    sa.Column('amount_due', MONEY, nullable=False),
    sa.Column('advisor_id', ID, nullable=True),
    sa.Column('channel_name', sa.String(length=100), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('registration_id')
    )
    op.create_index('ix_sincerity_registrations_agency_id', 'sincerity_registrations', ['agency_id'])
    op.create_index('ix_sincerity_registrations_launch', 'sincerity_registrations', ['project_id', 'launch_id'])
    op.create_table('sincerity_receipts',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('launch_id', ID, nullable=False),
    sa.Column('registration_id', ID, nullable=False),
    sa.Column('receipt_no', sa.String(length=40), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('payer', sa.String(length=50), nullable=False),
    sa.Column('slip_no', sa.String(length=60), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='valid', nullable=False),
    sa.Column('recorded_by', ID, nullable=False),
    sa.Column('recorded_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_by', ID, nullable=True),
    sa.Column('ended_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=300), nullable=True),
    sa.Column('deal_id', ID, nullable=True),
    sa.Column('deal_receipt_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['sincerity_registrations.registration_id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'receipt_no', name='uq_sincerity_receipts_no')
    )
    op.create_index('ix_sincerity_receipts_agency_id', 'sincerity_receipts', ['agency_id'])
    op.create_index('ix_sincerity_receipts_registration_id', 'sincerity_receipts', ['registration_id'])
    op.create_index('uq_sincerity_receipts_live', 'sincerity_receipts', ['registration_id'], unique=True,
                    postgresql_where=sa.text("status in ('valid', 'converted')"),
                    sqlite_where=sa.text("status in ('valid', 'converted')"))


def downgrade():
    op.drop_index('uq_sincerity_receipts_live', table_name='sincerity_receipts')
    op.drop_index('ix_sincerity_receipts_registration_id', table_name='sincerity_receipts')
    op.drop_index('ix_sincerity_receipts_agency_id', table_name='sincerity_receipts')
    op.drop_table('sincerity_receipts')
    op.drop_index('ix_sincerity_registrations_launch', table_name='sincerity_registrations')
    op.drop_index('ix_sincerity_registrations_agency_id', table_name='sincerity_registrations')
    op.drop_table('sincerity_registrations')
