"""release schedules (推盘计划)

Revision ID: a2control
Revises: d3d50efbf5cc
Create Date: 2026-11-23 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'a2control'
down_revision = 'd3d50efbf5cc'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('release_schedules',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('run_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('building_id', ID, nullable=True),
    sa.Column('floor_from', sa.Integer(), nullable=True),
    sa.Column('floor_to', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_by_name', sa.String(length=80), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ran_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('released_count', sa.Integer(), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('release_schedules', schema=None) as batch_op:
        batch_op.create_index('ix_release_schedules_project', ['project_id', 'run_at'], unique=False)
        batch_op.create_index('ix_release_schedules_due', ['run_at'], unique=False, postgresql_where=sa.text("status = 'scheduled'"), sqlite_where=sa.text("status = 'scheduled'"))

    op.create_table('release_schedule_units',
    sa.Column('schedule_id', ID, nullable=False),
    sa.Column('unit_id', ID, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['schedule_id'], ['release_schedules.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('schedule_id', 'unit_id')
    )
    with op.batch_alter_table('release_schedule_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_schedule_units_project_id'), ['project_id'], unique=False)


def downgrade():
    with op.batch_alter_table('release_schedule_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_release_schedule_units_project_id'))

    op.drop_table('release_schedule_units')
    with op.batch_alter_table('release_schedules', schema=None) as batch_op:
        batch_op.drop_index('ix_release_schedules_due', postgresql_where=sa.text("status = 'scheduled'"), sqlite_where=sa.text("status = 'scheduled'"))
        batch_op.drop_index('ix_release_schedules_project')

    op.drop_table('release_schedules')
