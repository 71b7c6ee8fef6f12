"""contracts: 网签 and 备案 numbers unique per project (issue 16): the housing authority gives
each number once, so a second deal with the same number is a typing error (409). Upgrading a
database where two contracts of a project already share a number fails here, naming the
constraint: those contracts must be corrected first.

Revision ID: c14numbers
Revises: c13dates
"""
from alembic import op

revision = 'c14numbers'
down_revision = 'c13dates'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contracts") as batch:  # SQLite alters a table by copying it
        batch.create_unique_constraint("uq_contracts_online_signing_no", ["project_id", "online_signing_no"])
        batch.create_unique_constraint("uq_contracts_filing_no", ["project_id", "filing_no"])


def downgrade():
    with op.batch_alter_table("contracts") as batch:
        batch.drop_constraint("uq_contracts_filing_no", type_="unique")
        batch.drop_constraint("uq_contracts_online_signing_no", type_="unique")
