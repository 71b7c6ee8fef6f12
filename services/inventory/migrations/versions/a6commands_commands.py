"""inventory: commands, the command ids done once with their answers (issue 14, commands
survive redelivery; the table is loupan.commands.commands_table)

Revision ID: a6commands
Revises: a5reveals
"""
from alembic import op

from loupan.migration_steps import create_commands, drop_commands

revision = 'a6commands'
down_revision = 'a5reveals'
branch_labels = None
depends_on = None


def upgrade():
    create_commands(op)


def downgrade():
    drop_commands(op)
