"""inventory (销控) tables. Every business table carries agency_id and project_id and is
indexed for per-project queries, so one project's board does not slow as the agency grows."""
from sqlalchemy import (Boolean, Column, Date, ForeignKey, Index, Integer, LargeBinary, MetaData, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import declarative_base, deferred

from loupan.reveals import data_reveals_table
from loupan.commands import commands_table
from loupan.schemas.inventory_catalog import DEFAULT_HOLD_MINUTES
from loupan.tables import ID, inbox_table, outbox_table
from loupan.types import Decimal2, UTCDateTime, utcnow

metadata = MetaData()
Base = declarative_base(metadata=metadata)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
commands = commands_table(metadata)  # commands done once (loupan.commands)
data_reveals = data_reveals_table(  # full numbers shown to managers (loupan.reveals)
    metadata, Column("registration_id", ID))  # a 认筹 shown with its mobile and ID number in full


class Project(Base):
    """项目/楼盘, run for a developer (开发商) by an agency."""

    __tablename__ = "projects"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    name = Column(String(200), nullable=False)
    city = Column(String(100), nullable=False)
    developer_name = Column(String(200), nullable=False)
    hold_minutes = Column(Integer, nullable=False, default=DEFAULT_HOLD_MINUTES)
    # one buyer (phone) may hold at most this many units of the project at once
    max_holds_per_buyer = Column(Integer, nullable=False, default=1, server_default="1")
    # the discount (percent of list price) an advisor may give alone; beyond it a manager approves
    advisor_discount_pct = Column(Decimal2, nullable=False, default=0, server_default="0")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (UniqueConstraint("agency_id", "name", name="uq_project_name"),)


class Building(Base):
    """楼栋, with its 预售许可证 (presale permit) number once granted."""

    __tablename__ = "buildings"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, ForeignKey("projects.id"), nullable=False, index=True)
    name = Column(String(100), nullable=False)
    permit_no = Column(String(100))
    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_building_name"),)


class Unit(Base):
    """房源. `status` changes only through conditional updates (see domain.py)."""

    __tablename__ = "units"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, ForeignKey("projects.id"), nullable=False)
    building_id = Column(ID, ForeignKey("buildings.id"), nullable=False)
    number = Column(String(40), nullable=False)
    floor = Column(Integer, nullable=False)
    layout = Column(String(40), nullable=False)
    orientation = Column(String(20), nullable=False)
    property_type = Column(String(20), nullable=False)
    gross_area = Column(Decimal2, nullable=False)
    net_area = Column(Decimal2, nullable=False)
    list_price = Column(Decimal2, nullable=False)
    base_price = Column(Decimal2, nullable=False)
    decoration = Column(String(40))
    delivery_date = Column(Date)
    status = Column(String(20), nullable=False, default="unreleased")
    status_changed_at = Column(UTCDateTime, nullable=False, default=utcnow)
    deal_id = Column(ID)  # the contracts deal the unit belongs to once subscribed
    advisor_id = Column(ID)  # the advisor of the current hold or deal
    __table_args__ = (
        UniqueConstraint("building_id", "number", name="uq_unit_number"),
        Index("ix_units_project_status", "project_id", "status"),
        Index("ix_units_project_building", "project_id", "building_id", "floor"),
    )


class Hold(Base):
    """预留: a unit kept for one customer by one advisor until `expires_at`."""

    __tablename__ = "holds"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    unit_id = Column(ID, ForeignKey("units.id"), nullable=False)
    customer_name = Column(String(100), nullable=False)
    customer_phone = Column(String(20), nullable=False)
    advisor_id = Column(ID)
    status = Column(String(20), nullable=False, default="active")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)
    # which of the buyer's max_holds_per_buyer slots this hold takes (unique while active)
    buyer_slot = Column(Integer, nullable=False, default=1, server_default="1")
    special_price = Column(Decimal2)  # an approved discount price the subscription must use
    deal_id = Column(ID)  # set when the hold becomes a subscription (status converted)
    ended_at = Column(UTCDateTime)
    ended_reason = Column(String(200))
    # 选房: a hold a buyer took on their phone, in a launch, for their 认筹 registration
    launch_id = Column(ID)
    registration_id = Column(ID)
    __table_args__ = (
        # the backstop behind the conditional update: one active hold per unit, ever
        Index("uq_holds_one_active_per_unit", "unit_id", unique=True,
              postgresql_where=text("status = 'active'"), sqlite_where=text("status = 'active'")),
        Index("ix_holds_active_expiry", "expires_at",
              postgresql_where=text("status = 'active'"), sqlite_where=text("status = 'active'")),
        Index("ix_holds_project", "project_id", "status"),
        Index("uq_holds_buyer_slot", "project_id", "customer_phone", "buyer_slot", unique=True,
              postgresql_where=text("status = 'active'"), sqlite_where=text("status = 'active'")),
        Index("ix_holds_registration", "registration_id",
              postgresql_where=text("registration_id IS NOT NULL"), sqlite_where=text("registration_id IS NOT NULL")),
    )


