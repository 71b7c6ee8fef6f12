"""crm: customer imports from an agency's spreadsheet (dry run, then confirmed), logged with the exports

Revision ID: m14imports
Revises: m13buyers
"""
from alembic import op
import sqlalchemy as sa

import loupan.types

revision = 'm14imports'
down_revision = 'm13buyers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'customer_imports',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('rows', sa.JSON(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('by_name', sa.String(length=80), nullable=True),
        sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('confirmed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('confirmed_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_customer_imports_agency_id', 'customer_imports', ['agency_id'])
    op.create_index('ix_customer_imports_project_id', 'customer_imports', ['project_id'])
    with op.batch_alter_table('customer_exports') as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False, server_default='export'))
        batch_op.add_column(sa.Column('file_name', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('customer_exports') as batch_op:
        batch_op.drop_column('file_name')
        batch_op.drop_column('kind')
    op.drop_index('ix_customer_imports_project_id', table_name='customer_imports')
    op.drop_index('ix_customer_imports_agency_id', table_name='customer_imports')
    op.drop_table('customer_imports')
