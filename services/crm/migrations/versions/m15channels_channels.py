"""crm: channels (渠道分销), brokers, 报备 reports and their keys, 带看 visits, 判客 appeals, risk alerts

Revision ID: m15channels
Revises: m14imports
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'm15channels'
down_revision = 'm14imports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('channel_report_keys',
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('mobile_key', sa.String(length=11), nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('holder_report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('project_id', 'mobile_key')
    )
    with op.batch_alter_table('channel_report_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_report_keys_agency_id'), ['agency_id'], unique=False)

    op.create_table('channel_settings',
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('report_valid_hours', sa.Integer(), nullable=False),
    sa.Column('protection_days', sa.Integer(), nullable=False),
    sa.Column('site_protection_wins', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('project_id')
    )
    with op.batch_alter_table('channel_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_settings_agency_id'), ['agency_id'], unique=False)

    op.create_table('channels',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('grade', sa.String(length=1), nullable=False),
    sa.Column('contract_no', sa.String(length=50), nullable=True),
    sa.Column('commission_terms', sa.String(length=500), nullable=True),
    sa.Column('project_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='active', nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agency_id', 'name', name='uq_channels_agency_name')
    )
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channels_agency_id'), ['agency_id'], unique=False)

    op.create_table('brokers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('mobile', sa.String(length=11), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='active', nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agency_id', 'mobile', name='uq_brokers_agency_mobile')
    )
    with op.batch_alter_table('brokers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_brokers_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_brokers_channel_id'), ['channel_id'], unique=False)

    op.create_table('channel_reports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('broker_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('broker_name', sa.String(length=50), nullable=False),
    sa.Column('channel_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('channel_name', sa.String(length=100), nullable=True),
    sa.Column('customer_name', sa.String(length=50), nullable=False),
    sa.Column('mobile', sa.String(length=11), nullable=True),
    sa.Column('mobile_key', sa.String(length=11), nullable=False),
    sa.Column('expected_visit_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('against_report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('site_customer_ids', sa.JSON(), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('valid_until', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('visited_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('protected_until', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('attributed', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('filed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('filed_by_name', sa.String(length=80), nullable=True),
    sa.Column('filed_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['broker_id'], ['brokers.id'], ),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], ),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'code_hash', name='uq_channel_reports_code')
    )
    with op.batch_alter_table('channel_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_reports_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_reports_broker_id'), ['broker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_reports_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_reports_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_reports_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_channel_reports_project_key', ['project_id', 'mobile_key'], unique=False)
        batch_op.create_index('ix_channel_reports_status_valid_until', ['status', 'valid_until'], unique=False)

    op.create_table('channel_appeals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('broker_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='open', nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=True),
    sa.Column('ruling', sa.Text(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=True),
    sa.Column('filed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('filed_by_name', sa.String(length=80), nullable=True),
    sa.Column('filed_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ruled_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('ruled_by_name', sa.String(length=80), nullable=True),
    sa.Column('ruled_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['broker_id'], ['brokers.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['channel_reports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('channel_appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_appeals_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_appeals_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_appeals_report_id'), ['report_id'], unique=False)

    op.create_table('channel_risk_alerts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('broker_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('mobile_key', sa.String(length=11), nullable=True),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['broker_id'], ['brokers.id'], ),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['channel_reports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('channel_risk_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_risk_alerts_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_channel_risk_alerts_project_at', ['project_id', 'at'], unique=False)

    op.create_table('channel_visits',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('receptionist_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('receptionist_name', sa.String(length=80), nullable=True),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['channel_reports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('channel_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_visits_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_visits_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_visits_report_id'), ['report_id'], unique=False)



def downgrade():
    with op.batch_alter_table('channel_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_visits_report_id'))
        batch_op.drop_index(batch_op.f('ix_channel_visits_project_id'))
        batch_op.drop_index(batch_op.f('ix_channel_visits_agency_id'))

    op.drop_table('channel_visits')
    with op.batch_alter_table('channel_risk_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_risk_alerts_project_at')
        batch_op.drop_index(batch_op.f('ix_channel_risk_alerts_agency_id'))

    op.drop_table('channel_risk_alerts')
    with op.batch_alter_table('channel_appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_appeals_report_id'))
        batch_op.drop_index(batch_op.f('ix_channel_appeals_project_id'))
        batch_op.drop_index(batch_op.f('ix_channel_appeals_agency_id'))

    op.drop_table('channel_appeals')
    with op.batch_alter_table('channel_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_reports_status_valid_until')
        batch_op.drop_index('ix_channel_reports_project_key')
        batch_op.drop_index(batch_op.f('ix_channel_reports_project_id'))
        batch_op.drop_index(batch_op.f('ix_channel_reports_customer_id'))
        batch_op.drop_index(batch_op.f('ix_channel_reports_channel_id'))
        batch_op.drop_index(batch_op.f('ix_channel_reports_broker_id'))
        batch_op.drop_index(batch_op.f('ix_channel_reports_agency_id'))

    op.drop_table('channel_reports')
    with op.batch_alter_table('brokers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_brokers_channel_id'))
        batch_op.drop_index(batch_op.f('ix_brokers_agency_id'))

    op.drop_table('brokers')
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channels_agency_id'))

    op.drop_table('channels')
    with op.batch_alter_table('channel_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_settings_agency_id'))

    op.drop_table('channel_settings')
    with op.batch_alter_table('channel_report_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_report_keys_agency_id'))

    op.drop_table('channel_report_keys')
