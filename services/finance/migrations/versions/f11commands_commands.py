"""finance: commands, the command ids done once with their answers (issue 14, commands
survive redelivery; the table is loupan.commands.commands_table)

Revision ID: f11commands
Revises: f10projects
"""
from alembic import op

from loupan.migration_steps import create_commands, drop_commands

revision = 'f11commands'
down_revision = 'f10projects'
branch_labels = None
depends_on = None


def upgrade():
    create_commands(op)


def downgrade():
    drop_commands(op)
