"""finance: a receipt keeps the bank slip (银行回单/POS 凭条) number the cashier typed, printed on
the 收据 (issue 17, the cashier's desk)

Revision ID: f13slip
Revises: f12paid
"""
import sqlalchemy as sa
from alembic import op

revision = 'f13slip'
down_revision = 'f12paid'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("receipts", sa.Column("slip_no", sa.String(60), nullable=True))


def downgrade():
    op.drop_column("receipts", "slip_no")
