"""training: courses, sessions, attendance, exam results, certifications (上岗考核)

Revision ID: b3training
Revises: df5604df0be4
Create Date: 2026-11-23 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'b3training'
down_revision = 'df5604df0be4'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('courses',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('is_certification', sa.Boolean(), nullable=False),
    sa.Column('pass_score', loupan.types.Decimal2(), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.create_index('ix_courses_project', ['agency_id', 'project_id'], unique=False)

    op.create_table('sessions',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('course_id', ID, nullable=False),
    sa.Column('starts_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('trainer', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status_changed_by', ID, nullable=True),
    sa.Column('status_changed_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.create_index('ix_sessions_project', ['agency_id', 'project_id', 'starts_at'], unique=False)

    op.create_table('attendance',
    sa.Column('session_id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('recorded_by', ID, nullable=True),
    sa.Column('recorded_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('session_id', 'account_id')
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_project', ['agency_id', 'project_id'], unique=False)

    op.create_table('exam_results',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('course_id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('score', loupan.types.Decimal2(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('taken_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('graded_by', ID, nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('exam_results', schema=None) as batch_op:
        batch_op.create_index('ix_exam_results_project', ['agency_id', 'project_id', 'taken_at'], unique=False)

    op.create_table('certifications',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('course_id', ID, nullable=False),
    sa.Column('exam_id', ID, nullable=False),
    sa.Column('score', loupan.types.Decimal2(), nullable=False),
    sa.Column('certified_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ),
    sa.ForeignKeyConstraint(['exam_id'], ['exam_results.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'account_id', name='uq_certifications_project_account')
    )
    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.create_index('ix_certifications_project', ['agency_id', 'project_id'], unique=False)


def downgrade():
    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.drop_index('ix_certifications_project')
    op.drop_table('certifications')
    with op.batch_alter_table('exam_results', schema=None) as batch_op:
        batch_op.drop_index('ix_exam_results_project')
    op.drop_table('exam_results')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_project')
    op.drop_table('attendance')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_project')
    op.drop_table('sessions')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_index('ix_courses_project')
    op.drop_table('courses')
