"""hr: a 调岗 may change the role; staff_moves keeps the role before and after

Revision ID: h11roles
Revises: h10projects
"""
from alembic import op
import sqlalchemy as sa

revision = 'h11roles'
down_revision = 'h10projects'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_moves') as batch_op:
        batch_op.add_column(sa.Column('from_role', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('to_role', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('staff_moves') as batch_op:
        batch_op.drop_column('to_role')
        batch_op.drop_column('from_role')
