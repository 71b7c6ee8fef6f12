"""finance: commands, the command ids done once with their answers (issue 14, commands
survive redelivery; the table is loupan.commands.commands_table)

Revision ID: f11commands
Revises: f10projects
"""
from alembic import op
import sqlalchemy as sa
import loupan.types

revision = 'f11commands'
down_revision = 'f10projects'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('commands',
    sa.Column('command_id', sa.String(length=200), nullable=False),
    sa.Column('entrypoint', sa.String(length=100), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('command_id', 'entrypoint'))
    op.create_index('ix_commands_created_at', 'commands', ['created_at'], unique=False)


def downgrade():
    op.drop_index('ix_commands_created_at', table_name='commands')
    op.drop_table('commands')
