"""hr: a 调岗 dated in the future is kept as planned (staff_moves.status) until its day

Revision ID: h15planned
Revises: h14codes
"""
from alembic import op
import sqlalchemy as sa

revision = 'h15planned'
down_revision = 'h14codes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_moves') as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=False, server_default='done'))
    op.create_index('ix_staff_moves_planned', 'staff_moves', ['effective_on'],
                    postgresql_where=sa.text("status = 'planned'"), sqlite_where=sa.text("status = 'planned'"))


def downgrade():
    op.drop_index('ix_staff_moves_planned', table_name='staff_moves')
    with op.batch_alter_table('staff_moves') as batch_op:
        batch_op.drop_column('status')
