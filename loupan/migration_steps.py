"""Migration steps for the kernel's tables that several services keep (the project registry,
the reveal log, the command record). Every service's migration calls the same step, so the
tables cannot differ between services.

These are frozen history, like the migrations that call them: a later change to one of
these tables is a new step (and a new migration in each service), never an edit here."""
import sqlalchemy as sa

from loupan.types import UTCDateTime

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def create_known_projects(op):
    """loupan.projects.known_projects_table, issue 13."""
    op.create_table(
        "known_projects",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("known_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"))


def drop_known_projects(op):
    op.drop_table("known_projects")


def create_data_reveals(op):
    """loupan.reveals.data_reveals_table: full mobile numbers shown, issue 13."""
    op.create_table(
        "data_reveals",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("username", sa.String(length=80), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("customer_id", ID, nullable=True),
        sa.Column("hold_id", ID, nullable=True),
        sa.Column("deal_id", ID, nullable=True),
        sa.Column("masked_mobile", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("entrypoint", sa.String(length=60), nullable=False),
        sa.Column("revealed_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_data_reveals_agency_at", "data_reveals", ["agency_id", "revealed_at"], unique=False)


def drop_data_reveals(op):
    op.drop_index("ix_data_reveals_agency_at", table_name="data_reveals")
    op.drop_table("data_reveals")


def create_commands(op):
    """loupan.commands.commands_table: commands done once, issue 14."""
    op.create_table(
        "commands",
        sa.Column("command_id", sa.String(length=200), nullable=False),
        sa.Column("entrypoint", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("command_id", "entrypoint"))
    op.create_index("ix_commands_created_at", "commands", ["created_at"], unique=False)


def drop_commands(op):
    op.drop_index("ix_commands_created_at", table_name="commands")
    op.drop_table("commands")
