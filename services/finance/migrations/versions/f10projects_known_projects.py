"""finance: known_projects, its copy of the project registry (tenant isolation, issue 13)

Revision ID: f10projects
Revises: f9merge
"""
from alembic import op
import sqlalchemy as sa
import loupan.types

revision = 'f10projects'
down_revision = 'f9merge'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('known_projects',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('known_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'))


def downgrade():
    op.drop_table('known_projects')
