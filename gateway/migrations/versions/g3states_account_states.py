"""account states: what a token may reach follows 调岗 and 离职 at once (replaces revoked_accounts)

Revision ID: g3states
Revises: g2quality
Create Date: 2026-11-24 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'g3states'
down_revision = 'g2quality'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    states = op.create_table('account_states',
    sa.Column('account_id', ID, autoincrement=False, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('role', sa.String(length=30), nullable=True),
    sa.Column('project_ids', sa.JSON(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('account_id')
    )
    # every revoked account stays refused: an inactive state (its role and projects unknown)
    revoked = sa.table('revoked_accounts', sa.column('account_id'), sa.column('agency_id'), sa.column('revoked_at'))
    op.execute(states.insert().from_select(
        ['account_id', 'agency_id', 'role', 'project_ids', 'active', 'version', 'updated_at'],
        sa.select(revoked.c.account_id, revoked.c.agency_id, sa.null(), sa.null(), sa.false(), sa.literal(0),
                  revoked.c.revoked_at)))
    op.drop_table('revoked_accounts')


def downgrade():
    revoked = op.create_table('revoked_accounts',
    sa.Column('account_id', ID, autoincrement=False, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('revoked_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('account_id')
    )
    states = sa.table('account_states', sa.column('account_id'), sa.column('agency_id'), sa.column('active'),
                      sa.column('updated_at'))
    op.execute(revoked.insert().from_select(
        ['account_id', 'agency_id', 'revoked_at'],
        sa.select(states.c.account_id, states.c.agency_id, states.c.updated_at).where(states.c.active == sa.false())))
    op.drop_table('account_states')
