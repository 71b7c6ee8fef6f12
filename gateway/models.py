"""The gateway's own tables: notifications for signed-in users, account states, wall display
tokens, idempotency keys, rate counters, and its inbox."""
from sqlalchemy import (JSON, BigInteger, Boolean, Column, Index, Integer, LargeBinary, MetaData, String, Text,
                        UniqueConstraint)
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


class AccountState(Base):
    """What an account's tokens may reach now, whatever their claims say: written by the 调岗
    and 离职 routes as soon as hr answers, and by the `staff_transferred` / `staff_left`
    consumers for moves recorded elsewhere. Every replica reads the same table on every
    authenticated request (gateway.auth.current_actor): no row, the token's claims stand;
    inactive, 401 TOKEN_REVOKED; else role and projects come from here. `version` is hr's
    `token_version` (bumped by each move): an older write never overwrites a newer one."""

    __tablename__ = "account_states"
    account_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False)
    role = Column(String(30))  # NULL (rows carried over from revoked_accounts): the token's role
    project_ids = Column(JSON)  # NULL: every project of the agency (agency-wide roles)
    active = Column(Boolean, nullable=False)
    version = Column(Integer, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)


class TokenGeneration(Base):
    """Sign-outs of an account: every token carries the account's `generation` when it was
    issued (claim `gen`, 0 when there is no row); a logout or a change of password adds one,
    and a token of an older generation is refused (401 TOKEN_REVOKED) on every replica from
    the next request on. One counter per account, not a list of revoked tokens: nothing to
    expire or sweep, no clock compared across replicas; the price is that a logout signs out
    every session of the account, on every device (gateway.auth)."""

    __tablename__ = "token_generations"
    account_id = Column(ID, primary_key=True, autoincrement=False)
    generation = Column(Integer, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)


class DisplayToken(Base):
    """A read-only token of one project's 销控大屏 (wall display), issued by a director: it
    reads that project's board and nothing else (gateway/routes/display.py). Only its SHA-256
    is kept (the secret is shown once, when issued); `revoked_at` set, or `expires_at`
    passed, it is refused from the next request on: every request reads this row."""

    __tablename__ = "display_tokens"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    label = Column(String(60), nullable=False)
    token_hash = Column(String(64), nullable=False)
    created_by = Column(ID, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime)
    revoked_at = Column(UTCDateTime)
    revoked_by = Column(ID)
    __table_args__ = (UniqueConstraint("token_hash", name="uq_display_tokens_hash"),
                      Index("ix_display_tokens_project", "project_id", "id"))


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


class RateCounter(Base):
    """Rated requests (failed logins, holds) of one key in its current one-minute window,
    shared by every gateway replica (gateway.ratelimit). Old windows are swept by a timer."""

    __tablename__ = "rate_counters"
    key = Column(String(200), primary_key=True)
    window_start = Column(BigInteger, nullable=False)  # epoch seconds, a multiple of 60
    count = Column(Integer, nullable=False)
    __table_args__ = (Index("ix_rate_counters_window", "window_start"),)


class BuyerCode(Base):
    """A one-time sign-in code sent to a buyer's mobile for one launch (gateway/routes/buyers.py).
    Only its HMAC under the gateway's key is kept: six digits are guessed offline in a blink
    from a plain hash, not without the key. `attempts` counts wrong tries; `used_at` set, or
    `expires_at` passed, or the attempts spent, it signs nobody in."""

    __tablename__ = "buyer_codes"
    id = Column(ID, primary_key=True, autoincrement=True)
    launch_id = Column(ID, nullable=False)
    mobile = Column(String(20), nullable=False)
    registration_id = Column(ID)  # None: the mobile is not registered (nothing was sent)
    code_hash = Column(String(64))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    used_at = Column(UTCDateTime)
    __table_args__ = (Index("ix_buyer_codes_mobile", "launch_id", "mobile", "id"),)


