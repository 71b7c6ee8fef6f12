"""inventory (销控) tables. Every business table carries agency_id and project_id and is
indexed for per-project queries, so one project's board does not slow as the agency grows."""
from sqlalchemy import (Column, Date, ForeignKey, Index, Integer, MetaData, String,
                        UniqueConstraint, text)
from sqlalchemy.orm import declarative_base

from loupan.tables import ID, inbox_table, outbox_table
from loupan.types import Decimal2, UTCDateTime, utcnow

metadata = MetaData()
Base = declarative_base(metadata=metadata)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)


class Project(Base):
    """项目/楼盘, run for a developer (开发商) by an agency."""

    __tablename__ = "projects"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False, index=True)
    name = Column(String(200), nullable=False)
    city = Column(String(100), nullable=False)
    developer_name = Column(String(200), nullable=False)
    hold_minutes = Column(Integer, nullable=False, default=1440)
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
    __table_args__ = (
        # the backstop behind the conditional update: one active hold per unit, ever
        Index("uq_holds_one_active_per_unit", "unit_id", unique=True,
              postgresql_where=text("status = 'active'"), sqlite_where=text("status = 'active'")),
        Index("ix_holds_active_expiry", "expires_at",
              postgresql_where=text("status = 'active'"), sqlite_where=text("status = 'active'")),
        Index("ix_holds_project", "project_id", "status"),
        Index("uq_holds_buyer_slot", "project_id", "customer_phone", "buyer_slot", unique=True,
              postgresql_where=text("status = 'active'"), sqlite_where=text("status = 'active'")),
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
