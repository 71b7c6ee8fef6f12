"""contracts topics merged (deals, changes)

Revision ID: c9merge
Revises: c1deals, c2changes
"""

revision = 'c9merge'
down_revision = ('c1deals', 'c2changes')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