class UnitHistory(Base):
    """Every status change of a unit: who, when, why."""

    __tablename__ = "unit_history"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    unit_id = Column(ID, ForeignKey("units.id"), nullable=False, index=True)
    from_status = Column(String(20))
    to_status = Column(String(20), nullable=False)
    actor_id = Column(ID)
    actor_name = Column(String(80))
    advisor_id = Column(ID)  # the advisor responsible for the unit at that moment
    reason = Column(String(200))
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (Index("ix_unit_history_project_day", "project_id", "at"),)


class ReleaseSchedule(Base):
    """推盘计划: units to release at `run_at`, chosen by building (and floor range) and/or by
    the unit list in release_schedule_units. status: scheduled -> done | failed | cancelled."""

    __tablename__ = "release_schedules"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, ForeignKey("projects.id"), nullable=False)
    run_at = Column(UTCDateTime, nullable=False)
    building_id = Column(ID, ForeignKey("buildings.id"))
    floor_from = Column(Integer)
    floor_to = Column(Integer)
    status = Column(String(20), nullable=False, default="scheduled")
    created_by = Column(ID)
    created_by_name = Column(String(80))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    ran_at = Column(UTCDateTime)
    released_count = Column(Integer)
    message = Column(String(500))
    __table_args__ = (
        Index("ix_release_schedules_project", "project_id", "run_at"),
        Index("ix_release_schedules_due", "run_at",
              postgresql_where=text("status = 'scheduled'"), sqlite_where=text("status = 'scheduled'")),
    )


class ReleaseScheduleUnit(Base):
    """A unit named in a release schedule's unit list."""

    __tablename__ = "release_schedule_units"
    schedule_id = Column(ID, ForeignKey("release_schedules.id"), primary_key=True)
    unit_id = Column(ID, ForeignKey("units.id"), primary_key=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False, index=True)


class UnitImport(Base):
    """A spreadsheet import of units (or its dry run), checked and applied in the background
    so that a large file shows progress. status: queued -> running -> done | failed.
    The upload only records the job with its file (`content`) and the uploader (`actor`);
    inventory's import queue (services/inventory/import_queue.py) runs it and clears both
    when it ends. A running job whose heartbeat stops (its process died) is queued again."""

    __tablename__ = "unit_imports"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, ForeignKey("projects.id"), nullable=False)
    status = Column(String(12), nullable=False, default="queued")
    dry_run = Column(Boolean, nullable=False, default=False)
    total_rows = Column(Integer, nullable=False, default=0)
    processed_rows = Column(Integer, nullable=False, default=0)
    imported_rows = Column(Integer, nullable=False, default=0)
    errors = Column(Text, nullable=False, default="[]")  # JSON list of {row, number, reasons}
    created_by = Column(ID, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    finished_at = Column(UTCDateTime)
    content = deferred(Column(LargeBinary))  # the .xlsx until the job ends (read by the job only)
    actor = Column(Text)  # JSON: the uploader, whose rights the job applies with; cleared at the end
    error_code = Column(String(40))  # why the whole file failed (MISSING_COLUMNS, TOO_MANY_ROWS, ...)
    attempts = Column(Integer, nullable=False, default=0, server_default="0")
    started_at = Column(UTCDateTime)
    heartbeat_at = Column(UTCDateTime)  # a running job's last sign of life
    __table_args__ = (Index("ix_unit_imports_project", "project_id", "created_at"),
                      Index("ix_unit_imports_status", "status", "id"))


class PriceList(Base):
    """价目表: one version of a project's prices, a full price set in price_list_items.
    status: draft -> published -> superseded (a discarded draft is deleted). One draft per
    project at a time, so a draft is always made from the current prices."""

    __tablename__ = "price_lists"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, ForeignKey("projects.id"), nullable=False)
    version = Column(Integer, nullable=False)
    status = Column(String(20), nullable=False, default="draft")
    note = Column(String(500), nullable=False, default="")
    adjustments = Column(Text, nullable=False, default="[]")  # JSON: the 调价 rules it was made by
    needs_director_approval = Column(Boolean, nullable=False, default=False)
    approved_by = Column(ID)
    approved_at = Column(UTCDateTime)
    created_by = Column(ID, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    published_by = Column(ID)
    published_at = Column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("project_id", "version", name="uq_price_list_version"),
        Index("uq_price_lists_one_draft", "project_id", unique=True,
              postgresql_where=text("status = 'draft'"), sqlite_where=text("status = 'draft'")),
    )


