"""crm topics merged (customers, visits, care)

Revision ID: m9merge
Revises: m1customers, m2visits, m3care
"""

revision = 'm9merge'
down_revision = ('m1customers', 'm2visits', 'm3care')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