class BuyerSession(Base):
    """A buyer signed in on their phone: an opaque token (only its SHA-256 kept, like a display
    token) that reads that buyer's own registration of one launch and nothing else."""

    __tablename__ = "buyer_sessions"
    id = Column(ID, primary_key=True, autoincrement=True)
    token_hash = Column(String(64), nullable=False)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    launch_id = Column(ID, nullable=False)
    registration_id = Column(ID, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)
    revoked_at = Column(UTCDateTime)
    __table_args__ = (UniqueConstraint("token_hash", name="uq_buyer_sessions_hash"),
                      Index("ix_buyer_sessions_registration", "registration_id"))


class BrokerCode(Base):
    """A one-time sign-in code sent to a broker's mobile (gateway/routes/brokers.py): the buyers'
    rules (gateway/buyer_codes.py), bound to the scope "broker". Sent to any mobile: a
    全民经纪人 signs up with it."""

    __tablename__ = "broker_codes"
    id = Column(ID, primary_key=True, autoincrement=True)
    mobile = Column(String(20), nullable=False)
    code_hash = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    used_at = Column(UTCDateTime)
    __table_args__ = (Index("ix_broker_codes_mobile", "mobile", "id"),)


class BrokerSession(Base):
    """A broker signed in on their phone: an opaque token (lpk_…, only its SHA-256 kept) that
    reaches /api/broker/* as this broker of crm and nothing else."""

    __tablename__ = "broker_sessions"
    id = Column(ID, primary_key=True, autoincrement=True)
    token_hash = Column(String(64), nullable=False)
    agency_id = Column(ID, nullable=False)
    broker_id = Column(ID, nullable=False)
    channel_id = Column(ID)  # None: a 全民经纪人
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)
    revoked_at = Column(UTCDateTime)
    __table_args__ = (UniqueConstraint("token_hash", name="uq_broker_sessions_hash"),
                      Index("ix_broker_sessions_broker", "broker_id"))


class WebhookEndpoint(Base):
    """An integrator's endpoint (gateway/routes/webhooks.py): the events of its agency it is
    sent. The signing secret is kept as is (it signs every delivery, so no hash will do); the
    gateway's database is as secret as the JWT key (docs/webhooks.md). After a rotation the
    secret it replaced signs beside it until `previous_secret_until`, then is forgotten."""

    __tablename__ = "webhook_endpoints"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    url = Column(String(500), nullable=False)
    event_types = Column(JSON, nullable=False)
    description = Column(String(200), nullable=False)
    personal_data = Column(Boolean, nullable=False)
    secret = Column(String(100), nullable=False)
    created_by = Column(ID, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    disabled_at = Column(UTCDateTime)
    disabled_by = Column(ID)
    previous_secret = Column(String(100))  # the secret the last rotation replaced, during its grace period
    previous_secret_until = Column(UTCDateTime)
    secret_rotated_at = Column(UTCDateTime)
    secret_rotated_by = Column(ID)
    __table_args__ = (Index("ix_webhook_endpoints_agency", "agency_id"),)


class WebhookDelivery(Base):
    """One event for one endpoint, made in the transaction that records the event in the inbox
    (one per endpoint and event: a duplicate of the event makes none). `pending` until a 2xx
    (`delivered`) or a day of failures (`dead`); a sender claims it by a lease first."""

    __tablename__ = "webhook_deliveries"
    id = Column(ID, primary_key=True, autoincrement=True)
    delivery_id = Column(String(36), nullable=False)
    endpoint_id = Column(ID, nullable=False)
    agency_id = Column(ID, nullable=False)
    event_id = Column(String(36), nullable=False)
    event_type = Column(String(40), nullable=False)
    envelope = Column(JSON, nullable=False)
    state = Column(String(12), nullable=False)  # pending | delivered | dead
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime)
    lease_owner = Column(String(36))
    lease_until = Column(UTCDateTime)
    last_status = Column(Integer)  # the HTTP status of the last attempt (None: no answer)
    last_error = Column(Text)  # the answer's first 500 characters, or why there was none
    last_attempt_at = Column(UTCDateTime)
    delivered_at = Column(UTCDateTime)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    retry_from = Column(UTCDateTime, nullable=False)  # the day of retries counts from here (a redelivery: anew)
    __table_args__ = (UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_deliveries_event"),
                      UniqueConstraint("delivery_id", name="uq_webhook_deliveries_delivery"),
                      Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
                      Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"))
