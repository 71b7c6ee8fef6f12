"""contracts tables. The core (deals and their buyers) is shared by every contracts topic;
each topic adds its own tables in its section below.

A deal is one sale of one unit to its buyers, from 认购 to 交房: its status is where the
sale is; subscriptions, contracts, changes, mortgages and handovers hang off it."""
from sqlalchemy import (JSON, Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import declarative_base

from loupan.projects import known_projects_table
from loupan.reveals import data_reveals_table
from loupan.commands import commands_table
from loupan.tables import ID, inbox_table, outbox_table
from loupan.types import Decimal2, UTCDateTime, utcnow

metadata = MetaData()
Base = declarative_base(metadata=metadata)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
commands = commands_table(metadata)  # commands done once (loupan.commands)
known_projects = known_projects_table(metadata)  # who owns each project (loupan.projects)
data_reveals = data_reveals_table(metadata)  # full numbers shown to managers (loupan.reveals)

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
                      UniqueConstraint("hold_id", name="uq_deals_hold"),
                      # the saga sweep's look for deals left pending, without scanning them all
                      Index("ix_deals_pending", "id", postgresql_where=text("status = 'pending'"),
                            sqlite_where=text("status = 'pending'")))
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
    subscribed_on = Column(Date)  # 认购 date (default the day it was entered; 补录 an earlier one)
    # the 认筹 of a 开盘 the 认购 came from (a buyer's own 选房 hold): its 诚意金 is part of the 定金
    launch_registration_id = Column(ID)
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
CONTRACT_STATUSES = ("draft", "signed", "rejected")  # draft: awaiting 审核
AGREEMENT_STATUSES = ("pending", "approved", "rejected")


class DealCounter(Base):
    """The last number given per project and kind (认购书, 合同, 补充协议 of a contract): a row
    bumped in the numbered record's own transaction, so a rollback gives the number back
    and the sequence has no gaps."""

    __tablename__ = "deal_counters"
    project_id = Column(ID, primary_key=True)
    kind = Column(String(30), primary_key=True)
    agency_id = Column(ID, nullable=False)
    last = Column(Integer, nullable=False)


class Contract(Base):
    """商品房买卖合同 of a deal: drafted from the approved 认购, signed once reviewed, then
    网签 (online signing) and 备案 (filing) numbers recorded on it. One per deal."""

    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("deal_id", name="uq_contracts_deal"),
                      UniqueConstraint("project_id", "contract_no", name="uq_contracts_no"),
                      # the housing authority gives each number once: one deal per number and project
                      UniqueConstraint("project_id", "online_signing_no", name="uq_contracts_online_signing_no"),
                      UniqueConstraint("project_id", "filing_no", name="uq_contracts_filing_no"),
                      Index("ix_contracts_project_status", "project_id", "status"))
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    deal_id = Column(ID, ForeignKey("deals.id"), nullable=False)
    contract_no = Column(String(40), nullable=False)
    status = Column(String(10), nullable=False, default="draft", server_default="draft")
    price = Column(Decimal2, nullable=False)
    payment_method = Column(String(20), nullable=False)
    loan_amount = Column(Decimal2)
    signed_on = Column(Date, nullable=False)
    terms = Column(Text)
    drafted_by = Column(ID)
    drafted_at = Column(UTCDateTime, nullable=False, default=utcnow)
    reviewed_by = Column(ID)
    reviewed_at = Column(UTCDateTime)
    review_note = Column(String(300))
    online_signing_no = Column(String(60))
    online_signed_on = Column(Date)
    filing_no = Column(String(60))
    filed_on = Column(Date)


