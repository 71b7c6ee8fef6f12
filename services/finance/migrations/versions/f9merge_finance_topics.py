"""finance topics merged (money, commission)

Revision ID: f9merge
Revises: f1money, f2commission
"""

revision = 'f9merge'
down_revision = ('f1money', 'f2commission')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
