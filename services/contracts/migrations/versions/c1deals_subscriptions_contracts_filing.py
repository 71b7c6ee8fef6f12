"""subscriptions, contracts, supplementary agreements, 网签/备案

Revision ID: c1deals
Revises: 3551c8a76eb3
Create Date: 2026-11-23 01:40:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'c1deals'
down_revision = '3551c8a76eb3'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.create_index('ix_deals_pending', ['id'], unique=False, postgresql_where=sa.text("status = 'pending'"),
                              sqlite_where=sa.text("status = 'pending'"))
    op.create_table('deal_counters',
    sa.Column('project_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('project_id', 'kind')
    )
    op.create_table('contracts',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('deal_id', ID, nullable=False),
    sa.Column('contract_no', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='draft', nullable=False),
    sa.Column('price', loupan.types.Decimal2(), nullable=False),
    sa.Column('payment_method', sa.String(length=20), nullable=False),
    sa.Column('loan_amount', loupan.types.Decimal2(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=True),
    sa.Column('drafted_by', ID, nullable=True),
    sa.Column('drafted_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by', ID, nullable=True),
    sa.Column('reviewed_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.String(length=300), nullable=True),
    sa.Column('online_signing_no', sa.String(length=60), nullable=True),
    sa.Column('online_signed_on', sa.Date(), nullable=True),
    sa.Column('filing_no', sa.String(length=60), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('deal_id', name='uq_contracts_deal'),
    sa.UniqueConstraint('project_id', 'contract_no', name='uq_contracts_no')
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_contracts_project_status', ['project_id', 'status'], unique=False)

    op.create_table('supplementary_agreements',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('deal_id', ID, nullable=False),
    sa.Column('contract_id', ID, nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='pending', nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by', ID, nullable=True),
    sa.Column('reviewed_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], ),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id', 'number', name='uq_agreements_number')
    )
    with op.batch_alter_table('supplementary_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplementary_agreements_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplementary_agreements_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplementary_agreements_project_id'), ['project_id'], unique=False)


def downgrade():
    op.drop_table('supplementary_agreements')
    op.drop_table('contracts')
    op.drop_table('deal_counters')
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index('ix_deals_pending', postgresql_where=sa.text("status = 'pending'"),
                            sqlite_where=sa.text("status = 'pending'"))
