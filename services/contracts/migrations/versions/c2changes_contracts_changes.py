"""contracts changes (更名/换房/退房), mortgage (按揭) and handover (交房, 房产证)

Revision ID: c2changes
Revises: 3551c8a76eb3
Create Date: 2026-11-23 01:23:51.838530
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'c2changes'
down_revision = '3551c8a76eb3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('change_requests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('deal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='requested', nullable=False),
    sa.Column('from_unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('price_difference', loupan.types.Decimal2(), nullable=True),
    sa.Column('new_price', loupan.types.Decimal2(), nullable=True),
    sa.Column('requested_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('requested_by_name', sa.String(length=80), nullable=True),
    sa.Column('requested_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_by_name', sa.String(length=80), nullable=True),
    sa.Column('decided_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approver', sa.JSON(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('applied_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error_code', sa.String(length=40), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_requests_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_requests_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index('ix_change_requests_project_status', ['project_id', 'status'], unique=False)

    op.create_table('handovers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('deal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('handed_over_on', sa.Date(), nullable=False),
    sa.Column('inspection_notes', sa.Text(), nullable=True),
    sa.Column('issues', sa.JSON(), nullable=False),
    sa.Column('title_step', sa.String(length=10), nullable=True),
    sa.Column('title_applied_on', sa.Date(), nullable=True),
    sa.Column('title_issued_on', sa.Date(), nullable=True),
    sa.Column('title_delivered_on', sa.Date(), nullable=True),
    sa.Column('certificate_no', sa.String(length=40), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('deal_id', name='uq_handovers_deal')
    )
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handovers_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_project_id'), ['project_id'], unique=False)

    op.create_table('mortgages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('deal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bank', sa.String(length=60), nullable=False),
    sa.Column('amount', loupan.types.Decimal2(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('step', sa.String(length=20), server_default='opened', nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('papers_collected_on', sa.Date(), nullable=True),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('disbursed_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('step_changed_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('deal_id', name='uq_mortgages_deal')
    )
    with op.batch_alter_table('mortgages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mortgages_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_mortgages_project_step', ['project_id', 'step'], unique=False)



def downgrade():
    with op.batch_alter_table('mortgages', schema=None) as batch_op:
        batch_op.drop_index('ix_mortgages_project_step')
        batch_op.drop_index(batch_op.f('ix_mortgages_agency_id'))

    op.drop_table('mortgages')
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handovers_project_id'))
        batch_op.drop_index(batch_op.f('ix_handovers_agency_id'))

    op.drop_table('handovers')
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_change_requests_project_status')
        batch_op.drop_index(batch_op.f('ix_change_requests_deal_id'))
        batch_op.drop_index(batch_op.f('ix_change_requests_agency_id'))

    op.drop_table('change_requests')
