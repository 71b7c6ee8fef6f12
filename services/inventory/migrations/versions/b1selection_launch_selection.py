"""选房 (issue 18): the lottery launch's current window (launches.window_number,
window_opened_at) and each window's times (launch_windows), race mode's attempts
(launch_attempts), a buyer's 放弃 (launch_registrations.gave_up_at), and the launch and
registration of a hold a buyer took on their phone (holds.launch_id, registration_id)

Revision ID: b1selection
Revises: a9launches
Create Date: 2026-12-06 13:20:00
"""
from alembic import op
import sqlalchemy as sa
import loupan.types


revision = 'b1selection'
down_revision = 'a9launches'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = loupan.types.UTCDateTime(timezone=True)


def upgrade():
    with op.batch_alter_table('launches') as batch:
        batch.add_column(sa.Column('window_number', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('window_opened_at', WHEN, nullable=True))
    with op.batch_alter_table('launch_registrations') as batch:
        batch.add_column(sa.Column('gave_up_at', WHEN, nullable=True))
    with op.batch_alter_table('holds') as batch:
        batch.add_column(sa.Column('launch_id', ID, nullable=True))
        batch.add_column(sa.Column('registration_id', ID, nullable=True))
    op.create_index('ix_holds_registration', 'holds', ['registration_id'], unique=False,
                    postgresql_where=sa.text('registration_id IS NOT NULL'),
                    sqlite_where=sa.text('registration_id IS NOT NULL'))
    op.create_table('launch_windows',
    sa.Column('launch_id', ID, nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('agency_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('opened_at', WHEN, nullable=False),
    sa.Column('opened_reason', sa.String(length=10), nullable=False),
    sa.Column('closed_at', WHEN, nullable=True),
    sa.Column('closed_reason', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['launch_id'], ['launches.id'], ),
    sa.PrimaryKeyConstraint('launch_id', 'number')
    )
    op.create_table('launch_attempts',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('launch_id', ID, nullable=False),
    sa.Column('registration_id', ID, nullable=False),
    sa.Column('unit_id', ID, nullable=False),
    sa.Column('at', WHEN, nullable=False),
    sa.ForeignKeyConstraint(['launch_id'], ['launches.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_launch_attempts_buyer_unit', 'launch_attempts', ['registration_id', 'unit_id', 'at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_launch_attempts_buyer_unit', table_name='launch_attempts')
    op.drop_table('launch_attempts')
    op.drop_table('launch_windows')
    op.drop_index('ix_holds_registration', table_name='holds')
    with op.batch_alter_table('holds') as batch:
        batch.drop_column('registration_id')
        batch.drop_column('launch_id')
    with op.batch_alter_table('launch_registrations') as batch:
        batch.drop_column('gave_up_at')
    with op.batch_alter_table('launches') as batch:
        batch.drop_column('window_opened_at')
        batch.drop_column('window_number')
