"""crm tables. The core (customers, their grade and owner history, 撞单 conflicts) is shared
by every crm topic; each topic adds its own tables in its section below."""
from sqlalchemy import (JSON, Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import declarative_base

from loupan.tables import ID, inbox_table, outbox_table
from loupan.types import Decimal2, UTCDateTime, utcnow

metadata = MetaData()
Base = declarative_base(metadata=metadata)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

CHANNELS = ("walk_in", "phone", "online", "channel_partner", "referral", "event")
GRADES = ("A", "B", "C", "D")
# lead: being worked; subscribed/signed: a deal (认购/签约) exists; lost: deal cancelled or given up
CUSTOMER_STATUSES = ("lead", "subscribed", "signed", "lost")


# core -----------------------------------------------------------------------------------
class Customer(Base):
    """A person interested in one project, identified by the normalised mobile number: one
    row (and so one owner) per (project, mobile); a second registration is a 撞单 conflict."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("project_id", "mobile", name="uq_customers_project_mobile"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    mobile = Column(String(11), nullable=False)  # 11 digits starting with 1, no spaces or +86
    name = Column(String(50), nullable=False)
    channel = Column(String(20), nullable=False)
    partner_name = Column(String(100))  # the channel partner (渠道) who 报备'd the customer
    referrer_customer_id = Column(ID)  # 老带新: the existing customer who referred
    grade = Column(String(1))
    budget_min = Column(Decimal2)
    budget_max = Column(Decimal2)
    area_min = Column(Decimal2)
    area_max = Column(Decimal2)
    layout = Column(String(50))
    district = Column(String(50))
    notes = Column(Text)
    status = Column(String(12), nullable=False, default="lead", server_default="lead")
    # the owning advisor (account id); None while the customer is in the pool (公客)
    owner_id = Column(ID, index=True)
    owner_name = Column(String(80))
    owned_since = Column(UTCDateTime)
    # 保护期: ownership holds until this instant; a follow-up pushes it forward
    protected_until = Column(UTCDateTime, index=True)
    last_follow_up_at = Column(UTCDateTime)
    first_visit_at = Column(UTCDateTime)
    registered_at = Column(UTCDateTime, nullable=False, default=utcnow)
    registered_by = Column(ID)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class CustomerGrade(Base):
    """Every grade a customer was given, by whom and when."""

    __tablename__ = "customer_grades"
    id = Column(ID, primary_key=True, autoincrement=True)
    customer_id = Column(ID, ForeignKey("customers.id"), nullable=False, index=True)
    grade = Column(String(1), nullable=False)
    reason = Column(String(200))
    by_id = Column(ID)
    by_name = Column(String(80))
    at = Column(UTCDateTime, nullable=False, default=utcnow)


class CustomerOwner(Base):
    """Ownership history: each change of owner (registration, ruling, lapse to the pool,
    reassignment of a leaver's customers) with its reason."""

    __tablename__ = "customer_owners"
    id = Column(ID, primary_key=True, autoincrement=True)
    customer_id = Column(ID, ForeignKey("customers.id"), nullable=False, index=True)
    from_owner_id = Column(ID)
    to_owner_id = Column(ID)  # None: back to the pool
    reason = Column(String(30), nullable=False)  # registered, ruling, lapsed, reassigned, left, claimed
    note = Column(String(200))
    by_id = Column(ID)
    by_name = Column(String(80))
    at = Column(UTCDateTime, nullable=False, default=utcnow)


class Conflict(Base):
    """撞单: someone other than the owner registered a protected customer. The claim is kept
    here, never as a second owner, until a manager rules."""

    __tablename__ = "conflicts"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    customer_id = Column(ID, ForeignKey("customers.id"), nullable=False, index=True)
    owner_id = Column(ID)  # the owner at the time of the claim
    claimant_id = Column(ID)  # the advisor (or assistant entering a partner's 报备)
    claimant_name = Column(String(80))
    partner_name = Column(String(100))
    channel = Column(String(20), nullable=False)
    claimed_name = Column(String(50))
    note = Column(String(300))
    status = Column(String(12), nullable=False, default="open", server_default="open")  # open, kept, transferred
    ruling = Column(String(300))
    ruled_by = Column(ID)
    ruled_at = Column(UTCDateTime)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


# customers & ownership (报备, conflicts, pool, reassignment, privacy, exports) ------------
# (crm-customers adds its tables here)


# visits & rotation (来电/来访登记, 轮序接待, funnel) ---------------------------------------
# (crm-visits adds its tables here)


# follow-ups, SLA, deal facts, complaints, satisfaction ------------------------------------
# (crm-care adds its tables here)
