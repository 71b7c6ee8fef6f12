"""crm: a broker's own 申诉 from their phone has no staff filer (channel_appeals.filed_by nullable)

Revision ID: m16brokerappeals
Revises: m15channels
"""
from alembic import op
import sqlalchemy as sa


revision = 'm16brokerappeals'
down_revision = 'm15channels'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('channel_appeals', schema=None) as batch_op:
        batch_op.alter_column('filed_by', existing_type=ID, nullable=True)


def downgrade():
    op.execute("DELETE FROM channel_appeals WHERE filed_by IS NULL")
    with op.batch_alter_table('channel_appeals', schema=None) as batch_op:
        batch_op.alter_column('filed_by', existing_type=ID, nullable=False)
