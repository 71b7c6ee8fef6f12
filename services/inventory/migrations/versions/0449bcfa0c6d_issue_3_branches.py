"""issue 3 branches

Revision ID: 0449bcfa0c6d
Revises: a1spreadsheets, a2control, a3pricing, a4deals
Create Date: 2026-11-22 23:45:20.589556
"""
import sqlalchemy as sa
import loupan.types


revision = '0449bcfa0c6d'
down_revision = ('a1spreadsheets', 'a2control', 'a3pricing', 'a4deals')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
