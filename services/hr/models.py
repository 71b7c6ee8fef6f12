"""hr tables: agencies and staff accounts (login, role, projects they may act on)."""
from sqlalchemy import Boolean, Column, ForeignKey, Index, MetaData, String
from sqlalchemy.orm import declarative_base

from loupan.tables import ID, inbox_table, outbox_table
from loupan.types import UTCDateTime, utcnow

metadata = MetaData()
Base = declarative_base(metadata=metadata)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)


class Agency(Base):
    """代理公司: the tenant every record belongs to."""

    __tablename__ = "agencies"
    id = Column(ID, primary_key=True, autoincrement=True)
    name = Column(String(200), nullable=False, unique=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Account(Base):
    __tablename__ = "accounts"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, ForeignKey("agencies.id"), nullable=False, index=True)
    username = Column(String(80), nullable=False, unique=True)
    password_hash = Column(String(300), nullable=False)
    full_name = Column(String(100), nullable=False)
    role = Column(String(30), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    created_by = Column(ID)


class AccountProject(Base):
    """The projects a (non-director) account may act on."""

    __tablename__ = "account_projects"
    account_id = Column(ID, ForeignKey("accounts.id"), primary_key=True)
    project_id = Column(ID, primary_key=True)
    agency_id = Column(ID, nullable=False)
    __table_args__ = (Index("ix_account_projects_project", "agency_id", "project_id"),)
