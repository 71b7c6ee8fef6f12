"""The gateway's own tables: notifications for signed-in users, idempotency keys, and its inbox."""
from sqlalchemy import Column, Index, Integer, LargeBinary, MetaData, String, Text
from sqlalchemy.orm import declarative_base

from loupan.tables import ID, inbox_table
from loupan.types import UTCDateTime, utcnow

metadata = MetaData()
Base = declarative_base(metadata=metadata)
inbox = inbox_table(metadata)


class Notification(Base):
    """A message for one account (e.g. 'your hold on 1号楼-1201 expired')."""

    __tablename__ = "notifications"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID)
    account_id = Column(ID, nullable=False)
    kind = Column(String(40), nullable=False)
    text = Column(Text, nullable=False)
    event_id = Column(String(36), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (Index("ix_notifications_account", "account_id", "id"),)


class RevokedAccount(Base):
    """An account whose tokens the gateway refuses (离职): written by the leave route as soon
    as hr answers, and by the `staff_left` consumer for leaves recorded elsewhere. Every
    replica reads the same table, so the very next request with such a token is refused."""

    __tablename__ = "revoked_accounts"
    account_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False)
    revoked_at = Column(UTCDateTime, nullable=False, default=utcnow)


class IdempotencyKey(Base):
    """The answer to a POST sent with an `Idempotency-Key` (per account): a retry with the
    same key and body gets this answer back instead of running again. `status` is NULL while
    the first request runs. Rows expire (`IDEMPOTENCY_TTL_SECONDS`) and a timer deletes them."""

    __tablename__ = "idempotency_keys"
    account_id = Column(ID, primary_key=True, autoincrement=False)
    key = Column(String(128), primary_key=True)
    fingerprint = Column(String(64), nullable=False)
    status = Column(Integer)
    body = Column(LargeBinary)
    created_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)
    __table_args__ = (Index("ix_idempotency_keys_expires", "expires_at"),)
