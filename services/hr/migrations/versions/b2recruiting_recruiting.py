"""recruiting: requisitions, candidates, interview feedback, offers, probations, history

Revision ID: b2recruiting
Revises: df5604df0be4
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'b2recruiting'
down_revision = 'df5604df0be4'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
OPEN_OFFER = "status IN ('offered', 'accepted')"


def upgrade():
    op.create_table('requisitions',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('seats_taken', sa.Integer(), nullable=False),
    sa.Column('hired', sa.Integer(), nullable=False),
    sa.Column('requested_by', ID, nullable=False),
    sa.Column('approved_by', ID, nullable=True),
    sa.Column('approved_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('requisitions', schema=None) as batch_op:
        batch_op.create_index('ix_requisitions_project', ['agency_id', 'project_id'], unique=False)

    op.create_table('candidates',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('requisition_id', ID, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('created_by', ID, nullable=False),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['requisition_id'], ['requisitions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('requisition_id', 'phone', name='uq_candidates_requisition_phone')
    )
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.create_index('ix_candidates_project', ['agency_id', 'project_id'], unique=False)

    op.create_table('interview_feedback',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('candidate_id', ID, nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('interviewer_id', ID, nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('recommendation', sa.String(length=10), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('candidate_id', 'stage', 'interviewer_id', name='uq_interview_feedback_once')
    )
    with op.batch_alter_table('interview_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_interview_feedback_project', ['agency_id', 'project_id'], unique=False)

    op.create_table('offers',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('candidate_id', ID, nullable=False),
    sa.Column('requisition_id', ID, nullable=False),
    sa.Column('salary', loupan.types.Decimal2(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('probation_months', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by', ID, nullable=False),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], ),
    sa.ForeignKeyConstraint(['requisition_id'], ['requisitions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index('ux_offers_open', ['candidate_id'], unique=True,
                              postgresql_where=sa.text(OPEN_OFFER), sqlite_where=sa.text(OPEN_OFFER))
        batch_op.create_index('ix_offers_project', ['agency_id', 'project_id'], unique=False)

    op.create_table('probations',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=True),
    sa.Column('candidate_id', ID, nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('review_notes', sa.Text(), nullable=True),
    sa.Column('decided_by', ID, nullable=True),
    sa.Column('decided_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('candidate_id')
    )
    with op.batch_alter_table('probations', schema=None) as batch_op:
        batch_op.create_index('ix_probations_project', ['agency_id', 'project_id'], unique=False)

    op.create_table('recruiting_history',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('record', sa.String(length=12), nullable=False),
    sa.Column('record_id', ID, nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('actor_id', ID, nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('recruiting_history', schema=None) as batch_op:
        batch_op.create_index('ix_recruiting_history_record', ['record', 'record_id'], unique=False)
        batch_op.create_index('ix_recruiting_history_project', ['agency_id', 'project_id'], unique=False)


def downgrade():
    op.drop_table('recruiting_history')
    op.drop_table('probations')
    op.drop_table('offers')
    op.drop_table('interview_feedback')
    op.drop_table('candidates')
    op.drop_table('requisitions')
