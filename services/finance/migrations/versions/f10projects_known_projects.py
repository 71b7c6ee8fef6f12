"""finance: known_projects, its copy of the project registry (tenant isolation, issue 13)

Revision ID: f10projects
Revises: f9merge
"""
from alembic import op

from loupan.migration_steps import create_known_projects, drop_known_projects

revision = 'f10projects'
down_revision = 'f9merge'
branch_labels = None
depends_on = None


def upgrade():
    create_known_projects(op)


def downgrade():
    drop_known_projects(op)
