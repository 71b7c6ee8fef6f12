"""unit imports become queued jobs holding their file (issue 30: uploads must not hold workers)

Revision ID: a7imports
Revises: a6commands
Create Date: 2026-12-10 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'a7imports'
down_revision = 'a6commands'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('actor', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('error_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('started_at', loupan.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', loupan.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_unit_imports_status', ['status', 'id'], unique=False)
    # a job queued before this version had its file in a process's memory only: it is lost
    op.execute("UPDATE unit_imports SET status = 'failed', error_code = 'IMPORT_INTERRUPTED', "
               "errors = '[{\"row\": null, \"number\": null, \"reasons\": "
               "[\"the import was interrupted by an upgrade; upload the file again\"]}]' "
               "WHERE status IN ('queued', 'running')")


def downgrade():
    with op.batch_alter_table('unit_imports', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_imports_status')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('started_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('error_code')
        batch_op.drop_column('actor')
        batch_op.drop_column('content')
