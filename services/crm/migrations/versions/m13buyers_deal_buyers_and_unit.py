"""crm: a deal's unit label and buyers (co-buyers), kept true through 更名 and 换房

Revision ID: m13buyers
Revises: m12commands
"""
from alembic import op
import sqlalchemy as sa

revision = 'm13buyers'
down_revision = 'm12commands'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deal_customers') as batch_op:
        batch_op.add_column(sa.Column('unit_label', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('buyers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('deal_customers') as batch_op:
        batch_op.drop_column('buyers')
        batch_op.drop_column('unit_label')
