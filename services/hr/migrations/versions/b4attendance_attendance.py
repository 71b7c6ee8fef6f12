"""attendance: shifts, rota entries, clock events, leave requests

Revision ID: b4attendance
Revises: df5604df0be4
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'b4attendance'
down_revision = 'df5604df0be4'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('shifts',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.Column('min_staff', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'name', name='uq_shifts_project_name')
    )
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.create_index('ix_shifts_project', ['agency_id', 'project_id'], unique=False)

    op.create_table('rota_entries',
    sa.Column('project_id', ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('shift_id', ID, nullable=True),
    sa.Column('rest', sa.Boolean(), nullable=False),
    sa.Column('duty', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], ),
    sa.PrimaryKeyConstraint('project_id', 'day', 'account_id')
    )
    with op.batch_alter_table('rota_entries', schema=None) as batch_op:
        batch_op.create_index('ix_rota_entries_project', ['agency_id', 'project_id', 'day'], unique=False)

    op.create_table('clock_events',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=3), nullable=False),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('clock_events', schema=None) as batch_op:
        batch_op.create_index('ix_clock_events_project', ['agency_id', 'project_id', 'at'], unique=False)
        batch_op.create_index('ix_clock_events_account', ['account_id', 'at'], unique=False)

    op.create_table('leave_requests',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('project_ids', sa.JSON(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', ID, nullable=True),
    sa.Column('decided_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('leave_requests', schema=None) as batch_op:
        batch_op.create_index('ix_leave_requests_account', ['agency_id', 'account_id', 'start_on'], unique=False)


def downgrade():
    with op.batch_alter_table('leave_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_leave_requests_account')
    op.drop_table('leave_requests')
    with op.batch_alter_table('clock_events', schema=None) as batch_op:
        batch_op.drop_index('ix_clock_events_account')
        batch_op.drop_index('ix_clock_events_project')
    op.drop_table('clock_events')
    with op.batch_alter_table('rota_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_rota_entries_project')
    op.drop_table('rota_entries')
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_index('ix_shifts_project')
    op.drop_table('shifts')
