"""contracts: the 认筹 (inventory's launch registration) a 认购 made by a buyer's own 选房 came
from (issue 18), so that subscription_approved tells finance whose 诚意金 becomes the 定金

Revision ID: c15launch
Revises: c14numbers
"""
import sqlalchemy as sa
from alembic import op

revision = 'c15launch'
down_revision = 'c14numbers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deals') as batch:
        batch.add_column(sa.Column('launch_registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table('deals') as batch:
        batch.drop_column('launch_registration_id')
