"""unit imports (spreadsheet import jobs)

Revision ID: a1spreadsheets
Revises: d3d50efbf5cc
Create Date: 2026-11-23 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'a1spreadsheets'
down_revision = 'd3d50efbf5cc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unit_imports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('processed_rows', sa.Integer(), nullable=False),
    sa.Column('imported_rows', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Text(), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unit_imports', schema=None) as batch_op:
        batch_op.create_index('ix_unit_imports_project', ['project_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('unit_imports', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_imports_project')

    op.drop_table('unit_imports')
