"""contracts: known_projects, its copy of the project registry (tenant isolation, issue 13)

Revision ID: c10projects
Revises: c9merge
"""
from alembic import op

from loupan.migration_steps import create_known_projects, drop_known_projects

revision = 'c10projects'
down_revision = 'c9merge'
branch_labels = None
depends_on = None


def upgrade():
    create_known_projects(op)


def downgrade():
    drop_known_projects(op)
