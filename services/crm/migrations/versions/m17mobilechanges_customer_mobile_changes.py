"""crm: 更正手机号, a customer's mobile changed or asked to be changed (customer_mobile_changes)

Revision ID: m17mobilechanges
Revises: m16brokerappeals
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'm17mobilechanges'
down_revision = 'm16brokerappeals'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('customer_mobile_changes',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('customer_id', ID, nullable=False),
    sa.Column('old_mobile', sa.String(length=11), nullable=False),
    sa.Column('new_mobile', sa.String(length=11), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('held', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('report_id', ID, nullable=True),
    sa.Column('requested_by', ID, nullable=False),
    sa.Column('requested_by_name', sa.String(length=80), nullable=True),
    sa.Column('requested_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', ID, nullable=True),
    sa.Column('decided_by_name', sa.String(length=80), nullable=True),
    sa.Column('decided_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('applied_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['channel_reports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('customer_mobile_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_mobile_changes_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_mobile_changes_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_customer_mobile_changes_project_status', ['project_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('customer_mobile_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_mobile_changes_project_status')
        batch_op.drop_index(batch_op.f('ix_customer_mobile_changes_customer_id'))
        batch_op.drop_index(batch_op.f('ix_customer_mobile_changes_agency_id'))

    op.drop_table('customer_mobile_changes')
