"""an approved special price takes effect when the assistant (内勤) executes it (issue 16)

Revision ID: a8execute
Revises: a7imports
Create Date: 2026-12-06 11:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'a8execute'
down_revision = 'a7imports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('discount_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('executed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('executed_at', loupan.types.UTCDateTime(timezone=True), nullable=True))
    # approvals before this version took effect at once: they count as executed by their decider
    op.execute("UPDATE discount_requests SET executed_by = decided_by, executed_at = decided_at "
               "WHERE status = 'approved'")


def downgrade():
    with op.batch_alter_table('discount_requests', schema=None) as batch_op:
        batch_op.drop_column('executed_at')
        batch_op.drop_column('executed_by')
