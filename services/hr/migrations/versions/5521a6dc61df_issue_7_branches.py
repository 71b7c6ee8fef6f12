"""issue 7 branches

Revision ID: 5521a6dc61df
Revises: b1lifecycle, b2recruiting, b3training, b4attendance, b5evaluation
Create Date: 2026-11-23 00:10:47.150002
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = '5521a6dc61df'
down_revision = ('b1lifecycle', 'b2recruiting', 'b3training', 'b4attendance', 'b5evaluation')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
