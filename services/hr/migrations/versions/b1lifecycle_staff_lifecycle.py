"""staff lifecycle: employment columns on accounts, staff_moves history

Revision ID: b1lifecycle
Revises: df5604df0be4
Create Date: 2026-11-23 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'b1lifecycle'
down_revision = 'df5604df0be4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employment_status', sa.String(length=10), server_default='active', nullable=False))
        batch_op.add_column(sa.Column('joined_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('left_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('token_version', sa.Integer(), server_default='0', nullable=False))

    op.create_table('staff_moves',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('from_project_ids', sa.Text(), nullable=False),
    sa.Column('to_project_ids', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_moves', schema=None) as batch_op:
        batch_op.create_index('ix_staff_moves_account', ['agency_id', 'account_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('staff_moves', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_moves_account')

    op.drop_table('staff_moves')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('token_version')
        batch_op.drop_column('left_on')
        batch_op.drop_column('joined_on')
        batch_op.drop_column('employment_status')
