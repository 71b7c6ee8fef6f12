"""hr: agencies.code, the prefix of the login names an agency makes (<code>.<name>): usernames
stay unique across agencies without one agency learning another's (issue 30)

Revision ID: h14codes
Revises: h13reveals
Create Date: 2026-12-10 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = 'h14codes'
down_revision = 'h13reveals'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('agencies', sa.Column('code', sa.String(length=20), nullable=True))
    agencies = sa.table('agencies', sa.column('id'), sa.column('code'))
    op.execute(agencies.update().values(code=sa.literal('a') + sa.cast(agencies.c.id, sa.String)))
    op.create_index('ux_agencies_code', 'agencies', ['code'], unique=True)


def downgrade():
    op.drop_index('ux_agencies_code', table_name='agencies')
    op.drop_column('agencies', 'code')
