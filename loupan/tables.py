"""The outbox and inbox tables, added to each service's own metadata (and migrations)."""
from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text, text

from loupan.types import UTCDateTime

ID = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER only


def outbox_table(metadata):
    """Events written in the business transaction, published by the relay afterwards.
    state: pending -> sent, or unrouted when no queue took it after every retry."""
    return Table(
        "outbox",
        metadata,
        Column("id", ID, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("exchange", String(100), nullable=False),
        Column("routing_key", String(100), nullable=False),
        Column("body", Text, nullable=False),
        Column("state", String(12), nullable=False, server_default="pending"),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("created_at", UTCDateTime, nullable=False),
        Column("next_attempt_at", UTCDateTime, nullable=False),
        Column("sent_at", UTCDateTime),
        Column("last_error", Text),
        Index(
            "ix_outbox_pending",
            "next_attempt_at",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
    )


def inbox_table(metadata):
    """(handler, event_id) recorded with the handler's effect: a redelivery is skipped."""
    return Table(
        "inbox",
        metadata,
        Column("handler", String(200), primary_key=True),
        Column("event_id", String(36), primary_key=True),
        Column("received_at", UTCDateTime, nullable=False),
    )
