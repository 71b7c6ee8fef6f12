"""finance commission: agency terms and statements, staff commission rules and statements, expenses

Revision ID: f2commission
Revises: c167c2c08c7f
Create Date: 2026-11-23 01:26:11.933345
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'f2commission'
down_revision = 'c167c2c08c7f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency_statements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('signed_units', sa.Integer(), nullable=False),
    sa.Column('total_units', sa.Integer(), nullable=False),
    sa.Column('rate', sa.String(length=12), nullable=False),
    sa.Column('total', loupan.types.Decimal2(), nullable=False),
    sa.Column('issued_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('issued_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'number', name='uq_agency_statements_number')
    )
    with op.batch_alter_table('agency_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_statements_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_statements_project_id'), ['project_id'], unique=False)

    op.create_table('agency_terms',
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('set_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('set_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('project_id')
    )
    with op.batch_alter_table('agency_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_terms_agency_id'), ['agency_id'], unique=False)

    op.create_table('commission_rules',
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('set_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('set_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('project_id')
    )
    with op.batch_alter_table('commission_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commission_rules_agency_id'), ['agency_id'], unique=False)

    op.create_table('commission_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('issued_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('issued_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'month', name='uq_commission_runs_month')
    )
    with op.batch_alter_table('commission_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commission_runs_agency_id'), ['agency_id'], unique=False)

    op.create_table('expense_budgets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=40), server_default='', nullable=False),
    sa.Column('medium', sa.String(length=40), server_default='', nullable=False),
    sa.Column('amount', loupan.types.Decimal2(), nullable=False),
    sa.Column('set_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('set_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'month', 'category', 'channel', 'medium', name='uq_expense_budgets')
    )
    with op.batch_alter_table('expense_budgets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_budgets_agency_id'), ['agency_id'], unique=False)

    op.create_table('expenses',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=40), server_default='', nullable=False),
    sa.Column('medium', sa.String(length=40), server_default='', nullable=False),
    sa.Column('amount', loupan.types.Decimal2(), nullable=False),
    sa.Column('note', sa.String(length=300), server_default='', nullable=False),
    sa.Column('recorded_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('recorded_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('expenses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expenses_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_expenses_month', ['project_id', 'month'], unique=False)

    op.create_table('agency_statement_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('statement_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('deal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('unit_label', sa.String(length=60), nullable=True),
    sa.Column('price', loupan.types.Decimal2(), nullable=False),
    sa.Column('rate', sa.String(length=12), nullable=False),
    sa.Column('amount', loupan.types.Decimal2(), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['agency_statements.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agency_statement_lines', schema=None) as batch_op:
        batch_op.create_index('ix_agency_statement_lines_deal', ['project_id', 'deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_statement_lines_statement_id'), ['statement_id'], unique=False)

    op.create_table('commission_statements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('total', loupan.types.Decimal2(), nullable=False),
    sa.Column('issued_at', loupan.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['commission_runs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'month', 'account_id', name='uq_commission_statements')
    )
    with op.batch_alter_table('commission_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commission_statements_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commission_statements_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commission_statements_run_id'), ['run_id'], unique=False)

    op.create_table('commission_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('statement_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('deal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('price', loupan.types.Decimal2(), nullable=False),
    sa.Column('collected', loupan.types.Decimal2(), nullable=False),
    sa.Column('due', loupan.types.Decimal2(), nullable=False),
    sa.Column('amount', loupan.types.Decimal2(), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['commission_statements.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('commission_lines', schema=None) as batch_op:
        batch_op.create_index('ix_commission_lines_deal', ['project_id', 'account_id', 'deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commission_lines_statement_id'), ['statement_id'], unique=False)


def downgrade():
    with op.batch_alter_table('commission_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_lines_statement_id'))
        batch_op.drop_index('ix_commission_lines_deal')

    op.drop_table('commission_lines')
    with op.batch_alter_table('commission_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_statements_run_id'))
        batch_op.drop_index(batch_op.f('ix_commission_statements_agency_id'))
        batch_op.drop_index(batch_op.f('ix_commission_statements_account_id'))

    op.drop_table('commission_statements')
    with op.batch_alter_table('agency_statement_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_statement_lines_statement_id'))
        batch_op.drop_index('ix_agency_statement_lines_deal')

    op.drop_table('agency_statement_lines')
    with op.batch_alter_table('expenses', schema=None) as batch_op:
        batch_op.drop_index('ix_expenses_month')
        batch_op.drop_index(batch_op.f('ix_expenses_agency_id'))

    op.drop_table('expenses')
    with op.batch_alter_table('expense_budgets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_budgets_agency_id'))

    op.drop_table('expense_budgets')
    with op.batch_alter_table('commission_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_runs_agency_id'))

    op.drop_table('commission_runs')
    with op.batch_alter_table('commission_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_rules_agency_id'))

    op.drop_table('commission_rules')
    with op.batch_alter_table('agency_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_terms_agency_id'))

    op.drop_table('agency_terms')
    with op.batch_alter_table('agency_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_statements_project_id'))
        batch_op.drop_index(batch_op.f('ix_agency_statements_agency_id'))

    op.drop_table('agency_statements')
