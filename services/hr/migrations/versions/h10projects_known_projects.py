"""hr: known_projects, its copy of the project registry (tenant isolation, issue 13)

Revision ID: h10projects
Revises: 5521a6dc61df
"""
from alembic import op

from loupan.migration_steps import create_known_projects, drop_known_projects

revision = 'h10projects'
down_revision = '5521a6dc61df'
branch_labels = None
depends_on = None


def upgrade():
    create_known_projects(op)


def downgrade():
    drop_known_projects(op)
