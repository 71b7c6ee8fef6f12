"""finance tables. The core (deal accounts, schedule lines, receipts and their allocation)
is shared by every finance topic; each topic adds its own tables in its section below.

Money columns are Decimal2 (exact cents); nothing here is ever a float."""
from sqlalchemy import (JSON, Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, String, text,
                        UniqueConstraint)
from sqlalchemy.orm import declarative_base

from loupan.projects import known_projects_table
from loupan.commands import commands_table
from loupan.tables import ID, inbox_table, outbox_table
from loupan.types import Decimal2, UTCDateTime, utcnow

metadata = MetaData()
Base = declarative_base(metadata=metadata)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
commands = commands_table(metadata)  # commands done once (loupan.commands)
known_projects = known_projects_table(metadata)  # who owns each project (loupan.projects)


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
    slip_no = Column(String(60))  # the bank slip or POS voucher number, as typed at the desk
    # 预售资金监管: the account the money went to (the escrow account's for house price once
    # one is in force), and its deposit there, marked once with the bank's slip
    account_no = Column(String(32))
    escrow_slip_no = Column(String(60))
    escrow_deposited_on = Column(Date)
    escrow_deposited_by = Column(ID)
    escrow_deposited_at = Column(UTCDateTime)
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
class FinanceSettings(Base):
    """A project's payment terms (付款方式规则) that schedules are derived with; a project
    without a row uses the defaults of schedule_rules.Terms."""

    __tablename__ = "finance_settings"
    project_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False, index=True)
    down_ratio = Column(Decimal2, nullable=False)  # % minimum 首付 (分期, 商贷, 组合贷)
    provident_down_ratio = Column(Decimal2, nullable=False)  # % minimum 首付 (公积金)
    down_payment_days = Column(Integer, nullable=False)
    instalment_count = Column(Integer, nullable=False)
    instalment_days = Column(Integer, nullable=False)
    full_payment_days = Column(Integer, nullable=False)
    mortgage_days = Column(Integer, nullable=False)
    reminder_days = Column(Integer, nullable=False)
    updated_by = Column(ID)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class ScheduleChange(Base):
    """History of a deal's schedule: every derivation and closing, why, and on what terms."""

    __tablename__ = "schedule_changes"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    deal_id = Column(ID, ForeignKey("deal_accounts.deal_id"), nullable=False, index=True)
    reason = Column(String(30), nullable=False)  # the event type that caused it
    price = Column(Decimal2, nullable=False)
    payment_method = Column(String(20), nullable=False)
    loan_amount = Column(Decimal2)
    collected = Column(Decimal2, nullable=False)
    unplaced = Column(Decimal2, nullable=False)  # collected money the new lines no longer hold
    event_id = Column(String(36))
    at = Column(UTCDateTime, nullable=False, default=utcnow)


class ReceiptCounter(Base):
    """The last receipt number (票据号) of a project; moved by conditional update in the
    receipt's own transaction, so numbers have no gaps and no duplicates."""

    __tablename__ = "receipt_counters"
    project_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False)
    last_no = Column(Integer, nullable=False)


