"""finance: 预售资金监管 (presale funds escrow, issue 16): a project's escrow accounts by
from-date, and on each receipt the account its money went to and its deposit to escrow

Revision ID: f14escrow
Revises: f13slip
"""
import sqlalchemy as sa
from alembic import op

import loupan.types

revision = 'f14escrow'
down_revision = 'f13slip'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('escrow_accounts',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('bank', sa.String(length=60), nullable=False),
    sa.Column('account_name', sa.String(length=100), nullable=False),
    sa.Column('account_no', sa.String(length=32), nullable=False),
    sa.Column('from_on', sa.Date(), nullable=False),
    sa.Column('deposits_escrowed', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('set_by', ID, nullable=False),
    sa.Column('set_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'from_on', name='uq_escrow_accounts_from')
    )
    with op.batch_alter_table('escrow_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escrow_accounts_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_escrow_accounts_project_id'), ['project_id'], unique=False)
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_no', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('escrow_slip_no', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('escrow_deposited_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('escrow_deposited_by', ID, nullable=True))
        batch_op.add_column(sa.Column('escrow_deposited_at', loupan.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        for name in ('escrow_deposited_at', 'escrow_deposited_by', 'escrow_deposited_on', 'escrow_slip_no',
                     'account_no'):
            batch_op.drop_column(name)
    with op.batch_alter_table('escrow_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escrow_accounts_project_id'))
        batch_op.drop_index(batch_op.f('ix_escrow_accounts_agency_id'))
    op.drop_table('escrow_accounts')
