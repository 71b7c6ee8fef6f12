"""evaluation: targets, teams, advisor facts, scorecard weights

Revision ID: b5evaluation
Revises: df5604df0be4
Create Date: 2026-11-23 00:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'b5evaluation'
down_revision = 'df5604df0be4'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('team_members',
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('advisor_id', ID, nullable=False),
    sa.Column('supervisor_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['advisor_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['supervisor_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('project_id', 'advisor_id')
    )
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.create_index('ix_team_members_project', ['agency_id', 'project_id', 'supervisor_id'], unique=False)

    op.create_table('targets',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('subject_id', ID, nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('amount', loupan.types.Decimal2(), nullable=False),
    sa.Column('collections', loupan.types.Decimal2(), nullable=False),
    sa.Column('set_by', ID, nullable=False),
    sa.Column('set_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'month', 'level', 'subject_id', name='uq_targets_subject')
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index('ux_targets_project_level', ['project_id', 'month'], unique=True,
                              postgresql_where=sa.text("level = 'project'"), sqlite_where=sa.text("level = 'project'"))
        batch_op.create_index('ix_targets_project', ['agency_id', 'project_id', 'month'], unique=False)

    op.create_table('advisor_facts',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount', loupan.types.Decimal2(), nullable=True),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('occurred_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    with op.batch_alter_table('advisor_facts', schema=None) as batch_op:
        batch_op.create_index('ix_advisor_facts_project', ['agency_id', 'project_id', 'month', 'account_id'], unique=False)

    op.create_table('scorecard_weights',
    sa.Column('project_id', ID, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('leads', sa.Integer(), nullable=False),
    sa.Column('complaints', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.Integer(), nullable=False),
    sa.Column('attendance', sa.Integer(), nullable=False),
    sa.Column('set_by', ID, nullable=False),
    sa.Column('set_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('project_id')
    )
    with op.batch_alter_table('scorecard_weights', schema=None) as batch_op:
        batch_op.create_index('ix_scorecard_weights_agency', ['agency_id', 'project_id'], unique=False)


def downgrade():
    with op.batch_alter_table('scorecard_weights', schema=None) as batch_op:
        batch_op.drop_index('ix_scorecard_weights_agency')
    op.drop_table('scorecard_weights')
    with op.batch_alter_table('advisor_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_advisor_facts_project')
    op.drop_table('advisor_facts')
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index('ix_targets_project')
        batch_op.drop_index('ux_targets_project_level', postgresql_where=sa.text("level = 'project'"),
                            sqlite_where=sa.text("level = 'project'"))
    op.drop_table('targets')
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.drop_index('ix_team_members_project')
    op.drop_table('team_members')
