"""price lists (价目表) and discount requests (折扣)

Revision ID: a3pricing
Revises: d3d50efbf5cc
Create Date: 2026-11-23 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'a3pricing'
down_revision = 'd3d50efbf5cc'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('price_lists',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('adjustments', sa.Text(), nullable=False),
    sa.Column('needs_director_approval', sa.Boolean(), nullable=False),
    sa.Column('approved_by', ID, nullable=True),
    sa.Column('approved_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', ID, nullable=False),
    sa.Column('created_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by', ID, nullable=True),
    sa.Column('published_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'version', name='uq_price_list_version')
    )
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.create_index('uq_price_lists_one_draft', ['project_id'], unique=True, postgresql_where=sa.text("status = 'draft'"), sqlite_where=sa.text("status = 'draft'"))

    op.create_table('price_list_items',
    sa.Column('price_list_id', ID, nullable=False),
    sa.Column('unit_id', ID, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('list_price', loupan.types.Decimal2(), nullable=False),
    sa.Column('previous_price', loupan.types.Decimal2(), nullable=False),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('price_list_id', 'unit_id')
    )
    with op.batch_alter_table('price_list_items', schema=None) as batch_op:
        batch_op.create_index('ix_price_list_items_project_unit', ['project_id', 'unit_id'], unique=False)

    op.create_table('discount_requests',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('hold_id', ID, nullable=False),
    sa.Column('unit_id', ID, nullable=False),
    sa.Column('list_price', loupan.types.Decimal2(), nullable=False),
    sa.Column('requested_price', loupan.types.Decimal2(), nullable=False),
    sa.Column('discount_pct', loupan.types.Decimal2(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('needs_director', sa.Boolean(), nullable=False),
    sa.Column('requested_by', ID, nullable=False),
    sa.Column('requested_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', ID, nullable=True),
    sa.Column('decided_at', loupan.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['hold_id'], ['holds.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('discount_requests', schema=None) as batch_op:
        batch_op.create_index('ix_discount_requests_project_status', ['project_id', 'status'], unique=False)
        batch_op.create_index('uq_discount_requests_one_pending', ['hold_id'], unique=True, postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))


def downgrade():
    with op.batch_alter_table('discount_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_discount_requests_one_pending', postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))
        batch_op.drop_index('ix_discount_requests_project_status')

    op.drop_table('discount_requests')
    with op.batch_alter_table('price_list_items', schema=None) as batch_op:
        batch_op.drop_index('ix_price_list_items_project_unit')

    op.drop_table('price_list_items')
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.drop_index('uq_price_lists_one_draft', postgresql_where=sa.text("status = 'draft'"), sqlite_where=sa.text("status = 'draft'"))

    op.drop_table('price_lists')
