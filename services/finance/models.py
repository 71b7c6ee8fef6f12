"""finance tables. The core (deal accounts, schedule lines, receipts and their allocation)
is shared by every finance topic; each topic adds its own tables in its section below.

Money columns are Decimal2 (exact cents); nothing here is ever a float."""
from sqlalchemy import (JSON, Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import declarative_base

from loupan.tables import ID, inbox_table, outbox_table
from loupan.types import Decimal2, UTCDateTime, utcnow

metadata = MetaData()
Base = declarative_base(metadata=metadata)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)


# core -----------------------------------------------------------------------------------
class DealAccount(Base):
    """finance's copy of a deal, built from the contracts events (the id is the deal id)."""

    __tablename__ = "deal_accounts"
    deal_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    unit_id = Column(ID, nullable=False)
    unit_label = Column(String(60))
    advisor_id = Column(ID, index=True)
    customer_id = Column(ID)
    customer_name = Column(String(50))
    gross_area = Column(Decimal2)
    price = Column(Decimal2, nullable=False)
    deposit = Column(Decimal2)
    payment_method = Column(String(20), nullable=False)
    loan_amount = Column(Decimal2)
    # subscribed, signed, cancelled
    status = Column(String(12), nullable=False, default="subscribed", server_default="subscribed")
    subscribed_on = Column(Date)
    signed_on = Column(Date)
    cancelled_on = Column(Date)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class ScheduleLine(Base):
    """One line of a deal's payment schedule (付款计划). `paid` is what receipts allocated to
    it; a line is never paid beyond `amount`. A regenerated schedule closes the old lines."""

    __tablename__ = "schedule_lines"
    id = Column(ID, primary_key=True, autoincrement=True)
    deal_id = Column(ID, ForeignKey("deal_accounts.deal_id"), nullable=False, index=True)
    seq = Column(Integer, nullable=False)
    kind = Column(String(20), nullable=False)  # deposit, down_payment, instalment, mortgage, balance
    due_on = Column(Date, nullable=False)
    amount = Column(Decimal2, nullable=False)
    paid = Column(Decimal2, nullable=False, default=0, server_default="0")
    status = Column(String(10), nullable=False, default="open", server_default="open")  # open, paid, closed
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Receipt(Base):
    """收款 document (票据), numbered per project. Voided or refunded only by a second person."""

    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("project_id", "receipt_no", name="uq_receipts_no"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    deal_id = Column(ID, ForeignKey("deal_accounts.deal_id"), nullable=False, index=True)
    receipt_no = Column(String(40), nullable=False)
    amount = Column(Decimal2, nullable=False)
    method = Column(String(20), nullable=False)  # cash, card, transfer, pos, mortgage, provident_fund
    payer = Column(String(50), nullable=False)
    received_on = Column(Date, nullable=False)
    status = Column(String(10), nullable=False, default="valid", server_default="valid")  # valid, voided, refunded
    recorded_by = Column(ID)
    recorded_at = Column(UTCDateTime, nullable=False, default=utcnow)
    ended_by = Column(ID)  # who voided or refunded it (never recorded_by)
    ended_at = Column(UTCDateTime)
    end_reason = Column(String(300))


class Allocation(Base):
    """The part of a receipt applied to one schedule line."""

    __tablename__ = "allocations"
    id = Column(ID, primary_key=True, autoincrement=True)
    receipt_id = Column(ID, ForeignKey("receipts.id"), nullable=False, index=True)
    line_id = Column(ID, ForeignKey("schedule_lines.id"), nullable=False, index=True)
    amount = Column(Decimal2, nullable=False)


# schedules, receipts, reconciliation, collections ----------------------------------------
# (finance-money adds its tables here)


# mortgage quote, agency commission, staff commission, expenses -----------------------------
# (finance-commission adds its tables here)
