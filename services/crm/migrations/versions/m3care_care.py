"""crm care: follow-ups, SLA breaches, deal facts (deal → customer, status history),
satisfaction-visit tasks, complaints, surveys

Revision ID: m3care
Revises: 7f1bd7a8b343
Create Date: 2026-11-23 01:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'm3care'
down_revision = '7f1bd7a8b343'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('care_tasks',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('customer_id', ID, nullable=False),
    sa.Column('deal_id', ID, nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('owner_id', ID, nullable=True),
    sa.Column('due_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='open', nullable=False),
    sa.Column('survey_id', ID, nullable=True),
    sa.Column('done_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('deal_id', 'kind', name='uq_care_tasks_deal_kind')
    )
    with op.batch_alter_table('care_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_tasks_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_tasks_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_tasks_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_care_tasks_project_status_due', ['project_id', 'status', 'due_at'], unique=False)

    op.create_table('complaints',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('customer_id', ID, nullable=True),
    sa.Column('advisor_id', ID, nullable=True),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', ID, nullable=False),
    sa.Column('escalated', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('deadline', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='open', nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_by', ID, nullable=True),
    sa.Column('resolved_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('filed_by', ID, nullable=False),
    sa.Column('filed_by_name', sa.String(length=80), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_advisor_id'), ['advisor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_complaints_project_created', ['project_id', 'created_at'], unique=False)
        batch_op.create_index('ix_complaints_project_status_deadline', ['project_id', 'status', 'deadline'], unique=False)

    op.create_table('customer_status_changes',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('customer_id', ID, nullable=False),
    sa.Column('advisor_id', ID, nullable=True),
    sa.Column('from_status', sa.String(length=12), nullable=False),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('deal_id', ID, nullable=True),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('customer_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_status_changes_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_status_changes_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_customer_status_changes_project_at', ['project_id', 'at'], unique=False)

    op.create_table('deal_customers',
    sa.Column('deal_id', ID, autoincrement=False, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('customer_id', ID, nullable=True),
    sa.Column('advisor_id', ID, nullable=True),
    sa.Column('unit_id', ID, nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('subscribed_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('deal_id')
    )
    with op.batch_alter_table('deal_customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_customers_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_customers_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_deal_customers_project_subscribed', ['project_id', 'subscribed_at'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('customer_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('needs_analysis', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_id', ID, nullable=False),
    sa.Column('by_name', sa.String(length=80), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_follow_ups_customer_at', ['customer_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_project_id'), ['project_id'], unique=False)

    op.create_table('sla_breaches',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('customer_id', ID, nullable=False),
    sa.Column('advisor_id', ID, nullable=True),
    sa.Column('rule', sa.String(length=30), nullable=False),
    sa.Column('due_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('detected_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('customer_id', 'rule', 'due_at', name='uq_sla_breaches_item')
    )
    with op.batch_alter_table('sla_breaches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_breaches_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_sla_breaches_project_detected', ['project_id', 'detected_at'], unique=False)

    op.create_table('surveys',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('customer_id', ID, nullable=False),
    sa.Column('advisor_id', ID, nullable=True),
    sa.Column('deal_id', ID, nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=True),
    sa.Column('by_id', ID, nullable=False),
    sa.Column('by_name', sa.String(length=80), nullable=True),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveys_advisor_id'), ['advisor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveys_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveys_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_surveys_project_at', ['project_id', 'at'], unique=False)



def downgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index('ix_surveys_project_at')
        batch_op.drop_index(batch_op.f('ix_surveys_customer_id'))
        batch_op.drop_index(batch_op.f('ix_surveys_agency_id'))
        batch_op.drop_index(batch_op.f('ix_surveys_advisor_id'))

    op.drop_table('surveys')
    with op.batch_alter_table('sla_breaches', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_breaches_project_detected')
        batch_op.drop_index(batch_op.f('ix_sla_breaches_agency_id'))

    op.drop_table('sla_breaches')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_project_id'))
        batch_op.drop_index('ix_follow_ups_customer_at')
        batch_op.drop_index(batch_op.f('ix_follow_ups_agency_id'))

    op.drop_table('follow_ups')
    with op.batch_alter_table('deal_customers', schema=None) as batch_op:
        batch_op.drop_index('ix_deal_customers_project_subscribed')
        batch_op.drop_index(batch_op.f('ix_deal_customers_customer_id'))
        batch_op.drop_index(batch_op.f('ix_deal_customers_agency_id'))

    op.drop_table('deal_customers')
    with op.batch_alter_table('customer_status_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_status_changes_project_at')
        batch_op.drop_index(batch_op.f('ix_customer_status_changes_customer_id'))
        batch_op.drop_index(batch_op.f('ix_customer_status_changes_agency_id'))

    op.drop_table('customer_status_changes')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_project_status_deadline')
        batch_op.drop_index('ix_complaints_project_created')
        batch_op.drop_index(batch_op.f('ix_complaints_owner_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_customer_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_agency_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_advisor_id'))

    op.drop_table('complaints')
    with op.batch_alter_table('care_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_care_tasks_project_status_due')
        batch_op.drop_index(batch_op.f('ix_care_tasks_owner_id'))
        batch_op.drop_index(batch_op.f('ix_care_tasks_customer_id'))
        batch_op.drop_index(batch_op.f('ix_care_tasks_agency_id'))

    op.drop_table('care_tasks')
