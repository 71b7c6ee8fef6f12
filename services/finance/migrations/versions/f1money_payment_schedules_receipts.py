"""finance money: payment terms, schedule history, receipt counters, collection targets

Revision ID: f1money
Revises: c167c2c08c7f
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'f1money'
down_revision = 'c167c2c08c7f'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('finance_settings',
    sa.Column('project_id', ID, autoincrement=False, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('down_ratio', loupan.types.Decimal2(), nullable=False),
    sa.Column('provident_down_ratio', loupan.types.Decimal2(), nullable=False),
    sa.Column('down_payment_days', sa.Integer(), nullable=False),
    sa.Column('instalment_count', sa.Integer(), nullable=False),
    sa.Column('instalment_days', sa.Integer(), nullable=False),
    sa.Column('full_payment_days', sa.Integer(), nullable=False),
    sa.Column('mortgage_days', sa.Integer(), nullable=False),
    sa.Column('reminder_days', sa.Integer(), nullable=False),
    sa.Column('updated_by', ID, nullable=True),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('project_id')
    )
    with op.batch_alter_table('finance_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_settings_agency_id'), ['agency_id'], unique=False)

    op.create_table('schedule_changes',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('deal_id', ID, nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('price', loupan.types.Decimal2(), nullable=False),
    sa.Column('payment_method', sa.String(length=20), nullable=False),
    sa.Column('loan_amount', loupan.types.Decimal2(), nullable=True),
    sa.Column('collected', loupan.types.Decimal2(), nullable=False),
    sa.Column('unplaced', loupan.types.Decimal2(), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=True),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deal_accounts.deal_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('schedule_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_changes_deal_id'), ['deal_id'], unique=False)

    op.create_table('receipt_counters',
    sa.Column('project_id', ID, autoincrement=False, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('last_no', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('project_id')
    )

    op.create_table('collection_targets',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('amount', loupan.types.Decimal2(), nullable=False),
    sa.Column('set_by', ID, nullable=True),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'month', name='uq_collection_targets_month')
    )
    with op.batch_alter_table('collection_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collection_targets_agency_id'), ['agency_id'], unique=False)

    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index('ix_receipts_project_day', ['project_id', 'received_on'], unique=False)


def downgrade():
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index('ix_receipts_project_day')
    with op.batch_alter_table('collection_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collection_targets_agency_id'))
    op.drop_table('collection_targets')
    op.drop_table('receipt_counters')
    with op.batch_alter_table('schedule_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedule_changes_deal_id'))
    op.drop_table('schedule_changes')
    with op.batch_alter_table('finance_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_settings_agency_id'))
    op.drop_table('finance_settings')
