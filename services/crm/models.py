"""crm tables. The core (customers, their grade and owner history, 撞单 conflicts) is shared
by every crm topic; each topic adds its own tables in its section below."""
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
class CustomerSetting(Base):
    """A project's ownership rules, set by its manager: 保护期 days without follow-up before
    a customer returns to the pool (missing row: the service's PROTECTION_DAYS)."""

    __tablename__ = "customer_settings"
    project_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False, index=True)
    protection_days = Column(Integer, nullable=False)
    updated_by = Column(ID)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)


class CustomerExport(Base):
    """Every export of customer data: who, when, with what filter, how many rows."""

    __tablename__ = "customer_exports"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    by_id = Column(ID, nullable=False)
    by_name = Column(String(80))
    role = Column(String(20), nullable=False)
    filters = Column(JSON, nullable=False)
    row_count = Column(Integer, nullable=False)
    format = Column(String(10), nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    # "export", or "import": customers brought in from a spreadsheet (customer_imports), logged alike
    kind = Column(String(10), nullable=False, default="export", server_default="export")
    file_name = Column(String(200))


class CustomerImport(Base):
    """A customer spreadsheet's dry run (previewed), kept for the office to confirm until
    expires_at: its rows as read and checked (the file itself is not kept), then what the
    confirmation imported (confirmed, once)."""

    __tablename__ = "customer_imports"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    file_name = Column(String(200), nullable=False)
    status = Column(String(12), nullable=False, default="previewed")  # previewed, confirmed
    rows = Column(JSON, nullable=False)  # [{row, values, errors, judgement, customer_id, current_owner_name}]
    result = Column(JSON)  # what the confirmation did: counts
    by_id = Column(ID, nullable=False)
    by_name = Column(String(80))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)
    confirmed_by = Column(ID)
    confirmed_at = Column(UTCDateTime)


