"""crm visits and rotation: 来电/来访登记, the walk-in rotation (轮序接待) and its hr facts

Revision ID: m2visits
Revises: 7f1bd7a8b343
Create Date: 2026-11-23 01:40:00
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'm2visits'
down_revision = '7f1bd7a8b343'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('visits',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=5), nullable=False),
    sa.Column('visitor_kind', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('advisor_id', ID, nullable=True),
    sa.Column('assignment', sa.String(length=10), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('customer_id', ID, nullable=True),
    sa.Column('customer_name', sa.String(length=50), nullable=True),
    sa.Column('new_customer', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('party_size', sa.Integer(), server_default='1', nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('registered_by', ID, nullable=False),
    sa.Column('registered_by_name', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_visits_advisor_id'), 'visits', ['advisor_id'], unique=False)
    op.create_index(op.f('ix_visits_agency_id'), 'visits', ['agency_id'], unique=False)
    op.create_index(op.f('ix_visits_customer_id'), 'visits', ['customer_id'], unique=False)
    op.create_index('ix_visits_project_day', 'visits', ['project_id', 'day'], unique=False)

    op.create_table('rotation_staff',
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, autoincrement=False, nullable=False),
    sa.Column('account_id', ID, autoincrement=False, nullable=False),
    sa.Column('username', sa.String(length=80), nullable=True),
    sa.Column('certified_on', sa.Date(), nullable=True),
    sa.Column('clocked_in_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('clocked_out_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('project_id', 'account_id')
    )
    op.create_index(op.f('ix_rotation_staff_agency_id'), 'rotation_staff', ['agency_id'], unique=False)

    op.create_table('rotation_leaves',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_rotation_leaves_agency_id'), 'rotation_leaves', ['agency_id'], unique=False)
    op.create_index('ix_rotation_leaves_project_account', 'rotation_leaves', ['project_id', 'account_id'],
                    unique=False)

    op.create_table('rotation_queues',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('queue', sa.JSON(), nullable=False),
    sa.Column('skipped', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'day', name='uq_rotation_queues_project_day')
    )
    op.create_index(op.f('ix_rotation_queues_agency_id'), 'rotation_queues', ['agency_id'], unique=False)
    op.create_index(op.f('ix_rotation_queues_day'), 'rotation_queues', ['day'], unique=False)

    op.create_table('rotation_audit',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('account_id', ID, nullable=True),
    sa.Column('visit_id', ID, nullable=True),
    sa.Column('queue_after', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('by_id', ID, nullable=True),
    sa.Column('by_name', sa.String(length=80), nullable=True),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('visit_id')
    )
    op.create_index(op.f('ix_rotation_audit_agency_id'), 'rotation_audit', ['agency_id'], unique=False)
    op.create_index('ix_rotation_audit_project_day', 'rotation_audit', ['project_id', 'day'], unique=False)


def downgrade():
    op.drop_index('ix_rotation_audit_project_day', table_name='rotation_audit')
    op.drop_index(op.f('ix_rotation_audit_agency_id'), table_name='rotation_audit')
    op.drop_table('rotation_audit')
    op.drop_index(op.f('ix_rotation_queues_day'), table_name='rotation_queues')
    op.drop_index(op.f('ix_rotation_queues_agency_id'), table_name='rotation_queues')
    op.drop_table('rotation_queues')
    op.drop_index('ix_rotation_leaves_project_account', table_name='rotation_leaves')
    op.drop_index(op.f('ix_rotation_leaves_agency_id'), table_name='rotation_leaves')
    op.drop_table('rotation_leaves')
    op.drop_index(op.f('ix_rotation_staff_agency_id'), table_name='rotation_staff')
    op.drop_table('rotation_staff')
    op.drop_index('ix_visits_project_day', table_name='visits')
    op.drop_index(op.f('ix_visits_customer_id'), table_name='visits')
    op.drop_index(op.f('ix_visits_agency_id'), table_name='visits')
    op.drop_index(op.f('ix_visits_advisor_id'), table_name='visits')
    op.drop_table('visits')
