"""crm customers: per-project ownership settings (保护期) and the customer export log

Revision ID: m1customers
Revises: 7f1bd7a8b343
Create Date: 2026-11-23 01:40:00
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'm1customers'
down_revision = '7f1bd7a8b343'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('customer_settings',
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('protection_days', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('updated_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('project_id')
    )
    with op.batch_alter_table('customer_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_settings_agency_id'), ['agency_id'], unique=False)

    op.create_table('customer_exports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('by_name', sa.String(length=80), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('customer_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_exports_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_exports_project_id'), ['project_id'], unique=False)


def downgrade():
    with op.batch_alter_table('customer_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_exports_project_id'))
        batch_op.drop_index(batch_op.f('ix_customer_exports_agency_id'))
    op.drop_table('customer_exports')
    with op.batch_alter_table('customer_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_settings_agency_id'))
    op.drop_table('customer_settings')
