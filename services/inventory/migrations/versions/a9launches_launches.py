"""开盘 (issue 18): launches with their units and history, 认筹 registrations, the 摇号's
publication and draw; data_reveals names the registration a full ID number was shown from

Revision ID: a9launches
Revises: a8execute
Create Date: 2026-12-06 12:18:27.451461
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'a9launches'
down_revision = 'a8execute'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('launches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('opens_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('window_size', sa.Integer(), nullable=False),
    sa.Column('window_minutes', sa.Integer(), nullable=False),
    sa.Column('units_per_buyer', sa.Integer(), nullable=False),
    sa.Column('attempt_limit', sa.Integer(), nullable=False),
    sa.Column('attempt_cooldown_minutes', sa.Integer(), nullable=False),
    sa.Column('deposit_amount', loupan.types.Decimal2(), nullable=False),
    sa.Column('priority_quotas', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('paused_from', sa.String(length=20), nullable=True),
    sa.Column('pause_reason', sa.String(length=200), nullable=True),
    sa.Column('registrations_count', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('launches', schema=None) as batch_op:
        batch_op.create_index('ix_launches_project', ['project_id', 'opens_at'], unique=False)

    op.create_table('launch_draws',
    sa.Column('launch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('published', sa.Text(), nullable=False),
    sa.Column('list_digest', sa.String(length=64), nullable=False),
    sa.Column('seed_commitment', sa.String(length=64), nullable=False),
    sa.Column('published_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('published_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seed', sa.String(length=200), nullable=True),
    sa.Column('public_value', sa.String(length=200), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('result_digest', sa.String(length=64), nullable=True),
    sa.Column('drawn_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('drawn_by_name', sa.String(length=80), nullable=True),
    sa.Column('drawn_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['launch_id'], ['launches.id'], ),
    sa.PrimaryKeyConstraint('launch_id')
    )
    with op.batch_alter_table('launch_draws', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_launch_draws_project_id'), ['project_id'], unique=False)

    op.create_table('launch_history',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('launch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_name', sa.String(length=80), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['launch_id'], ['launches.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('launch_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_launch_history_launch_id'), ['launch_id'], unique=False)

    op.create_table('launch_registrations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('launch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('buyer_name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('advisor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('advisor_name', sa.String(length=80), nullable=True),
    sa.Column('channel_name', sa.String(length=100), nullable=True),
    sa.Column('priority_group', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('eligibility', sa.String(length=12), nullable=False),
    sa.Column('review_note', sa.String(length=500), nullable=True),
    sa.Column('review_documents', sa.Text(), nullable=False),
    sa.Column('reviewed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reviewed_by_name', sa.String(length=80), nullable=True),
    sa.Column('reviewed_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deposit_amount', loupan.types.Decimal2(), nullable=True),
    sa.Column('deposit_receipt_no', sa.String(length=60), nullable=True),
    sa.Column('deposit_recorded_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('deposit_paid_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('cancelled_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['launch_id'], ['launches.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('launch_id', 'seq', name='uq_launch_registration_seq')
    )
    with op.batch_alter_table('launch_registrations', schema=None) as batch_op:
        batch_op.create_index('ix_launch_registrations_project', ['project_id', 'launch_id'], unique=False)
        batch_op.create_index('uq_launch_registrations_id_number', ['launch_id', 'id_number'], unique=True, postgresql_where=sa.text("status = 'registered'"), sqlite_where=sa.text("status = 'registered'"))

    op.create_table('launch_units',
    sa.Column('launch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['launch_id'], ['launches.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('launch_id', 'unit_id')
    )
    with op.batch_alter_table('launch_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_launch_units_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('data_reveals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))



def downgrade():
    with op.batch_alter_table('data_reveals', schema=None) as batch_op:
        batch_op.drop_column('registration_id')

    with op.batch_alter_table('launch_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_launch_units_project_id'))

    op.drop_table('launch_units')
    with op.batch_alter_table('launch_registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_launch_registrations_id_number', postgresql_where=sa.text("status = 'registered'"), sqlite_where=sa.text("status = 'registered'"))
        batch_op.drop_index('ix_launch_registrations_project')

    op.drop_table('launch_registrations')
    with op.batch_alter_table('launch_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_launch_history_launch_id'))

    op.drop_table('launch_history')
    with op.batch_alter_table('launch_draws', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_launch_draws_project_id'))

    op.drop_table('launch_draws')
    with op.batch_alter_table('launches', schema=None) as batch_op:
        batch_op.drop_index('ix_launches_project')

    op.drop_table('launches')