class PriceListItem(Base):
    """One unit's total price in a price list version, and its price before that version."""

    __tablename__ = "price_list_items"
    price_list_id = Column(ID, ForeignKey("price_lists.id"), primary_key=True)
    unit_id = Column(ID, ForeignKey("units.id"), primary_key=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    list_price = Column(Decimal2, nullable=False)
    previous_price = Column(Decimal2, nullable=False)
    __table_args__ = (Index("ix_price_list_items_project_unit", "project_id", "unit_id"),)


class DiscountRequest(Base):
    """折扣 request on a hold: within the advisor's range it is approved and in effect at once;
    beyond it a manager decides, below the unit's 底价 a director, and an approved special price
    takes effect when the assistant (内勤) executes it (executed_at). status: pending -> approved |
    rejected."""

    __tablename__ = "discount_requests"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, ForeignKey("projects.id"), nullable=False)
    hold_id = Column(ID, ForeignKey("holds.id"), nullable=False)
    unit_id = Column(ID, ForeignKey("units.id"), nullable=False)
    list_price = Column(Decimal2, nullable=False)
    requested_price = Column(Decimal2, nullable=False)
    discount_pct = Column(Decimal2, nullable=False)
    reason = Column(String(500), nullable=False)
    status = Column(String(20), nullable=False, default="pending")
    needs_director = Column(Boolean, nullable=False, default=False)
    requested_by = Column(ID, nullable=False)
    requested_at = Column(UTCDateTime, nullable=False, default=utcnow)
    decided_by = Column(ID)
    decided_at = Column(UTCDateTime)
    note = Column(String(500))
    executed_by = Column(ID)
    executed_at = Column(UTCDateTime)
    __table_args__ = (
        Index("ix_discount_requests_project_status", "project_id", "status"),
        Index("uq_discount_requests_one_pending", "hold_id", unique=True,
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
    )


# 认购/换房 backstop behind the conditional updates: a deal sits on one unit at a time
Index("uq_units_one_per_deal", Unit.deal_id, unique=True,
      postgresql_where=text("deal_id IS NOT NULL"), sqlite_where=text("deal_id IS NOT NULL"))


class Launch(Base):
    """开盘活动: a batch of a project's units (launch_units) sold on one day, by 摇号 then
    ordered 选房 in windows (mode lottery) or first valid request wins (race). status moves
    by launch_rules.ACTIONS only, each move with its launch_history row; paused_from is the
    state a paused launch resumes to. registrations_count numbers the 认筹 (RC-0001, ...)."""

    __tablename__ = "launches"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, ForeignKey("projects.id"), nullable=False)
    name = Column(String(100), nullable=False)
    mode = Column(String(10), nullable=False)
    opens_at = Column(UTCDateTime, nullable=False)
    window_size = Column(Integer, nullable=False)  # buyers per selection window
    window_minutes = Column(Integer, nullable=False)
    units_per_buyer = Column(Integer, nullable=False, default=1)
    attempt_limit = Column(Integer, nullable=False, default=2)  # race: attempts per unit per cooldown
    attempt_cooldown_minutes = Column(Integer, nullable=False, default=30)
    deposit_amount = Column(Decimal2, nullable=False)  # 诚意金, 0 when none is asked
    priority_quotas = Column(Text, nullable=False, default="[]")  # JSON [{group, quota}], in priority order
    status = Column(String(20), nullable=False, default="draft")
    paused_from = Column(String(20))
    pause_reason = Column(String(200))
    registrations_count = Column(Integer, nullable=False, default=0)
    created_by = Column(ID, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # 选房, lottery: the current window (1 first) and when it opened, moved by conditional
    # updates on both (selection.py); each window's times in launch_windows
    window_number = Column(Integer)
    window_opened_at = Column(UTCDateTime)
    __table_args__ = (Index("ix_launches_project", "project_id", "opens_at"),)


class LaunchWindow(Base):
    """A lottery launch's selection window as it ran: when and why it opened and closed
    (start, time, early: everyone in it finished, resume, finish)."""

    __tablename__ = "launch_windows"
    launch_id = Column(ID, ForeignKey("launches.id"), primary_key=True)
    number = Column(Integer, primary_key=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    opened_at = Column(UTCDateTime, nullable=False)
    opened_reason = Column(String(10), nullable=False)
    closed_at = Column(UTCDateTime)
    closed_reason = Column(String(10))


class LaunchAttempt(Base):
    """Race mode: every hold a buyer tried on a unit (counted against attempt_limit per
    attempt_cooldown_minutes), kept so that a restart forgets none."""

    __tablename__ = "launch_attempts"
    id = Column(ID, primary_key=True, autoincrement=True)
    launch_id = Column(ID, ForeignKey("launches.id"), nullable=False)
    registration_id = Column(ID, nullable=False)
    unit_id = Column(ID, nullable=False)
    at = Column(UTCDateTime, nullable=False)
    __table_args__ = (Index("ix_launch_attempts_buyer_unit", "registration_id", "unit_id", "at"),)


class LaunchRefusal(Base):
    """A buyer's hold refused (NOT_YOUR_WINDOW, UNIT_NOT_AVAILABLE, HOLD_ATTEMPTS_EXCEEDED, ...):
    its code and when, for the launch's report (launch_report.py). Written by the entrypoint
    after the refusal, in a transaction of its own."""

    __tablename__ = "launch_refusals"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    launch_id = Column(ID, ForeignKey("launches.id"), nullable=False)
    registration_id = Column(ID, nullable=False)
    unit_id = Column(ID)
    code = Column(String(40), nullable=False)
    at = Column(UTCDateTime, nullable=False)
    __table_args__ = (Index("ix_launch_refusals_launch", "launch_id", "code"),)


class LaunchUnit(Base):
    """A unit of a launch's batch."""

    __tablename__ = "launch_units"
    launch_id = Column(ID, ForeignKey("launches.id"), primary_key=True)
    unit_id = Column(ID, ForeignKey("units.id"), primary_key=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False, index=True)


class LaunchHistory(Base):
    """Every status change of a launch: the action, who, when and why."""

    __tablename__ = "launch_history"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    launch_id = Column(ID, ForeignKey("launches.id"), nullable=False, index=True)
    action = Column(String(30), nullable=False)
    from_status = Column(String(20))
    to_status = Column(String(20), nullable=False)
    actor_id = Column(ID)
    actor_name = Column(String(80))
    reason = Column(String(200))
    at = Column(UTCDateTime, nullable=False, default=utcnow)


class LaunchRegistration(Base):
    """认筹: a buyer registered for a launch by a staff member (advisor_id), perhaps through a
    channel, with the 诚意金 paid (the finance receipt's number) and the 购房资格 review.
    status: registered -> cancelled; eligibility: pending -> eligible | ineligible. The ID
    number is kept in full and answered masked but to managers and directors."""

    __tablename__ = "launch_registrations"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    launch_id = Column(ID, ForeignKey("launches.id"), nullable=False)
    seq = Column(Integer, nullable=False)
    number = Column(String(20), nullable=False)
    buyer_name = Column(String(50), nullable=False)
    id_number = Column(String(18), nullable=False)
    mobile = Column(String(20), nullable=False)
    advisor_id = Column(ID, nullable=False)  # the staff member who took it
    advisor_name = Column(String(80))
    channel_name = Column(String(100))  # the channel (分销商, broker) it came through
    priority_group = Column(String(20))
    status = Column(String(12), nullable=False, default="registered")
    eligibility = Column(String(12), nullable=False, default="pending")
    review_note = Column(String(500))
    review_documents = Column(Text, nullable=False, default="[]")  # JSON list of file names or ids
    reviewed_by = Column(ID)
    reviewed_by_name = Column(String(80))
    reviewed_at = Column(UTCDateTime)
    deposit_amount = Column(Decimal2)  # 诚意金 paid
    deposit_receipt_no = Column(String(60))
    deposit_recorded_by = Column(ID)
    deposit_paid_at = Column(UTCDateTime)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    cancelled_by = Column(ID)
    cancelled_at = Column(UTCDateTime)
    cancel_reason = Column(String(200))
    gave_up_at = Column(UTCDateTime)  # 放弃: the buyer ended their 选房 turn
    __table_args__ = (
        UniqueConstraint("launch_id", "seq", name="uq_launch_registration_seq"),
        # one registration per ID number per launch (a cancelled one frees it)
        Index("uq_launch_registrations_id_number", "launch_id", "id_number", unique=True,
              postgresql_where=text("status = 'registered'"), sqlite_where=text("status = 'registered'")),
        Index("ix_launch_registrations_project", "project_id", "launch_id"),
    )


class LaunchDraw(Base):
    """摇号 of a lottery launch: the list published with the seed's commitment, then the draw
    (seed revealed, public value, order). Written twice, each by a conditional update: the
    publication once, the draw once (drawn_at IS NULL); nothing changes it afterwards."""

    __tablename__ = "launch_draws"
    launch_id = Column(ID, ForeignKey("launches.id"), primary_key=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False, index=True)
    published = Column(Text, nullable=False)  # JSON: the entries and quotas as published
    list_digest = Column(String(64), nullable=False)
    seed_commitment = Column(String(64), nullable=False)
    published_by = Column(ID, nullable=False)
    published_at = Column(UTCDateTime, nullable=False)
    seed = Column(String(200))
    public_value = Column(String(200))
    result = Column(Text)  # JSON: the order
    result_digest = Column(String(64))
    drawn_by = Column(ID)
    drawn_by_name = Column(String(80))
    drawn_at = Column(UTCDateTime)