class CustomerMobileChange(Base):
    """更正手机号: a customer's number changed, or asked to be changed, with the reason and who.
    An owner's or manager's change of a customer no channel holds applies at once (applied); of
    one a channel holds (`report_id`: the report that held it) an advisor's waits for a manager
    (pending, then approved and applied, or rejected), and a manager's own applies as approved by
    them. At most one pending per customer."""

    __tablename__ = "customer_mobile_changes"
    __table_args__ = (Index("ix_customer_mobile_changes_project_status", "project_id", "status"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    customer_id = Column(ID, ForeignKey("customers.id"), nullable=False, index=True)
    old_mobile = Column(String(11), nullable=False)
    new_mobile = Column(String(11), nullable=False)
    reason = Column(String(200), nullable=False)
    status = Column(String(10), nullable=False)  # applied, pending, approved, rejected
    held = Column(Boolean, nullable=False, default=False, server_default=text("false"))  # a channel held the customer
    report_id = Column(ID, ForeignKey("channel_reports.id"))  # the report that held it when asked
    requested_by = Column(ID, nullable=False)
    requested_by_name = Column(String(80))
    requested_at = Column(UTCDateTime, nullable=False, default=utcnow)
    decided_by = Column(ID)  # the manager who approved or rejected (or changed it themselves)
    decided_by_name = Column(String(80))
    decided_at = Column(UTCDateTime)
    note = Column(String(300))  # the manager's words
    applied_at = Column(UTCDateTime)


# (crm-customers adds its tables here)


# visits & rotation (来电/来访登记, 轮序接待, funnel) ---------------------------------------
VISIT_KINDS = ("call", "visit")  # 来电, 来访
VISITOR_KINDS = ("customer", "market_researcher", "visitor")  # 客户, 市调, 参观
# how a visit got its advisor: the rotation's head, the customer's owner, or named by the registrar
ASSIGNMENTS = ("rotation", "owner", "chosen")


class Visit(Base):
    """来电/来访登记: one call or visit, registered the same (Asia/Shanghai) day."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_project_day", "project_id", "day"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    kind = Column(String(5), nullable=False)
    visitor_kind = Column(String(20), nullable=False)
    day = Column(Date, nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    advisor_id = Column(ID, index=True)
    assignment = Column(String(10))
    channel = Column(String(20), nullable=False)
    customer_id = Column(ID, ForeignKey("customers.id"), index=True)
    customer_name = Column(String(50))
    new_customer = Column(Boolean, nullable=False, default=False, server_default=text("false"))
    party_size = Column(Integer, nullable=False, default=1, server_default="1")
    note = Column(String(300))
    registered_by = Column(ID, nullable=False)
    registered_by_name = Column(String(80))


class RotationStaff(Base):
    """The hr facts the rotation needs about one account at one site, kept from hr's
    events (上岗考核, clock in/out, 离职, 调岗); the latest instant of each kind wins, so events
    arriving out of order give the same state."""

    __tablename__ = "rotation_staff"
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, primary_key=True, autoincrement=False)
    account_id = Column(ID, primary_key=True, autoincrement=False)
    username = Column(String(80))  # from the actor of the person's own clock-in, for the queue's display
    certified_on = Column(Date)
    clocked_in_at = Column(UTCDateTime)
    clocked_out_at = Column(UTCDateTime)
    left_on = Column(Date)  # 离职, or 调岗 to other sites: off this site's rotation from that day


class RotationLeave(Base):
    """An approved leave (请假) of an account at a site: off the rotation those days."""

    __tablename__ = "rotation_leaves"
    __table_args__ = (Index("ix_rotation_leaves_project_account", "project_id", "account_id"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    account_id = Column(ID, nullable=False)
    start_on = Column(Date, nullable=False)
    end_on = Column(Date, nullable=False)


class RotationQueue(Base):
    """轮序 the queue of one site on one day: the order advisors take new walk-ins and who a
    supervisor skipped (补位) with why. Every change is a conditional update on `version`, so
    two walk-ins at once never take the same head."""

    __tablename__ = "rotation_queues"
    __table_args__ = (UniqueConstraint("project_id", "day", name="uq_rotation_queues_project_day"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    day = Column(Date, nullable=False, index=True)
    queue = Column(JSON, nullable=False)  # [account_id, ...], head first
    skipped = Column(JSON, nullable=False)  # {str(account_id): reason}
    version = Column(Integer, nullable=False, default=1, server_default="1")
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)


class RotationAudit(Base):
    """Every change of a day's queue and every walk-in it assigned, with who and why."""

    __tablename__ = "rotation_audit"
    __table_args__ = (Index("ix_rotation_audit_project_day", "project_id", "day"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    day = Column(Date, nullable=False)
    # assigned, joined, left, reordered, skipped, restored
    action = Column(String(12), nullable=False)
    account_id = Column(ID)
    visit_id = Column(ID, ForeignKey("visits.id"), unique=True)  # one assignment per visit
    queue_after = Column(JSON, nullable=False)
    reason = Column(String(200))
    by_id = Column(ID)
    by_name = Column(String(80))
    at = Column(UTCDateTime, nullable=False, default=utcnow)


# (crm-visits adds its tables here)


# follow-ups, SLA, deal facts, complaints, satisfaction ------------------------------------
FOLLOW_UP_KINDS = ("call", "visit", "message")
COMPLAINT_CATEGORIES = ("legal", "title", "mortgage", "insurance", "construction", "property_management",
                        "staff", "other")
COMPLAINT_SEVERITIES = ("low", "normal", "serious", "critical")


class FollowUp(Base):
    """跟进: a dated note of a contact with the customer. `needs_analysis` marks the one in
    which the customer's needs were talked through (需求分析, a service-level item)."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_customer_at", "customer_id", "at"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    customer_id = Column(ID, ForeignKey("customers.id"), nullable=False)
    kind = Column(String(10), nullable=False)
    note = Column(Text, nullable=False)
    needs_analysis = Column(Boolean, nullable=False, default=False, server_default=text("false"))
    at = Column(UTCDateTime, nullable=False)
    by_id = Column(ID, nullable=False)
    by_name = Column(String(80))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class SlaBreach(Base):
    """A service-level item found overdue; the unique key makes the sweep publish
    `sla_breached` once per (customer, rule, due_at), whatever the re-runs and replicas."""

    __tablename__ = "sla_breaches"
    __table_args__ = (UniqueConstraint("customer_id", "rule", "due_at", name="uq_sla_breaches_item"),
                      Index("ix_sla_breaches_project_detected", "project_id", "detected_at"))
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    customer_id = Column(ID, ForeignKey("customers.id"), nullable=False)
    advisor_id = Column(ID)
    rule = Column(String(30), nullable=False)
    due_at = Column(UTCDateTime, nullable=False)
    detected_at = Column(UTCDateTime, nullable=False, default=utcnow)


class DealCustomer(Base):
    """Which crm customer a deal (认购 → 签约) of the contracts service belongs to, learnt from
    subscription_approved; the later deal events carry only the deal id."""

    __tablename__ = "deal_customers"
    __table_args__ = (Index("ix_deal_customers_project_subscribed", "project_id", "subscribed_at"),)
    deal_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    customer_id = Column(ID, ForeignKey("customers.id"), index=True)  # None: the buyer's phone was no mobile
    advisor_id = Column(ID)
    unit_id = Column(ID)  # moved by 换房 (deal_unit_swapped)
    unit_label = Column(String(100))
    # [{name, phone, share}] after a 更名 (buyers_changed); None: the subscription's one buyer
    buyers = Column(JSON)
    status = Column(String(12), nullable=False)  # subscribed, signed, handed_over, cancelled
    subscribed_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)


class CustomerStatusChange(Base):
    """Every change of a customer's status (lead → subscribed → signed, → lost, back to
    lead), with the deal that caused it and the advisor credited: the funnel counts these."""

    __tablename__ = "customer_status_changes"
    __table_args__ = (Index("ix_customer_status_changes_project_at", "project_id", "at"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    customer_id = Column(ID, ForeignKey("customers.id"), nullable=False, index=True)
    advisor_id = Column(ID)
    from_status = Column(String(12), nullable=False)
    to_status = Column(String(12), nullable=False)
    deal_id = Column(ID)
    at = Column(UTCDateTime, nullable=False)


class CareTask(Base):
    """回访: the satisfaction visit owed within 30 days after handover, on the owner's list
    until a survey closes it; one per deal."""

    __tablename__ = "care_tasks"
    __table_args__ = (UniqueConstraint("deal_id", "kind", name="uq_care_tasks_deal_kind"),
                      Index("ix_care_tasks_project_status_due", "project_id", "status", "due_at"))
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    customer_id = Column(ID, ForeignKey("customers.id"), nullable=False, index=True)
    deal_id = Column(ID)
    kind = Column(String(30), nullable=False)  # satisfaction_visit
    owner_id = Column(ID, index=True)
    due_at = Column(UTCDateTime, nullable=False)
    status = Column(String(10), nullable=False, default="open", server_default="open")  # open, done
    survey_id = Column(ID)
    done_at = Column(UTCDateTime)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Complaint(Base):
    """投诉: filed against the site (and optionally about a customer's advisor), handled by
    its owner by a deadline; serious and critical ones are escalated to the managers."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_project_status_deadline", "project_id", "status", "deadline"),
                      Index("ix_complaints_project_created", "project_id", "created_at"))
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    customer_id = Column(ID, ForeignKey("customers.id"), index=True)
    advisor_id = Column(ID, index=True)  # the advisor the complaint is about (default: the customer's owner)
    category = Column(String(30), nullable=False)
    severity = Column(String(10), nullable=False)
    description = Column(Text, nullable=False)
    owner_id = Column(ID, nullable=False, index=True)
    escalated = Column(Boolean, nullable=False, default=False, server_default=text("false"))
    deadline = Column(UTCDateTime, nullable=False)
    status = Column(String(10), nullable=False, default="open", server_default="open")  # open, resolved
    resolution = Column(Text)
    resolved_by = Column(ID)
    resolved_at = Column(UTCDateTime)
    filed_by = Column(ID, nullable=False)
    filed_by_name = Column(String(80))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Survey(Base):
    """满意度回访: a customer's score (1–5) of the service, credited to the advisor who served them."""

    __tablename__ = "surveys"
    __table_args__ = (Index("ix_surveys_project_at", "project_id", "at"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    customer_id = Column(ID, ForeignKey("customers.id"), nullable=False, index=True)
    advisor_id = Column(ID, index=True)
    deal_id = Column(ID)
    score = Column(Integer, nullable=False)
    comments = Column(Text)
    by_id = Column(ID, nullable=False)
    by_name = Column(String(80))
    at = Column(UTCDateTime, nullable=False, default=utcnow)


# (crm-care adds its tables here)


# channels (渠道分销: channels, brokers, 报备, 带看, 判客 appeals, risk alerts) ------------------
CHANNEL_GRADES = ("A", "B", "C")
CHANNEL_STATUSES = ("active", "suspended")
BROKER_STATUSES = ("active", "disabled")
REPORT_STATUSES = ("valid", "visited", "rejected", "lapsed")
APPEAL_DECISIONS = ("to_channel", "to_site", "dismiss")
RISK_KINDS = ("report_before_deal", "many_channels", "owner_change", "mobile_change", "high_conversion")


class Channel(Base):
    """A distribution company (分销商) of the agency, under contract: its grade, its commission
    terms as agreed (finance computes the commission) and the projects it may report to."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("agency_id", "name", name="uq_channels_agency_name"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    name = Column(String(100), nullable=False)
    grade = Column(String(1), nullable=False)
    contract_no = Column(String(50))
    commission_terms = Column(String(500))
    project_ids = Column(JSON, nullable=False)  # the active projects it reports to
    status = Column(String(10), nullable=False, default="active", server_default="active")
    created_by = Column(ID)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Broker(Base):
    """经纪人: a channel's broker, or a 全民经纪人 (no channel: an owner, a friend) who signed up."""

    __tablename__ = "brokers"
    __table_args__ = (UniqueConstraint("agency_id", "mobile", name="uq_brokers_agency_mobile"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    channel_id = Column(ID, ForeignKey("channels.id"), index=True)  # None: 全民经纪人
    name = Column(String(50), nullable=False)
    mobile = Column(String(11), nullable=False)
    status = Column(String(10), nullable=False, default="active", server_default="active")
    created_by = Column(ID)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class ChannelSetting(Base):
    """A project's 判客 rules (missing row: the defaults of channel_rules.Settings)."""

    __tablename__ = "channel_settings"
    project_id = Column(ID, primary_key=True, autoincrement=False)
    agency_id = Column(ID, nullable=False, index=True)
    report_valid_hours = Column(Integer, nullable=False)
    protection_days = Column(Integer, nullable=False)
    site_protection_wins = Column(Boolean, nullable=False)
    updated_by = Column(ID)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)


class ChannelReportKey(Base):
    """One row per project and 前三后四: every report of that 3+4 locks it (and bumps its
    version by a conditional update) before it is judged, so reports of one customer by
    several channels at once are judged one after the other: exactly one is first."""

    __tablename__ = "channel_report_keys"
    project_id = Column(ID, primary_key=True, autoincrement=False)
    mobile_key = Column(String(11), primary_key=True)
    agency_id = Column(ID, nullable=False, index=True)
    holder_report_id = Column(ID)  # the last report judged valid
    version = Column(Integer, nullable=False, default=1, server_default="1")


class ChannelReport(Base):
    """报备 by a broker: the customer (full mobile, or only its 前三后四 until the visit), the
    expected visit, the 判客 verdict given at once, the hashed one-time 带看码, and what the
    visit made of it."""

    __tablename__ = "channel_reports"
    __table_args__ = (Index("ix_channel_reports_project_key", "project_id", "mobile_key"),
                      Index("ix_channel_reports_status_valid_until", "status", "valid_until"),
                      UniqueConstraint("project_id", "code_hash", name="uq_channel_reports_code"))
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    broker_id = Column(ID, ForeignKey("brokers.id"), nullable=False, index=True)
    broker_name = Column(String(50), nullable=False)
    channel_id = Column(ID, ForeignKey("channels.id"), index=True)  # None: a 全民经纪人's
    channel_name = Column(String(100))
    customer_name = Column(String(50), nullable=False)
    mobile = Column(String(11))  # the full number; None until the visit when only 前三后四 were given
    mobile_key = Column(String(11), nullable=False)  # 138****5678
    expected_visit_at = Column(UTCDateTime)
    status = Column(String(10), nullable=False)  # valid, visited, rejected, lapsed
    reason = Column(String(30), nullable=False)  # channel_rules.REASONS
    against_report_id = Column(ID)  # the report that was first
    site_customer_ids = Column(JSON)  # a hidden number: the site's customers of its 3+4 that held
    code_hash = Column(String(64))  # sha256 of the 带看码; None when rejected at once
    valid_until = Column(UTCDateTime)
    visited_at = Column(UTCDateTime)
    protected_until = Column(UTCDateTime)  # the channel's protection after the visit
    customer_id = Column(ID, ForeignKey("customers.id"), index=True)
    attributed = Column(Boolean, nullable=False, default=False, server_default=text("false"))  # the bringer now
    filed_by = Column(ID)
    filed_by_name = Column(String(80))
    filed_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class ChannelVisit(Base):
    """带看 verification: a 带看码 checked at reception, with when, by whom and its 判客 result."""

    __tablename__ = "channel_visits"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    report_id = Column(ID, ForeignKey("channel_reports.id"), nullable=False, index=True)
    customer_id = Column(ID, ForeignKey("customers.id"))
    result = Column(String(10), nullable=False)  # visited, rejected, lapsed
    reason = Column(String(30), nullable=False)
    receptionist_id = Column(ID, nullable=False)
    receptionist_name = Column(String(80))
    at = Column(UTCDateTime, nullable=False, default=utcnow)


class ChannelAppeal(Base):
    """申诉 of a 判客 verdict by a broker or an advisor, with its reason and attachments, and the
    manager's ruling with its evidence (kept, once)."""

    __tablename__ = "channel_appeals"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False, index=True)
    report_id = Column(ID, ForeignKey("channel_reports.id"), nullable=False, index=True)
    broker_id = Column(ID, ForeignKey("brokers.id"))  # the appealing broker (else a staff member's)
    reason = Column(Text, nullable=False)
    attachments = Column(JSON, nullable=False)  # references: document ids, file names, links
    status = Column(String(10), nullable=False, default="open", server_default="open")  # open, ruled
    decision = Column(String(12))  # to_channel, to_site, dismiss
    ruling = Column(Text)
    evidence = Column(JSON)
    filed_by = Column(ID)  # None: the broker filed it on their phone (broker_id)
    filed_by_name = Column(String(80))
    filed_at = Column(UTCDateTime, nullable=False, default=utcnow)
    ruled_by = Column(ID)
    ruled_by_name = Column(String(80))
    ruled_at = Column(UTCDateTime)


class ChannelRiskAlert(Base):
    """渠道风控: a pattern the manager should look at, with its facts."""

    __tablename__ = "channel_risk_alerts"
    __table_args__ = (Index("ix_channel_risk_alerts_project_at", "project_id", "at"),)
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    project_id = Column(ID, nullable=False)
    kind = Column(String(20), nullable=False)
    report_id = Column(ID, ForeignKey("channel_reports.id"))
    customer_id = Column(ID, ForeignKey("customers.id"))
    broker_id = Column(ID, ForeignKey("brokers.id"))
    mobile_key = Column(String(11))
    facts = Column(JSON, nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