class SupplementaryAgreement(Base):
    """补充协议 to a contract, numbered within it, each reviewed by a manager."""

    __tablename__ = "supplementary_agreements"
    __table_args__ = (UniqueConstraint("contract_id", "number", name="uq_agreements_number"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    deal_id = Column(ID, ForeignKey("deals.id"), nullable=False)
    contract_id = Column(ID, ForeignKey("contracts.id"), nullable=False, index=True)
    number = Column(Integer, nullable=False)
    title = Column(String(100), nullable=False)
    content = Column(Text, nullable=False)
    signed_on = Column(Date)  # the agreement's date, never before the contract's (loupan/deal_dates.py)
    status = Column(String(10), nullable=False, default="pending", server_default="pending")
    created_by = Column(ID)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    reviewed_by = Column(ID)
    reviewed_at = Column(UTCDateTime)
    review_note = Column(String(300))


# (contracts-deals adds its tables here)


# changes (更名/换房/退房), mortgage, handover and title ------------------------------------
class ChangeRequest(Base):
    """A change of a deal (更名/换房/退房) asked by sales staff and decided by a manager. An
    approved request is applied by a saga; `approver` keeps the approving actor so that the
    sweep can finish it with the same rights after a crash."""

    __tablename__ = "change_requests"
    __table_args__ = (Index("ix_change_requests_project_status", "project_id", "status"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    deal_id = Column(ID, ForeignKey("deals.id"), nullable=False, index=True)
    kind = Column(String(10), nullable=False)  # rename 更名, swap 换房, cancel 退房
    payload = Column(JSON, nullable=False)
    # requested → approved → applied | failed; requested → rejected
    status = Column(String(10), nullable=False, default="requested", server_default="requested")
    from_unit_id = Column(ID)  # 换房: the deal's unit when requested
    price_difference = Column(Decimal2)  # 换房: new list price − old list price
    new_price = Column(Decimal2)  # 换房: the deal's agreed price after the move
    requested_by = Column(ID, nullable=False)
    requested_by_name = Column(String(80))
    requested_at = Column(UTCDateTime, nullable=False, default=utcnow)
    decided_by = Column(ID)
    decided_by_name = Column(String(80))
    decided_at = Column(UTCDateTime)
    approver = Column(JSON)
    note = Column(String(300))
    applied_at = Column(UTCDateTime)
    error_code = Column(String(40))
    error = Column(String(300))


class Mortgage(Base):
    """按揭报件: the bank-loan case of one deal, stepped in order with the date of each step."""

    __tablename__ = "mortgages"
    __table_args__ = (UniqueConstraint("deal_id", name="uq_mortgages_deal"),
                      Index("ix_mortgages_project_step", "project_id", "step"))
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    deal_id = Column(ID, ForeignKey("deals.id"), nullable=False)
    bank = Column(String(60), nullable=False)
    amount = Column(Decimal2, nullable=False)
    kind = Column(String(16), nullable=False)
    # opened → papers_collected 资料齐 → submitted 报件 → approved 批贷 → disbursed 放款
    step = Column(String(20), nullable=False, default="opened", server_default="opened")
    opened_on = Column(Date, nullable=False)
    papers_collected_on = Column(Date)
    submitted_on = Column(Date)
    approved_on = Column(Date)
    disbursed_on = Column(Date)
    note = Column(String(300))
    step_changed_at = Column(UTCDateTime, nullable=False, default=utcnow)
    created_by = Column(ID)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Handover(Base):
    """交房 of a deal's unit with its inspection, then the 房产证 title certificate's progress."""

    __tablename__ = "handovers"
    __table_args__ = (UniqueConstraint("deal_id", name="uq_handovers_deal"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    deal_id = Column(ID, ForeignKey("deals.id"), nullable=False)
    handed_over_on = Column(Date, nullable=False)
    inspection_notes = Column(Text)
    issues = Column(JSON, nullable=False)
    title_step = Column(String(10))
    title_applied_on = Column(Date)
    title_issued_on = Column(Date)
    title_delivered_on = Column(Date)
    certificate_no = Column(String(40))
    created_by = Column(ID)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


# (contracts-changes adds its tables here)
