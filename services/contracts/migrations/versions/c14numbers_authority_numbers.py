"""contracts: 网签 and 备案 numbers unique per project (issue 16): the housing authority gives
each number once, so a second deal with the same number is a typing error (409). Upgrading a
database where two contracts of a project already share a number stops here, before any
change, listing those contracts by deal and number: they must be corrected first (the
authority's papers say which number is whose).

Revision ID: c14numbers
Revises: c13dates
"""
import sqlalchemy as sa
from alembic import op

revision = 'c14numbers'
down_revision = 'c13dates'
branch_labels = None
depends_on = None


def _shared_numbers(column):
    rows = op.get_bind().execute(sa.text(
        f"SELECT project_id, {column}, deal_id FROM contracts WHERE {column} IS NOT NULL AND "
        f"(project_id, {column}) IN (SELECT project_id, {column} FROM contracts WHERE {column} IS NOT NULL "
        f"GROUP BY project_id, {column} HAVING COUNT(*) > 1) ORDER BY project_id, {column}, deal_id")).all()
    return [f"project {p} {column} {n!r}: deal {d}" for p, n, d in rows]


def upgrade():
    shared = _shared_numbers("online_signing_no") + _shared_numbers("filing_no")
    if shared:
        raise RuntimeError("contracts share a 网签/备案 number within a project; correct them, then "
                           "upgrade again:\n  " + "\n  ".join(shared))
    with op.batch_alter_table("contracts") as batch:  # SQLite alters a table by copying it
        batch.create_unique_constraint("uq_contracts_online_signing_no", ["project_id", "online_signing_no"])
        batch.create_unique_constraint("uq_contracts_filing_no", ["project_id", "filing_no"])


def downgrade():
    with op.batch_alter_table("contracts") as batch:
        batch.drop_constraint("uq_contracts_filing_no", type_="unique")
        batch.drop_constraint("uq_contracts_online_signing_no", type_="unique")