class CollectionTarget(Base):
    """回款目标: the amount a project should collect in a month (YYYY-MM)."""

    __tablename__ = "collection_targets"
    __table_args__ = (UniqueConstraint("project_id", "month", name="uq_collection_targets_month"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    month = Column(String(7), nullable=False)
    amount = Column(Decimal2, nullable=False)
    set_by = Column(ID)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class EscrowAccount(Base):
    """预售资金监管账户 of a project from a date: a history, never changed; the one in force on a
    day is the latest from-date on or before it (escrow_rules)."""

    __tablename__ = "escrow_accounts"
    __table_args__ = (UniqueConstraint("project_id", "from_on", name="uq_escrow_accounts_from"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    bank = Column(String(60), nullable=False)  # the supervising bank (监管银行)
    account_name = Column(String(100), nullable=False)
    account_no = Column(String(32), nullable=False)  # digits only
    from_on = Column(Date, nullable=False)
    deposits_escrowed = Column(Boolean, nullable=False, default=False, server_default=text("false"))  # 定金 too
    set_by = Column(ID, nullable=False)
    set_at = Column(UTCDateTime, nullable=False, default=utcnow)


# the day's receipts of a site (reconciliation, monthly actuals)
Index("ix_receipts_project_day", Receipt.project_id, Receipt.received_on)
# (finance-money adds its tables here)


# mortgage quote, agency commission, staff commission, expenses -----------------------------
class AgencyTerms(Base):
    """代理费 terms of a project's developer: base rate, sell-through tiers, total units and
    the billable condition, as one JSON document in the contract's shape (decimal strings)."""

    __tablename__ = "agency_terms"
    project_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False, index=True)
    terms = Column(JSON, nullable=False)
    set_by = Column(ID, nullable=False)
    set_at = Column(UTCDateTime, nullable=False, default=utcnow)


class AgencyStatement(Base):
    """结佣 settlement statement to the developer, numbered per project; never changed once
    issued (the unique number serialises two statements drawn at once)."""

    __tablename__ = "agency_statements"
    __table_args__ = (UniqueConstraint("project_id", "number", name="uq_agency_statements_number"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    number = Column(Integer, nullable=False)
    period_from = Column(Date, nullable=False)
    period_to = Column(Date, nullable=False)
    signed_units = Column(Integer, nullable=False)
    total_units = Column(Integer, nullable=False)
    rate = Column(String(12), nullable=False)  # percent, exact decimal text
    total = Column(Decimal2, nullable=False)
    issued_by = Column(ID, nullable=False)
    issued_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # paid out (结清): once, by whom and when; a paid statement is never changed
    paid_by = Column(ID)
    paid_at = Column(UTCDateTime)
    paid_on = Column(Date)
    payment_ref = Column(String(60))


class AgencyStatementLine(Base):
    """One deal on a statement: its fee, or the reversal (negative) of a fee settled before
    the deal was cancelled."""

    __tablename__ = "agency_statement_lines"
    id = Column(ID, primary_key=True, autoincrement=True)
    statement_id = Column(ID, ForeignKey("agency_statements.id"), nullable=False, index=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    deal_id = Column(ID, nullable=False)
    kind = Column(String(10), nullable=False)  # fee, reversal
    unit_label = Column(String(60))
    price = Column(Decimal2, nullable=False)
    rate = Column(String(12), nullable=False)
    amount = Column(Decimal2, nullable=False)


Index("ix_agency_statement_lines_deal", AgencyStatementLine.project_id, AgencyStatementLine.deal_id)


class CommissionRules(Base):
    """提成 rules of a project, by role: one JSON document in the contract's shape."""

    __tablename__ = "commission_rules"
    project_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False, index=True)
    rules = Column(JSON, nullable=False)
    set_by = Column(ID, nullable=False)
    set_at = Column(UTCDateTime, nullable=False, default=utcnow)


class CommissionRun(Base):
    """The month's statements of a project were drawn (once: the key refuses a second run)."""

    __tablename__ = "commission_runs"
    __table_args__ = (UniqueConstraint("project_id", "month", name="uq_commission_runs_month"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    month = Column(String(7), nullable=False)
    issued_by = Column(ID, nullable=False)
    issued_at = Column(UTCDateTime, nullable=False, default=utcnow)


class CommissionStatement(Base):
    """One person's 提成 statement of a month at a project."""

    __tablename__ = "commission_statements"
    __table_args__ = (UniqueConstraint("project_id", "month", "account_id", name="uq_commission_statements"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    run_id = Column(ID, ForeignKey("commission_runs.id"), nullable=False, index=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    month = Column(String(7), nullable=False)
    account_id = Column(ID, nullable=False, index=True)
    total = Column(Decimal2, nullable=False)
    issued_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # paid out (发放): once, by whom and when; a paid statement is never changed
    paid_by = Column(ID)
    paid_at = Column(UTCDateTime)
    paid_on = Column(Date)
    payment_ref = Column(String(60))


class CommissionLine(Base):
    """What a statement adds for one deal: due by the rules at the month end minus what
    earlier statements gave (accrual, adjustment, or clawback of a cancelled deal)."""

    __tablename__ = "commission_lines"
    id = Column(ID, primary_key=True, autoincrement=True)
    statement_id = Column(ID, ForeignKey("commission_statements.id"), nullable=False, index=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    account_id = Column(ID, nullable=False)
    deal_id = Column(ID, nullable=False)
    kind = Column(String(10), nullable=False)  # accrual, adjustment, clawback
    price = Column(Decimal2, nullable=False)
    collected = Column(Decimal2, nullable=False)  # by the month end
    due = Column(Decimal2, nullable=False)  # by the rules at the month end, all statements together
    amount = Column(Decimal2, nullable=False)


Index("ix_commission_lines_deal", CommissionLine.project_id, CommissionLine.account_id, CommissionLine.deal_id)


class ExpenseBudget(Base):
    """销售费用 budget of a project's month, per category (advertising per channel and medium)."""

    __tablename__ = "expense_budgets"
    __table_args__ = (UniqueConstraint("project_id", "month", "category", "channel", "medium",
                                       name="uq_expense_budgets"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    month = Column(String(7), nullable=False)
    category = Column(String(20), nullable=False)  # advertising, events, site, staff, other
    channel = Column(String(40), nullable=False, default="", server_default="")
    medium = Column(String(40), nullable=False, default="", server_default="")
    amount = Column(Decimal2, nullable=False)
    set_by = Column(ID, nullable=False)
    set_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Expense(Base):
    """An actual sales expense of a project's month."""

    __tablename__ = "expenses"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    month = Column(String(7), nullable=False)
    category = Column(String(20), nullable=False)
    channel = Column(String(40), nullable=False, default="", server_default="")
    medium = Column(String(40), nullable=False, default="", server_default="")
    amount = Column(Decimal2, nullable=False)
    note = Column(String(300), nullable=False, default="", server_default="")
    recorded_by = Column(ID, nullable=False)
    recorded_at = Column(UTCDateTime, nullable=False, default=utcnow)


Index("ix_expenses_month", Expense.project_id, Expense.month)


# (finance-commission adds its tables here)


# sincerity (诚意金 of a launch's 认筹, issue 18) ----------------------------------------------
class SincerityRegistration(Base):
    """finance's copy of a 认筹 (inventory's `launch_registered`; the id is the registration's):
    what the cashier needs to take its 诚意金 and print the 收据, no ID number."""

    __tablename__ = "sincerity_registrations"
    registration_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    launch_id = Column(ID, nullable=False)
    number = Column(String(20), nullable=False)  # RC-0001
    buyer_name = Column(String(50))
    mobile_masked = Column(String(20))
    amount_due = Column(Decimal2, nullable=False)
    advisor_id = Column(ID)
    channel_name = Column(String(100))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


Index("ix_sincerity_registrations_launch", SincerityRegistration.project_id, SincerityRegistration.launch_id)


class SincerityReceipt(Base):
    """诚意金 taken at the desk: a numbered receipt (the project's SK- series) that is not
    allocated to any deal. status: valid -> refunded (a second person) | converted (into the
    定金 of the deal made from the registration: `deal_id`, `deal_receipt_id`)."""

    __tablename__ = "sincerity_receipts"
    __table_args__ = (UniqueConstraint("project_id", "receipt_no", name="uq_sincerity_receipts_no"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    launch_id = Column(ID, nullable=False)
    registration_id = Column(ID, ForeignKey("sincerity_registrations.registration_id"), nullable=False, index=True)
    receipt_no = Column(String(40), nullable=False)
    amount = Column(Decimal2, nullable=False)
    method = Column(String(20), nullable=False)
    payer = Column(String(50), nullable=False)
    slip_no = Column(String(60))
    received_on = Column(Date, nullable=False)
    status = Column(String(12), nullable=False, default="valid", server_default="valid")
    recorded_by = Column(ID, nullable=False)
    recorded_at = Column(UTCDateTime, nullable=False, default=utcnow)
    ended_by = Column(ID)
    ended_at = Column(UTCDateTime)
    end_reason = Column(String(300))
    deal_id = Column(ID)
    deal_receipt_id = Column(ID)


# one live (valid or converted) 诚意金 per registration, whatever the concurrency
Index("uq_sincerity_receipts_live", SincerityReceipt.registration_id, unique=True,
      postgresql_where=text("status in ('valid', 'converted')"), sqlite_where=text("status in ('valid', 'converted')"))


# channels (分销佣金, issue 19) ---------------------------------------------------------------
class ChannelAttribution(Base):
    """finance's copy of a 判客 (crm's `channel_attributed`, once by its report): the channel
    brought the customer to the project; it holds from the verified visit until
    `protected_until`, unless a ruling ended it (`channel_attribution_ended`)."""

    __tablename__ = "channel_attributions"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    customer_id = Column(ID, nullable=False)
    channel_id = Column(ID, nullable=False)
    channel_name = Column(String(100), nullable=False)
    broker_id = Column(ID)
    broker_name = Column(String(50))
    report_id = Column(ID, nullable=False, unique=True)
    visited_at = Column(UTCDateTime, nullable=False)
    protected_until = Column(UTCDateTime)
    ended_on = Column(Date)
    end_reason = Column(String(300))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


Index("ix_channel_attributions_customer", ChannelAttribution.project_id, ChannelAttribution.customer_id)


class ChannelBilling(Base):
    """When a project's channel deals become billable: signed, or signed and the down
    payment received in full (the default)."""

    __tablename__ = "channel_billing"
    project_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False, index=True)
    billable_when = Column(String(30), nullable=False)
    set_by = Column(ID, nullable=False)
    set_at = Column(UTCDateTime, nullable=False, default=utcnow)


class ChannelTerms(Base):
    """A version of a channel's commission terms at a project, in force from `effective_from`
    (channel_commission_rules.terms_on); never changed: a change is a new version, and a
    version no issued statement used may be withdrawn (deleted)."""

    __tablename__ = "channel_terms"
    __table_args__ = (UniqueConstraint("project_id", "channel_id", "version", name="uq_channel_terms_version"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    channel_id = Column(ID, nullable=False)
    channel_name = Column(String(100))
    version = Column(Integer, nullable=False)
    effective_from = Column(Date, nullable=False)
    terms = Column(JSON, nullable=False)  # kind, amount, rate, tiers, tier_period, launch_bonus (decimal strings)
    set_by = Column(ID, nullable=False)
    set_at = Column(UTCDateTime, nullable=False, default=utcnow)


class ChannelDeal(Base):
    """A deal a channel brought: its customer attributed to the channel at the project when the
    contract was signed. state: pending (not billable yet), billable, billed (on an issued
    statement), reversed (cancelled, or the attribution taken away by a ruling). A deal has at
    most one channel deal not ended: a ruling that gives the customer to another channel ends
    this one and makes the other channel's."""

    __tablename__ = "channel_deals"
    __table_args__ = (UniqueConstraint("deal_id", "attribution_id", name="uq_channel_deals_attribution"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    deal_id = Column(ID, nullable=False, index=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    channel_id = Column(ID, nullable=False)
    attribution_id = Column(ID, ForeignKey("channel_attributions.id"), nullable=False, index=True)
    customer_id = Column(ID)
    unit_label = Column(String(60))
    amount = Column(Decimal2, nullable=False)  # the signed amount (after 换房, the new unit's)
    signed_on = Column(Date, nullable=False)
    billable_on = Column(Date)
    ended_on = Column(Date)
    end_reason = Column(String(30))  # cancelled, attribution_ended
    state = Column(String(10), nullable=False, default="pending", server_default="pending")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


Index("ix_channel_deals_channel", ChannelDeal.project_id, ChannelDeal.channel_id)


class ChannelStatement(Base):
    """结佣对账单 to a channel for a period at a project: draft (one at a time, drawn again
    replaces it) -> issued (numbered per project and channel; never changed) -> confirmed by
    the channel (on a day, by a named person) or disputed."""

    __tablename__ = "channel_statements"
    __table_args__ = (UniqueConstraint("project_id", "channel_id", "number", name="uq_channel_statements_number"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    channel_id = Column(ID, nullable=False)
    channel_name = Column(String(100))
    number = Column(Integer)  # null while a draft
    period_from = Column(Date, nullable=False)
    period_to = Column(Date, nullable=False)
    status = Column(String(10), nullable=False, default="draft", server_default="draft")
    total = Column(Decimal2, nullable=False)
    drawn_by = Column(ID, nullable=False)
    drawn_at = Column(UTCDateTime, nullable=False, default=utcnow)
    issued_by = Column(ID)
    issued_at = Column(UTCDateTime)
    confirmed_on = Column(Date)  # the day the channel confirmed it
    confirmed_by_name = Column(String(50))  # who confirmed it at the channel
    confirmation_recorded_by = Column(ID)
    disputed_reason = Column(String(300))
    disputed_recorded_by = Column(ID)
    answered_at = Column(UTCDateTime)  # when the channel's confirmation or dispute was recorded


Index("ix_channel_statements_channel", ChannelStatement.project_id, ChannelStatement.channel_id)
# one draft per project and channel, whatever the concurrency
Index("uq_channel_statements_draft", ChannelStatement.project_id, ChannelStatement.channel_id, unique=True,
      postgresql_where=text("status = 'draft'"), sqlite_where=text("status = 'draft'"))


class ChannelStatementLine(Base):
    """One deal on a channel statement: its commission, an adjustment (a tier reached or lost,
    换房 to another price), or the reversal of what was stated (退房, attribution ended)."""

    __tablename__ = "channel_statement_lines"
    id = Column(ID, primary_key=True, autoincrement=True)
    statement_id = Column(ID, ForeignKey("channel_statements.id"), nullable=False, index=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    channel_id = Column(ID, nullable=False)
    deal_id = Column(ID, nullable=False)
    kind = Column(String(12), nullable=False)  # commission, adjustment, reversal
    unit_label = Column(String(60))
    signed_on = Column(Date, nullable=False)
    basis = Column(Decimal2, nullable=False)  # the signed amount priced
    rate = Column(String(12))  # percent applied (percent, tiered)
    units_in_period = Column(Integer)  # tiered: the units that decided the tier
    bonus = Column(Decimal2, nullable=False)
    due = Column(Decimal2, nullable=False)  # by the rules when drawn, all statements together
    amount = Column(Decimal2, nullable=False)  # this line: due minus stated before
    terms_id = Column(ID, ForeignKey("channel_terms.id"))


Index("ix_channel_statement_lines_deal", ChannelStatementLine.project_id, ChannelStatementLine.deal_id)
