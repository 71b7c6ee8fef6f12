"""contracts tables. The core (deals and their buyers) is shared by every contracts topic;
each topic adds its own tables in its section below.

A deal is one sale of one unit to its buyers, from 认购 to 交房: its status is where the
sale is; subscriptions, contracts, changes, mortgages and handovers hang off it."""
from sqlalchemy import (JSON, Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import declarative_base

from loupan.tables import ID, inbox_table, outbox_table
from loupan.types import Decimal2, UTCDateTime, utcnow

metadata = MetaData()
Base = declarative_base(metadata=metadata)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

PAYMENT_METHODS = ("full", "instalments", "commercial_mortgage", "provident_fund", "combined")
# pending: the saga is taking the unit; submitted: awaiting 审核; subscribed: approved 认购;
# signed: 签约; filed: 备案; handed_over: 交房; rejected/cancelled: over, unit released
DEAL_STATUSES = ("pending", "submitted", "subscribed", "signed", "filed", "handed_over", "rejected",
                 "cancelled", "failed")


# core -----------------------------------------------------------------------------------
class Deal(Base):
    __tablename__ = "deals"
    __table_args__ = (UniqueConstraint("project_id", "subscription_no", name="uq_deals_subscription_no"),
                      # one live deal per hold: a retried 认购 finds the first one
                      UniqueConstraint("hold_id", name="uq_deals_hold"))
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    unit_id = Column(ID, nullable=False, index=True)
    unit_label = Column(String(60))
    hold_id = Column(ID)
    subscription_no = Column(String(40))  # 认购书 number, per project
    status = Column(String(12), nullable=False, default="pending", server_default="pending")
    customer_id = Column(ID)  # crm customer, when known
    customer_name = Column(String(50), nullable=False)
    customer_phone = Column(String(11), nullable=False)
    advisor_id = Column(ID, index=True)
    gross_area = Column(Decimal2)
    list_price = Column(Decimal2)  # 表价 total of the unit when subscribed
    base_price = Column(Decimal2)  # 底价
    price = Column(Decimal2, nullable=False)  # agreed total price (成交价)
    discount_request = Column(String(200))
    deposit = Column(Decimal2, nullable=False)  # 定金
    payment_method = Column(String(20), nullable=False)
    loan_amount = Column(Decimal2)  # bank part of a mortgage method
    delivery_date = Column(Date)
    created_by = Column(ID)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    reviewed_by = Column(ID)
    reviewed_at = Column(UTCDateTime)
    review_note = Column(String(300))
    cancelled_at = Column(UTCDateTime)
    cancel_reason = Column(String(300))
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class DealBuyer(Base):
    """A buyer of the deal (买受人); co-buyers carry shares summing to 100. 更名 replaces the set."""

    __tablename__ = "deal_buyers"
    id = Column(ID, primary_key=True, autoincrement=True)
    deal_id = Column(ID, ForeignKey("deals.id"), nullable=False, index=True)
    name = Column(String(50), nullable=False)
    phone = Column(String(11), nullable=False)
    id_number = Column(String(30))
    share = Column(Decimal2, nullable=False)  # percent
    position = Column(Integer, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True)  # False once replaced by a 更名


class DealHistory(Base):
    """Every status change of a deal with who, when and why."""

    __tablename__ = "deal_history"
    id = Column(ID, primary_key=True, autoincrement=True)
    deal_id = Column(ID, ForeignKey("deals.id"), nullable=False, index=True)
    from_status = Column(String(12))
    to_status = Column(String(12), nullable=False)
    note = Column(String(300))
    by_id = Column(ID)
    by_name = Column(String(80))
    at = Column(UTCDateTime, nullable=False, default=utcnow)


# subscriptions, contracts, supplementary agreements, 网签/备案 ---------------------------
# (contracts-deals adds its tables here)


# changes (更名/换房/退房), mortgage, handover and title ------------------------------------
# (contracts-changes adds its tables here)
