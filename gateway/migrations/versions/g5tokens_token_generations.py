"""token generations: logout and a change of password revoke the account's tokens

Revision ID: g5tokens
Revises: g4rates
Create Date: 2026-12-10 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import loupan.types


revision = 'g5tokens'
down_revision = 'g4rates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('token_generations',
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('account_id')
    )


def downgrade():
    op.drop_table('token_generations')
